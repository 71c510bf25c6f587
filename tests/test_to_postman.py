"""converter.to_postman: the exported collection, field by field, against the official
v2.1 schema, and (with newman) sending what to-curl sends for definitions the curl
round trip cannot produce (oauth2, GET with a body, key-only query parameters, …)."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from converter.errors import ConverterError
from converter.to_curl import load_definitions, render_action
from converter.to_postman import SCHEMA_URL, to_postman
from tests.echo_server import EchoServer, compare_requests
from tests.test_roundtrip_postman import NEWMAN, _PRELOAD_JS, run_curl_script, strip_client_defaults

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((Path(__file__).parent / "data" / "postman-collection-v2.1.0.schema.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
CASES = sorted((ROOT / "fixtures" / "cases").glob("*/expected.yaml"))


def attrs(block: list[dict]) -> dict:
    assert all(a["type"] == "string" for a in block)
    return {a["key"]: a["value"] for a in block}


def collection(connectors, actions, name="test") -> dict:
    doc = to_postman(connectors, actions, name=name)
    errors = sorted(VALIDATOR.iter_errors(doc), key=str)
    assert not errors, errors[0].message
    return doc


def conn(name="acme", **auth) -> dict:
    c = {"name": name, "base_url": "https://api.acme.com"}
    c.update(auth or {"auth_config": "no_auth"})
    return c


def act(**fields) -> dict:
    a = {"name": "get_things", "connector": "acme", "method": "GET", "path": "/v1/things"}
    a.update(fields)
    return a


# --- the whole document ---------------------------------------------------------------------


def test_openai_example_exactly():
    connectors = [{"name": "openai", "base_url": "https://api.openai.com", "auth_config": "api_key_auth",
                   "api_key_auth": {"auth_type": "header_auth", "header_auth_key": "Authorization",
                                    "header_auth_value_pattern": "Bearer %s", "api_key": "<<OPENAI_API_KEY>>"}}]
    actions = [{"name": "get_models", "connector": "openai", "method": "GET", "path": "/v1/models"}]
    assert collection(connectors, actions, name="openai") == {
        "info": {
            "name": "openai",
            "description": "Exported by curl2connector. Fill the empty variables (secrets: in an environment, "
                           "not in this file) before sending.",
            "schema": SCHEMA_URL,
        },
        "item": [{
            "name": "openai",
            "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{OPENAI_API_KEY}}", "type": "string"}]},
            "item": [{
                "name": "get_models",
                "request": {
                    "method": "GET",
                    "header": [],
                    "url": {"raw": "https://api.openai.com/v1/models", "protocol": "https",
                            "host": ["api", "openai", "com"], "path": ["v1", "models"]},
                },
            }],
        }],
        "variable": [{"key": "OPENAI_API_KEY", "value": "", "type": "string",
                      "description": "A placeholder (often a secret): set it in a Postman environment, not here."}],
    }


@pytest.mark.parametrize("path", CASES, ids=[p.parent.name for p in CASES])
def test_every_fixture_case_validates(path):
    connectors, actions = load_definitions(path)
    doc = collection(connectors, actions, name=path.parent.name)
    assert [f["name"] for f in doc["item"]] == [c["name"] for c in connectors]
    assert sorted(i["name"] for f in doc["item"] for i in f["item"]) == sorted(a["name"] for a in actions)
    text = json.dumps(doc)
    assert "<<" not in text and "{{{" not in text  # every token translated


def test_output_is_deterministic_and_json_ready():
    connectors, actions = load_definitions(ROOT / "fixtures" / "cases" / "mailgun_send_message" / "expected.yaml")
    first = json.dumps(to_postman(connectors, actions), sort_keys=False)
    assert first == json.dumps(to_postman(connectors, actions), sort_keys=False)


def test_unknown_connector_is_an_error():
    with pytest.raises(ConverterError) as info:
        to_postman([conn()], [act(connector="nope")])
    assert info.value.code == "unknown-connector"
    assert info.value.message == "action 'get_things' refers to an unknown connector 'nope' (defined: acme)"


def test_connector_without_actions_is_an_empty_folder_and_description_is_kept():
    doc = collection([conn(description="The Acme API."), conn("other")], [act()])
    assert [(f["name"], len(f["item"]), f.get("description")) for f in doc["item"]] == [
        ("acme", 1, "The Acme API."), ("other", 0, None)]


# --- auth ------------------------------------------------------------------------------------------


def folder_auth(c: dict) -> dict:
    return collection([c], [act()])["item"][0]["auth"]


def test_no_auth():
    assert folder_auth(conn()) == {"type": "noauth"}


def test_header_auth_bearer_and_other_patterns():
    def header(key, pattern):
        return conn(auth_config="api_key_auth", api_key_auth={
            "auth_type": "header_auth", "header_auth_key": key, "header_auth_value_pattern": pattern,
            "api_key": "<<ACME_API_KEY>>"})

    assert folder_auth(header("authorization", "Bearer %s")) == {
        "type": "bearer", "bearer": [{"key": "token", "value": "{{ACME_API_KEY}}", "type": "string"}]}
    # Anything but exactly "Bearer %s" keeps its own bytes through the apikey type.
    auth = folder_auth(header("Authorization", "bearer %s"))
    assert auth["type"] == "apikey"
    assert attrs(auth["apikey"]) == {"key": "Authorization", "value": "bearer {{ACME_API_KEY}}", "in": "header"}
    auth = folder_auth(header("Authorization", "Token token=%s, 100%% real"))
    assert attrs(auth["apikey"]) == {"key": "Authorization", "value": "Token token={{ACME_API_KEY}}, 100% real",
                                     "in": "header"}
    assert attrs(folder_auth(header("X-Api-Key", "%s"))["apikey"]) == {
        "key": "X-Api-Key", "value": "{{ACME_API_KEY}}", "in": "header"}


def test_param_auth():
    auth = folder_auth(conn(auth_config="api_key_auth", api_key_auth={
        "auth_type": "param_auth", "param_auth_param_name": "key", "api_key": "<<ACME_API_KEY>>"}))
    assert auth["type"] == "apikey"
    assert attrs(auth["apikey"]) == {"key": "key", "value": "{{ACME_API_KEY}}", "in": "query"}


def test_basic_auth():
    auth = folder_auth(conn(auth_config="basic_auth", basic_auth={"username": "<<ACME_USERNAME>>",
                                                                  "password": "<<ACME_PASSWORD>>"}))
    assert auth == {"type": "basic", "basic": [
        {"key": "username", "value": "{{ACME_USERNAME}}", "type": "string"},
        {"key": "password", "value": "{{ACME_PASSWORD}}", "type": "string"}]}


def test_oauth2_grant_settings_and_the_token_to_curl_uses():
    c = conn(auth_config="oauth2", oauth2={
        "grant_type": "password", "token_url": "https://login.acme.com/oauth/token",
        "client_id": "<<ACME_CLIENT_ID>>", "client_secret": "<<ACME_CLIENT_SECRET>>", "scope": "read write",
        "username": "<<ACME_USERNAME>>", "password": "<<ACME_PASSWORD>>", "client_authentication": "basic_header"})
    doc = collection([c], [act()])
    assert attrs(doc["item"][0]["auth"]["oauth2"]) == {
        "accessToken": "{{ACME_ACCESS_TOKEN}}", "tokenType": "Bearer", "addTokenTo": "header",
        "headerPrefix": "Bearer", "grant_type": "password_credentials",
        "accessTokenUrl": "https://login.acme.com/oauth/token", "clientId": "{{ACME_CLIENT_ID}}",
        "clientSecret": "{{ACME_CLIENT_SECRET}}", "scope": "read write", "username": "{{ACME_USERNAME}}",
        "password": "{{ACME_PASSWORD}}", "client_authentication": "header"}
    assert [v["key"] for v in doc["variable"]] == [
        "ACME_ACCESS_TOKEN", "ACME_CLIENT_ID", "ACME_CLIENT_SECRET", "ACME_USERNAME", "ACME_PASSWORD"]
    # The placeholder to-curl sends as the bearer token is the same one.
    assert "${ACME_ACCESS_TOKEN}" in render_action(c, act(), {})


def test_oauth2_own_access_token_placeholder_and_grant_without_postman_equivalent():
    c = conn(auth_config="oauth2", oauth2={"grant_type": "jwt_bearer", "token_url": "https://x.acme.com/t",
                                           "access_token": "<<MY_TOKEN>>", "client_authentication": "body"})
    values = attrs(folder_auth(c)["oauth2"])
    assert values["accessToken"] == "{{MY_TOKEN}}"
    assert "grant_type" not in values and values["client_authentication"] == "body"


def test_unsupported_auth_config():
    with pytest.raises(ConverterError) as info:
        to_postman([conn(auth_config="digest_auth")], [act()])
    assert info.value.code == "unsupported-auth"


# --- requests --------------------------------------------------------------------------------------


def request_of(action: dict, connector: dict | None = None) -> dict:
    return collection([connector or conn()], [action])["item"][0]["item"][0]


def test_url_object_with_port_prefix_args_and_key_only_query():
    c = {"name": "acme", "base_url": "http://10.0.0.5:8080/api", "auth_config": "no_auth"}
    item = request_of(act(path="/users/{{{user_id}}}/", query_params=[
        {"key": "flag", "value": None}, {"key": "q", "value": "a b&c"}, {"key": "flag", "value": ""}],
        input_args=[{"name": "user_id", "type": "string", "required": True, "example_value": 42}]), c)
    assert item["request"]["url"] == {
        "raw": "http://10.0.0.5:8080/api/users/{{user_id}}/?flag&q=a b&c&flag=",
        "protocol": "http", "host": ["10", "0", "0", "5"], "port": "8080",
        "path": ["api", "users", "{{user_id}}", ""],
        "query": [{"key": "flag", "value": None}, {"key": "q", "value": "a b&c"}, {"key": "flag", "value": ""}],
    }


def test_placeholder_in_the_host():
    c = {"name": "okta", "base_url": "https://<<OKTA_DOMAIN>>", "auth_config": "no_auth"}
    doc = collection([c], [act(connector="okta")])
    url = doc["item"][0]["item"][0]["request"]["url"]
    assert (url["raw"], url["host"], url["path"]) == ("https://{{OKTA_DOMAIN}}/v1/things", ["{{OKTA_DOMAIN}}"],
                                                      ["v1", "things"])
    assert doc["variable"][0]["key"] == "OKTA_DOMAIN" and doc["variable"][0]["value"] == ""


def test_headers_in_order_with_tokens_and_empty_values():
    item = request_of(act(headers=[{"key": "X-Trace", "value": "t-{{{trace}}}"}, {"key": "X-Empty", "value": None},
                                   {"key": "Cookie", "value": "sid=<<ACME_COOKIE>>"}, {"key": "X-Trace", "value": "2"}]))
    assert item["request"]["header"] == [{"key": "X-Trace", "value": "t-{{trace}}"}, {"key": "X-Empty", "value": ""},
                                         {"key": "Cookie", "value": "sid={{ACME_COOKIE}}"},
                                         {"key": "X-Trace", "value": "2"}]
    assert "protocolProfileBehavior" not in item


def test_json_body_is_raw_with_language_and_exact_text():
    body = '{\n  "a": "{{{name}}}",\n  "b": [1, 2]\n}'
    item = request_of(act(method="POST", headers=[{"key": "Content-Type", "value": "application/vnd.api+json"}],
                          body=body))
    assert item["request"]["body"] == {"mode": "raw", "raw": '{\n  "a": "{{name}}",\n  "b": [1, 2]\n}',
                                       "options": {"raw": {"language": "json"}}}
    assert item["protocolProfileBehavior"] == {"disableBodyPruning": True}


def test_form_body_stays_raw_and_a_body_without_type_disables_postmans():
    item = request_of(act(method="POST", headers=[{"key": "Content-Type", "value": "application/x-www-form-urlencoded"}],
                          body="a=1&b=%20x+y"))
    assert item["request"]["body"] == {"mode": "raw", "raw": "a=1&b=%20x+y"}
    item = request_of(act(method="DELETE", body="plain"))
    assert item["protocolProfileBehavior"] == {"disableBodyPruning": True,
                                               "disabledSystemHeaders": {"content-type": True}}


def test_body_file_and_form_data():
    item = request_of(act(method="PUT", headers=[{"key": "Content-Type", "value": "application/octet-stream"}],
                          body_file="data/blob.bin"))
    assert item["request"]["body"] == {"mode": "file", "file": {"src": "data/blob.bin"}}
    item = request_of(act(method="POST", form_data=[
        {"key": "purpose", "value": "fine-tune"}, {"key": "meta", "value": '{"a":1}', "content_type": "application/json"},
        {"key": "file", "file": "mydata.jsonl"}, {"key": "pic", "file": "a.png", "content_type": "image/png"},
        {"key": "empty", "value": None}]))
    assert item["request"]["body"] == {"mode": "formdata", "formdata": [
        {"key": "purpose", "value": "fine-tune", "type": "text"},
        {"key": "meta", "value": '{"a":1}', "type": "text", "contentType": "application/json"},
        {"key": "file", "type": "file", "src": "mydata.jsonl"},
        {"key": "pic", "type": "file", "src": "a.png", "contentType": "image/png"},
        {"key": "empty", "value": "", "type": "text"}]}
    assert item["protocolProfileBehavior"] == {"disableBodyPruning": True}


def test_description_and_variables_first_example_wins():
    actions = [act(description="Lists things.", query_params=[{"key": "n", "value": "{{{limit}}}"}],
                   input_args=[{"name": "limit", "type": "integer", "required": False}]),
               act(name="get_more", query_params=[{"key": "n", "value": "{{{limit}}}"}],
                   input_args=[{"name": "limit", "type": "integer", "required": False, "example_value": 10},
                               {"name": "unused", "type": "string", "required": False, "example_value": "u"}]),
               act(name="get_most", input_args=[{"name": "limit", "type": "integer", "example_value": 99}])]
    doc = collection([conn()], actions)
    assert doc["item"][0]["item"][0]["request"]["description"] == "Lists things."
    assert doc["variable"] == [{"key": "limit", "value": "10", "type": "string"},
                               {"key": "unused", "value": "u", "type": "string"}]


# --- newman sends what to-curl sends -----------------------------------------------------------------

NEWMAN_BUNDLE = """
connectors:
- name: acme
  base_url: https://api.acme.com:8443/base
  auth_config: oauth2
  oauth2:
    grant_type: client_credentials
    token_url: https://login.acme.com/oauth/token
    client_id: <<ACME_CLIENT_ID>>
    client_secret: <<ACME_CLIENT_SECRET>>
- name: keyed
  base_url: https://keyed.example.com
  auth_config: api_key_auth
  api_key_auth:
    auth_type: header_auth
    header_auth_key: X-Auth
    header_auth_value_pattern: 'SSWS %s'
    api_key: <<KEYED_API_KEY>>
actions:
- name: search_with_body
  connector: acme
  method: GET
  path: /v2/search/{{{index}}}
  headers:
  - key: Content-Type
    value: application/json
  - key: X-Empty
    value: ''
  query_params:
  - key: verbose
    value: null
  - key: q
    value: caf%C3%A9+%26+more~'"|
  body: '{"query": {"match": "{{{term}}}"}}'
  input_args:
  - name: index
    type: string
    required: true
    example_value: logs-2024
  - name: term
    type: string
    required: true
    example_value: error
- name: delete_item
  connector: keyed
  method: DELETE
  path: /items/{{{id}}}
  headers:
  - key: X-Reason
    value: cleanup
  input_args:
  - name: id
    type: integer
    required: true
    example_value: 7
- name: patch_item
  connector: keyed
  method: PATCH
  path: /items/7
  body: 'state=closed'
"""
NEWMAN_VALUES = {"ACME_ACCESS_TOKEN": "acme-access-token-0123456789", "ACME_CLIENT_ID": "cid",
                 "ACME_CLIENT_SECRET": "csecret-0123456789", "KEYED_API_KEY": "00abcdefghijklmnopqrstuvwxyz0123456789AB"}


@pytest.mark.skipif(not NEWMAN.exists(), reason="newman is not installed: run `npm ci` at the repository root")
def test_newman_sends_what_to_curl_sends(tmp_path, echo_server):
    bundle = yaml.safe_load(NEWMAN_BUNDLE)
    connectors, actions = bundle["connectors"], bundle["actions"]
    doc = collection(connectors, actions)
    (tmp_path / "c.json").write_text(json.dumps(doc), "utf-8")
    (tmp_path / "preload.js").write_text(_PRELOAD_JS, "utf-8")
    cmd = [str(NEWMAN), "run", str(tmp_path / "c.json"), "--insecure", "--silent", "--timeout-request", "10000"]
    for key, value in NEWMAN_VALUES.items():
        cmd += ["--env-var", f"{key}={value}"]
    with EchoServer() as server:
        env = {**os.environ, "ECHO_PORT": str(server.port), "NODE_OPTIONS": f"--require {tmp_path / 'preload.js'}"}
        proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        by_newman = server.requests()
    assert len(by_newman) == 3, proc.stdout[-2000:]
    by_name = {c["name"]: c for c in connectors}
    script = "\n".join(render_action(by_name[a["connector"]], a, {}) for a in actions)
    by_curl = run_curl_script(echo_server, script, NEWMAN_VALUES, tmp_path)
    assert [r.method for r in by_curl] == ["GET", "DELETE", "PATCH"]
    assert by_curl[0].body and by_curl[0].header("authorization") == "Bearer acme-access-token-0123456789"
    for action, expected, got in zip(actions, by_curl, by_newman):
        diffs = compare_requests(strip_client_defaults(expected), strip_client_defaults(got))
        assert not diffs, f"{action['name']}: " + "\n".join(diffs)

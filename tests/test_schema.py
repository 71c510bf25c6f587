"""The JSON Schemas of the output contract and the validators built on them."""
from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from converter import schema
from converter.schema import (
    KINDS,
    detect_kind,
    load_schema,
    validate_action,
    validate_bundle,
    validate_connector,
    validate_yaml_text,
)
from converter.yamlio import dump_yaml
from tests.worked_example import BUNDLE, GET_MODELS, OPENAI


VALID_CONNECTORS = {
    "api_key_header": OPENAI,
    "no_auth": {
        "name": "petstore",
        "description": "The pet store.",
        "base_url": "http://petstore.example.com:8080/api/v3",
        "auth_config": "no_auth",
    },
    "basic": {
        "name": "service_now",
        "base_url": "https://x.service-now.com",
        "auth_config": "basic_auth",
        "basic_auth": {"username": "<<SERVICE_NOW_USERNAME>>", "password": "<<SERVICE_NOW_PASSWORD>>"},
    },
    "api_key_param": {
        "name": "weather",
        "base_url": "https://api.weather.example",
        "auth_config": "api_key_auth",
        "api_key_auth": {
            "auth_type": "param_auth",
            "param_auth_param_name": "appid",
            "api_key": "<<WEATHER_API_KEY>>",
        },
    },
    "oauth2_client_credentials": {
        "name": "okta",
        "base_url": "https://example.okta.com",
        "auth_config": "oauth2",
        "oauth2": {
            "grant_type": "client_credentials",
            "token_url": "https://example.okta.com/oauth2/v1/token",
            "client_id": "<<OKTA_CLIENT_ID>>",
            "client_secret": "<<OKTA_CLIENT_SECRET>>",
            "scope": "okta.users.read",
            "client_authentication": "basic_header",
        },
    },
    "oauth2_password": {
        "name": "salesforce",
        "base_url": "https://example.my.salesforce.com",
        "auth_config": "oauth2",
        "oauth2": {
            "grant_type": "password",
            "token_url": "https://login.salesforce.com/services/oauth2/token",
            "client_id": "<<SALESFORCE_CLIENT_ID>>",
            "client_secret": "<<SALESFORCE_CLIENT_SECRET>>",
            "username": "<<SALESFORCE_USERNAME>>",
            "password": "<<SALESFORCE_PASSWORD>>",
            "client_authentication": "body",
        },
    },
    "oauth2_refresh_token": {
        "name": "zoom",
        "base_url": "https://api.zoom.us",
        "auth_config": "oauth2",
        "oauth2": {
            "grant_type": "refresh_token",
            "token_url": "https://zoom.us/oauth/token",
            "refresh_token": "<<ZOOM_REFRESH_TOKEN>>",
        },
    },
    "oauth2_authorization_code": {
        "name": "github",
        "base_url": "https://api.github.com",
        "auth_config": "oauth2",
        "oauth2": {
            "grant_type": "authorization_code",
            "token_url": "https://github.com/login/oauth/access_token",
            "authorization_url": "https://github.com/login/oauth/authorize",
            "client_id": "<<GITHUB_CLIENT_ID>>",
            "client_secret": "<<GITHUB_CLIENT_SECRET>>",
        },
    },
    "oauth2_jwt_bearer": {
        "name": "gcp",
        "base_url": "https://www.googleapis.com",
        "auth_config": "oauth2",
        "oauth2": {"grant_type": "jwt_bearer", "token_url": "https://oauth2.googleapis.com/token"},
    },
}

VALID_ACTIONS = {
    "minimal": GET_MODELS,
    "json_body": {
        "name": "create_chat_completion",
        "description": "Create a chat completion.",
        "connector": "openai",
        "method": "POST",
        "path": "/v1/chat/completions",
        "headers": [
            {"key": "Content-Type", "value": "application/json"},
            {"key": "OpenAI-Beta", "value": "assistants=v2"},
        ],
        "body": '{"model": "{{{model}}}"}',
        "input_args": [
            {
                "name": "model",
                "type": "string",
                "required": True,
                "example_value": "gpt-4o",
                "description": "The model.",
            }
        ],
    },
    "query_params": {
        "name": "list_items",
        "connector": "shop",
        "method": "GET",
        "path": "/items/{{{id}}}",
        "query_params": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}, {"key": "flag", "value": None}],
        "input_args": [{"name": "id", "type": "integer", "required": False, "example_value": 7}],
    },
    "form_data": {
        "name": "upload",
        "connector": "files",
        "method": "PUT",
        "path": "/upload",
        "form_data": [
            {"key": "meta", "value": "x"},
            {"key": "doc", "file": "report.pdf", "content_type": "application/pdf"},
            {"key": "img", "file": "a.png"},
        ],
    },
    "body_file": {"name": "patch_it", "connector": "c1", "method": "PATCH", "path": "/", "body_file": "data.json"},
    "empty_body": {"name": "delete_it", "connector": "c1", "method": "DELETE", "path": "/x/y", "body": ""},
}


def _with(doc: dict, *changes: tuple[tuple, Any]) -> dict:
    """A deep copy of doc with each (path, value) set; value DELETE removes the key."""
    out = copy.deepcopy(doc)
    for path, value in changes:
        target = out
        for seg in path[:-1]:
            target = target[seg]
        if value is DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return out


DELETE = object()


# -- the schema files -------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_schemas_are_valid_2020_12_with_ids(kind):
    doc = load_schema(kind)
    Draft202012Validator.check_schema(doc)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"] == f"https://curl2connector.dev/schemas/v1/{kind}.schema.json"
    assert doc["title"] and doc["description"]


def _object_schemas(node: Any):
    if isinstance(node, dict):
        if "properties" in node and "type" in node:
            yield node
        for value in node.values():
            yield from _object_schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _object_schemas(value)


@pytest.mark.parametrize("kind", KINDS)
def test_every_object_schema_is_closed(kind):
    objects = list(_object_schemas(load_schema(kind)))
    assert objects
    for node in objects:
        assert node["type"] == "object"
        assert node["additionalProperties"] is False


def test_validators_are_built_once():
    assert schema._validator("bundle") is schema._validator("bundle")
    assert load_schema("action") is load_schema("action")


def test_unknown_kind():
    with pytest.raises(ValueError):
        load_schema("collection")
    with pytest.raises(ValueError):
        validate_yaml_text("a: 1\n", "x.yaml", kind="collection")


# -- valid documents --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(VALID_CONNECTORS))
def test_valid_connectors(name):
    assert validate_connector(VALID_CONNECTORS[name]) == []


@pytest.mark.parametrize("name", sorted(VALID_ACTIONS))
def test_valid_actions(name):
    assert validate_action(VALID_ACTIONS[name]) == []


def test_valid_bundle_worked_example():
    assert validate_bundle(BUNDLE) == []
    assert validate_yaml_text(dump_yaml(BUNDLE), "out.yaml") == []


# -- invalid connectors -----------------------------------------------------------------

NAME_RE = "^[a-zA-Z][a-zA-Z0-9_]+$"
PLACEHOLDER_RE = "^<<[A-Z][A-Z0-9_]*>>$"
BASE_URL_RE = r"^https?://[^\s/?#@]+(/[^\s?#]*[^\s?#/])?$"

CONNECTOR_CASES = [
    ("missing name", _with(OPENAI, (("name",), DELETE)), ["$: missing required property 'name'"]),
    ("short name", _with(OPENAI, (("name",), "o")), [f"$.name: does not match {NAME_RE}"]),
    ("long name", _with(OPENAI, (("name",), "a" * 65)), ["$.name: is longer than 64 characters"]),
    ("name with dash", _with(OPENAI, (("name",), "open-ai")), [f"$.name: does not match {NAME_RE}"]),
    ("name not a string", _with(OPENAI, (("name",), 5)), ["$.name: is not of type string"]),
    ("empty description", _with(OPENAI, (("description",), "")), ["$.description: must not be empty"]),
    ("trailing slash", _with(OPENAI, (("base_url",), "https://api.openai.com/")),
     [f"$.base_url: does not match {BASE_URL_RE}"]),
    ("query in base_url", _with(OPENAI, (("base_url",), "https://api.openai.com/v1?x=1")),
     [f"$.base_url: does not match {BASE_URL_RE}"]),
    ("userinfo in base_url", _with(OPENAI, (("base_url",), "https://u:p@api.openai.com")),
     [f"$.base_url: does not match {BASE_URL_RE}"]),
    ("ftp base_url", _with(OPENAI, (("base_url",), "ftp://api.openai.com")),
     [f"$.base_url: does not match {BASE_URL_RE}"]),
    ("unknown auth", _with(OPENAI, (("auth_config",), "digest")),
     ["$.auth_config: is not one of no_auth, basic_auth, api_key_auth, oauth2"]),
    ("missing auth object", _with(OPENAI, (("api_key_auth",), DELETE)),
     ["$: missing required property 'api_key_auth'"]),
    ("auth object of another kind",
     _with(OPENAI, (("oauth2",), VALID_CONNECTORS["oauth2_jwt_bearer"]["oauth2"])),
     ["$.oauth2: allowed only when auth_config is oauth2"]),
    ("no_auth with basic",
     _with(VALID_CONNECTORS["no_auth"], (("basic_auth",), VALID_CONNECTORS["basic"]["basic_auth"])),
     ["$.basic_auth: allowed only when auth_config is basic_auth"]),
    ("unexpected property", _with(OPENAI, (("format_version",), 1)),
     ["$: unexpected property 'format_version'"]),
    ("literal api key", _with(OPENAI, (("api_key_auth", "api_key"), "sk-proj-abcdef")),
     [f"$.api_key_auth.api_key: does not match {PLACEHOLDER_RE}"]),
    ("pattern without %s", _with(OPENAI, (("api_key_auth", "header_auth_value_pattern"), "Bearer")),
     ["$.api_key_auth.header_auth_value_pattern: does not match %s"]),
    ("bad header name", _with(OPENAI, (("api_key_auth", "header_auth_key"), "X Key")),
     ["$.api_key_auth.header_auth_key: does not match ^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"]),
    ("header mode without key", _with(OPENAI, (("api_key_auth", "header_auth_key"), DELETE)),
     ["$.api_key_auth: missing required property 'header_auth_key'"]),
    ("header mode with param name", _with(OPENAI, (("api_key_auth", "param_auth_param_name"), "k")),
     ["$.api_key_auth.param_auth_param_name: allowed only when auth_type is param_auth"]),
    ("param mode with header fields", _with(OPENAI, (("api_key_auth", "auth_type"), "param_auth")),
     [
         "$.api_key_auth: missing required property 'param_auth_param_name'",
         "$.api_key_auth.header_auth_key: allowed only when auth_type is header_auth",
         "$.api_key_auth.header_auth_value_pattern: allowed only when auth_type is header_auth",
     ]),
    ("basic literal password", _with(VALID_CONNECTORS["basic"], (("basic_auth", "password"), "hunter2")),
     [f"$.basic_auth.password: does not match {PLACEHOLDER_RE}"]),
    ("basic missing username", _with(VALID_CONNECTORS["basic"], (("basic_auth", "username"), DELETE)),
     ["$.basic_auth: missing required property 'username'"]),
    ("oauth2 unknown grant",
     _with(VALID_CONNECTORS["oauth2_jwt_bearer"], (("oauth2", "grant_type"), "implicit")),
     ["$.oauth2.grant_type: is not one of client_credentials, password, refresh_token, "
      "authorization_code, jwt_bearer"]),
    ("oauth2 password grant without password",
     _with(VALID_CONNECTORS["oauth2_password"], (("oauth2", "password"), DELETE)),
     ["$.oauth2: missing required property 'password'"]),
    ("oauth2 client credentials without both",
     _with(VALID_CONNECTORS["oauth2_client_credentials"],
           (("oauth2", "client_id"), DELETE), (("oauth2", "client_secret"), DELETE)),
     ["$.oauth2: missing required property 'client_id'",
      "$.oauth2: missing required property 'client_secret'"]),
    ("oauth2 literal secret and bad method",
     _with(VALID_CONNECTORS["oauth2_client_credentials"],
           (("oauth2", "client_secret"), "s3cr3t"), (("oauth2", "client_authentication"), "header")),
     [f"$.oauth2.client_secret: does not match {PLACEHOLDER_RE}",
      "$.oauth2.client_authentication: is not one of body, basic_header"]),
    ("oauth2 token url with fragment",
     _with(VALID_CONNECTORS["oauth2_jwt_bearer"], (("oauth2", "token_url"), "https://x.example/t#f")),
     [r"$.oauth2.token_url: does not match ^https?://[^\s/?#@]+(/[^\s#]*)?$"]),
    ("not an object", ["openai"], ["$: is not of type object"]),
]


@pytest.mark.parametrize("doc, expected", [c[1:] for c in CONNECTOR_CASES], ids=[c[0] for c in CONNECTOR_CASES])
def test_invalid_connectors(doc, expected):
    assert validate_connector(doc) == expected


# -- invalid actions --------------------------------------------------------------------

JSON_BODY = VALID_ACTIONS["json_body"]
FORM = VALID_ACTIONS["form_data"]
ONE_OF_BODIES = "only one of body, form_data and body_file may be present"

ACTION_CASES = [
    ("missing everything", {}, [
        "$: missing required property 'name'",
        "$: missing required property 'connector'",
        "$: missing required property 'method'",
        "$: missing required property 'path'",
    ]),
    ("HEAD", _with(GET_MODELS, (("method",), "HEAD")),
     ["$.method: is not one of GET, POST, PUT, PATCH, DELETE"]),
    ("lower-case method", _with(GET_MODELS, (("method",), "get")),
     ["$.method: is not one of GET, POST, PUT, PATCH, DELETE"]),
    ("relative path", _with(GET_MODELS, (("path",), "v1/models")), ["$.path: does not match ^/[^?#]*$"]),
    ("query in path", _with(GET_MODELS, (("path",), "/v1/models?limit=1")),
     ["$.path: does not match ^/[^?#]*$"]),
    ("bad connector name", _with(GET_MODELS, (("connector",), "open ai")),
     [f"$.connector: does not match {NAME_RE}"]),
    ("empty headers", _with(GET_MODELS, (("headers",), [])), ["$.headers: must not be empty"]),
    ("header value not a string", _with(JSON_BODY, (("headers", 1, "value"), 2)),
     ["$.headers[1].value: is not of type string"]),
    ("header without value", _with(JSON_BODY, (("headers", 0, "value"), DELETE)),
     ["$.headers[0]: missing required property 'value'"]),
    ("header as mapping", _with(GET_MODELS, (("headers",), {"Accept": "*/*"})),
     ["$.headers: is not of type array"]),
    ("header extra key", _with(JSON_BODY, (("headers", 0, "enabled"), True)),
     ["$.headers[0]: unexpected property 'enabled'"]),
    ("query value number", _with(VALID_ACTIONS["query_params"], (("query_params", 0, "value"), 1)),
     ["$.query_params[0].value: is not of type string or null"]),
    ("body and form_data", _with(FORM, (("body",), "a=b")), [f"$.form_data: {ONE_OF_BODIES}"]),
    ("all three bodies", _with(FORM, (("body",), "a=b"), (("body_file",), "f.txt")),
     [f"$.form_data: {ONE_OF_BODIES}", f"$.body_file: {ONE_OF_BODIES}"]),
    ("form part with value and file", _with(FORM, (("form_data", 0, "file"), "x.txt")),
     ["$.form_data[0].value: a form part has either value or file, not both"]),
    ("form part without value or file", _with(FORM, (("form_data", 0, "value"), DELETE)),
     ["$.form_data[0]: missing required property 'value'"]),
    ("empty form key", _with(FORM, (("form_data", 0, "key"), "")),
     ["$.form_data[0].key: must not be empty"]),
    ("empty body_file", _with(GET_MODELS, (("body_file",), "")), ["$.body_file: must not be empty"]),
    ("body not a string", _with(GET_MODELS, (("body",), {"a": 1})), ["$.body: is not of type string"]),
    ("input arg bad type", _with(JSON_BODY, (("input_args", 0, "type"), "str")),
     ["$.input_args[0].type: is not one of string, number, integer, boolean, object, array"]),
    ("input arg required not bool", _with(JSON_BODY, (("input_args", 0, "required"), "yes")),
     ["$.input_args[0].required: is not of type boolean"]),
    ("input arg name with braces", _with(JSON_BODY, (("input_args", 0, "name"), "{{{model}}}")),
     ["$.input_args[0].name: does not match ^[A-Za-z_][A-Za-z0-9_]*$"]),
    ("input arg null example", _with(JSON_BODY, (("input_args", 0, "example_value"), None)),
     ["$.input_args[0].example_value: is not of type string or number or boolean or object or array"]),
    ("empty input_args", _with(GET_MODELS, (("input_args",), [])), ["$.input_args: must not be empty"]),
]


@pytest.mark.parametrize("doc, expected", [c[1:] for c in ACTION_CASES], ids=[c[0] for c in ACTION_CASES])
def test_invalid_actions(doc, expected):
    assert validate_action(doc) == expected


# -- invalid bundles --------------------------------------------------------------------

BUNDLE_CASES = [
    ("missing actions", {"connectors": [OPENAI]}, ["$: missing required property 'actions'"]),
    ("empty lists", {"connectors": [], "actions": []},
     ["$.connectors: must not be empty", "$.actions: must not be empty"]),
    ("format_version is not a key", dict(BUNDLE, format_version=1), ["$: unexpected property 'format_version'"]),
    ("errors inside items", {"connectors": [OPENAI], "actions": [GET_MODELS, _with(GET_MODELS,
        (("name",), "head_models"), (("method",), "HEAD"))]},
     ["$.actions[1].method: is not one of GET, POST, PUT, PATCH, DELETE"]),
    ("duplicate names and unknown connector", {
        "connectors": [OPENAI, OPENAI],
        "actions": [GET_MODELS, GET_MODELS, _with(GET_MODELS, (("name",), "x2"), (("connector",), "nope"))],
    }, [
        "$.connectors[1].name: duplicate connector name (first at $.connectors[0].name)",
        "$.actions[1].name: duplicate action name (first at $.actions[0].name)",
        "$.actions[2].connector: names no connector in this bundle",
    ]),
    ("connector list of strings", {"connectors": ["openai"], "actions": [GET_MODELS]},
     ["$.connectors[0]: is not of type object", "$.actions[0].connector: names no connector in this bundle"]),
]


@pytest.mark.parametrize("doc, expected", [c[1:] for c in BUNDLE_CASES], ids=[c[0] for c in BUNDLE_CASES])
def test_invalid_bundles(doc, expected):
    assert validate_bundle(doc) == expected


# -- messages never echo input values ---------------------------------------------------

SECRETS = ["sk-proj-SECRETabcdef123456", "ghp_SECRETabcdefghijklmnopqrstuvwxyz0123", "hunter2SECRET"]


def test_messages_never_echo_values():
    connector = _with(
        OPENAI,
        (("name",), SECRETS[0]),
        (("base_url",), f"https://user:{SECRETS[1]}@api.openai.com/"),
        (("auth_config",), SECRETS[2]),
        (("api_key_auth", "api_key"), SECRETS[0]),
        (("api_key_auth", "auth_type"), SECRETS[1]),
        (("api_key_auth", "header_auth_key"), SECRETS[2] + " x"),
        ((SECRETS[1],), SECRETS[2]),  # an unexpected key that is itself a token
        (("sk_live_SECRET9876543210",), 1),
    )
    action = _with(
        GET_MODELS,
        (("method",), SECRETS[0]),
        (("path",), f"/x?token={SECRETS[1]}"),
        (("headers",), [{"key": "Authorization", "value": 12345}, {"key": SECRETS[2] + ":", "value": ""}]),
        (("body",), [SECRETS[0]]),
    )
    messages = validate_bundle({"connectors": [connector], "actions": [action, SECRETS[2]]})
    assert len(messages) == 15
    text = "\n".join(messages + validate_yaml_text(dump_yaml({"connectors": [connector]}), "c.yaml"))
    assert "SECRET" not in text and "12345" not in text
    assert "$.connectors[0]: unexpected property\n" in text + "\n"


# -- kind detection and YAML positions --------------------------------------------------


@pytest.mark.parametrize(
    "doc, kind",
    [
        (BUNDLE, "bundle"),
        ({"actions": []}, "bundle"),
        (OPENAI, "connector"),
        ({"name": "x", "auth_config": "no_auth"}, "connector"),
        (GET_MODELS, "action"),
        ({"name": "x", "path": "/"}, "action"),
        ({"name": "x"}, None),
        ([BUNDLE], None),
        ("text", None),
    ],
)
def test_detect_kind(doc, kind):
    assert detect_kind(doc) == kind


INVALID_FILE = """\
# a hand-edited bundle
connectors:
- name: openai
  base_url: https://api.openai.com/
  auth_config: api_key_auth
  api_key_auth:
    auth_type: header_auth
    header_auth_value_pattern: Bearer %s
    api_key: sk-proj-abc123
  color: blue
actions:
- name: get_models
  connector: openai
  method: HEAD
  path: /v1/models
  headers:
  - key: Accept
    value: 1
- connector: opneai
  method: GET
  path: /v1/models?limit=5
"""


def test_validate_yaml_text_positions():
    assert validate_yaml_text(INVALID_FILE, "bundle.yaml") == [
        f"bundle.yaml:4:13: $.connectors[0].base_url: does not match {BASE_URL_RE}",
        "bundle.yaml:7:5: $.connectors[0].api_key_auth: missing required property 'header_auth_key'",
        f"bundle.yaml:9:14: $.connectors[0].api_key_auth.api_key: does not match {PLACEHOLDER_RE}",
        "bundle.yaml:10:3: $.connectors[0]: unexpected property 'color'",
        "bundle.yaml:14:11: $.actions[0].method: is not one of GET, POST, PUT, PATCH, DELETE",
        "bundle.yaml:18:12: $.actions[0].headers[0].value: is not of type string",
        "bundle.yaml:19:3: $.actions[1]: missing required property 'name'",
        "bundle.yaml:19:14: $.actions[1].connector: names no connector in this bundle",
        "bundle.yaml:21:9: $.actions[1].path: does not match ^/[^?#]*$",
    ]


def test_validate_yaml_text_single_documents_and_explicit_kind():
    connector = "name: petstore\nbase_url: https://petstore.example\nauth_config: basic_auth\n"
    assert validate_yaml_text(connector, "c.yaml") == [
        "c.yaml:1:1: $: missing required property 'basic_auth'"
    ]
    action = "name: get_pets\nconnector: petstore\nmethod: GET\npath: pets\n"
    assert validate_yaml_text(action, "a.yaml") == ["a.yaml:4:7: $.path: does not match ^/[^?#]*$"]
    # forced kind: an action read as a connector
    assert validate_yaml_text(action, "a.yaml", kind="connector") == [
        "a.yaml:1:1: $: missing required property 'base_url'",
        "a.yaml:1:1: $: missing required property 'auth_config'",
        "a.yaml:2:1: $: unexpected property 'connector'",
        "a.yaml:3:1: $: unexpected property 'method'",
        "a.yaml:4:1: $: unexpected property 'path'",
    ]


def test_validate_yaml_text_types_as_yaml_reads_them():
    # unquoted, these read as a date and a bool: the messages point at the values
    text = "name: get_x\nconnector: c1\nmethod: GET\npath: /x\nheaders:\n- key: Since\n  value: 2026-01-31\n- key: On\n  value: yes\n"
    assert validate_yaml_text(text, "a.yaml") == [
        "a.yaml:7:10: $.headers[0].value: is not of type string",
        "a.yaml:8:8: $.headers[1].key: is not of type string",
        "a.yaml:9:10: $.headers[1].value: is not of type string",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("name: x\nmethod: [GET\n", "t.yaml:3:1: invalid YAML: expected ',' or ']', but got '<stream end>'"),
        ("a: 'sk-secret\n", "t.yaml:2:1: invalid YAML: found unexpected end of stream"),
        ("a: 1\n---\nb: 2\n", "t.yaml:2:1: invalid YAML: but found another document"),
        ("a:\n\tb: 1\n", "t.yaml:2:1: invalid YAML: found character '\\t' that cannot start any token"),
        ("a: *secret_alias\n", "t.yaml:1:4: YAML aliases (*name) are not allowed in definitions"),
        ("a: 1\nb: \x00\n", "t.yaml:2:4: invalid YAML: unacceptable character #x0000"),
        ("name: x\npath: /\nwhen: 2026-02-30\n", "t.yaml:3:7: invalid YAML: a scalar cannot be converted to its type"),
        ("[" * 3000, "t.yaml:1:1: invalid YAML: nesting too deep"),
        ("- 1\n- 2\n", "t.yaml:1:1: not a connector, action or bundle document"),
        ("", "t.yaml:1:1: not a connector, action or bundle document"),
        ("\n\nname: x\n", "t.yaml:3:1: not a connector, action or bundle document"),
    ],
)
def test_validate_yaml_text_unreadable(text, expected):
    assert validate_yaml_text(text, "t.yaml") == [expected]


def test_invalid_yaml_message_does_not_echo_context():
    text = "key: sk-proj-SECRET: more\n"
    (message,) = validate_yaml_text(text, "t.yaml")
    assert message == "t.yaml:1:20: invalid YAML: mapping values are not allowed here"

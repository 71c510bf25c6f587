"""Postman edge cases (issue 6 bug fixes): api key names, incomplete oauth2 grants, token URLs,
variable names holding URL delimiters, url.path strings with a query, huge integers.

What the runtime does was checked with newman 6.2 on loopback (see each test); the rest is
the output contract (FORMAT.md, schemas/): every bundle here validates, no token mark
(U+E000/U+E001) reaches an output, and skipped requests carry an error diagnostic with a code.
"""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.errors import ConverterError
from converter.model import MARK_CLOSE, MARK_OPEN
from converter.postman import convert_collection, load_collection
from converter.postman_input import load_environment
from converter.schema import validate_bundle
from converter.yamlio import dump_yaml

V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
URL = "https://api.example.com"
S = "Zq8Lm2Np4Rs6Tv8Wx5Yz3Kc"  # no known format: a secret by position only


def coll(*items, **top) -> str:
    doc = {"info": {"name": "t", "schema": V21}, "item": list(items)}
    doc.update(top)
    return json.dumps(doc)


def req(url=f"{URL}/x", method="GET", name="a", **fields) -> dict:
    return {"name": name, "request": {"method": method, "url": url, **fields}}


def convert(text: str, **kw):
    """The result, its bundle (validated, marks absent) and its diagnostics as (code, severity, message)."""
    result = convert_collection(text, "c.json", **kw)
    bundle = result.bundle()
    if result.actions:
        assert validate_bundle(bundle) == []
    dumped = dump_yaml(bundle)
    diags = [(d.code, d.severity, d.message) for d in result.diagnostics]
    assert MARK_OPEN not in dumped + repr(diags) and MARK_CLOSE not in dumped + repr(diags)
    return result, bundle, diags


# --- 1. api key auth: the key must be a header name (header mode) ----------------------------


@pytest.mark.parametrize("key", ["X Api Key", " ", "a:b", "\u00e9", "x\ny", "{{k}}"])
def test_apikey_header_name_not_a_token_skips_the_request(key):
    # newman: Node refuses the header name, the request is "errored" and nothing is sent.
    auth = {"type": "apikey", "apikey": [{"key": "key", "value": key}, {"key": "value", "value": S}]}
    result, bundle, diags = convert(coll(req(auth=auth), req(f"{URL}/ok", name="ok")))
    assert [a["path"] for a in bundle["actions"]] == ["/ok"]
    why = "comes from a variable that has no value" if key == "{{k}}" else "is not a valid HTTP header name"
    assert diags == [("bad-auth", "error", f"$.item[0] ('a'): api key auth: the key (header name) {why}, so "
                                           "Postman cannot send the request: request skipped")]
    assert result.diagnostics[0].span.line == 1 and result.diagnostics[0].span.col > 1


def test_apikey_header_name_from_a_variable_and_inherited():
    auth = {"type": "apikey", "apikey": {"key": "{{k}}", "value": S}}
    _, bundle, diags = convert(coll({"name": "F", "auth": auth, "item": [req()]}, variable=[{"key": "k", "value": "X Key"}]))
    assert bundle["actions"] == []
    assert diags == [("bad-auth", "error", "$.item[0].item[0] ('a'): api key auth of folder 'F' at $.item[0]: the key "
                                           "(header name) is not a valid HTTP header name, so Postman cannot send the "
                                           "request: request skipped")]
    _, bundle, _ = convert(coll(req(auth=auth), variable=[{"key": "k", "value": "X-Key"}]))
    assert bundle["connectors"][0]["api_key_auth"]["header_auth_key"] == "X-Key"


def test_apikey_query_name_needs_no_token():
    # newman: ?X%20Api%20Key=… is sent; the platform encodes the parameter name itself.
    auth = {"type": "apikey", "apikey": {"key": "X Api Key", "value": S, "in": "query"}}
    _, bundle, diags = convert(coll(req(auth=auth)))
    assert bundle["connectors"][0]["api_key_auth"] == {"auth_type": "param_auth", "param_auth_param_name": "X Api Key",
                                                       "api_key": "<<EXAMPLE_API_KEY>>"}
    assert diags == []


@pytest.mark.parametrize("key", [[], {}, ["X-Key"]])
@pytest.mark.parametrize("where", ["header", "query"])
def test_apikey_key_that_is_not_text_is_an_empty_name(key, where):
    # newman sends "?=value" for a list or object key (never its JSON text); a header errors.
    auth = {"type": "apikey", "apikey": {"key": key, "value": S, "in": where}}
    _, bundle, diags = convert(coll(req(auth=auth)))
    assert bundle["connectors"][0]["auth_config"] == "no_auth"
    assert diags == [("auth-incomplete", "warning", "$.item[0] ('a'): api key auth without a key name sends nothing")]


# --- 2. oauth2 without the credentials or URLs a grant needs ---------------------------------


def _oauth2(**params) -> dict:
    return {"type": "oauth2", "oauth2": [{"key": k, "value": v} for k, v in params.items()]}


def test_client_credentials_without_secret_gets_placeholders_to_fill_in():
    auth = _oauth2(grant_type="client_credentials", accessTokenUrl="https://auth.example.com/token")
    result, bundle, diags = convert(coll(req(), req(f"{URL}/y", name="b"), auth=auth))
    assert bundle["connectors"] == [{
        "name": "example", "base_url": URL, "auth_config": "oauth2",
        "oauth2": {"grant_type": "client_credentials", "token_url": "https://auth.example.com/token",
                   "client_id": "<<EXAMPLE_CLIENT_ID>>", "client_secret": "<<EXAMPLE_CLIENT_SECRET>>"}}]
    assert [a["connector"] for a in bundle["actions"]] == ["example", "example"]
    # One warning per connector, not per request.
    assert [d for d in diags if d[0] == "oauth2-missing-secret"] == [(
        "oauth2-missing-secret", "warning", "connector example: the client credentials grant needs clientId and "
                                            "clientSecret, empty in the collection: fill in <<EXAMPLE_CLIENT_ID>>, "
                                            "<<EXAMPLE_CLIENT_SECRET>>")]
    assert [(c.name, c.where, c.masked) for c in result.placeholders.created] == [
        ("EXAMPLE_CLIENT_ID", "oauth2 client_id", "(empty)"), ("EXAMPLE_CLIENT_SECRET", "oauth2 client_secret", "(empty)")]


def test_client_credentials_with_a_client_id_keeps_it():
    auth = _oauth2(grant_type="client_credentials", accessTokenUrl="https://auth.example.com/token", clientId="abc",
                   scope="read", client_authentication="header")
    _, bundle, diags = convert(coll(req(), auth=auth))
    assert bundle["connectors"][0]["oauth2"] == {
        "grant_type": "client_credentials", "token_url": "https://auth.example.com/token",
        "client_id": "<<EXAMPLE_CLIENT_ID>>", "client_secret": "<<EXAMPLE_CLIENT_SECRET>>", "scope": "read",
        "client_authentication": "basic_header"}
    assert ("oauth2-missing-secret", "warning", "connector example: the client credentials grant needs clientSecret, "
            "empty in the collection: fill in <<EXAMPLE_CLIENT_SECRET>>") in diags


@pytest.mark.parametrize("grant, given_fields, expected", [
    ("password_credentials", {"username": "bob"}, {"username": "<<EXAMPLE_USERNAME>>", "password": "<<EXAMPLE_PASSWORD>>"}),
    ("refresh_token", {}, {"refresh_token": "<<EXAMPLE_REFRESH_TOKEN>>"}),
])
def test_other_grants_without_their_credentials(grant, given_fields, expected):
    auth = _oauth2(grant_type=grant, accessTokenUrl="https://auth.example.com/token", **given_fields)
    _, bundle, diags = convert(coll(req(auth=auth)))
    oauth2 = bundle["connectors"][0]["oauth2"]
    assert {k: oauth2[k] for k in expected} == expected
    assert [d[0] for d in diags].count("oauth2-missing-secret") == 1


def test_a_variable_credential_is_not_missing():
    auth = _oauth2(grant_type="client_credentials", accessTokenUrl="https://auth.example.com/token",
                   clientId="{{cid}}", clientSecret="{{cs}}")
    _, bundle, diags = convert(coll(req(), auth=auth))
    assert bundle["connectors"][0]["oauth2"]["client_secret"] == "<<CS>>"
    assert "oauth2-missing-secret" not in [d[0] for d in diags]


@pytest.mark.parametrize("grant, params, missing", [
    ("authorization_code", {"accessTokenUrl": "https://auth.example.com/token"}, "authUrl"),
    ("authorization_code_with_pkce", {"accessTokenUrl": "https://auth.example.com/token", "authUrl": "  "}, "authUrl"),
    ("authorization_code", {"authUrl": "https://auth.example.com/authorize"}, "accessTokenUrl"),
    ("client_credentials", {"authUrl": "https://auth.example.com/authorize"}, "accessTokenUrl"),
])
def test_grant_without_its_urls_skips_the_request(grant, params, missing):
    auth = _oauth2(grant_type=grant, clientId="abc", **params)
    _, bundle, diags = convert(coll(req(), req(f"{URL}/ok", name="ok", auth={"type": "noauth"}), auth=auth))
    assert [a["name"] for a in bundle["actions"]] == ["ok"]
    shown = "authorization code" if grant.startswith("authorization_code") else "client credentials"
    assert diags == [("oauth2-incomplete", "error", f"$.item[0] ('a'): oauth2 of the collection: the {shown} grant "
                                                    f"has no {missing} (the connector needs it): request skipped")]


# --- 3. token and authorization URLs ------------------------------------------------------------


def _token_url_case(token_url, variable=(), **extra):
    auth = _oauth2(grant_type="client_credentials", accessTokenUrl=token_url, clientId="abc", clientSecret=S, **extra)
    return convert(coll(req(auth=auth), req(f"{URL}/ok", name="ok", auth={"type": "noauth"}), variable=list(variable)))


@pytest.mark.parametrize("token_url, why", [
    ("{{tokenUrl}}", "comes from variable {{tokenUrl}}, which has no value: give it one in the collection, an "
                     "environment (--environment) or --var"),
    ("https://{{idpHost}}/token", "comes from variable {{idpHost}}, which has no value: give it one in the collection, "
                                  "an environment (--environment) or --var"),
    ("/oauth/token", "is not an absolute http:// or https:// URL"),
    ("auth.example.com/token", "is not an absolute http:// or https:// URL"),
    ("ftp://auth.example.com/token", "is not an absolute http:// or https:// URL"),
    ("https://client:pw@auth.example.com/token", "holds user info (user:password@), which the connector cannot keep"),
    ("{{empty}}", "is empty"),
    ("{{secretBase}}/token", "starts with a secret variable: write its scheme and host as text"),
])
def test_unusable_token_url_skips_the_request(token_url, why):
    variable = [{"key": "empty", "value": ""}, {"key": "secretBase", "value": "https://auth.example.com", "type": "secret"}]
    result, bundle, diags = _token_url_case(token_url, variable)
    assert [a["name"] for a in bundle["actions"]] == ["ok"]
    # The request's other notes (no saved token) are dropped with it; no placeholder is reported for it.
    assert diags == [("oauth2-bad-url", "error", f"$.item[0] ('a'): oauth2: the accessTokenUrl {why}: request skipped")]
    assert result.placeholders.created == []


def test_token_url_from_a_variable_with_a_value():
    _, bundle, diags = _token_url_case("{{tokenUrl}}", [{"key": "tokenUrl", "value": "https://auth.example.com/token"}])
    assert bundle["connectors"][0]["oauth2"]["token_url"] == "https://auth.example.com/token"
    assert [d[0] for d in diags] == ["oauth2-no-saved-token"]


def test_token_url_is_normalised_like_the_apps_token_request():
    _, bundle, _ = _token_url_case(" HTTPS://auth.example.com/o auth/token#frag ")
    assert bundle["connectors"][0]["oauth2"]["token_url"] == "https://auth.example.com/o%20auth/token"


def test_secret_in_the_token_url_query_stays_a_placeholder():
    variable = [{"key": "key", "value": S, "type": "secret"}]
    result, bundle, _ = _token_url_case("https://auth.example.com/token?key={{key}}", variable)
    assert bundle["connectors"][0]["oauth2"]["token_url"] == "https://auth.example.com/token?key=<<KEY>>"
    assert ("KEY", "{{key}}") in [(c.name, c.masked) for c in result.placeholders.created]


def test_bad_authorization_url_skips_the_request():
    auth = _oauth2(grant_type="authorization_code", accessTokenUrl="https://auth.example.com/token",
                   authUrl="{{authUrl}}", clientId="abc")
    _, bundle, diags = convert(coll({"name": "F", "auth": auth, "item": [req()]}))
    assert bundle["actions"] == []
    assert diags == [("oauth2-bad-url", "error", "$.item[0].item[0] ('a'): oauth2 of folder 'F' at $.item[0]: the "
                                                 "authUrl comes from variable {{authUrl}}, which has no value: give it one "
                                                 "in the collection, an environment (--environment) or --var: request "
                                                 "skipped")]


def test_skipped_oauth2_requests_through_the_cli(tmp_path):
    from click.testing import CliRunner

    from converter.cli import cli

    path = tmp_path / "c.postman_collection.json"
    auth = _oauth2(grant_type="client_credentials", accessTokenUrl="/oauth/token", clientId="abc", clientSecret=S)
    path.write_text(coll(req(auth=auth), req(f"{URL}/ok", name="ok", auth={"type": "noauth"})), "utf-8")
    result = CliRunner().invoke(cli, ["convert", str(path)], catch_exceptions=False)
    assert result.exit_code == 3
    assert "[oauth2-bad-url]" in result.stderr and S not in result.stdout + result.stderr
    assert [a["name"] for a in validate_ok(result.stdout)["actions"]] == ["ok"]


def validate_ok(out: str) -> dict:
    import yaml

    doc = yaml.safe_load(out)
    assert validate_bundle(doc) == []
    return doc


# --- 4. variable names holding URL delimiters ---------------------------------------------------


def test_variables_with_delimiters_in_their_names_stay_whole():
    # newman sends /p/AB/qQr/H/s?k=XY&AMP=1 (postman-url-encoder keeps {{a/b}}, {{?}}, {{#}}, {{x&y}} whole).
    url = f"{URL}/p/{{{{a/b}}}}/q{{{{?}}}}r/{{{{#}}}}/s?k={{{{x&y}}}}&{{{{&}}}}=1&z={{{{arg}}}}#frag"
    variable = [{"key": k, "value": v} for k, v in
                [("a/b", "AB"), ("?", "Q"), ("#", "H"), ("x&y", "XY"), ("&", "AMP"), ("arg", "ARG")]]
    _, bundle, diags = convert(coll(req(url), variable=variable))
    action = bundle["actions"][0]
    assert action["path"] == "/p/{{{a_b}}}/q{{{arg_2}}}r/{{{arg_3}}}/s"
    assert action["query_params"] == [{"key": "k", "value": "{{{x_y}}}"}, {"key": "{{{arg_4}}}", "value": "1"},
                                      {"key": "z", "value": "{{{arg}}}"}]
    assert [(a["name"], a["example_value"]) for a in action["input_args"]] == [
        ("a_b", "AB"), ("arg_2", "Q"), ("arg_3", "H"), ("x_y", "XY"), ("arg_4", "AMP"), ("arg", "ARG")]
    assert diags == []


def test_undefined_ampersand_variable_is_one_argument():
    _, bundle, diags = convert(coll(req(f"{URL}/x?{{{{&}}}}")))
    action = bundle["actions"][0]
    assert action["query_params"] == [{"key": "{{{arg}}}", "value": None}]
    assert action["input_args"] == [{"name": "arg", "type": "string", "required": True}]
    assert diags == [("unresolved-variable", "warning", "$.item[0] ('a'): variable {{&}} has no value in the "
                      "collection, environment or --var (Postman sends it as written): an input argument without example")]


def test_host_variable_with_a_slash_in_its_name():
    # newman resolves {{h/x}} as the host; {{base?}} as scheme, host and path prefix.
    variable = [{"key": "h/x", "value": "api.example.com"}, {"key": "base?", "value": f"{URL}/v1"}]
    _, bundle, _ = convert(coll(req("https://{{h/x}}/p?z=1"), req("{{base?}}/p", name="b"), variable=variable))
    assert [(a["connector"], a["path"]) for a in bundle["actions"]] == [("example", "/p"), ("example", "/v1/p")]


@pytest.mark.parametrize("place", ["header", "urlencoded", "formdata", "raw", "graphql"])
def test_delimiter_names_elsewhere_in_the_request(place):
    value = "{{x&y=z}}"
    fields = {
        "header": {"header": [{"key": "X-A", "value": value}]},
        "urlencoded": {"body": {"mode": "urlencoded", "urlencoded": [{"key": "f", "value": value}]}},
        "formdata": {"body": {"mode": "formdata", "formdata": [{"key": "f", "value": value, "type": "text"}]}},
        "raw": {"body": {"mode": "raw", "raw": f"a={value}&b=1"}},
        "graphql": {"body": {"mode": "graphql", "graphql": {"query": value}}},
    }[place]
    _, bundle, _ = convert(coll(req(method="POST", **fields), variable=[{"key": "x&y=z", "value": "v"}]))
    action = bundle["actions"][0]
    assert action["input_args"] == [{"name": "x_y_z", "type": "string", "required": True, "example_value": "v"}]
    assert "{{{x_y_z}}}" in json.dumps(action)


# --- 5. url.path as a string holding a query ------------------------------------------------------


def test_path_string_with_a_query_is_sent_as_written():
    # newman sends GET /users/6b6b6b6b?atoken=6b6b6b6b&?q=1: the path string is pasted, then "?" + query[].
    url = {"protocol": "https", "host": ["api", "example", "com"], "path": "users/6b6b6b6b?atoken=6b6b6b6b&",
           "query": [{"key": "q", "value": "1"}]}
    _, bundle, _ = convert(coll(req(url), auth={"type": "bearer", "bearer": [{"key": "token", "value": S}]}))
    action = bundle["actions"][0]
    assert action["path"] == "/users/<<EXAMPLE_ATOKEN>>"
    assert action["query_params"] == [{"key": "atoken", "value": "<<EXAMPLE_ATOKEN>>"}, {"key": "?q", "value": "1"}]


def test_path_list_segment_with_query_and_fragment():
    # newman sends GET /users/a?b=1/c: the URL is rebuilt as text, then cut at "#".
    url = {"protocol": "https", "host": ["api", "example", "com"], "path": ["users", "a?b=1", "c#d"],
           "query": [{"key": "q", "value": "1"}]}
    _, bundle, _ = convert(coll(req(url)))
    action = bundle["actions"][0]
    assert (action["path"], action["query_params"]) == ("/users/a", [{"key": "b", "value": "1/c"}])


# --- 6. numbers Python will not read ------------------------------------------------------------


def test_huge_integer_is_a_converter_error_with_its_position():
    text = '{"info": {"name": "%s", "schema": "%s"}, "item": [], "n": %s}' % ("9" * 5000, V21, "1" * 5000)
    with pytest.raises(ConverterError) as info:
        convert_collection(text, "c.json")
    assert info.value.code == "bad-json"
    assert info.value.diagnostic().format(with_caret=False) == (
        f"c.json:1:{text.index(': 1111') + 3}: error: $: an integer too long to read (thousands of digits) [bad-json]")


def test_huge_integer_in_an_environment():
    text = '{"values": [{"key": "a", "value": -%s}]}' % ("7" * 4400)
    with pytest.raises(ConverterError) as info:
        load_environment(text, "env.json")
    assert info.value.code == "bad-json" and info.value.span.col == text.index("-7") + 2  # the first digit


def test_long_floats_and_short_integers_still_read():
    text = coll(req(f"{URL}/x", header=[{"key": "X-N", "value": 1e300}, {"key": "X-M", "value": int("9" * 4300)}]))
    text = text.replace("1e+300", "1" * 5000 + ".5")
    requests, _ = load_collection(text, "c.json")
    assert [k for k, _ in requests[0].headers] == ["X-N", "X-M"]


# --- empty form-data names (a sibling: the schema needs a key) -----------------------------------


@pytest.mark.parametrize("key, variable", [("", []), ("{{e}}", [{"key": "e", "value": ""}])])
def test_formdata_part_with_an_empty_name_skips_the_request(key, variable):
    # newman sends Content-Disposition: form-data; name="" (curl's -F =v is refused the same way).
    body = {"mode": "formdata", "formdata": [{"key": key, "value": "v", "type": "text"}, {"key": "a", "value": "1"}]}
    _, bundle, diags = convert(coll(req(method="POST", body=body), req(f"{URL}/ok", name="ok"), variable=variable))
    assert [a["name"] for a in bundle["actions"]] == ["ok"]
    assert diags == [("bad-form", "error", "$.item[0] ('a'): a form-data part has an empty name (Postman sends "
                                           "name=\"\"), which the platform cannot express: request skipped")]


def test_formdata_file_part_without_name_or_file_is_only_dropped():
    body = {"mode": "formdata", "formdata": [{"key": "", "type": "file"}, {"key": "a", "value": "1"}]}
    _, bundle, diags = convert(coll(req(method="POST", body=body)))
    assert bundle["actions"][0]["form_data"] == [{"key": "a", "value": "1"}]
    assert [d[0] for d in diags] == ["form-file-missing"]


# --- generated inputs: every odd variable name in every position ---------------------------------

_NAME_CHARS = st.sampled_from(list("&/?#=;:@.,\"'\\ {}[]%+$!|<>`~\t") + ["\u00e9", "\u2028", "x", "ab", ""])
_POSITIONS = ["path", "query", "query_key", "host", "path_variable", "header", "header_name", "cookie", "urlencoded",
              "formdata", "raw", "json", "graphql", "apikey_key", "apikey_value", "bearer", "basic", "token_url"]


@st.composite
def _collections(draw):
    name = "".join(draw(st.lists(_NAME_CHARS, max_size=4)))
    v = "{{" + name + "}}"
    where = draw(st.sampled_from(_POSITIONS))
    r: dict = {"method": "POST", "url": f"{URL}/p/x"}
    in_ = draw(st.sampled_from(["header", "query"]))
    grant = draw(st.sampled_from(["client_credentials", "authorization_code", "password", "refresh_token"]))
    r.update({
        "path": {"url": f"{URL}/p/{v}/q"}, "query": {"url": f"{URL}/p?a={v}&b=1"},
        "query_key": {"url": f"{URL}/p?{v}=1&{v}"}, "host": {"url": f"https://{v}/p"},
        "path_variable": {"url": {"raw": f"{URL}/p/:id", "protocol": "https", "host": ["api", "example", "com"],
                                  "path": ["p", ":id"], "variable": [{"key": "id", "value": v}]}},
        "header": {"header": [{"key": "X-A", "value": v}]}, "header_name": {"header": [{"key": v, "value": "1"}]},
        "cookie": {"header": [{"key": "Cookie", "value": f"a={v}; b=1"}]},
        "urlencoded": {"body": {"mode": "urlencoded", "urlencoded": [{"key": v, "value": v}]}},
        "formdata": {"body": {"mode": "formdata", "formdata": [{"key": v, "value": v, "type": "text"}]}},
        "raw": {"body": {"mode": "raw", "raw": f"a={v}&b={v}"}},
        "json": {"body": {"mode": "raw", "raw": '{"a": "%s", "password": "%s"}' % (v, v),
                          "options": {"raw": {"language": "json"}}}},
        "graphql": {"body": {"mode": "graphql", "graphql": {"query": v, "variables": '{"a": "%s"}' % v}}},
        "apikey_key": {"auth": {"type": "apikey", "apikey": {"key": v, "value": "k", "in": in_}}},
        "apikey_value": {"auth": {"type": "apikey", "apikey": {"key": "X-Key", "value": v, "in": in_}}},
        "bearer": {"auth": {"type": "bearer", "bearer": {"token": v}}},
        "basic": {"auth": {"type": "basic", "basic": {"username": v, "password": v}}},
        "token_url": {"auth": {"type": "oauth2", "oauth2": {
            "grant_type": grant, "accessTokenUrl": draw(st.sampled_from(["https://id.test/t?x=", "", v])) + v,
            "authUrl": draw(st.sampled_from(["", "https://id.test/a", v])), "clientId": draw(st.sampled_from(["", v]))}}},
    }[where])
    variable = []
    if draw(st.booleans()):
        value = draw(st.sampled_from(["https://h.test", "/p", "a&b=c", "", "{{x}}", "v", S]))
        variable = [{"key": name, "value": value, **({"type": "secret"} if draw(st.booleans()) else {})}]
    return where, coll({"name": "a", "request": r}, req(f"{URL}/ok", name="ok"), variable=variable)


@settings(max_examples=int(300 * float(os.environ.get("C2C_PROPERTY_SCALE", "1"))), deadline=None, database=None,
          derandomize=os.environ.get("C2C_PROPERTY_RANDOM") != "1",
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(case=_collections())
def test_odd_variable_names_anywhere_give_valid_output(case):
    where, text = case
    try:
        result, bundle, _ = convert(text)  # validates and checks the marks
    except ConverterError as exc:
        assert exc.code
        return
    assert bundle["actions"][-1]["path"] == "/ok"
    # A variable typed secret never reaches a value position (names are resolved: not checked there).
    if '"type": "secret"' in text and where not in ("host", "header_name", "apikey_key", "token_url", "formdata"):
        assert S not in dump_yaml(bundle)


def test_secret_variable_used_as_a_header_name_withholds_that_request() -> None:
    # a typed secret used where no placeholder can stand: the request is not written, the rest is
    import json as _json

    from converter.postman import convert_collection
    from converter.yamlio import dump_yaml

    col = {"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
           "variable": [{"key": "hname", "value": "X-Zk9SecretHeader77", "type": "secret"}],
           "item": [{"name": "a", "request": {"method": "GET", "url": "https://api.example.com/x",
                                              "header": [{"key": "{{hname}}", "value": "1"}]}},
                    {"name": "b", "request": {"method": "GET", "url": "https://api.example.com/y"}}]}
    result = convert_collection(_json.dumps(col), "c.json")
    assert [a["path"] for a in result.actions] == ["/y"]
    assert "Zk9SecretHeader" not in dump_yaml(result.bundle())
    assert [d.format(with_caret=False) for d in result.diagnostics] == [
        "error: action a_action: a credential of this input is a header or field name, which cannot be a "
        "placeholder: the action is not written [secret-in-name]"]


# --- the nesting-depth check: strings dropped by splitting on quotes ----------------------

_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab\n', max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet='[]{}"\\k', max_size=4), inner,
                                                                max_size=3),
    max_leaves=30)


def _depth_by_parsing(value) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth_by_parsing(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth_by_parsing(v) for v in value), default=0)
    return 0


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES, st.integers(min_value=0, max_value=3))
def test_depth_check_agrees_with_the_parsed_document(value, extra):
    """The check sees the nesting of the parsed document, whatever brackets, quotes and
    backslashes its strings hold: nested ``extra`` levels past the limit it refuses."""
    from converter import postman_input

    deep = value
    wrap = postman_input.MAX_DEPTH - _depth_by_parsing(value) + extra
    for _ in range(max(0, wrap)):
        deep = [deep]
    text = json.dumps(deep, indent=None if extra % 2 else 1)
    if _depth_by_parsing(deep) > postman_input.MAX_DEPTH:
        with pytest.raises(ConverterError) as exc:
            postman_input.JsonDoc(text, "c.json")
        assert exc.value.code == "json-too-deep"
    else:
        postman_input.JsonDoc(text, "c.json")  # no error


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "{", '"', "é", "\u4e2d", "\U0001f600", MARK_OPEN, MARK_CLOSE,
                                         "\ud800", "\udfff", "\udc00"]), max_size=12))
def test_bad_text_fast_check_agrees_with_the_pattern(text):
    from converter import postman_input

    assert postman_input._has_bad_text(text) == bool(postman_input._BAD_TEXT.search(text))

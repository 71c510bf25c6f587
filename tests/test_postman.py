"""Postman collections → connectors and actions: goldens for the corpus, one test per rule.

Corpus (fixtures/postman/<case>/): ``collection.json``, optional ``environment.json`` or
``globals.json``, ``meta.json`` (``vars``: the ``--var`` values; ``expect`` and ``env``
are for tests/test_newman.py), ``secrets.txt`` (every secret of the input, one a line)
and the frozen ``expected.yaml`` + ``diagnostics.txt``.  After reviewing a change,
regenerate them with ``python -m tests.test_postman --update-golden``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from converter import model
from converter.errors import ConverterError
from converter.model import Auth
from converter.postman import PostmanLoader, convert_collection, is_postman_collection, load_collection
from converter.postman_auth import lodash_lower
from converter.postman_input import JsonDoc, load_environment
from converter.postman_wire import form_encode, mime_type, percent_encode
from converter.yamlio import dump_yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "postman"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "collection.json").is_file())
V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def convert_case(name: str):
    d = CORPUS / name
    meta = json.loads((d / "meta.json").read_text("utf-8")) if (d / "meta.json").exists() else {}
    env = next((d / f for f in ("environment.json", "globals.json") if (d / f).exists()), None)
    return convert_collection((d / "collection.json").read_text("utf-8"), "collection.json",
                              environment=env.read_text("utf-8") if env else None,
                              environment_source=env.name if env else "<environment>", variables=meta.get("vars"))


def diagnostics_text(result) -> str:
    return "".join(d.format(with_caret=False) + "\n" for d in result.diagnostics)


def report_text(result) -> str:
    return "".join(f"{c.name} {c.where} {c.masked}\n" for c in result.placeholders.created)


# --- the corpus ---------------------------------------------------------------------------


def test_corpus_size_and_coverage():
    assert len(CASES) >= 12
    texts = {n: (CORPUS / n / "collection.json").read_text("utf-8") for n in CASES}
    everything = "".join(texts.values())
    for kind in ("noauth", "basic", "bearer", "apikey", "oauth2", "digest", "oauth1", "hawk", "awsv4", "ntlm",
                 "edgegrid", "jwt", "asap", "inherit"):
        assert f'"type": "{kind}"' in everything, kind
    for mode in ("raw", "urlencoded", "formdata", "file", "graphql"):
        assert f'"mode": "{mode}"' in everything, mode
    assert any("v2.0.0" in t for t in texts.values()) and any("v2.1.0" in t for t in texts.values())
    assert any('"requests"' in t and '"order"' in t for t in texts.values())  # a v1.0 file
    assert max(t.count('"request"') for t in texts.values()) >= 200
    assert any((CORPUS / n / "environment.json").exists() for n in CASES)
    assert any((CORPUS / n / "globals.json").exists() for n in CASES)


@pytest.mark.parametrize("name", CASES)
def test_golden(name):
    result = convert_case(name)
    assert dump_yaml(result.bundle()) == (CORPUS / name / "expected.yaml").read_text("utf-8")
    assert diagnostics_text(result) == (CORPUS / name / "diagnostics.txt").read_text("utf-8")


@pytest.mark.parametrize("name", CASES)
def test_no_secret_reaches_an_output(name):
    result = convert_case(name)
    secrets = [s for s in (CORPUS / name / "secrets.txt").read_text("utf-8").splitlines() if s]
    assert secrets
    outputs = dump_yaml(result.bundle()) + diagnostics_text(result) + report_text(result)
    for secret in secrets:
        assert secret not in outputs, f"{name}: a secret from secrets.txt reached an output"


@pytest.mark.parametrize("name", CASES)
def test_outputs_are_valid_against_the_schemas(name):
    jsonschema = pytest.importorskip("jsonschema")
    referencing = pytest.importorskip("referencing")
    schemas = [json.loads(p.read_text("utf-8")) for p in (ROOT / "schemas").glob("*.schema.json")]
    registry = referencing.Registry().with_resources(
        [(s["$id"], referencing.Resource.from_contents(s)) for s in schemas if "$id" in s])
    bundle_schema = json.loads((ROOT / "schemas" / "bundle.schema.json").read_text("utf-8"))
    validator = jsonschema.validators.validator_for(bundle_schema)(bundle_schema, registry=registry)
    assert [e.message for e in validator.iter_errors(convert_case(name).bundle())] == []


def test_output_is_deterministic():
    assert dump_yaml(convert_case("urls_and_variables").bundle()) == dump_yaml(convert_case("urls_and_variables").bundle())


# --- helpers ------------------------------------------------------------------------------


def coll(*items, **top) -> str:
    doc = {"info": {"name": "t", "schema": V21}, "item": list(items)}
    doc.update(top)
    return json.dumps(doc)


def req(url="https://api.example.test/x", method="GET", name="r", **fields) -> dict:
    return {"name": name, "request": {"method": method, "url": url, **fields}}


def load(text: str, **kw):
    requests, diags = load_collection(text, "c.json", **kw)
    return requests, diags


def one(text: str, **kw):
    requests, diags = load(text, **kw)
    assert len(requests) == 1, diags
    return requests[0], diags


def bundle(text: str, **kw) -> dict:
    return convert_collection(text, "c.json", **kw).bundle()


def codes(diags) -> list[str]:
    return [d.code for d in diags]


T = model.template
P = model.placeholder


# --- JSON input ---------------------------------------------------------------------------


def test_invalid_json_has_line_and_column():
    with pytest.raises(ConverterError) as exc:
        load('{\n  "info": {,\n}')
    assert exc.value.code == "bad-json"
    assert (exc.value.span.line, exc.value.span.col, exc.value.span.source) == (2, 12, "c.json")
    assert exc.value.message == "$: not valid JSON (Expecting property name enclosed in double quotes)"


def test_nan_and_infinity_are_refused_at_their_position():
    with pytest.raises(ConverterError) as exc:
        load('{"info": {"name": "NaN"},\n "x": [1, -Infinity]}')
    assert exc.value.message == "$: NaN and Infinity are not JSON"
    assert (exc.value.span.line, exc.value.span.col) == (2, 11)


def test_duplicate_keys_warn_with_their_path_and_the_last_wins():
    text = '{"info": {"name": "t", "schema": "%s"},\n "item": [{"name": "a", "name": "b", "request": "https://h.test/"}]}' % V21
    (r,), diags = load(text)
    assert r.name == "b"
    assert [(d.code, d.message, d.span.line, d.span.col) for d in diags] == [
        ("json-duplicate-key", "$.item[0]: duplicate key 'name': the last one wins, as in Postman", 2, 33)]


def test_nesting_deeper_than_500_is_refused():
    with pytest.raises(ConverterError) as exc:
        load('{"a": ' + "[" * 600 + "]" * 600 + "}")
    assert exc.value.code == "json-too-deep"
    assert exc.value.span.col == 506  # the 500th "[" opens level 501
    load_ok = '{"info": {"name": "t", "schema": "%s"}, "x": %s, "item": [{"request": "https://h.test/"}]}' % (
        V21, "[" * 400 + "]" * 400)
    assert len(load(load_ok)[0]) == 1


def test_token_marks_and_lone_surrogates_are_refused():
    for bad in ('"\\ue000"', '"\\ud800"'):
        with pytest.raises(ConverterError) as exc:
            load('{"info": {"name": "t", "schema": "%s"}, "item": [{"name": %s, "request": "https://h.test"}]}' % (V21, bad))
        assert exc.value.message.startswith("$.item[0].name: unsupported character")


def test_json_paths_and_positions_of_nodes():
    doc = JsonDoc('{"a": [1, {"b c": "x"}],\n  "d": {"e": null}}', "f.json")
    assert (doc.span(("a", 1, "b c")).line, doc.span(("a", 1, "b c")).col) == (1, 19)
    assert (doc.span(("d", "e")).line, doc.span(("d", "e")).col) == (2, 14)
    assert doc.span(("zz",)).line == 0
    assert doc.error(("a", 1, "b c"), "m").message == '$.a[1]["b c"]: m'


def test_not_a_collection():
    with pytest.raises(ConverterError) as exc:
        load('{"hello": 1}')
    assert exc.value.code == "not-postman"
    with pytest.raises(ConverterError) as exc:
        load('{"name": "env", "values": []}')
    assert "this is a Postman environment, not a collection" in exc.value.message
    with pytest.raises(ConverterError) as exc:
        load(coll())
    assert (exc.value.code, exc.value.message) == ("empty-collection", "$.item: the collection has no requests")


def test_detection_by_content():
    assert is_postman_collection(coll(req()))
    assert is_postman_collection('\ufeff {"name": "x", "item": []}')
    assert is_postman_collection('{"id": "1", "name": "x", "order": [], "requests": []}')
    assert not is_postman_collection('{"name": "env", "values": []}')
    assert not is_postman_collection("curl https://example.test")
    assert not is_postman_collection('{"info": {"name": "x"}}')
    assert not is_postman_collection("{not json")


def test_v20_and_v21_and_no_info_block_all_load():
    for top in ({"info": {"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json"}},
                {"info": {"name": "t", "schema": V21}}, {"name": "t"}):
        doc = {"item": [req()], **top}
        assert len(load(json.dumps(doc))[0]) == 1


# --- variables and environments -----------------------------------------------------------


def test_environment_values_types_and_disabled_entries():
    values, is_globals, warnings = load_environment(json.dumps({"values": [
        {"key": "a", "value": "1", "type": "default", "enabled": True},
        {"key": "b", "value": 2, "type": "secret"},
        {"key": "c", "value": "x", "enabled": False},
        {"value": "no key"}]}), "env.json")
    assert [(v.key, v.value, v.secret) for v in values] == [("a", "1", False), ("b", "2", True)]
    assert not is_globals
    assert [w.message for w in warnings] == ["$.values[3]: entry without a key: ignored"]
    with pytest.raises(ConverterError) as exc:
        load_environment(coll(req()), "env.json")
    assert exc.value.code == "bad-environment"


def test_precedence_globals_collection_environment_var():
    text = coll(req("https://h.test/{{a}}/{{b}}/{{c}}/{{d}}"),
                variable=[{"key": "a", "value": "coll"}, {"key": "b", "value": "coll"}, {"key": "c", "value": "coll"}])
    glob = json.dumps({"_postman_variable_scope": "globals", "values": [{"key": k, "value": "glob"} for k in "abcd"]})
    r, _ = one(text, environment=glob)
    assert r.examples == {"a": "coll", "b": "coll", "c": "coll", "d": "glob"}
    env = json.dumps({"values": [{"key": k, "value": "env"} for k in "bcd"]})
    r, _ = one(text, environment=env, variables={"c": "var"})
    assert r.examples == {"a": "coll", "b": "env", "c": "var", "d": "env"}


def test_nested_values_resolve_like_the_runtime_and_cycles_stop():
    text = coll(req("https://h.test/{{a}}/{{loop}}"), variable=[
        {"key": "a", "value": "{{b}}-{{b}}"}, {"key": "b", "value": "{{c}}"}, {"key": "c", "value": "z"},
        {"key": "loop", "value": "x{{loop}}"}])
    r, _ = one(text)
    assert r.examples["a"] == "z-z"
    assert r.examples["loop"] == "x" * 19 + "{{loop}}"  # 19 passes, like VARS_SUBREPLACE_LIMIT


def test_base_url_variables_are_resolved_into_the_url():
    text = coll(req("{{base}}/users/{{id}}"), req("{{scheme}}://{{host}}:{{port}}/p", name="b"),
                variable=[{"key": "base", "value": "{{scheme}}://api.example.test/v2"}, {"key": "scheme", "value": "https"},
                          {"key": "host", "value": "API.example.test"}, {"key": "port", "value": "8443"},
                          {"key": "id", "value": "7"}])
    (a, b), _ = load(text)
    assert a.url == "https://api.example.test/v2/users/" + T("id")
    assert b.url == "https://API.example.test:8443/p"
    assert bundle(text)["connectors"][1]["base_url"] == "https://api.example.test:8443"


def test_a_host_variable_without_value_skips_the_request():
    requests, diags = load(coll(req("{{nowhere}}/x", name="A"), req()))
    assert len(requests) == 1
    assert [(d.code, d.severity, d.message) for d in diags] == [(
        "variable-host", "error", "$.item[0] ('A'): the URL's host comes from a variable that has no value: give it "
        "one in the collection, an environment (--environment) or --var")]


def test_secret_variables_become_placeholders():
    text = coll(req("https://h.test/p?who={{user}}&k={{apiKey}}&s={{stored}}&t={{tok}}&u={{wrap}}",
                    header=[{"key": "X-Api-Key", "value": "{{headerVar}}"}, {"key": "X-Other", "value": "{{headerVar}}"}]),
                variable=[{"key": "user", "value": "ana"}, {"key": "apiKey", "value": "plain"},
                          {"key": "tok", "value": "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R"},
                          {"key": "headerVar", "value": "hv"}, {"key": "wrap", "value": "pre-{{stored}}"}])
    env = json.dumps({"values": [{"key": "stored", "value": "s1", "type": "secret"}]})
    r, _ = one(text, environment=env)
    # by name (apiKey), by environment type (stored), by value format (tok), by position (headerVar in
    # X-Api-Key, so also in X-Other), by reference (wrap refers to stored); user stays an input.
    assert r.url == ("https://h.test/p?who=" + T("user") + "&k=" + P("API_KEY") + "&s=" + P("STORED") + "&t="
                     + P("TOK") + "&u=" + P("WRAP"))
    assert r.headers == [("X-Api-Key", P("HEADER_VAR")), ("X-Other", P("HEADER_VAR"))]
    assert r.examples == {"user": "ana"}


def test_credential_positions_in_bodies_make_variables_secret():
    text = coll(req(method="POST", body={"mode": "raw", "raw": '{"password": "{{pw}}", "n": "{{pw2}}"}'}, name="a"),
                req(method="POST", body={"mode": "urlencoded", "urlencoded": [{"key": "client_secret", "value": "{{cs}}"}]},
                    name="b"),
                req(method="POST", body={"mode": "formdata", "formdata": [{"key": "token", "value": "{{ft}}"}]}, name="c"),
                req(header=[{"key": "Cookie", "value": "s={{ck}}"}], name="d"),
                variable=[{"key": k, "value": "v"} for k in ("pw", "pw2", "cs", "ft", "ck")])
    (a, b, c, d), _ = load(text)
    assert a.body.text == '{"password": "' + P("PW") + '", "n": "' + T("pw2") + '"}'
    assert b.body.text == "client_secret=" + P("CS")
    assert c.body.form[0].value == P("FT")
    assert d.headers == [("Cookie", "s=" + P("CK"))]


def test_credentials_of_skipped_requests_still_make_variables_secret():
    text = coll(req(method="HEAD", header=[{"key": "X-Api-Key", "value": "{{k}}"}], name="skipped"),
                req(method="TRACE", url="https://h.test/?access_token={{t}}", name="skipped2"),
                req("https://h.test/p?a={{k}}&b={{t}}"), variable=[{"key": "k", "value": "v1"}, {"key": "t", "value": "v2"}])
    (r,), _ = load(text)
    assert r.url == "https://h.test/p?a=" + P("K") + "&b=" + P("T") and r.examples == {}


def test_a_variable_typed_secret_in_any_scope_stays_secret():
    env = json.dumps({"values": [{"key": "s", "value": "e", "type": "secret"}]})
    r, _ = one(coll(req("https://h.test/{{s}}")), environment=env, variables={"s": "from-var"})
    assert r.url == "https://h.test/" + P("S")


def test_placeholders_from_variables_are_reported_by_scope():
    text = coll(req(auth={"type": "bearer", "bearer": [{"key": "token", "value": "{{tok}}"}]}),
                variable=[{"key": "tok", "value": "abc"}])
    result = convert_collection(text, "c.json")
    assert report_text(result) == "TOK collection variable {{tok}}\n"
    assert result.connectors[0]["api_key_auth"]["api_key"] == "<<TOK>>"


def test_dynamic_and_unresolved_variables():
    (r,), diags = load(coll(req("https://h.test/{{$timestamp}}?q={{missing}}", name="N")))
    assert r.url == "https://h.test/" + T("$timestamp") + "?q=" + T("missing")
    assert r.examples == {}
    assert [(d.code, d.message) for d in diags] == [
        ("dynamic-variable", "$.item[0] ('N'): dynamic variable {{$timestamp}} is generated by Postman on each run: "
                             "kept as an input argument without example"),
        ("unresolved-variable", "$.item[0] ('N'): variable {{missing}} has no value in the collection, environment or "
                                "--var (Postman sends it as written): an input argument without example")]
    action = bundle(coll(req("https://h.test/{{$timestamp}}")))["actions"][0]
    assert action["path"] == "/{{{timestamp}}}"


def test_arg_encoding_warns_only_when_the_example_changes():
    text = coll(req("https://h.test/{{a}}?q={{b}}", name="N"), variable=[{"key": "a", "value": "x y"}, {"key": "b", "value": "ok"}])
    (r,), diags = load(text)
    assert [(d.code, d.message) for d in diags] == [(
        "arg-encoding", "$.item[0] ('N'): Postman percent-encodes the value of {{a}}, the platform inserts input "
                        "argument a as given: pass its values already encoded")]


# --- URLs -------------------------------------------------------------------------------


def test_url_object_rebuilt_from_parts_and_raw_ignored():
    url = {"raw": "https://raw.example.test/ignored", "protocol": "https", "host": ["api", "example", "test"],
           "port": 8443, "path": ["v1", "items"],
           "query": [{"key": "a", "value": "1"}, {"key": "b", "value": "2", "disabled": True}, {"key": "flag"},
                     {"key": "k&=", "value": "v&#{{x}}"}]}
    r, _ = one(coll(req(url)))
    assert r.url == "https://api.example.test:8443/v1/items?a=1&flag&k%26%3D=v%26%23" + T("x")


def test_url_object_with_raw_only_and_string_path():
    r, _ = one(coll(req({"raw": "https://h.test/a?b=1"})))
    assert r.url == "https://h.test/a?b=1"
    r, _ = one(coll(req({"host": "h.test", "path": "/x/y"})))
    assert r.url == "http://h.test/x/y"


def test_request_as_a_plain_string_and_fragment_dropped():
    r, _ = one(coll({"name": "s", "request": "https://h.test/a#frag"}))
    assert (r.method, r.url) == ("GET", "https://h.test/a")


def test_percent_encoding_like_the_runtime():
    r, _ = one(coll(req('https://h.test/a b/ü/%41{x}?q=a b"<\'>&r=%zz')))
    assert r.url == "https://h.test/a%20b/%C3%BC/%41%7Bx%7D?q=a%20b%22%3C%27%3E&r=%zz"
    assert percent_encode("a%2Fb%", frozenset(" ")) == "a%2Fb%"
    assert form_encode("a b!*'()~-_.&=é") == "a%20b%21%2A%27%28%29~-_.%26%3D%C3%A9"


def test_no_scheme_means_http():
    (r,), diags = load(coll(req("h.test/x", name="N")))
    assert r.url == "http://h.test/x"
    assert [(d.code, d.message) for d in diags] == [("no-scheme", "$.item[0] ('N'): the URL has no scheme: Postman uses http://")]


def test_path_variables():
    url = {"raw": "x", "protocol": "http", "host": ["h", "test"], "path": ["u", ":id", ":file.json", ":nov", ":ref"],
           "variable": [{"key": "id", "value": "42"}, {"key": "file", "value": "f"}, {"key": "ref", "value": "{{other}}"}]}
    (r,), diags = load(coll(req(url, name="N"), variable=[{"key": "other", "value": "o"}]))
    assert r.url == "http://h.test/u/" + T("id") + "/" + T("file") + ".json/" + T("nov") + "/" + T("other")
    assert r.examples == {"id": "42", "file": "f", "other": "o"}
    assert [d.message for d in diags] == [
        "$.item[0] ('N'): path variable :nov has no value (Postman sends ':nov'): an input argument without example"]


def test_secret_looking_path_variable_value_is_a_placeholder():
    url = {"protocol": "http", "host": ["h", "test"], "path": ["hooks", ":hook"],
           "variable": [{"key": "hook", "value": "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R"}]}
    loader = PostmanLoader(coll(req(url)), "c.json")
    (r,) = loader.load()
    assert r.url == "http://h.test/hooks/" + P("HOOK") and r.examples == {}
    assert loader.secret_value("HOOK") == "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R"


# --- headers ----------------------------------------------------------------------------


def test_header_list_disabled_and_case_collisions():
    r, _ = one(coll(req(header=[{"key": "A", "value": "1"}, {"key": "B", "value": "x", "disabled": True},
                                {"key": "x-dup", "value": "1"}, {"key": "X-Dup", "value": "2"}, {"key": "X-Dup", "value": "3"},
                                {"key": "N", "value": 5}, {"key": "E"}])))
    assert r.headers == [("A", "1"), ("X-Dup", "2"), ("X-Dup", "3"), ("N", "5"), ("E", "")]


def test_header_string_form():
    # Header.parse: "^(\\S+):(.*)$" per line, value trimmed; a greedy name swallows "X-B:b", not a token.
    r, diags = one(coll(req(header="Accept: application/json\r\n//X-Off: 1\nX-A:  padded  \nnot a header\nX-B:b:c")))
    assert r.headers == [("Accept", "application/json"), ("X-A", "padded")]
    assert codes(diags) == ["bad-header"]


def test_header_names_resolve_and_bad_names_are_dropped():
    (r,), diags = load(coll(req(header=[{"key": "X-{{n}}", "value": "v"}, {"key": "Bad Name", "value": "v"}], name="N"),
                            variable=[{"key": "n", "value": "Team"}]))
    assert r.headers == [("X-Team", "v")]
    assert [(d.code, d.message) for d in diags] == [
        ("bad-header", "$.item[0] ('N'): a header name that is not an HTTP token is not sent: ignored")]


# --- bodies -------------------------------------------------------------------------------


def body_of(body: dict, method="POST", header=None):
    r, diags = one(coll(req(method=method, body=body, header=header or [])))
    return r, diags


def test_raw_body_and_its_content_type():
    r, _ = body_of({"mode": "raw", "raw": "{\"a\": 1}\n", "options": {"raw": {"language": "json"}}})
    assert (r.body.text, r.headers) == ('{"a": 1}\n', [("Content-Type", "application/json")])
    r, _ = body_of({"mode": "raw", "raw": "x"})
    assert r.headers == [("Content-Type", "text/plain")]
    r, _ = body_of({"mode": "raw", "raw": "x", "options": {"raw": {"language": "xml"}}}, header=[{"key": "content-type", "value": "a/b"}])
    assert r.headers == [("content-type", "a/b")]
    r, _ = body_of({"mode": "raw", "raw": {"not": "a string"}})
    assert r.body.text == '{"not":"a string"}'


def test_bodies_not_sent():
    for body, method in (({"mode": "raw", "raw": ""}, "POST"), ({"mode": "raw", "raw": "x", "disabled": True}, "POST"),
                         ({"mode": "raw", "raw": "x"}, "GET"), ({"mode": "urlencoded", "urlencoded": [
                             {"key": "a", "value": "1", "disabled": True}]}, "POST"), ({"mode": "file", "file": {}}, "PUT")):
        r, _ = body_of(body, method)
        assert (r.body, r.headers) == (None, [])


def test_get_body_kept_with_disable_body_pruning():
    text = coll({"name": "f", "protocolProfileBehavior": {"disableBodyPruning": True},
                 "item": [req(body={"mode": "raw", "raw": "q"})]})
    r, _ = one(text)
    assert r.body.text == "q"


def test_urlencoded_body():
    r, _ = body_of({"mode": "urlencoded", "urlencoded": [
        {"key": "a b", "value": "c&d=e+f ü"}, {"key": "t", "value": "1"}, {"key": "x"}, {"key": "t", "value": "2"},
        {"key": "v", "value": "{{var}}"}]}, header=[{"key": "Content-Type", "value": "text/plain"}])
    assert r.body.text == "a%20b=c%26d%3De%2Bf%20%C3%BC&t=1&t=2&x=&v=" + T("var")
    assert r.headers == [("Content-Type", "application/x-www-form-urlencoded")]
    r, _ = body_of({"mode": "urlencoded", "urlencoded": [{"key": "a", "value": "1"}]},
                   header=[{"key": "content-type", "value": "application/x-www-form-urlencoded; charset=utf-8"}])
    assert r.headers == [("content-type", "application/x-www-form-urlencoded; charset=utf-8")]


def test_formdata_body():
    (r,), diags = load(coll(req(method="POST", name="N", header=[{"key": "Content-Type", "value": "text/plain"}], body={
        "mode": "formdata", "formdata": [
            {"key": "t", "value": "x", "type": "text"}, {"key": "j", "value": "{}", "contentType": "application/json"},
            {"key": "f", "type": "file", "src": "dir/a.JSON"}, {"key": "g", "type": "file", "src": ["a.png", "b"]},
            {"key": "n", "value": 3}, {"key": "off", "value": "x", "disabled": True}, {"key": "e", "type": "file", "src": None}]})))
    assert [(p.name, p.value, p.file, p.content_type) for p in r.body.form] == [
        ("t", "x", None, None), ("j", "{}", None, "application/json"), ("f", None, "dir/a.JSON", "application/json"),
        ("g", None, "a.png", "image/png"), ("g", None, "b", "application/octet-stream"), ("n", "3", None, None)]
    assert r.headers == [("Content-Type", "multipart/form-data")]
    assert [(d.code, d.message) for d in diags] == [
        ("form-file-missing", "$.item[0] ('N'): form file part 'e' names no file: not kept")]


def test_file_body():
    (r,), diags = load(coll(req(method="PUT", name="N", body={"mode": "file", "file": {"src": "data/x.csv"}})))
    assert (r.body.file, r.headers) == ("data/x.csv", [("Content-Type", "text/csv")])
    assert codes(diags) == ["file-not-read"]
    assert mime_type("noext") == "application/octet-stream" and mime_type("a\\b.PDF") == "application/pdf"


def test_graphql_body_bytes():
    def gql(data):
        return body_of({"mode": "graphql", "graphql": data})[0]

    r = gql({"query": "q { a(x: \"{{v}}\") }", "variables": "{\n \"a\": {{n}}\n}"})
    assert r.body.text == '{"query":"q { a(x: \\"' + T("v") + '\\") }","variables":{\n "a": ' + T("n") + "\n}}"
    assert r.headers == [("Content-Type", "application/json")]
    assert gql({"query": "q", "operationName": "Op", "variables": ""}).body.text == '{"query":"q","operationName":"Op"}'
    assert gql({"query": "q", "variables": {"a": 1.0, "b": None}}).body.text == '{"query":"q","variables":{"a":1,"b":null}}'
    assert gql({"query": "é\n"}).body.text == '{"query":"é\\n"}'


def test_unsupported_method_and_lowercase_method():
    requests, diags = load(coll(req(method="HEAD", name="H"), req(method="patch", name="p")))
    assert [r.method for r in requests] == ["PATCH"]
    assert [(d.code, d.message) for d in diags] == [(
        "unsupported-method", "$.item[0] ('H'): method HEAD is not supported by the platform (GET, POST, PUT, PATCH, DELETE)")]


# --- auth ---------------------------------------------------------------------------------


def auth_of(auth, header=(), url="https://h.test/p", **top):
    r, diags = one(coll(req(url, header=list(header), auth=auth), **top))
    return r, diags


def test_bearer_both_encodings_replace_authorization():
    for auth in ({"type": "bearer", "bearer": {"token": "t1"}}, {"type": "bearer", "bearer": [{"key": "token", "value": "t1"}]}):
        r, _ = auth_of(auth, header=[{"key": "authorization", "value": "Bearer old"}, {"key": "X", "value": "1"}])
        assert (r.auth, r.headers) == (Auth("bearer", token="t1", span=r.auth.span), [("X", "1")])


def test_empty_bearer_sends_nothing_and_keeps_written_header():
    r, _ = auth_of({"type": "bearer", "bearer": {"token": ""}}, header=[{"key": "Authorization", "value": "Token x"}])
    assert r.auth is None and r.headers == [("Authorization", "Token x")]
    r, _ = auth_of({"type": "bearer", "bearer": {"token": ""}})
    assert r.auth.kind == "none"


def test_basic_auth():
    r, _ = auth_of({"type": "basic", "basic": [{"key": "username", "value": "u"}, {"key": "password", "value": "{{pw}}"}]},
                   variable=[{"key": "pw", "value": "x"}])
    assert (r.auth.kind, r.auth.username, r.auth.password) == ("basic", "u", P("PW"))


def test_apikey_header_query_and_replacement():
    r, _ = auth_of({"type": "apikey", "apikey": {"key": "X-Api-Key", "value": "k"}},
                   header=[{"key": "x_api_key", "value": "old"}, {"key": "xApiKey", "value": "old"}, {"key": "Y", "value": "1"}])
    assert (r.auth.kind, r.auth.key, r.auth.location, r.auth.token, r.headers) == ("apikey", "X-Api-Key", "header", "k", [("Y", "1")])
    r, _ = auth_of({"type": "apikey", "apikey": [{"key": "key", "value": "{{kn}}"}, {"key": "value", "value": "k"},
                                                {"key": "in", "value": "query"}]}, variable=[{"key": "kn", "value": "api_key"}])
    assert (r.auth.key, r.auth.location) == ("api_key", "query")
    assert lodash_lower("X-API-Key") == lodash_lower("xApiKey") == "x api key"


def test_apikey_without_key():
    (r,), diags = load(coll(req(name="N", auth={"type": "apikey", "apikey": {"value": "v"}})))
    assert r.auth.kind == "none"
    assert [d.message for d in diags] == ["$.item[0] ('N'): api key auth without a key name sends nothing"]


def test_noauth_stops_inheritance_and_leaves_written_credentials_to_the_emitter():
    top = {"type": "bearer", "bearer": {"token": "t"}}
    r, _ = one(coll(req(auth={"type": "noauth"}), auth=top))
    assert r.auth.kind == "none"
    r, _ = one(coll(req(auth={"type": "noauth"}, header=[{"key": "X-Api-Key", "value": "k"}]), auth=top))
    assert r.auth is None
    assert bundle(coll(req(header=[{"key": "X-Api-Key", "value": "k"}], auth={"type": "noauth"})))["connectors"][0][
        "auth_config"] == "api_key_auth"


def test_inheritance_nearest_wins_null_and_omitted_inherit():
    basic = {"type": "basic", "basic": {"username": "fu", "password": "fp"}}
    text = coll({"name": "F1", "auth": basic, "item": [{"name": "F2", "auth": None, "item": [
        {"name": "F3", "item": [req(name="deep"), req(name="own", auth={"type": "bearer", "bearer": {"token": "o"}})]}]}]},
        req(name="top", auth=None), auth={"type": "bearer", "bearer": {"token": "c"}})
    (deep, own, top), _ = load(text)
    assert (deep.auth.kind, deep.auth.username) == ("basic", "fu")
    assert (own.auth.kind, own.auth.token) == ("bearer", "o")
    assert (top.auth.kind, top.auth.token) == ("bearer", "c")


def test_inherit_type_is_inherit_with_a_note():
    text = coll({"name": "F", "auth": {"type": "inherit"}, "item": [req(name="N", auth={"type": "inherit"})]},
                auth={"type": "bearer", "bearer": {"token": "c"}})
    (r,), diags = load(text)
    assert r.auth.token == "c"
    # Sorted by position: the folder's auth comes first in the file.
    assert [(d.code, d.severity, d.message) for d in diags] == [
        ("auth-inherit-type", "info", "$.item[0].item[0] ('N'): auth type 'inherit' of folder 'F' at $.item[0] is not a "
                                      "Postman runtime type (newman sends no auth); treated as inheriting from the parent"),
        ("auth-inherit-type", "info", "$.item[0].item[0] ('N'): auth type 'inherit' is not a Postman runtime type "
                                      "(newman sends no auth); treated as inheriting from the parent")]


@pytest.mark.parametrize("kind", ["digest", "oauth1", "hawk", "awsv4", "ntlm", "edgegrid", "jwt", "asap", "weird-thing"])
def test_unsupported_auth_skips_the_request(kind):
    text = coll(req(name="N", auth={"type": kind, kind: [{"key": "secretKey", "value": "{{s}}"}, {"key": "password", "value": "lit-secret"}]}),
                req(name="M", url="https://h.test/m?x={{s}}"), variable=[{"key": "s", "value": "v"}])
    (r,), diags = load(text)
    assert r.name == "M" and r.url == "https://h.test/m?x=" + P("S")  # its variable is a secret everywhere
    unknown = " (unknown type)" if kind == "weird-thing" else ""
    assert [(d.code, d.message) for d in diags] == [(
        "unsupported-auth", f"$.item[0] ('N'): auth type {kind}{unknown} cannot be expressed by the platform's "
                            "connectors (basic, bearer, api key and oauth2 can): request skipped")]


def test_oauth2_token_only_maps_to_bearer_or_api_key():
    r, _ = auth_of({"type": "oauth2", "oauth2": [{"key": "accessToken", "value": "t"}]},
                   header=[{"key": "Authorization", "value": "x"}], url="https://h.test/p?access_token=old&a=1")
    assert (r.auth.kind, r.auth.token, r.headers, r.url) == ("bearer", "t", [], "https://h.test/p?a=1")
    r, _ = auth_of({"type": "oauth2", "oauth2": {"accessToken": "t", "headerPrefix": " 50% "}})
    assert (r.auth.kind, r.auth.key, r.auth.pattern) == ("apikey", "Authorization", "50%% %s")
    r, _ = auth_of({"type": "oauth2", "oauth2": {"accessToken": "t", "headerPrefix": ""}})
    assert r.auth.pattern == "%s"
    r, _ = auth_of({"type": "oauth2", "oauth2": {"accessToken": "t", "addTokenTo": "queryParams"}})
    assert (r.auth.kind, r.auth.key, r.auth.location) == ("apikey", "access_token", "query")
    r, _ = auth_of({"type": "oauth2", "oauth2": {}})
    assert r.auth.kind == "none"


def test_oauth2_grant_settings():
    r, diags = auth_of({"type": "oauth2", "oauth2": [
        {"key": "grant_type", "value": "password_credentials"}, {"key": "accessTokenUrl", "value": "{{idp}}/token"},
        {"key": "authUrl", "value": "https://id.test/auth"}, {"key": "clientId", "value": "cid"},
        {"key": "clientSecret", "value": "{{cs}}"}, {"key": "scope", "value": "a b"}, {"key": "username", "value": "u"},
        {"key": "password", "value": "p"}, {"key": "client_authentication", "value": "header"},
        {"key": "accessToken", "value": "saved"}, {"key": "refreshToken", "value": "never-emitted"}]},
        variable=[{"key": "idp", "value": "https://id.test"}, {"key": "cs", "value": "s"}])
    assert r.auth.oauth2 == {"grant_type": "password", "token_url": "https://id.test/token", "client_id": "cid",
                             "client_secret": P("CS"), "scope": "a b", "username": "u", "password": "p",
                             "client_authentication": "basic_header"}
    assert diags == []
    connector = bundle(coll(req(auth={"type": "oauth2", "oauth2": {"grant_type": "client_credentials",
                                                                   "accessTokenUrl": "https://id.test/t",
                                                                   "clientId": "cid", "clientSecret": "cs"}})))["connectors"][0]
    assert connector["oauth2"] == {"grant_type": "client_credentials", "token_url": "https://id.test/t",
                                   "client_id": "<<EXAMPLE_CLIENT_ID>>", "client_secret": "<<EXAMPLE_CLIENT_SECRET>>"}


def test_secret_variables_in_oauth2_urls_become_placeholders():
    text = coll(req(auth={"type": "oauth2", "oauth2": {
        "grant_type": "client_credentials", "accessTokenUrl": "{{idp}}/token?key={{apiKey}}&x={{missing}}",
        "clientId": "c", "scope": "{{sc}}"}}), variable=[{"key": "idp", "value": "https://id.test"},
                                                        {"key": "apiKey", "value": "s3cr3t-value"}, {"key": "sc", "value": "read"}])
    connector = bundle(text)["connectors"][0]
    assert connector["oauth2"]["token_url"] == "https://id.test/token?key=<<API_KEY>>&x={{missing}}"
    assert connector["oauth2"]["scope"] == "read"


def test_oauth2_grants_mapping_and_notes():
    def grant(g, **extra):
        p = {"grant_type": g, "accessTokenUrl": "https://id.test/t", "authUrl": "https://id.test/a", **extra}
        return load(coll(req(name="N", auth={"type": "oauth2", "oauth2": p})))

    (r,), d = grant("authorization_code_with_pkce", accessToken="t")
    assert r.auth.oauth2["grant_type"] == "authorization_code" and r.auth.oauth2["authorization_url"] == "https://id.test/a"
    assert d == []
    (r,), d = grant("refresh_token", refreshToken="rt", accessToken="t", addTokenTo="queryParams")
    assert r.auth.oauth2["refresh_token"] == "rt"
    assert [x.code for x in d] == ["oauth2-token-placement"]
    (r,), d = grant("client_credentials")
    assert [x.code for x in d] == ["oauth2-no-saved-token"]
    requests, d = grant("implicit")
    assert requests == []
    assert [(x.code, x.message) for x in d] == [(
        "unsupported-grant", "$.item[0] ('N'): oauth2: implicit grant runs in a browser and has no token endpoint: "
                             "request skipped (use client credentials, password, authorization code or refresh token)")]


# --- structure ----------------------------------------------------------------------------


def test_names_folders_descriptions():
    text = coll({"name": "Users", "item": [req(name="List", description={"content": "  All users.  "}),
                                           {"name": "Admin", "item": [req(name="List", description="x")]}]},
                req(name="List"), info={"name": "t", "schema": V21, "description": "First para\nline two.\n\nSecond."})
    (a, b, c), _ = load(text)
    assert [(r.name, r.folder, r.description) for r in (a, b, c)] == [
        ("List", ("Users",), "All users."), ("List", ("Users", "Admin"), "x"), ("List", (), None)]
    assert a.connector_description == "First para\nline two."
    assert [x["name"] for x in bundle(text)["actions"]] == ["list", "users_admin_list", "list_2"]


def test_descriptions_lose_known_format_secrets():
    r, _ = one(coll(req(description="Use ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R here.")))
    assert r.description == "Use [secret removed] here."


def test_saved_examples_are_ignored():
    item = req()
    item["response"] = [{"originalRequest": {"method": "DELETE", "url": "https://other.test/x",
                                             "header": [{"key": "Authorization", "value": "Bearer s"}]}}]
    r, _ = one(coll(item))
    assert (r.method, r.url, r.headers) == ("GET", "https://api.example.test/x", [])


def test_prerequest_scripts_are_noted_once_per_node():
    text = coll(req(event=[{"listen": "prerequest", "script": {"exec": ["pm.x()"]}}]),
                event=[{"listen": "prerequest", "script": {"exec": [""]}}, {"listen": "test", "script": {"exec": ["t()"]}}])
    text = text.replace('"request": {"method"', '"event": [{"listen": "prerequest", "script": {"exec": ["pm.x()"]}}], "request": {"method"')
    _, diags = load(text)
    assert [(d.code, d.message) for d in diags] == [
        ("prerequest-script", "$.item[0]: a pre-request script is not converted; its requests are converted as written")]


def test_v1_conversion_order_and_fields():
    doc = {"id": "c", "name": "v1", "order": ["r0"], "folders_order": ["f1"], "folders": [
        {"id": "f1", "name": "F", "order": ["r1"], "folders_order": ["f2"]}, {"id": "f2", "name": "G", "order": ["r2"]}],
        "requests": [
            {"id": "r0", "name": "root", "url": "https://h.test/0", "method": "GET", "headers": "A: 1\n//B: 2\n"},
            {"id": "r1", "name": "one", "url": "https://h.test/1?x=1", "method": "POST", "dataMode": "raw",
             "rawModeData": "hi", "queryParams": [{"key": "x", "value": "1", "enabled": False}, {"key": "y", "value": "2"}],
             "currentHelper": "bearerAuth", "helperAttributes": {"token": "t"}},
            {"id": "r2", "name": "two", "url": "https://h.test/:id", "method": "PUT", "pathVariables": {"id": "9"},
             "dataMode": "urlencoded", "data": [{"key": "a", "value": "b", "enabled": True}]},
            {"id": "r3", "name": "orphan", "url": "https://h.test/3", "method": "GET"}]}
    requests, diags = load(json.dumps(doc))
    assert [(r.name, r.folder, r.method, r.url) for r in requests] == [
        ("two", ("F", "G"), "PUT", "https://h.test/" + T("id")), ("one", ("F",), "POST", "https://h.test/1?y=2"),
        ("root", (), "GET", "https://h.test/0")]
    assert requests[0].body.text == "a=b" and requests[0].examples == {"id": "9"}
    assert (requests[1].auth.kind, requests[1].auth.token, requests[1].body.text) == ("bearer", "t", "hi")
    assert requests[2].headers == [("A", "1")]
    bad = dict(doc, requests=[dict(doc["requests"][0], method="TRACE")], order=["r0"], folders=[], folders_order=[])
    _, diags = load(json.dumps(bad))
    assert [d.message for d in diags] == ["$.requests[0] ('root'): method TRACE is not supported by the platform "
                                          "(GET, POST, PUT, PATCH, DELETE)"]


def test_convert_collection_uses_the_connector_name_override():
    out = bundle(coll(req(), req("https://other.test/y", name="b")), connector_name="crm")
    assert [c["name"] for c in out["connectors"]] == ["crm", "crm_2"]


# --- regenerating the goldens ------------------------------------------------------------------


def _update_goldens() -> None:
    for name in CASES:
        result = convert_case(name)
        (CORPUS / name / "expected.yaml").write_text(dump_yaml(result.bundle()), "utf-8")
        (CORPUS / name / "diagnostics.txt").write_text(diagnostics_text(result), "utf-8")
        print(f"wrote {name}")


if __name__ == "__main__":  # python -m tests.test_postman --update-golden
    if sys.argv[1:] != ["--update-golden"]:
        raise SystemExit("usage: python -m tests.test_postman --update-golden")
    _update_goldens()

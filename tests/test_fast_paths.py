"""The fast paths give the answers of the slow ones.

- converter.fastschema (schemas compiled into closures) says valid exactly when
  jsonschema's Draft202012Validator says valid, on documents mutated from valid ones;
- converting and dumping valid documents imports neither jsonschema nor PyYAML, and an
  invalid document still gets jsonschema's issues (the messages of test_schema.py).
- the shell reader's match loop gives the tokens of the pyparsing grammar on every
  fixture and on generated shell text (the grammar still reads here-documents), and a
  one-command CLI run does not import pyparsing;
The YAML writer's equivalence tests are in test_yamlio.py.
"""
from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter import fastschema, schema
from converter.schema import KINDS, load_schema

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


def _jsonschema(kind: str):
    return schema._validator(kind)


def _fast(kind: str):
    fast = schema._fast_validator(kind)
    assert fast is not None, f"the {kind} schema no longer compiles"
    return fast


# -- seeds: every golden bundle, its connectors and actions, and hand-made auth shapes ----

def _golden_documents() -> list[Any]:
    docs: list[Any] = []
    paths = sorted(FIXTURES.glob("cases/*/expected.yaml")) + sorted(FIXTURES.glob("postman/**/expected*.yaml"))
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            docs.append(data)
            docs.extend(data.get("connectors", []))
            docs.extend(data.get("actions", []))
    return docs


OAUTH = {
    "name": "okta", "base_url": "https://example.okta.com", "auth_config": "oauth2",
    "oauth2": {"grant_type": "client_credentials", "token_url": "https://example.okta.com/token",
               "client_id": "<<OKTA_CLIENT_ID>>", "client_secret": "<<OKTA_CLIENT_SECRET>>",
               "scope": "read", "client_authentication": "basic_header",
               "username": "<<U>>", "password": "<<P>>", "refresh_token": "<<R>>",
               "authorization_url": "https://example.okta.com/authorize"},
}
PARAM_AUTH = {
    "name": "weather", "base_url": "https://api.weather.example", "auth_config": "api_key_auth",
    "api_key_auth": {"auth_type": "param_auth", "param_auth_param_name": "appid", "api_key": "<<WEATHER_API_KEY>>"},
}
BASIC = {"name": "sn", "base_url": "https://x.service-now.com/api", "auth_config": "basic_auth",
         "basic_auth": {"username": "<<SN_USERNAME>>", "password": "<<SN_PASSWORD>>"}}
FULL_ACTION = {
    "name": "create_thing", "description": "Creates a thing.", "connector": "okta", "method": "POST",
    "path": "/v1/things/{{{id}}}",
    "headers": [{"key": "Content-Type", "value": "application/json"}],
    "query_params": [{"key": "expand", "value": None}, {"key": "limit", "value": "5"}],
    "form_data": [{"key": "file", "file": "a.txt", "filename": "a.txt", "content_type": "text/plain"},
                  {"key": "note", "value": "hi"}],
    "input_args": [{"name": "id", "type": "string", "required": True, "example_value": "42",
                    "description": "The id."},
                   {"name": "n", "type": "integer", "required": False, "example_value": 3.5}],
}
SEEDS = _golden_documents() + [
    OAUTH, PARAM_AUTH, BASIC, FULL_ACTION,
    {"connectors": [OAUTH, PARAM_AUTH, BASIC],
     "actions": [FULL_ACTION, {**{k: v for k, v in FULL_ACTION.items() if k != "form_data"}, "body": "{}"}]},
]


def test_seeds_are_valid_somewhere():
    assert len(SEEDS) > 200
    for doc in SEEDS:
        assert any(_jsonschema(kind).is_valid(doc) for kind in KINDS), doc


# -- mutations --------------------------------------------------------------------------

def _names(node: Any, out: set[str]) -> set[str]:
    """Every property name the schemas mention (so added keys are often known ones)."""
    if isinstance(node, dict):
        for key in ("properties", "dependentSchemas"):
            out.update(node.get(key, {}))
        out.update(node.get("required", []))
        for value in node.values():
            _names(value, out)
    elif isinstance(node, list):
        for value in node:
            _names(value, out)
    return out


def _enum_values(node: Any, out: list[Any]) -> list[Any]:
    if isinstance(node, dict):
        out.extend(node.get("enum", []))
        if "const" in node:
            out.append(node["const"])
        for value in node.values():
            _enum_values(value, out)
    elif isinstance(node, list):
        for value in node:
            _enum_values(value, out)
    return out


NAMES = sorted(set().union(*(_names(load_schema(k), set()) for k in KINDS)))
ENUMS = sorted({v for k in KINDS for v in _enum_values(load_schema(k), []) if isinstance(v, str)})
EDGE_STRINGS = [
    "", " ", "x", "ab", "a" * 64, "a" * 65, "1a", "a b", "a_b", "A9", "_x", "{{{x}}}",
    "/", "/v1/x", "/x?y=1", "/x#f", "v1/x", "/x\n", "/ x",
    "https://a", "https://a/", "https://a.b/c", "https://a.b/c/", "http://a:8080/p", "https://u@a",
    "https://a/b?c", "https://a#f", "ftp://a", "https://a\n", "https://a b", "https://a/b#",
    "<<A>>", "<<A_1>>", "<<a>>", "<<1A>>", "<<A>>\n", "<A>", "sk-live-123",
    "Bearer %s", "%s", "%d", "Token token=%s", "Content-Type", "X Key", "x:y", "X-Api-Key\n",
    "GET", "get", "HEAD", "True", "null",
] + ENUMS
OTHER_VALUES = [None, True, False, 0, 1, -1, 2.5, 1e300, float("nan"), [], {}, ["x"], [{"key": "a", "value": "b"}],
                {"key": "a", "value": "b"}, {"a": 1}, ("x",)]
# copies: a mutation must never reach a shared constant (or make a cycle through one)
values = st.sampled_from(EDGE_STRINGS) | st.sampled_from(OTHER_VALUES).map(copy.deepcopy) | st.text(max_size=8)


def _values_by_key(node: Any, out: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Every value the seeds hold under each key: swapping one in keeps a document
    plausible (often still valid), which is where the two validators could disagree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if value not in out.setdefault(key, []):
                out[key].append(value)
            _values_by_key(value, out)
    elif isinstance(node, list):
        for value in node:
            _values_by_key(value, out)
    return out


VALUES_BY_KEY = _values_by_key(SEEDS, {})


def _containers(doc: Any, path: tuple = ()) -> list[tuple]:
    """Paths of every dict and list in the document (the root included)."""
    found = []
    if isinstance(doc, (dict, list)):
        found.append(path)
        items = doc.items() if isinstance(doc, dict) else enumerate(doc)
        for key, value in items:
            found.extend(_containers(value, path + (key,)))
    return found


def _at(doc: Any, path: tuple) -> Any:
    for seg in path:
        doc = doc[seg]
    return doc


def _mutate(doc: Any, data: st.DataObject) -> Any:
    doc = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        paths = _containers(doc)
        if not paths:
            return data.draw(values, label="root")
        node = _at(doc, data.draw(st.sampled_from(paths), label="where"))
        op = data.draw(st.sampled_from(["swap", "swap", "swap", "set", "delete", "add", "copy"]), label="op")
        if isinstance(node, dict):
            keys = list(node)
            if op == "swap" and keys:
                key = data.draw(st.sampled_from(keys), label="swapped")
                node[key] = copy.deepcopy(data.draw(st.sampled_from(VALUES_BY_KEY.get(key) or [None]), label="with"))
            elif op == "add" and data.draw(st.booleans(), label="known"):
                key = data.draw(st.sampled_from(sorted(VALUES_BY_KEY)), label="new key")
                node[key] = copy.deepcopy(data.draw(st.sampled_from(VALUES_BY_KEY[key]), label="its value"))
            elif op == "add" or not keys:
                key = data.draw(st.sampled_from(NAMES) | st.text(max_size=6), label="new key")
                node[key] = data.draw(values, label="new value")
            elif op == "delete":
                del node[data.draw(st.sampled_from(keys), label="deleted")]
            elif op == "copy":
                node[data.draw(st.sampled_from(keys), label="replaced")] = copy.deepcopy(
                    _at(doc, data.draw(st.sampled_from(paths), label="copied")))
            else:
                node[data.draw(st.sampled_from(keys), label="set")] = data.draw(values, label="value")
        elif isinstance(node, list):
            if op == "delete" and node:
                del node[data.draw(st.integers(0, len(node) - 1), label="deleted")]
            elif op in ("add", "copy") or not node:
                node.append(data.draw(values, label="appended") if op == "add" else copy.deepcopy(node[0]) if node else None)
            else:
                node[data.draw(st.integers(0, len(node) - 1), label="set")] = data.draw(values, label="value")
    return doc


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.data())
def test_fast_validity_equals_jsonschema(seed, data):
    doc = _mutate(seed, data)
    for kind in KINDS:
        assert _fast(kind)(doc) == _jsonschema(kind).is_valid(doc), kind


@pytest.mark.parametrize("kind", KINDS)
def test_fast_validity_on_the_seeds(kind):
    for doc in SEEDS:
        assert _fast(kind)(doc) == _jsonschema(kind).is_valid(doc)


# -- fastschema semantics at the edges --------------------------------------------------

@pytest.mark.parametrize("sub, instance, valid", [
    ({"type": "integer"}, True, False),  # bools are not numbers
    ({"type": "integer"}, 2.0, True),  # a whole float is an integer
    ({"type": "number"}, False, False),
    ({"type": ["string", "null"]}, None, True),
    ({"type": "array"}, ("x",), False),  # a tuple is not an array
    ({"enum": [1, "a"]}, True, False),  # True is not 1
    ({"enum": [1, "a"]}, 1.0, True),
    ({"const": [1, {"a": True}]}, [1, {"a": True}], True),
    ({"const": [1, {"a": True}]}, [True, {"a": 1}], False),
    ({"pattern": "^a$"}, "a\n", True),  # re.search: `$` matches before a final newline
    ({"pattern": "^a$"}, 7, True),  # string keywords ignore other types
    ({"minLength": 2}, "\U0001f600", False),  # code points, not UTF-16 units
    ({"oneOf": [{"type": "string"}, {"minLength": 1}]}, "x", False),
    ({"anyOf": [{"type": "string"}, {"type": "null"}]}, 1, False),
    ({"additionalProperties": {"type": "string"}, "properties": {"a": {}}}, {"a": 1, "b": "x"}, True),
    ({"additionalProperties": {"type": "string"}}, {"b": 1}, False),
    ({"items": False}, [], True),
    ({"maxItems": 1, "items": {"type": "string"}}, ["a", 1], False),
    ({"not": {}}, None, False),
    ({"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"maxItems": 0}}, {"a": 1}, False),
    ({"$ref": "#/$defs/x", "$defs": {"x": {"type": "string"}}}, "s", True),
    ({"$ref": "#/$defs/a~1b", "$defs": {"a/b": {"type": "string"}}}, 1, False),
])
def test_fastschema_matches_jsonschema_on_edges(sub, instance, valid):
    from jsonschema import Draft202012Validator

    assert Draft202012Validator(sub).is_valid(instance) is valid
    assert fastschema.compile_schema(sub)(instance) is valid


def test_recursive_ref():
    tree = {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#"}}},
            "additionalProperties": False}
    check = fastschema.compile_schema(tree)
    assert check({"kids": [{"kids": []}, {}]})
    assert not check({"kids": [{"kids": [{"x": 1}]}]})


@pytest.mark.parametrize("sub", [
    {"patternProperties": {"^x": {}}},
    {"format": "uri"},
    {"$ref": "https://elsewhere.example/s.json"},
    {"$ref": "#anchor"},
    {"$ref": "#/$defs/missing"},
    {"type": "decimal"},
    {"properties": {"a": 3}},
])
def test_fastschema_refuses_what_it_does_not_compile(sub):
    with pytest.raises(fastschema.UnsupportedSchema):
        fastschema.compile_schema(sub)


def test_our_schemas_compile():
    for kind in KINDS:
        assert schema._fast_validator(kind) is not None


def test_invalid_documents_still_get_jsonschema_issues():
    bad = {"name": "x", "connector": "c1", "method": "HEAD", "path": "/"}
    assert not _fast("action")(bad)
    assert schema.validate_action(bad) == [
        "$.name: does not match ^[a-zA-Z][a-zA-Z0-9_]+$",
        "$.method: is not one of GET, POST, PUT, PATCH, DELETE",
    ]


# -- what a conversion imports ------------------------------------------------------------

_PROBE = """
import sys
from converter.api import convert_text
from converter.schema import validate_bundle, validate_action, validate_connector
from converter.yamlio import dump_yaml
result = convert_text({cmd!r})
bundle = result.bundle()
assert validate_bundle(bundle) == [], validate_bundle(bundle)
assert all(validate_connector(c) == [] for c in bundle["connectors"])
assert all(validate_action(a) == [] for a in bundle["actions"])
dump_yaml(bundle)
print(sorted(m for m in ("jsonschema", "referencing", "yaml") if m in sys.modules))
"""


@pytest.mark.parametrize("cmd", [
    "curl https://api.openai.com/v1/models -H 'Authorization: Bearer $OPENAI_API_KEY'",
    "curl -X POST https://api.example.com/v1/items -H 'Content-Type: application/json' "
    "-d '{\n  \"name\": \"x\",\n  \"tags\": [\"a\", \"b\"]\n}' -u 'user:pass1234'",
])
def test_valid_conversion_imports_neither_jsonschema_nor_yaml(cmd):
    out = subprocess.run([sys.executable, "-c", _PROBE.format(cmd=cmd)], cwd=REPO, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_cli_convert_imports_neither_jsonschema_nor_yaml():
    probe = ("import sys\nfrom converter.cli import main\n"
             "try:\n    main(['convert', 'examples/openai.sh'])\nexcept SystemExit as exc:\n    code = exc.code\n"
             "print(code, sorted(m for m in ('jsonschema', 'referencing', 'yaml') if m in sys.modules), file=sys.stderr)\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stderr.strip().splitlines()[-1] == "0 []"
    assert "api_key: <<OPENAI_API_KEY>>" in out.stdout


# -- the shell reader without pyparsing when there is no here-document -----------------------

from converter import shell  # noqa: E402


def _token_view(tokens: list) -> list[tuple]:
    return [(t.lastgroup, t.start(), t.end()) if t.lastgroup != "body" else ("body", t.lines, t.resume)
            for t in tokens]


def _both_ways(text: str) -> tuple[list, list]:
    assert "<<" not in text  # else _items itself uses the grammar
    return _token_view(shell._items(text)), _token_view(shell._grammar().parse_string(text))


def _shell_fixtures() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("cases/*/input.sh"))]
    for path in sorted(FIXTURES.glob("corpus/*.sh")):
        texts.extend(path.read_text(encoding="utf-8").split("\n\n"))
    return [t for t in texts if "<<" not in t]


def test_match_loop_equals_grammar_on_fixtures():
    texts = _shell_fixtures()
    assert len(texts) > 300
    for text in texts:
        fast, slow = _both_ways(text)
        assert fast == slow, text


_SHELLISH = st.text(alphabet=st.sampled_from(list("ab -$'\"\\\n\t{}();&|<>#`=%0")), max_size=40)


@settings(max_examples=1500, deadline=None)
@given(_SHELLISH)
def test_match_loop_equals_grammar_on_generated_text(text):
    while "<<" in text:
        text = text.replace("<<", "<")
    fast, slow = _both_ways(text)
    assert fast == slow


def test_cli_convert_does_not_import_pyparsing_without_a_here_document():
    probe = ("import sys\nfrom converter.cli import main\n"
             "try:\n    main(['convert', 'examples/openai.sh'])\nexcept SystemExit as exc:\n    code = exc.code\n"
             "print(code, 'pyparsing' in sys.modules, file=sys.stderr)\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stderr.strip().splitlines()[-1] == "0 False"


# -- the secret catalog's lazily compiled search -------------------------------------------

from converter import secret_catalog as sc  # noqa: E402

_ASCII = st.characters(codec="ascii")


def _reference_find(text: str) -> list:
    """find_secrets as it was: every format in the combined search and the identification."""
    if len(text) < 10 or sc._PREFILTER.search(text) is None:
        return []
    return sc._find(text, sc._ALL_FORMATS)


def test_every_format_has_needles():
    # a format without needles still works (it is always searched), but costs every value
    assert sorted(sc._NEEDLES) == sorted(sc._NAMES)
    assert all(n == n.lower() and n for needles in sc._NEEDLES.values() for n in needles)


@pytest.mark.parametrize("index", range(len(sc._NAMES)), ids=sc._NAMES)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_match_of_a_format_contains_one_of_its_needles(index, data):
    regex = sc._format_regex(index)
    text = data.draw(st.from_regex(regex, alphabet=_ASCII) | st.from_regex(regex), label="text")
    assert regex.search(text)
    assert index in sc._candidates(text)
    assert sc.find_secrets(text) == _reference_find(text)


def test_ignorecase_fold_covers_every_letter_re_equates_with_ascii():
    everything = "".join(map(chr, range(0x110000)))
    letters = [c for c in re.compile("(?i)[a-z]").findall(everything) if not c.isascii()]
    assert {ord(c) for c in letters} == set(sc._IGNORECASE_FOLD)
    for c in letters:
        assert re.fullmatch("(?i)" + sc._IGNORECASE_FOLD[ord(c)], c)


@pytest.mark.parametrize("text, name", [
    ("Authorization: BA\u017fIC dXNlcjpwYXNzd29yZA==", "basic_credentials"),  # long s
    ("okta_api_to\u212aen = 00abcdefghijklmnopqrstuvwxyz0123456789ABCD", "okta_api_token"),  # Kelvin sign
    ("HEROKU_API_KEY: 01234567-89ab-cdef-0123-456789abcdef", "heroku_legacy_api_key"),
])
def test_case_insensitive_names_with_unicode_letters(text, name):
    found = sc.find_secrets(text)
    assert found == _reference_find(text)
    assert [f[2] for f in found] == [name]


_noise = st.text(st.sampled_from("abcXYZ019_-./+=: \n\"'") | _ASCII, max_size=12)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(range(len(sc._NAMES))), min_size=1, max_size=3), st.data())
def test_find_secrets_equals_the_search_with_every_format(indices, data):
    parts = [data.draw(_noise)]
    for i in indices:
        parts += [data.draw(st.from_regex(sc._format_regex(i), fullmatch=True, alphabet=_ASCII)), data.draw(_noise)]
    text = "".join(parts)
    assert sc.find_secrets(text) == _reference_find(text)


def test_secret_catalog_compiles_its_formats_on_demand():
    probe = ("from converter import secret_catalog as sc\n"
             "compiled = lambda: (sc._combined.cache_info().currsize, sc._format_regex.cache_info().currsize)\n"
             "before = compiled()\n"
             "sc.find_secrets('https://api.openai.com/v1/chat/completions')\n"
             "middle = compiled()\n"
             "hits = sc.find_secrets('key ghp_' + 'a' * 36)\n"
             "print(before, middle, compiled(), hits)\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    # the URL passes the prefilter, but only the one format whose needle (".") it holds is
    # searched; the token compiles the combined search of its candidates and its own format
    assert out.stdout.strip() == "(0, 0) (1, 0) (2, 1) [(4, 44, 'github_personal_access_token')]"


# -- Postman percent-encoding: text with nothing to encode is returned as is -----------------

from converter import postman_wire  # noqa: E402


def _percent_encode_reference(text: str, extra: frozenset) -> str:
    data = text.encode("utf-8")
    out, i = [], 0
    while i < len(data):
        c = data[i]
        if c == 0x25 and i + 2 < len(data) and all(chr(b) in "0123456789abcdefABCDEF" for b in data[i + 1:i + 3]):
            out.append(data[i:i + 3].decode())
            i += 3
            continue
        out.append(f"%{c:02X}" if c < 0x20 or c >= 0x7F or chr(c) in extra else chr(c))
        i += 1
    return "".join(out)


_CHARSETS = [v for v in vars(postman_wire).values() if isinstance(v, frozenset) and all(isinstance(x, str) for x in v)]


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab%2F \"#<>?`{}|\\^[]'&=+-\u00e9\x7f\x01")), max_size=12),
       st.sampled_from(_CHARSETS + [frozenset(), frozenset("%"), frozenset("]^-\\")]))
def test_percent_encode_equals_the_byte_loop(text, extra):
    assert len(_CHARSETS) >= 2
    assert postman_wire.percent_encode(text, extra) == _percent_encode_reference(text, extra)


# -- Postman spans are worked out only for the requests that get a message -----------------

from converter import errors  # noqa: E402


def test_lazy_span_reads_and_compares_as_its_span():
    calls = []
    lazy = errors.LazySpan(lambda: calls.append(1) or errors.Span(3, 4, "c.json", "", 2))
    assert calls == []
    assert (lazy.line, lazy.col, lazy.location()) == (3, 4, "c.json:3:4")
    assert lazy == errors.Span(3, 4, "c.json", "", 2) and hash(lazy) == hash(errors.Span(3, 4, "c.json", "", 2))
    assert calls == [1]  # resolved once


def test_clean_collection_resolves_no_span(monkeypatch):
    from converter.postman import convert_collection

    resolved = []
    real = errors.LazySpan.resolve
    monkeypatch.setattr(errors.LazySpan, "resolve", lambda self: resolved.append(1) or real(self))
    items = [{"name": f"r{i}", "request": {"method": "GET", "url": f"https://api.example.com/v1/r{i}"}}
             for i in range(50)]
    text = json.dumps({"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/"
                                                       "collection.json"}, "item": items})
    result = convert_collection(text, "c.json")
    assert len(result.actions) == 50 and not result.diagnostics
    assert resolved == []
    bad = json.loads(text)
    bad["item"][7]["request"]["method"] = "TRACE"
    result = convert_collection(json.dumps(bad, indent=1), "c.json")
    assert [d.format(with_caret=False) for d in result.diagnostics if d.severity == "error"] == [
        "c.json:56:3: error: $.item[7] ('r7'): method TRACE is not supported by the platform "
        "(GET, POST, PUT, PATCH, DELETE) [unsupported-method]"]


# -- the console entry point leaves with os._exit: nothing may be lost on the way out ----------

def test_entry_point_flushes_everything_and_keeps_the_status(tmp_path):
    from click.testing import CliRunner

    from converter.cli import cli

    inproc = CliRunner().invoke(cli, ["convert", "examples/openai.sh"])
    out = subprocess.run([sys.executable, "-m", "converter", "convert", "examples/openai.sh"], cwd=REPO,
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout == inproc.stdout and out.stdout.endswith("\n")
    bad = subprocess.run([sys.executable, "-m", "converter", "convert", "-"], cwd=REPO, input="curl\n",
                         capture_output=True, text=True)
    assert bad.returncode == 3 and "[no-url]" in bad.stderr and "Traceback" not in bad.stderr
    usage = subprocess.run([sys.executable, "-m", "converter", "convert", "--no-such-option"], cwd=REPO,
                           capture_output=True, text=True)
    assert usage.returncode == 2 and "No such option" in usage.stderr


def test_entry_point_into_a_closed_pipe_says_nothing_odd():
    page = "\n".join(f"curl https://api.example.com/v1/items/{i} -H 'X-Request-Id: r{i}'" for i in range(3000))
    proc = subprocess.Popen([sys.executable, "-m", "converter", "convert", "-"], cwd=REPO, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(page.encode())
    proc.stdin.close()
    proc.stdout.read(100)
    proc.stdout.close()  # like `| head -c 100`
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "Exception ignored" not in err

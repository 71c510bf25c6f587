"""The per-command speed-ups give exactly the answers of the code they replaced.

Each fast path is checked against a reference: the slow form it stands for, written
out here (or kept in the module as the definition), on generated input and on the
fixtures.  What is compared:

- dialect.may_be_windows: the one-regex definition (_ANY_WINDOWS_SIGN);
- shell: the plain-word match gives the words (values and spans), errors included,
  that the piece-by-piece reader gives;
- SecretIndex: the gram index, built only once more than _DIRECT secrets are looked
  for, finds what a direct scan finds, for few and many secrets, added before and after
  it was built;
- secret_catalog._candidates: the needle groups give the set of the plain needle scan;
  auth_scheme's whitespace test is str.isspace;
- emit: _values is the recursive walk; _content_key tells duplicates apart as the repr
  did; the emitter still writes a repeated request once;
- fastschema: the fused object / array closures agree with jsonschema on wrong types;
- yamlio: the key cache stores str keys only; curl_checks.find_literal is the min of finds.
"""
from __future__ import annotations

import random
import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter import curl_checks, dialect, emit, fastschema, schema, secret_catalog as sc, shell, yamlio
from converter.api import convert_text
from converter.errors import ConverterError
from converter.secrets import _DIRECT, SecretIndex

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


def _fixture_texts() -> list[str]:
    """Every command input of the fixtures (cases, corpus, error cases, Windows dialects)."""
    paths = sorted((FIXTURES / "cases").glob("*/input.*")) + sorted((FIXTURES / "corpus").glob("*.sh"))
    paths += sorted((FIXTURES / "errors").glob("*/input.*")) + sorted((FIXTURES / "windows").glob("*/*"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    assert len(texts) > 150
    return texts


# --- dialect.may_be_windows -----------------------------------------------------------------

# every character and word one of the signs is made of, plus what re.I folds onto them
_SIGN_PIECES = list("^`%'\"$@<#-:\\|{}\n \tab1") + [
    "env:", "ENV:", "${env:", "rem", "REM", "Rem ", "::", "PS ", "ps ", "C:\\", "z:\\", "--%", "<#", "@'",
    "\u212a:\\", "\u017f", "P\u017f ", "\u0130", "\u0131", "re\u1e3f", "curl ", "\r\n", "  @rem"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_SIGN_PIECES), max_size=14).map("".join))
def test_may_be_windows_is_the_one_regex(text: str) -> None:
    assert dialect.may_be_windows(text) == (dialect._ANY_WINDOWS_SIGN.search(text) is not None), repr(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_may_be_windows_is_the_one_regex_on_any_text(text: str) -> None:
    assert dialect.may_be_windows(text) == (dialect._ANY_WINDOWS_SIGN.search(text) is not None)


def test_may_be_windows_on_the_fixtures() -> None:
    texts = _fixture_texts()
    results = [dialect.may_be_windows(t) for t in texts]
    assert results == [dialect._ANY_WINDOWS_SIGN.search(t) is not None for t in texts]
    assert any(results) and not all(results)


# --- shell: the plain-word match --------------------------------------------------------------

def _parse(text: str):
    try:
        return [(c.words, c.span, c.stdin) for c in shell.parse_shell(text)]
    except ConverterError as exc:
        return ("error", exc.code, exc.message, exc.span)


def _parse_piece_by_piece(text: str, monkeypatch) -> object:
    with monkeypatch.context() as m:
        m.setattr(shell, "_PLAIN_WORD", re.compile(r"(?!)()()()"))  # never matches: every word read in pieces
        return _parse(text)


_WORD_PIECES = ["curl", "-H", "-d", "x", "a=b", "A=1", "if", "{", "then", "é", "'a b'", "''", "'{{t}}'", "'it\"s'",
                '"x y"', '""', '"a\'b"', '"$V"', '"{{ n }}"', '"\\""', "$V", "${V}", "{{n}}", "\\ ", "\\'", "{x",
                "$'a\\n'", "1>", ">", "2>&1", "<<<", "'", '"', "#c", "\\\n", " ", " ", "\t", "\n", ";", "|", "&&",
                "$ ", "k=v"]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_WORD_PIECES), max_size=16).map("".join))
def test_plain_words_read_as_the_pieces_do(monkeypatch, text: str) -> None:
    assert _parse(text) == _parse_piece_by_piece(text, monkeypatch)


def test_plain_words_read_as_the_pieces_do_on_the_fixtures(monkeypatch) -> None:
    for text in _fixture_texts():
        assert _parse(text) == _parse_piece_by_piece(text, monkeypatch)


def test_plain_word_values() -> None:
    words = [w.value for w in shell.parse_shell("curl 'a b'c\"d\" \"e'f\"g 'h\"i' x''y \"\"")[0].words]
    assert words == ["curl", "a bcd", "e'fg", "h\"i", "xy", ""]


# --- SecretIndex: the gram index is built late -------------------------------------------------

def _secrets(rng: random.Random, n: int, alike: bool = False) -> list[str]:
    alphabet = string.ascii_letters + string.digits + "_-"
    if alike:  # secrets sharing most grams, as numbered passwords do
        return [f"pw{i:010d}" for i in range(n)]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(8, 30))) for _ in range(n)]


def _text_with(rng: random.Random, picked: list[str]) -> str:
    alphabet = string.ascii_letters + string.digits + "_-"
    filler = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(len(picked) + 1)]
    return filler[0] + "".join(p + f for p, f in zip(picked, filler[1:]))


@pytest.mark.parametrize("count", [1, _DIRECT, _DIRECT + 1, 60, 400])
@pytest.mark.parametrize("alike", [False, True])
def test_index_finds_what_a_direct_scan_finds(count: int, alike: bool) -> None:
    rng = random.Random(count * 2 + alike)
    secrets = _secrets(rng, count, alike)
    index = SecretIndex()
    added = 0
    for step in range(150):
        # secrets keep coming in between the finds, as a run finds them
        while added < len(secrets) and (rng.random() < 0.4 or added == 0):
            index.add(secrets[added])
            added += 1
        known = secrets[:added]
        picked = rng.sample(secrets, min(len(secrets), rng.randint(0, 3)))
        text = _text_with(rng, picked)
        since = rng.choice([0, added // 2, max(0, added - _DIRECT), added])
        expected = [s for s in known[since:] if s in text]
        found = index.find(text, since)
        assert sorted(found) == sorted(expected) and len(found) == len(expected)
        if added - since <= _DIRECT:
            assert found == expected  # the direct path keeps registration order


def test_index_is_built_only_when_a_find_needs_it() -> None:
    index = SecretIndex(f"secret-{i:04d}" for i in range(_DIRECT * 3))
    assert index._indexed == 0 and not index._grams
    assert index.find("x secret-0040 y", _DIRECT * 2) == ["secret-0040"]  # few since: direct
    assert index._indexed == 0
    assert index.find("x secret-0040 y") == ["secret-0040"]  # all of them: the index
    assert index._indexed == _DIRECT * 3
    index.add("secret-9999")
    assert index.find("secret-9999 secret-0001") == ["secret-9999", "secret-0001"]  # by position
    assert index._indexed == _DIRECT * 3 + 1


def _eager_grams(secrets: list[str]) -> dict:
    """The index as adding each secret built it before (the reference)."""
    grams: dict[str, list[tuple[str, int]]] = {}
    counts: dict[str, int] = {}
    for secret in dict.fromkeys(secrets):
        last = len(secret) - 4
        for gram in {secret[i:i + 4] for i in range(last + 1)}:
            counts[gram] = counts.get(gram, 0) + 1
        for r in range(4):
            o = min(range(r, last + 1, 4), key=lambda i: counts[secret[i:i + 4]])
            grams.setdefault(secret[o:o + 4], []).append((secret, o))
    return grams


def test_late_index_is_the_eager_one() -> None:
    rng = random.Random(3)
    secrets = _secrets(rng, 80) + _secrets(rng, 40, alike=True)
    index = SecretIndex(secrets[:70])
    index.find("x" * 50)
    for s in secrets[70:]:
        index.add(s)
    index.find("y" * 50)
    assert index._grams == _eager_grams(secrets)


def test_many_secrets_stay_linear() -> None:
    import time

    secrets = [f"tok{i:09d}x" for i in range(20_000)]
    index = SecretIndex(secrets)
    text = " ".join(secrets[::500]) + " " + "z" * 200_000
    start = time.perf_counter()
    assert sorted(index.find(text)) == sorted(secrets[::500])
    assert time.perf_counter() - start < 5.0  # ~0.3 s; trying every secret on the text is minutes


# --- secret_catalog --------------------------------------------------------------------------

def _candidates_reference(text: str) -> tuple[int, ...]:
    low = text.lower() if text.isascii() else text.translate(sc._IGNORECASE_FOLD).lower()
    found = {i for needle, i in sc._NEEDLE_PAIRS if needle in low}
    found.update(sc._NO_NEEDLE)
    return tuple(sorted(found))


_NEEDLE_BITS = sorted({n for n, _ in sc._NEEDLE_PAIRS} | {n[:2] for n, _ in sc._NEEDLE_PAIRS}
                      | {n[1:] for n, _ in sc._NEEDLE_PAIRS if len(n) > 2}) + ["x", "_", "-", " ", "\u212a", "\u0130"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_NEEDLE_BITS), max_size=8).map("".join).map(
    lambda t: "".join(c.upper() if i % 3 == 0 else c for i, c in enumerate(t))))
def test_candidates_are_the_plain_needle_scan(text: str) -> None:
    assert sc._candidates(text) == _candidates_reference(text)


def test_candidates_on_the_fixtures() -> None:
    for text in _fixture_texts():
        for piece in [text] + text.split():
            assert sc._candidates(piece) == _candidates_reference(piece)


def test_auth_scheme_space_test_is_isspace() -> None:
    everything = "".join(map(chr, range(0x110000)))
    assert "".join(sc._SPACE.findall(everything)) == "".join(c for c in everything if c.isspace())


# --- emit -------------------------------------------------------------------------------------

def _values_reference(doc: dict) -> str:
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    return "\n".join(out)


_SCALARS = st.one_of(st.text(max_size=5), st.none(), st.booleans(), st.integers(0, 3))
_NODES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from("abcd"), inner, max_size=3)), max_leaves=12)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.sampled_from(["name", "path", "headers", "auth", "x"]), _NODES, max_size=5))
def test_values_is_the_recursive_walk(doc: dict) -> None:
    assert emit._values(doc) == _values_reference(doc)


def _repr_key(name, action: dict) -> str:
    return repr([name] + [(k, v) for k, v in action.items() if k != "name"])


_FIELD_VALUES = st.one_of(st.sampled_from(["a", "b", ""]), st.none(), st.just(True))
_ITEMS = st.lists(st.dictionaries(st.sampled_from(["key", "value", "file"]), _FIELD_VALUES, max_size=2), max_size=2)
_ACTIONS = st.dictionaries(st.sampled_from(["name", "method", "path", "headers", "query_params", "body"]),
                           st.one_of(_FIELD_VALUES, _ITEMS), max_size=4)


@settings(max_examples=800, deadline=None)
@given(st.sampled_from([None, "n"]), _ACTIONS, st.sampled_from([None, "n"]), _ACTIONS)
def test_content_key_tells_apart_what_repr_did(name1, one: dict, name2, two: dict) -> None:
    same = emit._content_key(name1, one) == emit._content_key(name2, two)
    assert same == (_repr_key(name1, one) == _repr_key(name2, two))


def test_an_unhashable_content_key_is_compared_by_repr(monkeypatch) -> None:
    key = emit._content_key(None, {"name": "a", "x": [{"k": ["v"]}]})
    with pytest.raises(TypeError):
        hash(key)
    plain = emit._content_key
    monkeypatch.setattr(emit, "_content_key", lambda name, action: plain(name, action) + ([name],))
    cmd = "curl https://api.example.com/v1/items\n"
    result = convert_text(cmd + cmd + "curl https://api.example.com/v1/other\n")
    assert [a["name"] for a in result.actions] == ["get_items", "get_other"]


def test_a_repeated_request_is_written_once() -> None:
    cmd = "curl https://api.example.com/v1/items -H 'A: 1' -H 'B: 2'\n"
    result = convert_text(cmd + cmd + "curl https://api.example.com/v1/items -H 'B: 2' -H 'A: 1'\n")
    assert [a["name"] for a in result.actions] == ["get_items", "get_items_2"]


# --- fastschema: fused type checks ---------------------------------------------------------------

_VALID = {"connectors": [{"name": "ex", "base_url": "https://api.example.com", "auth_config": "no_auth"}],
          "actions": [{"name": "get_x", "connector": "ex", "method": "GET", "path": "/x",
                       "headers": [{"key": "A", "value": "1"}], "query_params": [{"key": "q", "value": None}],
                       "input_args": [{"name": "a", "type": "string", "required": True}]}]}
_WRONG = [None, "x", 1, True, [], {}, [{}], ["x"], {"key": "A"}]


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, path + (i,))


def test_fused_closures_agree_with_jsonschema_on_wrong_types() -> None:
    import copy

    fast, slow = schema._fast_validator("bundle"), schema._validator("bundle")
    assert fast(_VALID) and slow.is_valid(_VALID)
    checked = 0
    for path in list(_paths(_VALID)):
        for wrong in _WRONG:
            doc = copy.deepcopy(_VALID)
            if not path:
                doc = copy.deepcopy(wrong)
            else:
                node = doc
                for seg in path[:-1]:
                    node = node[seg]
                node[path[-1]] = copy.deepcopy(wrong)
            assert fast(doc) == slow.is_valid(doc), (path, wrong)
            checked += 1
    assert checked > 200


@pytest.mark.parametrize("sub, instance", [
    ({"type": "object", "required": ["a"]}, []), ({"type": "object", "properties": {"a": {"type": "string"}}}, "x"),
    ({"type": "object", "additionalProperties": False}, {"a": 1}), ({"type": "array", "items": {"type": "string"}}, {}),
    ({"type": "array", "items": {"type": "string"}}, ["a", 1]), ({"type": "array", "items": True}, "x"),
    ({"items": {"type": "string"}}, "x"), ({"properties": {"a": {"type": "string"}}}, 3),
    ({"allOf": [{"type": "string"}, {"minLength": 2}]}, "a"), ({"allOf": []}, 1), ({"anyOf": []}, 1),
    ({"anyOf": [{"type": "string"}, {"type": "null"}]}, None), ({"type": ["object", "null"], "required": ["a"]}, None),
    ({"dependentSchemas": {"a": {"required": ["b"]}}}, {"a": 1}), ({"dependentSchemas": {"a": {"required": ["b"]}}}, "a"),
    ({"dependentSchemas": {"a": {"required": ["b"]}}}, {"a": 1, "b": 2}), ({"dependentSchemas": {"a": False}}, {"b": 1}),
])
def test_fused_closures_agree_with_jsonschema_on_edges(sub, instance) -> None:
    from jsonschema import Draft202012Validator

    assert fastschema.compile_schema(sub)(instance) == Draft202012Validator(sub).is_valid(instance)


# --- yamlio and curl_checks -------------------------------------------------------------------------

def test_key_cache_holds_str_keys_only() -> None:
    for doc in ({1: "a", "1": "b"}, {"1": "b", True: "c"}, {"k": "v", "k:": "w", "-k": "x"}):
        assert yamlio.dump_yaml(doc) == yamlio._dump_pyyaml(doc)
    assert all(type(k) is str for k in yamlio._KEYS)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab:=;#?\ue000\ue001$x", max_size=12), st.sampled_from(["", ":", "=", ":;", "=@", "#?"]),
       st.integers(0, 4))
def test_find_literal_is_the_first_of_the_finds(value: str, chars: str, start: int) -> None:
    text = curl_checks.masked(value)
    hits = [k for k in (text.find(c, start) for c in chars) if k >= 0]
    assert curl_checks.find_literal(value, chars, start) == min(hits, default=-1)


def _render_reference(value: str) -> str:
    from converter import model, naming
    from converter.secret_catalog import placeholder_name

    out = []
    for p in model.parts(value):
        if isinstance(p, model.Lit):
            out.append(p.text)
        elif p.kind == model.TEMPLATE:
            out.append("{{{" + naming.arg_name(p.name) + "}}}")
        else:
            out.append("<<" + placeholder_name(p.name) + ">>")
    return "".join(out)


_TOKEN_PIECES = ["a", "/", " ", "{", "}", "<<", "\ue000", "\ue001", "\ue000$X\ue001", "\ue000{n.a-b\ue001",
                 "\ue000<API_KEY\ue001", "\ue000$\ue001", "\ue000?x\ue001", "\ue000{\ue001"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_TOKEN_PIECES), max_size=8).map("".join))
def test_render_is_the_parts_loop(value: str) -> None:
    assert emit._render(value) == _render_reference(value)

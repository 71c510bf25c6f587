"""The YAML output policy: exact text, round trips, quoting of ambiguous scalars."""
from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.yamlio import dump_yaml, load_yaml

from tests.worked_example import BUNDLE as WORKED_EXAMPLE
from tests.worked_example import BUNDLE_TEXT as WORKED_EXAMPLE_TEXT

# YAML 1.2 core schema (spec 10.3.2): the plain scalars it resolves to null, bool, int, float.
YAML12_CORE_NON_STRING = re.compile(
    r"(?:null|Null|NULL|~|"
    r"true|True|TRUE|false|False|FALSE|"
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|"
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|"
    r"[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)?\Z"
)


def yaml12_reads_as_string(scalar_text: str) -> bool:
    """How a YAML 1.2 core-schema reader types the scalar written after `v: `."""
    if scalar_text[:1] in ("'", '"', "|"):
        return True  # quoted and block scalars are always strings
    return not YAML12_CORE_NON_STRING.match(scalar_text)


def test_worked_example_exact_text():
    assert dump_yaml(WORKED_EXAMPLE) == WORKED_EXAMPLE_TEXT
    assert yaml.safe_load(WORKED_EXAMPLE_TEXT) == WORKED_EXAMPLE


AMBIGUOUS = [
    # (input, exact output line)
    ("yes", "v: 'yes'"), ("no", "v: 'no'"), ("on", "v: 'on'"), ("off", "v: 'off'"),
    ("y", "v: 'y'"), ("n", "v: 'n'"), ("Y", "v: 'Y'"), ("N", "v: 'N'"),
    ("true", "v: 'true'"), ("False", "v: 'False'"), ("null", "v: 'null'"),
    ("NULL", "v: 'NULL'"), ("~", "v: '~'"), ("", "v: ''"),
    ("0123", "v: '0123'"), ("123", "v: '123'"), ("-7", "v: '-7'"), ("+7", "v: '+7'"),
    ("0o17", "v: '0o17'"), ("0x1f", "v: '0x1f'"), ("0b101", "v: '0b101'"),
    ("1e3", "v: '1e3'"), ("1E-3", "v: '1E-3'"), ("1_000", "v: '1_000'"),
    ("1.5", "v: '1.5'"), (".5", "v: '.5'"), ("1.", "v: '1.'"),
    (".inf", "v: '.inf'"), ("-.Inf", "v: '-.Inf'"), (".nan", "v: '.nan'"),
    ("2026-01-31", "v: '2026-01-31'"), ("2026-01-31T10:00:00Z", "v: '2026-01-31T10:00:00Z'"),
    ("12:30:00", "v: '12:30:00'"), ("=", "v: '='"), ("<<", "v: '<<'"),
    (" leading", "v: ' leading'"), ("trailing ", "v: 'trailing '"),
    ("key: value # x", "v: 'key: value # x'"), ("a #b", "v: 'a #b'"), ("end:", "v: 'end:'"),
    ("@handle", "v: '@handle'"), ("`cmd`", "v: '`cmd`'"), ("%s", "v: '%s'"),
    ("!tag", "v: '!tag'"), ("&anchor", "v: '&anchor'"), ("*/*", "v: '*/*'"),
    ("-x", "v: '-x'"), ("- x", "v: '- x'"), ("?x", "v: '?x'"), (":x", "v: ':x'"),
    ("{a}", "v: '{a}'"), ("[1]", "v: '[1]'"), ("#c", "v: '#c'"), ("|x", "v: '|x'"),
    (">x", "v: '>x'"), (",x", "v: ',x'"), ("'q'", "v: '''q'''"), ('"q"', "v: '\"q\"'"),
    ("---", "v: '---'"), ("...", "v: '...'"),
    ('{"model": "gpt-4o"}', "v: '{\"model\": \"gpt-4o\"}'"),
    ("a\tb", 'v: "a\\tb"'), ("bell\x07", 'v: "bell\\a"'),
]


@pytest.mark.parametrize("value, line", AMBIGUOUS)
def test_ambiguous_scalars_are_quoted(value, line):
    text = dump_yaml({"v": value})
    assert text == line + "\n"
    assert yaml.safe_load(text) == {"v": value}  # PyYAML (YAML 1.1) reads a string
    assert yaml12_reads_as_string(text[len("v: "):-1])  # so does a YAML 1.2 reader


PLAIN = [
    "GET", "/v1/models", "https://api.openai.com", "Bearer %s", "<<OPENAI_API_KEY>>",
    "application/json", "1.2.3", "v1", "x-api-key", "a-b", "a:b", "a#b", "é ü 日本",
    "Token token=<<X>>", "/items/{{{id}}}",
]


@pytest.mark.parametrize("value", PLAIN)
def test_ordinary_strings_stay_plain(value):
    assert dump_yaml({"v": value}) == f"v: {value}\n"


@pytest.mark.parametrize(
    "value, text",
    [
        ("a\nb", "v: |-\n  a\n  b\n"),
        ("a\nb\n", "v: |\n  a\n  b\n"),
        ("{\n  \"a\": 1\n}\n", "v: |\n  {\n    \"a\": 1\n  }\n"),
        ("  indented\nnext", "v: |2-\n    indented\n  next\n"),
        # literal style cannot hold these exactly: double quotes instead
        ("trailing \nspace", 'v: "trailing \\nspace"\n'),
        ("tab\there\nx", 'v: "tab\\there\\nx"\n'),
        ("crlf\r\nx", 'v: "crlf\\r\\nx"\n'),
        ("nel\x85x", 'v: "nel\\Nx"\n'),
        ("ls\u2028x", 'v: "ls\\Lx"\n'),
    ],
)
def test_multiline_strings(value, text):
    assert dump_yaml({"v": value}) == text
    assert yaml.safe_load(text) == {"v": value}


def test_multiline_in_nested_list():
    data = {"actions": [{"body": "line1\nline2\n", "headers": [{"key": "A", "value": "x\ny"}]}]}
    assert dump_yaml(data) == (
        "actions:\n"
        "- body: |\n"
        "    line1\n"
        "    line2\n"
        "  headers:\n"
        "  - key: A\n"
        "    value: |-\n"
        "      x\n"
        "      y\n"
    )


def test_long_strings_are_never_folded():
    value = " ".join(["word"] * 200)
    assert dump_yaml({"v": value}) == f"v: {value}\n"
    quoted = "@" + value
    assert dump_yaml({"v": quoted}) == f"v: '{quoted}'\n"


def test_shared_lists_are_written_twice_without_anchors():
    shared = [{"key": "Accept", "value": "application/json"}]
    text = dump_yaml({"a": shared, "b": shared})
    assert text == (
        "a:\n- key: Accept\n  value: application/json\n"
        "b:\n- key: Accept\n  value: application/json\n"
    )
    assert "&" not in text and "*" not in text


def test_key_order_is_insertion_order():
    assert dump_yaml({"z": 1, "a": 2, "m": None, "b": True}) == "z: 1\na: 2\nm: null\nb: true\n"


def test_non_string_scalars():
    assert dump_yaml({"i": 0, "t": False, "z": None, "e": [], "d": {}}) == (
        "i: 0\nt: false\nz: null\ne: []\nd: {}\n"
    )
    # keys follow the same quoting policy as values
    assert dump_yaml({"n": 1, "on": 2}) == "'n': 1\n'on': 2\n"


def test_deterministic_bytes():
    first = dump_yaml(WORKED_EXAMPLE)
    assert all(dump_yaml(WORKED_EXAMPLE) == first for _ in range(5))


def test_load_yaml_is_safe():
    assert load_yaml("a: [1, 'x']\n") == {"a": [1, "x"]}
    with pytest.raises(yaml.constructor.ConstructorError):
        load_yaml("!!python/object/apply:os.system ['true']\n")


# Text biased towards characters that matter to YAML, mixed with arbitrary unicode.
_YAML_CHARS = list(" \n\t\r:#-'\"\\|>@`%!&*?{}[],~.0123456789eExXoO_yYnN+\x85\u2028\u00a0é")
_text = st.text(st.sampled_from(_YAML_CHARS) | st.characters(), max_size=30)
_scalars = _text | st.integers() | st.booleans() | st.none()
_data = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_data)
def test_round_trip_property(data):
    text = dump_yaml(data)
    assert yaml.safe_load(text) == data
    assert dump_yaml(data) == text
    assert "&id" not in text


@settings(max_examples=300, deadline=None)
@given(_text.filter(lambda s: "\n" not in s))
def test_single_line_strings_read_as_strings_in_yaml12(value):
    text = dump_yaml({"v": value})
    assert text.startswith("v: ") and text.endswith("\n")
    scalar = text[len("v: "):-1]
    assert yaml12_reads_as_string(scalar)
    if scalar[:1] not in ("'", '"'):
        assert scalar == value  # a plain scalar is the text itself


# -- the fast writer against the PyYAML writer -------------------------------------------
# dump_yaml writes the documents the converter emits itself (yamlio._dump_fast) and hands
# anything else to PyYAML (yamlio._dump_pyyaml, the reference).  Both must give the same text.

from pathlib import Path  # noqa: E402

from converter import yamlio  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GOLDENS = sorted(FIXTURES.glob("cases/*/expected.yaml")) + sorted(FIXTURES.glob("postman/**/expected*.yaml"))


def test_goldens_are_there():
    assert len(GOLDENS) >= 85


@pytest.mark.parametrize("path", GOLDENS, ids=[str(p.relative_to(FIXTURES)) for p in GOLDENS])
def test_fast_writer_on_every_golden(path):
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if data is None:  # an empty golden (the case writes nothing)
        return
    fast = yamlio._dump_fast(data)  # raises _Fallback if the fast writer declined
    assert fast == yamlio._dump_pyyaml(data)
    assert fast == text
    assert dump_yaml(data) == text


# Strings built to hit every branch of the style choice: indicators, resolver look-alikes,
# edge spaces, line breaks of all kinds, tabs, CR, BOM, surrogates, astral characters.
_TRICKY = st.sampled_from([
    "", " ", "  ", "\n", "\n\n", "a\n", "a\n\n", "\na", " a\nb", "a \nb", "a\n b", "a\n\n\nb\n",
    "-", "- a", "-a", "--", "---", "--- x", "...", "....", "?", "? a", ":", ": a", "a:", "a: b", "a:b",
    "#", "a #b", "a#b", "@", "`", "!", "&", "*", "|", ">", "'", '"', "%", ",", "[", "]", "{", "}",
    "~", "null", "Null", "NULL", "yes", "No", "on", "OFF", "y", "n", "true", "False", "=", "<<",
    "0", "-0", "+1", "012", "0x1F", "0o17", "0b11", "1_000", "1e3", "1.5", ".5", "1.", "-.inf", ".NaN",
    "1:30", "190:20:30.15", "2026-01-31", "2026-1-3 10:00:00", "2001-12-14t21:59:43.10-05:00",
    "\t", "a\tb", "\r", "a\r\nb", "\x85", "\u2028", "\u2029", "\ufeff", "\x00", "\x07", "\x1b", "\x7f",
    "\xa0", "é", "日本", "\U0001f600", "\U0010ffff", "\ud800", "\\", "\\n", "a'b", "a''b", 'a"b',
])
_ALPHABET = list(" \n\t\r:#-'\"\\|>@`%!&*?{}[],~.0123456789eExXoO_yYnN+\x85\u2028\u2029\u00a0\ufeff\x00é日")
_str = (
    _TRICKY
    | st.text(st.sampled_from(_ALPHABET) | st.characters(), max_size=40)
    | st.text(st.sampled_from(_ALPHABET), min_size=100, max_size=400)  # long, never folded
    | st.builds(lambda a, b: a + b, _TRICKY, _TRICKY)
    | st.builds(lambda a, b, c: a + b + c, st.text(max_size=5), _TRICKY, st.text(max_size=5))
)


def _simple_key(s: str) -> bool:
    return bool(s) and len(s) <= 122 and not yamlio._BREAKS.search(s)


# Mostly keys the fast writer takes; now and then one it hands to PyYAML (long, multi-line, empty).
_key_str = st.one_of(
    _str.filter(_simple_key), _str.filter(_simple_key), _str.filter(_simple_key),
    st.text("ab ", min_size=118, max_size=126),  # around the simple-key limit
    _str,
)
_leaf = (_str | st.integers() | st.booleans() | st.none()
         | st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([1e16, 1e-7, -0.0, 2.5e300]))
_documents = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_key_str, inner, max_size=4),
    max_leaves=25,
)
_roots = st.dictionaries(_key_str, _documents, max_size=5) | st.lists(_documents, max_size=5)


@settings(max_examples=700, deadline=None)
@given(_roots)
def test_fast_writer_matches_pyyaml(data):
    expected = yamlio._dump_pyyaml(data)
    try:
        fast = yamlio._dump_fast(data)
    except yamlio._Fallback:
        fast = None  # declined: dump_yaml uses PyYAML
    if fast is not None:
        assert fast == expected
    assert dump_yaml(data) == expected


@settings(max_examples=700, deadline=None)
@given(_str)
def test_fast_scalar_matches_pyyaml_in_every_position(value):
    # as a value, a list item, a nested item (deeper literal indentation) and a key
    docs = [{"v": value}, [value], {"a": [{"b": [value, value]}]}, [[value]], [{"k": value}]]
    if _simple_key(value):
        docs.append({value: value})
    for doc in docs:
        assert yamlio._dump_fast(doc) == yamlio._dump_pyyaml(doc)


@pytest.mark.parametrize("data", [
    {"x" * 123: 1},  # a long key: "? key" form
    {"a\nb": 1},  # a multi-line key
    {"": 1},  # an empty key
    {1: "one"},  # a non-string key
    {"t": (1, 2)},  # a tuple (SafeDumper writes a list)
    {"f": 1e16},  # written by the fast writer: repr 1e+16 becomes 1.0e+16, as in PyYAML
])
def test_unusual_documents_give_pyyaml_text(data):
    assert dump_yaml(data) == yamlio._dump_pyyaml(data)


def _nested(depth: int) -> dict:
    doc: dict = {"leaf": "x"}
    for i in range(depth):
        doc = {"k": [doc]} if i % 2 else {"k": doc}
    return doc


def test_deep_documents_go_to_pyyaml():
    assert yamlio._dump_fast(_nested(60)) == yamlio._dump_pyyaml(_nested(60))  # 90 levels
    with pytest.raises(yamlio._Fallback):
        yamlio._dump_fast(_nested(120))
    # too deep for PyYAML's recursive representer: the same error either way
    with pytest.raises(RecursionError):
        dump_yaml(_nested(2000))


def test_fast_writer_declines_what_it_does_not_write():
    for data in ({"x" * 123: 1}, {"a\nb": 1}, {"": 1}, {1: "one"}, {"t": (1, 2)}, {"s": {1}}):
        with pytest.raises(yamlio._Fallback):
            yamlio._dump_fast(data)


def test_keep_block_at_the_end_marks_the_document_end():
    # "|+" keeps trailing blank lines; as the last scalar PyYAML closes with "..."
    assert dump_yaml({"v": "a\n\n"}) == "v: |+\n  a\n\n...\n"
    assert dump_yaml({"v": "a\n\n", "w": 1}) == "v: |+\n  a\n\nw: 1\n"
    assert dump_yaml([{"a": ["x\n\n"]}]) == "- a:\n  - |+\n    x\n\n...\n"
    assert dump_yaml({"v": "\n"}) == "v: |2+\n\n...\n"


def test_character_classes_follow_pyyaml_on_every_code_point():
    # PyYAML's own tests, transcribed from Emitter.analyze_scalar (allow_unicode=True)
    # and Emitter.write_double_quoted, against the fast writer's regexes.
    def special(ch: str) -> bool:
        if ch == "\n" or "\x20" <= ch <= "\x7e":
            return False
        return not ((ch == "\x85" or "\xa0" <= ch <= "\ud7ff" or "\ue000" <= ch <= "\ufffd"
                     or "\U00010000" <= ch < "\U0010ffff") and ch != "\ufeff")

    def escaped(ch: str) -> bool:
        return ch in '"\\\x85\u2028\u2029\ufeff' or not (
            "\x20" <= ch <= "\x7e" or "\xa0" <= ch <= "\ud7ff" or "\ue000" <= ch <= "\ufffd")

    everything = "".join(map(chr, range(0x110000)))
    assert yamlio._SPECIAL.findall(everything) == [c for c in everything if special(c)]
    dq_escape = yamlio._compiled(yamlio._DQ_ESCAPE_PATTERN)
    assert dq_escape.findall(everything) == [c for c in everything if escaped(c)]


_RESOLVERS = sorted({(tag, regexp.pattern, regexp.flags)
                     for pairs in yaml.resolver.Resolver.yaml_implicit_resolvers.values()
                     for tag, regexp in pairs}, key=str)


@pytest.mark.parametrize("tag, pattern, flags", _RESOLVERS, ids=[r[0].rsplit(":", 1)[-1] for r in _RESOLVERS])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_policy_quotes_whatever_pyyaml_would_resolve(tag, pattern, flags, data):
    # The fast writer does not run PyYAML's resolver: for a one-line string it is enough
    # that the policy (or the analysis: a tab is a special character) already quotes
    # everything the resolver would read as something other than a str.
    value = data.draw(st.from_regex(re.compile(pattern, flags)))
    if "\n" in value or value == "":
        return  # multi-line and empty strings never take the plain style
    assert yamlio._render(value)[:1] in ("'", '"')

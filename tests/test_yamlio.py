"""The YAML output policy: exact text, round trips, quoting of ambiguous scalars."""
from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.yamlio import dump_yaml, load_yaml

# The FORMAT.md worked example, as data and as the exact text the policy must produce.
WORKED_EXAMPLE = {
    "connectors": [
        {
            "name": "openai",
            "base_url": "https://api.openai.com",
            "auth_config": "api_key_auth",
            "api_key_auth": {
                "auth_type": "header_auth",
                "header_auth_key": "Authorization",
                "header_auth_value_pattern": "Bearer %s",
                "api_key": "<<OPENAI_API_KEY>>",
            },
        }
    ],
    "actions": [
        {"name": "get_models", "connector": "openai", "method": "GET", "path": "/v1/models"}
    ],
}

WORKED_EXAMPLE_TEXT = """\
connectors:
- name: openai
  base_url: https://api.openai.com
  auth_config: api_key_auth
  api_key_auth:
    auth_type: header_auth
    header_auth_key: Authorization
    header_auth_value_pattern: Bearer %s
    api_key: <<OPENAI_API_KEY>>
actions:
- name: get_models
  connector: openai
  method: GET
  path: /v1/models
"""

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

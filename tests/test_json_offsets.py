"""converter.json_offsets finds where every node of a JSON text starts.

The oracle is a serializer written here that records each node's offset as it writes
it, with random whitespace between tokens; every recorded path must be found at its
offset, and paths that are not in the document must give None.
"""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from converter.json_offsets import JsonOffsets

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                     st.text(max_size=8))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)), max_leaves=25)
_BLANKS = st.sampled_from(["", " ", "\n", "\t", "  \r\n  "])


def _write(value, draw_ws, path: tuple, out: list[str], offsets: dict) -> None:
    offsets[path] = sum(map(len, out))
    if isinstance(value, dict):
        out.append("{" + draw_ws())
        for n, (key, item) in enumerate(value.items()):
            if n:
                out.append("," + draw_ws())
            out.append(json.dumps(key) + draw_ws() + ":" + draw_ws())
            _write(item, draw_ws, path + (key,), out, offsets)
            out.append(draw_ws())
        out.append("}")
    elif isinstance(value, list):
        out.append("[" + draw_ws())
        for n, item in enumerate(value):
            if n:
                out.append("," + draw_ws())
            _write(item, draw_ws, path + (n,), out, offsets)
            out.append(draw_ws())
        out.append("]")
    else:
        out.append(json.dumps(value, ensure_ascii=False))


@settings(max_examples=400, deadline=None)
@given(_VALUES, st.data())
def test_every_node_is_found_at_its_offset(value, data):
    out: list[str] = [data.draw(_BLANKS)]
    offsets: dict = {}
    _write(value, lambda: data.draw(_BLANKS), (), out, offsets)
    text = "".join(out) + data.draw(_BLANKS)
    assert json.loads(text) == value
    found = JsonOffsets(text)
    order = data.draw(st.permutations(sorted(offsets, key=repr)))  # any order of questions
    for path in order:
        assert found.get(path) == offsets[path], path
    for path in list(offsets)[:5]:
        assert found.get(path + ("no such key",)) is None
        assert found.get(path + (10_000,)) is None


def test_duplicate_keys_point_at_the_last_one_like_json_loads():
    text = '{"a": {"x": 1}, "a": {"y": 2}}'
    found = JsonOffsets(text)
    assert found.get(("a",)) == text.index('{"y"')
    assert found.get(("a", "y")) == text.index("2")
    assert found.get(("a", "x")) is None  # json.loads keeps only the last "a"


def test_huge_numbers_and_escapes_are_skipped_not_read():
    text = '[' + "7" * 5000 + ', "a\\"b\\u00e9", {"k\\u0077": [1e999, -0.5]}]'
    found = JsonOffsets(text)
    assert found.get((1,)) == text.index('"a')
    assert found.get((2, "kw", 1)) == text.index("-0.5")
    assert found.get((0, 0)) is None  # a number has no children

"""Where a node of a JSON text starts, found on demand.

Diagnostics about a collection name the line of the request they concern, so every
request carries a span.  Tokenising a whole 5 MB collection in Python to learn those
offsets took longer than converting it; this walks only the containers on the way to
the nodes asked for, and skips each child with the json module's C scanner.  The
children of a container are located once and remembered, so asking for every request
of a collection costs about (depth × size) of C scanning.

Only valid JSON is ever given here (the text was parsed first).
"""
from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["JsonOffsets"]

_WS = re.compile(r"[ \t\n\r]*")
Path = tuple  # keys (str) and indexes (int) from the root


def _skipper():
    # Numbers are skipped, not read: a 5,000-digit integer must not trip int()'s limit.
    decoder = json.JSONDecoder(parse_int=lambda _s: 0, parse_float=lambda _s: 0, parse_constant=lambda _s: 0,
                               object_pairs_hook=lambda _pairs: None)
    return decoder.scan_once


class JsonOffsets:
    """Offsets of nodes by path; ``get`` returns None for a path not in the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._scan = _skipper()
        self._children: dict[Path, dict[Any, int]] = {}
        self._root = _WS.match(text).end()

    def get(self, path: Path) -> int | None:
        offset = self._root
        for depth in range(len(path)):
            parent = path[:depth]
            children = self._children.get(parent)
            if children is None:
                children = self._children[parent] = self._locate_children(offset)
            offset = children.get(path[depth])
            if offset is None:
                return None
        return offset if offset < len(self.text) else None

    def _locate_children(self, start: int) -> dict[Any, int]:
        """Start offsets of the members (by key; the last of duplicate keys wins, as in
        ``json.loads``) or elements (by index) of the container at ``start``."""
        text, scan, ws = self.text, self._scan, _WS.match
        out: dict[Any, int] = {}
        if start >= len(text) or text[start] not in "{[":
            return out  # a scalar has no children
        is_object = text[start] == "{"
        pos = ws(text, start + 1).end()
        index = 0
        while pos < len(text) and text[pos] not in "]}":
            if is_object:
                key, pos = scan(text, pos)
                pos = ws(text, ws(text, pos).end() + 1).end()  # past ":"
            else:
                key, index = index, index + 1
            out[key] = pos
            _value, pos = scan(text, pos)
            pos = ws(text, pos).end()
            if pos < len(text) and text[pos] == ",":
                pos = ws(text, pos + 1).end()
        return out

"""Fuzz targets: bytes in; an exception out means a bug.

Two targets, used by ``bench/fuzz.py`` (atheris when installed, else hypothesis) and by
``tests/test_fuzz.py``-style smoke runs:

- ``shell``: the first byte picks the dialect and the stage (``parse_shell`` alone, or the
  whole ``convert_text``); the rest is the text;
- ``postman``: the first byte picks a raw collection, or a valid skeleton with the rest of
  the input (as text, or as JSON when it parses) placed in one of its fields.

A target raises for anything but :class:`ConverterError` escaping the converter, and for
broken invariants of a result: the bundle validates, dumps to YAML that loads back to the
same data, holds no model token marks, and none of the run's literal secrets.

:func:`classify` names exceptions that match a known, reported bug (``KNOWN_BUGS``), so a
fuzz run counts them apart from new crashes; delete an entry once its bug is fixed.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

from converter.api import convert_text
from converter.errors import ConverterError
from converter.model import MARK_CLOSE, MARK_OPEN
from converter.schema import validate_bundle
from converter.shell import parse_shell
from converter.yamlio import dump_yaml, load_yaml

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SHELLS = ("auto", "bash", "cmd", "powershell")


class InvariantError(AssertionError):
    """A result that breaks a promise of the converter (a bug, like a traceback)."""


# Known bugs (see the xfail tests in tests/test_hostile.py): (name, exception type, message regex).
KNOWN_BUGS: list[tuple[str, type, re.Pattern]] = []  # none: every one found so far is fixed


def classify(exc: BaseException) -> str | None:
    """The name of the known bug ``exc`` matches, else None (a new crash)."""
    for name, kind, pattern in KNOWN_BUGS:
        if isinstance(exc, kind) and pattern.search(str(exc)):
            return name
    return None


# --- invariants -----------------------------------------------------------------------------


def check_result(result) -> None:
    """The promises every successful conversion keeps (the CLI would exit 5 otherwise)."""
    for d in result.diagnostics:
        if not d.code or d.severity not in ("error", "warning", "info"):
            raise InvariantError(f"malformed diagnostic {d.code!r} {d.severity!r}")
        if MARK_OPEN in d.message or MARK_CLOSE in d.message:
            raise InvariantError(f"a model token mark reached a diagnostic [{d.code}]")
    if not result.actions:
        return
    bundle = result.bundle()
    errors = validate_bundle(bundle)
    if errors:
        raise InvariantError("bundle fails its schema: " + errors[0])
    text = dump_yaml(bundle)
    if load_yaml(text) != bundle:
        raise InvariantError("the YAML does not load back to the same data")
    if MARK_OPEN in text or MARK_CLOSE in text:
        raise InvariantError("a model token mark reached the output")
    for secret in result.placeholders.found_in_documents([bundle], [text]):  # distinctive ones, field by field
        raise InvariantError(f"a replaced secret is still in the output (in {_field_of(bundle, secret)})")


def _field_of(node, secret: str, key: str = "?") -> str | None:
    """The name of the field whose text holds ``secret`` (for the message: never the value)."""
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list):
        items = ((key, v) for v in node)
    else:
        return key if isinstance(node, str) and secret in node else None
    for k, v in items:
        found = _field_of(v, secret, str(k))
        if found:
            return found
    return None


def target_shell(data: bytes) -> None:
    mode = data[0] if data else 0
    text = data[1:].decode("utf-8", "replace")
    try:
        if mode & 4:
            for cmd in parse_shell(text, "<fuzz>"):
                for word in cmd.words:
                    if word.span is not None and (word.span.line < 1 or word.span.col < 1):
                        raise InvariantError("a word span outside the text")
            return
        result = convert_text(text, source="<fuzz>", shell_kind=SHELLS[mode % 4])
    except ConverterError as exc:
        exc.diagnostic().format()  # formatting an error must not fail either
        return
    check_result(result)


_SKELETON = {
    "info": {"name": "Fuzz", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
    "variable": [{"key": "token", "value": "Zk9U8omfkoiceAIfcIbowVq"}, {"key": "host", "value": "api.example.com"}],
    "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}"}]},
    "item": [{"name": "Folder", "item": [{"name": "Get user", "request": {
        "method": "POST",
        "url": {"raw": "https://{{host}}/v1/users/:id?q=1", "protocol": "https", "host": ["{{host}}"],
                "path": ["v1", "users", ":id"], "query": [{"key": "q", "value": "1"}],
                "variable": [{"key": "id", "value": "42"}]},
        "header": [{"key": "X-Note", "value": "yes"}],
        "body": {"mode": "raw", "raw": "{\"a\": 1}", "options": {"raw": {"language": "json"}}},
    }}]}],
}
# Where the fuzz value goes in the skeleton (a path of keys and indexes).
_SLOTS: list[tuple] = [
    ("item", 0, "item", 0, "request", "url"),
    ("item", 0, "item", 0, "request", "url", "raw"),
    ("item", 0, "item", 0, "request", "url", "host"),
    ("item", 0, "item", 0, "request", "url", "path"),
    ("item", 0, "item", 0, "request", "url", "query", 0, "value"),
    ("item", 0, "item", 0, "request", "header", 0, "key"),
    ("item", 0, "item", 0, "request", "header", 0, "value"),
    ("item", 0, "item", 0, "request", "header"),
    ("item", 0, "item", 0, "request", "method"),
    ("item", 0, "item", 0, "request", "body"),
    ("item", 0, "item", 0, "request", "body", "raw"),
    ("item", 0, "item", 0, "request", "body", "mode"),
    ("item", 0, "item", 0, "request", "auth"),
    ("item", 0, "item", 0, "name"),
    ("item", 0, "item", 0, "request"),
    ("item", 0, "item"),
    ("auth", "bearer", 0, "value"),
    ("auth",),
    ("variable", 0, "value"),
    ("variable",),
    ("info", "schema"),
    ("item",),
]


def postman_text(mode: int, payload: str) -> str:
    """The collection text for a postman-target input (mode < 4: the payload itself)."""
    if mode < 4:
        return payload
    doc = json.loads(json.dumps(_SKELETON))
    slot = _SLOTS[mode % len(_SLOTS)]
    try:
        value = json.loads(payload) if mode & 0x80 else payload
    except (ValueError, RecursionError):
        value = payload
    node = doc
    for key in slot[:-1]:
        node = node[key]
    node[slot[-1]] = value
    return json.dumps(doc, ensure_ascii=bool(mode & 0x40))


def target_postman(data: bytes) -> None:
    from converter.postman import convert_collection

    mode = data[0] if data else 0
    text = postman_text(mode, data[1:].decode("utf-8", "replace"))
    try:
        result = convert_collection(text, "<fuzz>")
    except ConverterError as exc:
        exc.diagnostic().format()
        return
    check_result(result)


TARGETS: dict[str, Callable[[bytes], None]] = {"shell": target_shell, "postman": target_postman}


# --- seeds ----------------------------------------------------------------------------------


def _shell_texts() -> list[str]:
    texts = []
    for pattern in ("cases/*/input.*", "errors/*/input.*", "windows/*/input.*"):
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(FIXTURES.glob(pattern))]
    for corpus in sorted((FIXTURES / "corpus").glob("*.sh")):
        body = corpus.read_text(encoding="utf-8", errors="replace")
        texts += [e.split("\n", 1)[1] for e in body.split("\n### ")[1:] if "\n" in e]
    return texts


def seeds(target: str) -> list[bytes]:
    """Starting inputs built from the fixtures (mode byte first)."""
    out = []
    if target == "shell":
        for i, text in enumerate(_shell_texts()):
            out.append(bytes([i % 8]) + text.encode("utf-8"))
    else:
        for i, path in enumerate(sorted(FIXTURES.glob("postman/*/collection.json"))):
            out.append(bytes([i % 4]) + path.read_bytes())
        for mode in range(4, 4 + len(_SLOTS)):
            out.append(bytes([mode]) + b"https://api.example.com/v1/x")
            out.append(bytes([mode | 0x80]) + b'[{"key": "a", "value": null}, 1, "x"]')
    return out


# --- hypothesis inputs ------------------------------------------------------------------------

SHELL_PIECES = [
    "curl ", "curl.exe ", " ", "\n", "\\\n", "'", '"', "$'", "$", "${", "}", "$(", ")", "`", "{{", "}}", "<<",
    "<<<", "EOF", "|", "&&", ";", "#", "\\", "^", "%", "%X%", "-H ", "-d ", "-u ", "-F ", "-X ", "--json ",
    "--url ", "-G ", "@", "=", "&", "?", ":", "https://", "api.example.com", "/v1/x", "Authorization: Bearer ",
    "X-Api-Key: ", "{", "[", "]", "\r\n", "\t", "\u00e9", "\u2028", "\x00", "\ue000", "-", "--", "-sSL",
    "--data-urlencode ", "-b ", "--oauth2-bearer ", "$env:", "`\n", "^\n", "PS> ", "$ ", "<(", "> out",
    "2>&1", "--form-string ", "-T ", "--data-binary @", "sk-proj-", "ghp_", "Zk9U8omfkoiceAIfcIbowVq",
]


def hypothesis_inputs(target: str):
    """A hypothesis strategy of target inputs: fixture seeds with random edits, token soup
    (shell), skeleton slots (postman), and plain bytes."""
    from hypothesis import strategies as st

    pool = seeds(target)

    @st.composite
    def mutated(draw) -> bytes:
        data = bytearray(draw(st.sampled_from(pool)))
        for _ in range(draw(st.integers(0, 6))):
            kind = draw(st.integers(0, 3))
            at = draw(st.integers(1, max(1, len(data))))
            if kind == 0:
                data[at:at] = draw(st.binary(min_size=1, max_size=8))
            elif kind == 1:
                del data[at:at + draw(st.integers(1, 16))]
            elif kind == 2:
                data[at:at] = draw(st.sampled_from(SHELL_PIECES)).encode()
            else:
                other = draw(st.sampled_from(pool))
                start = draw(st.integers(0, len(other)))
                data[at:at] = other[start:start + draw(st.integers(1, 64))]
        return bytes(data)

    mode = st.integers(0, 255).map(lambda b: bytes([b]))
    if target == "shell":
        soup = st.lists(st.sampled_from(SHELL_PIECES) | st.text(max_size=3), max_size=40).map(
            lambda parts: "".join(parts).encode("utf-8", "surrogatepass"))
        extra = st.builds(lambda m, s: m + s, mode, soup)
    else:
        from hypothesis.strategies import recursive

        values = recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                        max_size=3), max_leaves=6)
        slot = st.integers(4, 255).map(lambda b: bytes([b | 0x80]))
        extra = st.builds(lambda m, v: m + json.dumps(v).encode(), slot, values)
    return st.one_of(mutated(), extra, st.binary(max_size=256))


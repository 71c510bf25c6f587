"""The one YAML policy for everything the converter writes, and the one way it reads YAML.

Output must be byte-for-byte deterministic and must read back as the same data in any
YAML reader users may point at it (PyYAML and other YAML 1.1 readers, and YAML 1.2
readers such as js-yaml, Go's yaml.v3 or ruamel in 1.2 mode).  So:

* the pure-Python ``SafeDumper`` is used everywhere, never ``CSafeDumper``: the C emitter
  picks scalar styles on its own (it cannot run the hook below) and can emit other text;
* aliases are ignored, so a list shared by two actions is written twice, not as ``&id001``;
* ``allow_unicode`` keeps non-ASCII text readable instead of ``\\u`` escapes;
* key order is dict insertion order (the emitters fix it in code), lists are written as
  PyYAML's default block sequences (``connectors:\\n- name: x``), as FORMAT.md shows;
* the width is effectively infinite, so no long string is ever folded onto two lines;
* multi-line strings are ``|`` literal blocks when the literal style can hold them
  exactly (PyYAML falls back to double quotes for tabs, CR, trailing spaces on a line, ...);
* a string is quoted whenever some reader could resolve its plain form to something
  else: PyYAML's own (YAML 1.1) resolver already forces quotes for ``yes``, ``0123``,
  ``2026-01-31``, ``12:30:00``...; ``_AMBIGUOUS`` adds what only other readers resolve
  (YAML 1.2 ``1e3``, ``0o17``; YAML 1.1 ``y``/``n``; ``0b101``), and ``_INDICATOR_START``
  quotes strings that begin with a YAML indicator even where the plain form would parse.

Two writers produce that text.  The fast one (``_dump_fast``) covers the shapes the
converter emits -- a mapping or list at the root; dicts with short one-line str keys;
lists; str, int, float, bool and None -- and writes the text directly.  It mirrors PyYAML's emitter
decision by decision (``analyze_scalar``, ``choose_scalar_style``, the resolver, block
indentation, ``|`` hints, the ``...`` end marker), and tests compare the two on every
golden and on generated documents.  Anything else goes through PyYAML (``_dump_pyyaml``),
which is also the reference; PyYAML itself is imported only when needed.
"""
from __future__ import annotations

import functools
import io
import re
from typing import Any

__all__ = ["dump_yaml", "load_yaml"]

# Emitter width: large enough that no scalar is ever folded (PyYAML folds at spaces
# once a line passes the width, for plain and quoted styles alike).
_WIDTH = 1 << 30

_STR_TAG = "tag:yaml.org,2002:str"

# Plain scalars that a YAML 1.2 core-schema reader, a YAML 1.1 reader, or a reader with
# 1.1 leftovers (js-yaml's `1_000`, Go's `0b101`) would read as a bool, null or number.
# Over-matching only costs a pair of quotes, so the number branch is deliberately broad.
_AMBIGUOUS = re.compile(
    r"""
    (?: ~ | null | Null | NULL
      | [yYnN] | yes | Yes | YES | no | No | NO | on | On | ON | off | Off | OFF
      | true | True | TRUE | false | False | FALSE
      | [-+]? (?: [0-9][0-9_]* (?: :[0-9_]+ )* (?: \.[0-9_]* )? | \.[0-9][0-9_]* )
              (?: [eE][-+]?[0-9]+ )?
      | [-+]? 0 (?: [xX][0-9a-fA-F_]+ | [oO][0-7_]+ | [bB][01_]+ )
      | [-+]? \. (?: inf | Inf | INF ) | \. (?: nan | NaN | NAN )
      | [0-9]{4} - [0-9]{1,2} - [0-9]{1,2} (?: [Tt\ ] .* )?
      | = | <<
    )\Z
    """,
    re.VERBOSE,
)

# Plain scalars may legally start with some of these (`-x`, `?x`, `:x`), but readers
# disagree at the edges and a quoted form is clearer, so any leading indicator quotes.
_INDICATOR_START = frozenset("-?:,[]{}#&*!|>'\"%@`")

# NEL, LS and PS are line breaks to YAML 1.1 (a reader turns NEL into "\n") and ordinary
# characters to YAML 1.2: only the double-quoted style, where PyYAML escapes them, is
# read the same way by both.
_FORCE_DOUBLE = re.compile("[\x85\u2028\u2029]")


def _style(data: str) -> str | None:
    """The policy: the style PyYAML is asked for (it may still pick another, see below)."""
    if _FORCE_DOUBLE.search(data):
        return '"'
    if "\n" in data:
        # The emitter keeps "|" only when the literal style can represent the text
        # exactly; otherwise it falls back to double quotes by itself.
        return "|"
    if not data or data[0] in _INDICATOR_START or _AMBIGUOUS.match(data):
        # "'" is a preference: the emitter moves on to double quotes for text that
        # single quotes cannot hold (control characters, tabs).
        return "'"
    # Plain if the emitter's analysis allows it (no ": ", " #", edge spaces...) and
    # PyYAML's resolver reads it back as a string; quoted otherwise.
    return None


# -- the PyYAML writer: the reference, and the path for unusual documents ------------

# Scalar analyses by text, shared by all dumps: output keys and enum values (`name`,
# `key`, `value`, `GET`...) repeat endlessly, and analyze_scalar walks every character in
# Python.  Only short scalars are kept, and only so many: the cache stays small.
_ANALYSES: dict[str, Any] = {}
_ANALYSIS_MAX_LEN = 64
_ANALYSIS_MAX_ENTRIES = 4096

_BREAKS = re.compile("[\n\x85\u2028\u2029]")


@functools.cache
def _pyyaml_dumper() -> type:
    """SafeDumper with the project's policy, built on first use (importing yaml costs)."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

        def analyze_scalar(self, scalar: str) -> Any:
            # The result depends only on the text and allow_unicode, always True here.
            if len(scalar) > _ANALYSIS_MAX_LEN:
                return super().analyze_scalar(scalar)
            analysis = _ANALYSES.get(scalar)
            if analysis is None:
                analysis = super().analyze_scalar(scalar)
                if len(_ANALYSES) < _ANALYSIS_MAX_ENTRIES:
                    _ANALYSES[scalar] = analysis
            return analysis

        def write_plain(self, text: str, split: bool = True) -> None:
            # PyYAML's version walks the text character by character to fold at spaces
            # and to write line breaks.  Plain scalars never hold breaks (the analysis
            # forbids it) and the width is never reached: one write does it.
            if _BREAKS.search(text) or self.column + len(text) > self.best_width:
                super().write_plain(text, split)
                return
            if self.root_context:
                self.open_ended = True
            if not text:
                return
            if not self.whitespace:
                self.stream.write(" ")
                self.column += 1
            self.whitespace = False
            self.indention = False
            self.stream.write(text)
            self.column += len(text)

    def represent_str(dumper: _Dumper, data: str) -> Any:
        return dumper.represent_scalar(_STR_TAG, data, style=_style(data))

    _Dumper.add_representer(str, represent_str)
    return _Dumper


def _dump_pyyaml(data: Any) -> str:
    stream = io.StringIO()
    dumper = _pyyaml_dumper()(
        stream,
        default_flow_style=False,
        allow_unicode=True,
        width=_WIDTH,
        indent=2,
        line_break="\n",
        sort_keys=False,
    )
    try:
        dumper.open()
        dumper.represent(data)
        dumper.close()
    finally:
        dumper.dispose()
    return stream.getvalue()


# -- the fast writer ------------------------------------------------------------------
# Each rule below names the PyYAML (6.0) emitter code it reproduces.

_WS = "\x00 \t\r\n\x85\u2028\u2029"  # Emitter.analyze_scalar's "whitespace" for indicators
# analyze_scalar: a character that is neither "\n", printable ASCII nor (allow_unicode)
# printable Unicode; only double quotes can hold it.  (Written as the complement: a
# negated class over wide Unicode ranges takes ~10 ms to compile, this one ~1 ms.)
_SPECIAL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff\ufffe\uffff\U0010ffff]")
_SPACE_BREAK = re.compile(" [\n\x85\u2028\u2029]")
# analyze_scalar's block indicators: at the start ("#", "[", "&"..., "- ", "? ", "---",
# "..."), and anywhere ": " (or ":" last) and " #".
_LEADING_INDICATOR = re.compile(rf"""[#,\[\]{{}}&*!|>'"%@`]|[?\-](?=[{_WS}]|\Z)|---|\.\.\.""")
_INNER_INDICATOR = re.compile(rf":(?=[{_WS}]|\Z)|[{_WS}]#")
# SafeRepresenter.represent_float writes a float plainly only if the resolver's float
# pattern reads it back (checked on first use: floats are rare in our documents).  The
# other implicit resolvers need no check here: every string they match (bool, int,
# null, timestamp, "<<", "=") is already quoted by the policy (_AMBIGUOUS or a leading
# indicator), which a test proves against PyYAML's own resolver table.
_FLOAT_PATTERN = r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$"""
# write_double_quoted: what it escapes (all but printable ASCII other than " and \,
# and printable BMP characters other than LS, PS and the BOM).
_DQ_ESCAPE_PATTERN = r"[\x00-\x1f\x22\x5c\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe-\U0010ffff]"
_ESCAPES = {"\0": "0", "\x07": "a", "\x08": "b", "\x09": "t", "\x0a": "n", "\x0b": "v", "\x0c": "f",
            "\x0d": "r", "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\u2028": "L", "\u2029": "P"}
# check_simple_key: a key longer than this (plus len("!!str")) gets the "? key" form.
_MAX_SIMPLE_KEY = 122


class _Fallback(Exception):
    """The document holds something the fast writer does not do: use PyYAML."""


def _escape(m: re.Match) -> str:
    ch = m.group()
    if ch in _ESCAPES:
        return "\\" + _ESCAPES[ch]
    code = ord(ch)
    if code <= 0xFF:
        return "\\x%02X" % code
    if code <= 0xFFFF:
        return "\\u%04X" % code
    return "\\U%08X" % code


@functools.cache
def _compiled(pattern: str, flags: int = 0) -> re.Pattern:
    """Patterns that only unusual values need, compiled when first needed."""
    return re.compile(pattern, flags)


def _double(text: str) -> str:
    return '"' + _compiled(_DQ_ESCAPE_PATTERN).sub(_escape, text) + '"'


def _render(text: str) -> str | tuple[str, list[str]]:
    """How a str is written after `key: ` or `- `: one-line text, or for a literal block
    its header (`|`, `|-`, `|2+`...) and its lines (choose_scalar_style + the writers)."""
    style = _style(text)
    if style == '"':
        return _double(text)
    if style == "|":
        # allow_block: no trailing space, no space before a break, no special character
        if text[-1] == " " or _SPACE_BREAK.search(text) or _SPECIAL.search(text):
            return _double(text)
        # determine_block_hints
        hints = "2" if text[0] in " \n" else ""
        if text[-1] != "\n":
            hints += "-"
        elif len(text) == 1 or text[-2] == "\n":
            hints += "+"
        lines = text.split("\n")
        if text[-1] == "\n":
            lines.pop()
        return ("|" + hints, lines)
    if style is None and not (
            text[0] == " " or text[-1] == " " or _SPECIAL.search(text)
            or _LEADING_INDICATOR.match(text) or _INNER_INDICATOR.search(text)):
        return text  # plain (allow_block_plain, and the resolver reads a str; no breaks here)
    if _SPECIAL.search(text):  # allow_single_quoted (no breaks reach here)
        return _double(text)
    return "'" + text.replace("'", "''") + "'"


_RENDERED: dict[str, Any] = {}
_RENDERED_MAX_LEN = 256
_RENDERED_MAX_ENTRIES = 8192


def _scalar(text: str) -> str | tuple[str, list[str]]:
    rendered = _RENDERED.get(text)
    if rendered is None:
        rendered = _render(text)
        if len(text) <= _RENDERED_MAX_LEN and len(_RENDERED) < _RENDERED_MAX_ENTRIES:
            _RENDERED[text] = rendered
    return rendered


# Keys are the documents' few field names, over and over: each is checked and rendered
# once (a str key only; anything else, and keys that need PyYAML, are never stored).
_KEYS: dict[str, str] = {}


def _key(key: Any) -> str:
    if type(key) is str:
        rendered = _KEYS.get(key)
        if rendered is not None:
            return rendered
    if type(key) is not str or not key or len(key) > _MAX_SIMPLE_KEY or _BREAKS.search(key):
        raise _Fallback  # PyYAML writes these as explicit "? key" entries (or tags them)
    rendered = _scalar(key)
    assert type(rendered) is str  # one-line keys never become literal blocks
    if len(_KEYS) < _RENDERED_MAX_ENTRIES:
        _KEYS[key] = rendered
    return rendered


def _other(value: Any) -> str:
    """Non-string scalars (SafeRepresenter.represent_bool/int/none/float)."""
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    if kind is int:
        return str(value)
    if kind is float:
        if value != value:
            text = ".nan"
        elif value in (float("inf"), float("-inf")):
            text = ".inf" if value > 0 else "-.inf"
        else:
            text = repr(value).lower()
            if "." not in text and "e" in text:
                text = text.replace("e", ".0e", 1)
        if _compiled(_FLOAT_PATTERN, re.X).match(text):
            return text
    raise _Fallback  # a float PyYAML would tag, or a type it represents its own way


def _literal(out: list[str], header: str, lines: list[str], indent: int) -> None:
    # write_literal: every line indented (the node's indent is its parent's + 2), blank
    # lines left empty, one final break.
    pad = " " * indent
    out.append(" " + header + "\n")
    out.append("".join([pad + line + "\n" if line else "\n" for line in lines]))


# Deeper documents go to PyYAML, so that one too deep for it (RecursionError) fails the
# same way; ours never nest past a handful of levels.
_MAX_DEPTH = 100


def _mapping(data: dict, indent: int, out: list[str], lead: str | None, depth: int) -> None:
    """A block mapping whose keys sit at `indent`; `lead`: what stands before the first key
    instead of the indent (its sequence's `- `), so that the dash and key are one piece."""
    if depth > _MAX_DEPTH:
        raise _Fallback
    pad = " " * indent
    add = out.append
    known, rendered_get = _KEYS.get, _RENDERED.get  # the caches of _key and _scalar, without the calls
    for key, value in data.items():
        text = known(key) if type(key) is str else None
        if text is None:
            text = _key(key)
        if lead is None:
            text = pad + text
        else:
            text, lead = lead + text, None
        kind = type(value)
        if kind is str:
            rendered = rendered_get(value)
            if rendered is None:
                rendered = _scalar(value)
            if type(rendered) is str:
                add(text + ": " + rendered + "\n")
            else:
                add(text + ":")
                _literal(out, rendered[0], rendered[1], indent + 2)
        elif kind is dict:
            if value:
                add(text + ":\n")
                _mapping(value, indent + 2, out, None, depth + 1)
            else:
                add(text + ": {}\n")
        elif kind is list:
            if value:
                add(text + ":\n")
                _sequence(value, indent, out, False, depth + 1)  # indentless under a key
            else:
                add(text + ": []\n")
        else:
            add(text + ": " + _other(value) + "\n")


def _sequence(data: list, indent: int, out: list[str], inline: bool, depth: int) -> None:
    """A block sequence whose dashes sit at `indent`; `inline`: the first follows `- `."""
    if depth > _MAX_DEPTH:
        raise _Fallback
    pad = " " * indent
    add = out.append
    for value in data:
        if inline:
            inline = False
            dash = "-"
        else:
            dash = pad + "-"
        kind = type(value)
        if kind is str:
            rendered = _RENDERED.get(value)
            if rendered is None:
                rendered = _scalar(value)
            if type(rendered) is str:
                add(dash + " " + rendered + "\n")
            else:
                add(dash)
                _literal(out, rendered[0], rendered[1], indent + 2)
        elif kind is dict:
            if value:
                _mapping(value, indent + 2, out, dash + " ", depth + 1)
            else:
                add(dash + " {}\n")
        elif kind is list:
            if value:
                add(dash + " ")
                _sequence(value, indent + 2, out, True, depth + 1)
            else:
                add(dash + " []\n")
        else:
            add(dash + " " + _other(value) + "\n")


def _ends_open(data: Any) -> bool:
    """Whether the document's last scalar is a `|+` block: PyYAML then marks the end
    with `...` (open_ended is reset only by a later indicator, and none follows)."""
    node = data
    while True:
        kind = type(node)
        if kind is dict and node:
            node = next(reversed(node.values()))
        elif kind is list and node:
            node = node[-1]
        else:
            break
    if type(node) is not str:
        return False
    rendered = _scalar(node)
    return type(rendered) is tuple and rendered[0].endswith("+")


def _dump_fast(data: dict | list) -> str:
    if not data:
        return "{}\n" if type(data) is dict else "[]\n"
    out: list[str] = []
    if type(data) is dict:
        _mapping(data, 0, out, None, 0)
    else:
        _sequence(data, 0, out, False, 0)
    if _ends_open(data):
        out.append("...\n")
    return "".join(out)


def dump_yaml(data: Any) -> str:
    """Serialise plain data (dicts, lists, str, int, float, bool, None) to YAML text."""
    if type(data) is dict or type(data) is list:
        try:
            return _dump_fast(data)
        except _Fallback:
            pass
    return _dump_pyyaml(data)


def load_yaml(text: str) -> Any:
    """Parse one YAML document with the safe (pure-Python) loader: no object tags."""
    import yaml

    return yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader is safe

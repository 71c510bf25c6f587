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
"""
from __future__ import annotations

import io
import re
from typing import Any

import yaml

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


# Scalar analyses by text, shared by all dumps: output keys and enum values (`name`,
# `key`, `value`, `GET`...) repeat endlessly, and analyze_scalar walks every character in
# Python.  Only short scalars are kept, and only so many: the cache stays small.
_ANALYSES: dict[str, Any] = {}
_ANALYSIS_MAX_LEN = 64
_ANALYSIS_MAX_ENTRIES = 4096

_BREAKS = re.compile("[\n\x85\u2028\u2029]")


class _Dumper(yaml.SafeDumper):
    """SafeDumper with the project's policy; built once per dump (cheap), defined once."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def analyze_scalar(self, scalar: str) -> Any:
        # The result depends only on the text and allow_unicode, which is always True here.
        if len(scalar) > _ANALYSIS_MAX_LEN:
            return super().analyze_scalar(scalar)
        analysis = _ANALYSES.get(scalar)
        if analysis is None:
            analysis = super().analyze_scalar(scalar)
            if len(_ANALYSES) < _ANALYSIS_MAX_ENTRIES:
                _ANALYSES[scalar] = analysis
        return analysis

    def write_plain(self, text: str, split: bool = True) -> None:
        # PyYAML's version walks the text character by character to fold at spaces and to
        # write line breaks.  Plain scalars never hold breaks (the analysis forbids it) and
        # the width is never reached, so the whole text goes out in one write.
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


def _represent_str(dumper: _Dumper, data: str) -> yaml.ScalarNode:
    style: str | None
    if _FORCE_DOUBLE.search(data):
        style = '"'
    elif "\n" in data:
        # The emitter keeps "|" only when the literal style can represent the text
        # exactly; otherwise it falls back to double quotes by itself.
        style = "|"
    elif not data or data[0] in _INDICATOR_START or _AMBIGUOUS.match(data):
        # "'" is a preference: the emitter moves on to double quotes for text that
        # single quotes cannot hold (control characters, tabs).
        style = "'"
    else:
        # Plain if the emitter's analysis allows it (no ": ", " #", edge spaces...) and
        # PyYAML's resolver reads it back as a string; quoted otherwise.
        style = None
    return dumper.represent_scalar(_STR_TAG, data, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """Serialise plain data (dicts, lists, str, int, float, bool, None) to YAML text."""
    stream = io.StringIO()
    dumper = _Dumper(
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


def load_yaml(text: str) -> Any:
    """Parse one YAML document with the safe (pure-Python) loader: no object tags."""
    return yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader is safe

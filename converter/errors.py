"""Spans, diagnostics and the one error type the converter raises.

Diagnostics are data: stages return them alongside their result, and only the CLI
prints them.  Messages are built from already-masked text, never from raw input
values, so that no secret can reach a terminal through an error path.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Callable, NamedTuple


class ExitStatus(enum.IntEnum):
    """Exit statuses of the CLI (documented in the README)."""

    OK = 0
    INVALID = 1  # `validate` found an invalid file; `--check` found a difference
    USAGE = 2  # bad command line (click's own status for usage errors)
    INPUT_ERROR = 3  # the input could not be converted (syntax, not curl, unsupported)
    OUTPUT_EXISTS = 4  # refusing to overwrite existing files without --force
    INTERNAL = 5  # a generated document failed its schema: a converter bug


class Span(NamedTuple):
    """A position in a source: 1-based line and column, plus the text of that line.

    A named tuple, not a frozen dataclass: one is made for every shell word, and a
    frozen dataclass takes ~8x as long to build."""

    line: int
    col: int
    source: str = "<stdin>"
    line_text: str = ""
    length: int = 1

    def location(self) -> str:
        return f"{self.source}:{self.line}:{self.col}"

    def caret(self) -> str:
        """The source line followed by a caret line under the span."""
        text = self.line_text.rstrip("\r\n").expandtabs(1)
        # a quoted input line must not drive the terminal (ESC, BEL, OSC…): one char for one
        text = "".join(c if c.isprintable() else "\ufffd" for c in text)
        width = max(1, min(self.length, max(1, len(text) - self.col + 1)))
        return f"  {text}\n  {' ' * (self.col - 1)}{'^' * width}"


class LazySpan:
    """A Span worked out the first time it is read.

    A Postman request carries the span of its item, but finding a node's line in a
    5 MB collection costs more than converting the request, and only requests that
    get a diagnostic ever show theirs.  Reads any Span attribute; compares as its Span."""

    __slots__ = ("_make", "_span")

    def __init__(self, make: Callable[[], Span]) -> None:
        self._make: Callable[[], Span] | None = make
        self._span: Span | None = None

    def resolve(self) -> Span:
        if self._span is None:
            self._span = self._make()
            self._make = None
        return self._span

    def __getattr__(self, name: str):
        return getattr(self.resolve(), name)

    def __eq__(self, other: object) -> bool:
        return self.resolve() == (other.resolve() if isinstance(other, LazySpan) else other)

    def __hash__(self) -> int:
        return hash(self.resolve())

    def __repr__(self) -> str:
        return repr(self.resolve())

    def __reduce__(self):
        # explicit: the default would look up pickling hooks through __getattr__
        if self._span is not None:
            return (_resolved, (self._span,))
        return (LazySpan, (self._make,))


def _resolved(span: Span) -> LazySpan:
    return LazySpan(lambda: span)


@dataclass(frozen=True)
class Diagnostic:
    code: str  # short stable identifier, e.g. "unknown-option"
    severity: str  # "error" | "warning" | "info"
    message: str  # already masked; never contains a secret
    span: Span | None = None

    def format(self, with_caret: bool = True) -> str:
        where = self.span.location() + ": " if self.span else ""
        text = f"{where}{self.severity}: {self.message} [{self.code}]"
        if with_caret and self.span and self.span.line_text:
            text += "\n" + self.span.caret()
        return text


@dataclass
class ConverterError(Exception):
    """The documented error: bad input (or an internal schema failure)."""

    code: str
    message: str
    span: Span | None = None
    status: ExitStatus = ExitStatus.INPUT_ERROR
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.code, "error", self.message, self.span)

    def __str__(self) -> str:
        return self.diagnostic().format()

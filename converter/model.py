"""The request model shared by every source (curl, Postman, …) and every emitter.

Values keep literal text, variables and secrets apart.  A value is a ``str`` in
which every non-literal part is encoded as a *token*::

    MARK_OPEN + kind + name + MARK_CLOSE

with the kinds below.  The marks are Unicode private-use code points that the
sources refuse in their input, so a token can never be forged by input text.
Keeping values as strings means ordinary string operations (split on ``?``,
``&``, ``=``, ``:``) work on them, while the tokens travel through untouched.

- ``$``  a shell variable (``$TOKEN``, ``${TOKEN}``, ``%TOKEN%``, ``$env:TOKEN``):
         configuration, emitted as the placeholder ``<<TOKEN>>``;
- ``{``  a template variable (``{{name}}``): an input argument ``{{{name}}}``,
         or a placeholder when it sits in a credential position;
- ``<``  a placeholder created by the secrets pass (``<<NAME>>``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Iterator, NamedTuple, Union

from .errors import Diagnostic, Span

MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"
FORBIDDEN_CHARS = (MARK_OPEN, MARK_CLOSE)

SHELL_VAR = "$"
TEMPLATE = "{"
PLACEHOLDER = "<"

_TOKEN_RE = re.compile(f"{MARK_OPEN}([$<{{])([^{MARK_CLOSE}]*){MARK_CLOSE}")
TOKEN_RE = _TOKEN_RE  # one token: group 1 its kind, group 2 its name (for re.sub over a value)


def shell_var(name: str) -> str:
    return f"{MARK_OPEN}{SHELL_VAR}{name}{MARK_CLOSE}"


def template(name: str) -> str:
    return f"{MARK_OPEN}{TEMPLATE}{name}{MARK_CLOSE}"


def placeholder(name: str) -> str:
    return f"{MARK_OPEN}{PLACEHOLDER}{name}{MARK_CLOSE}"


class Lit(NamedTuple):
    text: str


class Var(NamedTuple):
    """A non-literal part: ``kind`` is one of ``$``, ``{``, ``<``."""

    kind: str
    name: str


Part = Union[Lit, Var]


def parts(value: str) -> Iterator[Part]:
    """The literal and variable parts of an encoded value, in order."""
    pos = 0
    for m in _TOKEN_RE.finditer(value):
        if m.start() > pos:
            yield Lit(value[pos : m.start()])
        yield Var(m.group(1), m.group(2))
        pos = m.end()
    if pos < len(value):
        yield Lit(value[pos:])


def has_tokens(value: str) -> bool:
    return MARK_OPEN in value


def is_literal(value: str) -> bool:
    return MARK_OPEN not in value


def literal_text(value: str) -> str:
    """The literal characters only (tokens dropped)."""
    return _TOKEN_RE.sub("", value)


def tokens(value: str) -> list[Var]:
    return [Var(m.group(1), m.group(2)) for m in _TOKEN_RE.finditer(value)]


def sole_token(value: str) -> Var | None:
    """The token if the whole value is exactly one token, else None."""
    m = _TOKEN_RE.fullmatch(value)
    return Var(m.group(1), m.group(2)) if m else None


def map_literals(value: str, fn) -> str:
    """Apply ``fn`` to every literal run, leaving tokens untouched."""
    if MARK_OPEN not in value:
        return fn(value) if value else ""
    out, pos = [], 0
    for m in _TOKEN_RE.finditer(value):
        if m.start() > pos:
            out.append(fn(value[pos:m.start()]))
        out.append(m.group())
        pos = m.end()
    if pos < len(value):
        out.append(fn(value[pos:]))
    return "".join(out)


def render(value: str, *, shell: str = "<<{}>>", tmpl: str = "{{{{{{{}}}}}}}", ph: str = "<<{}>>") -> str:
    """Render tokens with format strings per kind (defaults: the output format)."""
    fmt = {SHELL_VAR: shell, TEMPLATE: tmpl, PLACEHOLDER: ph}
    return _TOKEN_RE.sub(lambda m: fmt[m.group(1)].format(m.group(2)), value)


# --- the request model ------------------------------------------------------


def _pickled_as_tuple(cls):
    """Pickle as the class and its fields in order: a forked child sends thousands of
    requests back (converter.parallel), and rebuilding from a tuple loads 2x as fast as
    the default (an attribute dictionary per object)."""
    names = tuple(f.name for f in fields(cls))

    def __reduce__(self):
        return cls, tuple([getattr(self, n) for n in names])

    cls.__reduce__ = __reduce__
    return cls


@_pickled_as_tuple
@dataclass
class FormPart:
    """One ``-F`` / ``--form-string`` part or a Postman formdata entry."""

    name: str
    value: str | None = None  # text part
    file: str | None = None  # file part: the local path as written
    content_type: str | None = None
    filename: str | None = None  # ;filename= override


@_pickled_as_tuple
@dataclass
class Body:
    """Exactly one of ``text``, ``file``, ``form`` is set."""

    text: str | None = None
    file: str | None = None  # an unread local file (body_file)
    form: list[FormPart] | None = None


@_pickled_as_tuple
@dataclass
class Auth:
    """A credential given apart from the headers and query.

    curl: ``-u`` (basic), ``--oauth2-bearer`` (bearer).  Postman: its ``auth`` block,
    after inheritance: basic, bearer, apikey (``key`` + ``location`` header|query,
    ``pattern`` like ``%s``), oauth2 (``oauth2`` holds the grant settings as encoded
    values: grant_type, token_url, client_id, client_secret, scope, …), or none.
    """

    kind: str  # "basic" | "bearer" | "apikey" | "oauth2" | "none"
    username: str = ""
    password: str = ""
    token: str = ""
    key: str = ""  # apikey: header or parameter name
    location: str = "header"  # apikey: "header" | "query"
    pattern: str = "%s"  # apikey: value pattern
    oauth2: dict[str, str] = field(default_factory=dict)
    span: Span | None = None


@_pickled_as_tuple
@dataclass
class Request:
    """One HTTP request as the source describes it, before auth and secrets passes.

    ``url`` is the full URL as written (encoded value); query parameters given
    separately (``-G`` data, ``--url-query``) are already appended to it.
    """

    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: Body | None = None
    auth: Auth | None = None
    span: Span | None = None
    name: str | None = None  # a name given by the source (Postman item name)
    description: str | None = None
    folder: tuple[str, ...] = ()  # the source's folder path (Postman), to disambiguate names
    examples: dict[str, str] = field(default_factory=dict)  # template variable → example value
    connector_description: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


# --- shell words ------------------------------------------------------------


class Word(NamedTuple):
    """One shell word after quote removal: an encoded value and where it started
    (a named tuple: cheap to build, and there is one per word)."""

    value: str
    span: Span


@dataclass
class Command:
    """One simple command (``curl …``) of a shell text.

    ``words`` excludes leading ``VAR=value`` assignments and a pasted prompt;
    ``stdin`` holds a here-document or here-string body fed to the command, if any.
    """

    words: list[Word]
    span: Span
    stdin: str | None = None

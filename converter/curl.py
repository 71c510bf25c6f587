"""curl's semantics: shell words of one ``curl`` command → a :class:`Request`.

Every rule here mirrors what the curl binary (7.88+) sends, and the differential
test suite checks it against the real binary:

- ``-d``/``--data-*``/``--json``/``-F`` imply POST, ``-T`` PUT, ``-I`` HEAD, ``-G`` GET;
  ``-X`` wins over all of them.
- data pieces are joined with ``&``, except ``--json`` pieces, which are appended as is.
- ``-d @file`` / ``--data-ascii @file`` drop LF, and a CR or NUL with the rest of its line
  (``curl_checks.file2string``); ``--data-binary @file`` and ``--json @file`` keep the
  bytes; ``--data-raw`` never reads a file.
- ``-T`` with ``-d``/``--json``/``-F`` is refused, as curl refuses it ("You can only
  select one HTTP request method"); ``-T FILE`` adds the file's name to a URL whose path
  is empty or ends in ``/`` (``curl_checks.append_upload_name``).
- Separators are searched in literal text only (``curl_checks``): a token is never split.
- ``--data-urlencode``: ``content``, ``=content``, ``name=content``, ``@file``,
  ``name@file`` (the first of ``=`` / ``@`` decides); encoding keeps only RFC 3986
  unreserved characters and turns spaces into ``+``.
- ``-d`` adds ``Content-Type: application/x-www-form-urlencoded``, ``--json`` adds
  ``Content-Type: application/json`` and ``Accept: application/json``, ``-F`` adds
  ``multipart/form-data``, each unless the user gave (or removed) that header.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from . import model
from .curl_checks import (append_upload_name, file2string, find_literal, header_name_problem,
                          parse_header, partition_literal, refuse_nul, split_literal)
from .curl_options import OPTION_BY_SHORT, Option, lookup_long
from .errors import ConverterError, Diagnostic, Span
from .model import Auth, Body, Command, FormPart, Request, Word

_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

# Options whose presence means the request cannot be expressed on the platform.
UNSUPPORTED_AUTH = {"digest", "ntlm", "ntlm-wb", "negotiate", "anyauth", "aws-sigv4", "delegation"}
# Options that matter but are not request-shaping in a way we can map.
NOT_MAPPED = {"next", "config", "variable", "proxy", "proxy-user", "cert", "key", "cacert", "unix-socket",
              "abstract-unix-socket", "range", "continue-at", "time-cond", "crlf", "use-ascii",
              "path-as-is"}  # the action path has its dot segments removed, as curl does by default


# curl reads a variable's value in an option position as options: -sS$X may mean -sSv or -sSXDELETE
_VARIABLE_OPTION = "the option {} from a variable, so what curl does cannot be known: write the options literally"


@dataclass
class FileSource:
    """Where local files may be read from (``--read-files``); None → never read."""

    base_dir: Path

    def read(self, path: str, span: Span) -> bytes:
        if not model.is_literal(path):
            raise ConverterError("file-outside", "a file name built from a variable cannot be read", span)
        p = Path(path)
        if p.is_absolute() or ".." in p.parts:
            raise ConverterError(
                "file-outside", "files are read only inside the input's directory (no absolute paths, no '..')", span
            )
        full = self.base_dir / p
        try:
            return full.read_bytes()
        except OSError as exc:
            raise ConverterError("file-unreadable", f"cannot read file {path!r}: {exc.strerror}", span) from None


@dataclass
class _Piece:
    kind: str  # "data" | "json" | "file" (an unread file)
    text: str
    span: Span


@dataclass
class _State:
    urls: list[Word] = field(default_factory=list)
    method: Word | None = None
    headers: list[Word] = field(default_factory=list)
    pieces: list[_Piece] = field(default_factory=list)
    form: list[FormPart] = field(default_factory=list)
    get: bool = False
    head: bool = False
    json: bool = False
    user: Word | None = None
    bearer: Word | None = None
    user_agent: Word | None = None
    referer: Word | None = None
    cookies: list[Word] = field(default_factory=list)
    url_query: list[str] = field(default_factory=list)
    upload: Word | None = None
    span: Span | None = None


def is_curl_command(cmd: Command) -> bool:
    if not cmd.words:
        return False
    first = cmd.words[0].value
    if not model.is_literal(first):
        return False
    name = first.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name in ("curl", "curl.exe")


def urlencode_component(text: str) -> str:
    """curl's ``--data-urlencode`` encoding of literal text (tokens kept)."""
    return model.map_literals(text, lambda s: quote(s, safe="-._~ ").replace(" ", "+"))


def _unquote_form_value(value: str) -> tuple[str, str]:
    """Split a ``-F`` value after ``name=`` into (content, ;params) honouring ``"…"``."""
    if value.startswith('"'):
        out, i = [], 1
        while i < len(value):
            ch = value[i]
            if ch == model.MARK_OPEN:  # a token is copied whole, whatever its name holds
                end = value.find(model.MARK_CLOSE, i) + 1
                out.append(value[i:end])
                i = end
                continue
            if ch == "\\" and i + 1 < len(value) and value[i + 1] in '"\\':
                out.append(value[i + 1])
                i += 2
                continue
            if ch == '"':
                return "".join(out), value[i + 1 :]
            out.append(ch)
            i += 1
        return "".join(out), ""
    cut = find_literal(value, ";")
    return (value, "") if cut < 0 else (value[:cut], value[cut:])


def _parse_form(arg: str, literal: bool, span: Span, diags: list[Diagnostic]) -> FormPart:
    name, eq, rest = partition_literal(arg, "=")
    if not eq or not name:
        raise ConverterError("bad-form", "a form part needs name=content", span)
    if literal:
        return FormPart(name=name, value=rest)
    kind = rest[:1] if rest[:1] in ("@", "<") else ""
    content, params = _unquote_form_value(rest[1:] if kind else rest)
    part = FormPart(name=name)
    for param in filter(None, (p.strip() for p in split_literal(params, ";"))):
        key, _, val = partition_literal(param, "=")
        val = val.strip('"')
        if key == "type":
            part.content_type = val
        elif key == "filename":
            part.filename = val
        else:
            diags.append(Diagnostic("form-param-ignored", "warning", f"form part parameter {key!r} is not kept", span))
    if kind and not content:
        raise ConverterError("no-file-name", f"-F {kind} needs a file name after the {kind} (curl cannot open an "
                             "empty one)", span)
    if kind == "@":
        part.file = content
    elif kind == "<":
        part.file = content  # the caller reads it (a field value from a file) or refuses
        part.value = ""
    else:
        part.value = content
    return part


class _Builder:
    def __init__(self, cmd: Command, files: FileSource | None):
        self.cmd = cmd
        self.files = files
        self.diags: list[Diagnostic] = []
        self.s = _State(span=cmd.span)

    def warn(self, code: str, message: str, span: Span | None) -> None:
        self.diags.append(Diagnostic(code, "warning", message, span))

    def error(self, code: str, message: str, span: Span | None) -> None:
        self.diags.append(Diagnostic(code, "error", message, span))

    # --- option scanning -------------------------------------------------

    def scan(self) -> None:
        words = self.cmd.words[1:]
        i, options_done = 0, False
        while i < len(words):
            w = words[i]
            i += 1
            v = w.value
            if options_done or not v.startswith("-") or v == "-":
                self.s.urls.append(w)
                continue
            if v == "--":
                options_done = True
                continue
            if v.startswith("--"):
                if model.MARK_OPEN in v and model.has_tokens(partition_literal(v, "=")[0]):
                    self.error("variable-option", _VARIABLE_OPTION.format("name comes"), w.span)
                    continue
                opt, enabled, candidates = lookup_long(v[2:])
                if opt is None:
                    # the name only: `--token=abc` must not print what follows the `=`
                    name_only = v.split("=", 1)[0]
                    shown = name_only if model.is_literal(name_only) and len(name_only) <= 40 else v[:2] + "…"
                    if candidates:
                        self.warn("ambiguous-option", f"option {shown} is ambiguous ({', '.join(candidates[:4])}…): ignored", w.span)
                    else:
                        self.warn("unknown-option", f"unknown option {shown}: ignored", w.span)
                    continue
                value = None
                if opt.takes_value:
                    if i >= len(words):
                        raise ConverterError("missing-value", f"option --{opt.name} needs a value", w.span)
                    value = words[i]
                    i += 1
                self.apply(opt, enabled, value, w.span)
                continue
            # bundled short options: -sSL, -XPOST, -H'…'; a value may hold tokens, a letter may not
            j = 1
            while j < len(v):
                letter = v[j]
                if letter == model.MARK_OPEN:
                    self.error("variable-option", _VARIABLE_OPTION.format("letters come"), w.span)
                    break
                opt = OPTION_BY_SHORT.get(letter)
                if opt is None:
                    self.warn("unknown-option", f"unknown option -{letter if letter.isascii() and letter.isprintable() else '?'}: ignored", w.span)
                    j += 1
                    continue
                if opt.takes_value:
                    rest = v[j + 1 :]
                    if rest:
                        value = Word(rest, w.span)
                    elif i < len(words):
                        value = words[i]
                        i += 1
                    else:
                        raise ConverterError("missing-value", f"option -{letter} needs a value", w.span)
                    self.apply(opt, True, value, w.span)
                    break
                self.apply(opt, True, None, w.span)
                j += 1

    def apply(self, opt: Option, enabled: bool, word: Word | None, span: Span) -> None:
        s, name = self.s, opt.name
        value = word.value if word else ""
        vspan = word.span if word else span
        if name == "request":
            s.method = word
        elif name == "header":
            s.headers.append(word)
        elif name in ("data", "data-ascii", "data-binary", "data-raw", "data-urlencode", "json"):
            self.add_data(name, value, vspan)
        elif name in ("form", "form-string"):
            part = _parse_form(value, name == "form-string", vspan, self.diags)
            if part.file is not None and part.value is not None:  # name=<file: the file's text is the value
                text = self.read(part.file, vspan)
                if text is None:
                    raise ConverterError("file-not-read", "-F name=<file sends the file's text as a field value: re-run with --read-files", vspan)
                part.file, part.value = None, text
            s.form.append(part)
        elif name == "get":
            s.get = enabled
        elif name == "head":
            s.head = enabled
        elif name == "user":
            s.user = word
        elif name == "oauth2-bearer":
            s.bearer = word
        elif name == "user-agent":
            s.user_agent = word
        elif name == "referer":
            s.referer = Word(value[: -len(";auto")] if value.endswith(";auto") else value, vspan)
        elif name == "cookie":
            if find_literal(value, "=") >= 0:
                s.cookies.append(word)
            else:
                self.warn("cookie-file", "-b with a file name reads a cookie jar: not kept", vspan)
        elif name == "url":
            s.urls.append(word)
        elif name == "url-query":
            s.url_query.append(value[1:] if value.startswith("+") else self.urlencode(value, vspan))
        elif name == "upload-file":
            s.upload = word
        elif name == "basic":
            pass  # basic is what -u means anyway
        elif name in UNSUPPORTED_AUTH:
            self.error("unsupported-auth", f"--{name} authentication cannot be expressed by the platform's connectors", span)
        elif name in NOT_MAPPED:
            self.warn("option-ignored", f"--{name} changes the request but is not kept", span)

    # --- data --------------------------------------------------------------

    def read(self, path: str, span: Span) -> str | None:
        if path == "-":  # stdin: a here-document or here-string pasted with the command
            if self.cmd.stdin is None:
                raise ConverterError("stdin-data", "data from standard input (@-) needs a here-document in the input", span)
            return self.cmd.stdin
        if self.files is None:
            return None
        raw = self.files.read(path, span)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ConverterError("binary-file", f"file {path!r} is not UTF-8 text: a binary body cannot be kept", span) from None
        if any(c in text for c in model.FORBIDDEN_CHARS):
            raise ConverterError("bad-character", "unsupported character U+E000 in a file", span)
        return text

    def urlencode(self, arg: str, span: Span) -> str:
        cut = find_literal(arg, "=@")
        if cut < 0:
            return urlencode_component(arg)
        name, sep, rest = arg[:cut], arg[cut], arg[cut + 1 :]
        if sep == "=":
            return (name + "=" if name else "") + urlencode_component(rest)
        content = self.read(rest, span)
        if content is None:
            raise ConverterError("file-not-read", "--data-urlencode reads a file: re-run with --read-files", span)
        return (name + "=" if name else "") + urlencode_component(content)

    def add_data(self, name: str, value: str, span: Span) -> None:
        if name == "data-urlencode":
            self.s.pieces.append(_Piece("data", self.urlencode(value, span), span))
            return
        if name == "json":
            self.s.json = True
        kind = "json" if name == "json" else "data"
        if name != "data-raw" and value.startswith("@"):
            path = value[1:]
            if not path:
                raise ConverterError("no-file-name", f"--{name} @ needs a file name after the @ (curl cannot open an "
                                     "empty one)", span)
            content = self.read(path, span)
            if content is None:
                self.s.pieces.append(_Piece("file", path, span))
                return
            if name in ("data", "data-ascii"):
                cut = file2string(content)
                if cut is None:
                    raise ConverterError("binary-file", f"file {path!r} is not UTF-8 text once curl drops its line "
                                         "ends: a binary body cannot be kept", span)
                content = cut
            value = content
        self.s.pieces.append(_Piece(kind, value, span))

    def joined_data(self) -> str | None:
        out: list[str] = []
        for n, p in enumerate(self.s.pieces):
            if n and p.kind != "json":
                out.append("&")
            out.append(p.text)
        return "".join(out) if self.s.pieces else None

    # --- building the request ----------------------------------------------

    def build(self) -> Request:
        refuse_nul(self.cmd)
        self.scan()
        s = self.s
        if not s.urls:
            raise ConverterError("no-url", "this curl command has no URL", self.cmd.span)
        if len(s.urls) > 1:
            self.error("multiple-urls", f"this curl command sends {len(s.urls)} requests (one per URL): write one command per URL", s.urls[1].span)
        url_word = s.urls[0]
        url = url_word.value
        if not _SCHEME_RE.match(url) and not url.startswith(model.MARK_OPEN):
            url = "http://" + url
            self.warn("no-scheme", "the URL has no scheme: curl assumes http://", url_word.span)
        fragment = find_literal(url, "#")
        url = url if fragment < 0 else url[:fragment]  # curl never sends the fragment

        files = [p for p in s.pieces if p.kind == "file"]
        if files and (len(s.pieces) > 1 or s.get):
            raise ConverterError("file-not-read", "data from a file mixed with other data: re-run with --read-files", files[0].span)
        data = self.joined_data()
        body: Body | None = None
        method = "GET"
        if s.get:
            if data is not None:
                url += ("&" if find_literal(url, "?") >= 0 else "?") + data
        elif files:
            body = Body(file=files[0].text)
            self.warn("file-not-read", "the body comes from a local file that was not read (use --read-files): kept as body_file", files[0].span)
            method = "POST"
        elif data is not None:
            body, method = Body(text=data), "POST"
        if s.form:
            if body is not None:
                raise ConverterError("data-and-form", "-d and -F cannot be used together (curl refuses it)", self.cmd.span)
            body, method = Body(form=s.form), "POST"
        if s.upload is not None:
            if s.pieces or s.form:
                raise ConverterError("method-conflict", "-T uploads with PUT while -d/--json/-F post: curl refuses "
                                     "the command (one request method only)", s.upload.span)
            body, method = self.upload_body(s.upload, url), "PUT"
            url, warning = append_upload_name(url, s.upload.value, s.upload.span)
            if warning:
                self.warn("upload-url", warning, s.upload.span)
        if s.url_query:
            url += ("&" if find_literal(url, "?") >= 0 else "?") + "&".join(s.url_query)
        if s.head:
            method = "HEAD"
        if s.method is not None and model.has_tokens(s.method.value):
            self.error("variable-method", "the method comes from a variable, so it cannot be known: write it literally",
                       s.method.span)
        elif s.method is not None:
            method = s.method.value.upper()
            if method != s.method.value and method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                # curl sends -X post as written, and methods are case-sensitive (RFC 9110 9.1)
                self.warn("method-case", f"curl sends the method as written, not in upper case; the action uses {method}",
                          s.method.span)
        if method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            shown = method if model.is_literal(method) and len(method) < 20 else "this method"
            self.error("unsupported-method", f"method {shown} is not supported by the platform (GET, POST, PUT, PATCH, DELETE)",
                       (s.method.span if s.method else self.cmd.span))

        headers = self.headers(body)
        auth = None
        if s.bearer is not None:
            auth = Auth("bearer", token=s.bearer.value, span=s.bearer.span)
        elif s.user is not None:
            user, _, password = partition_literal(s.user.value, ":")
            auth = Auth("basic", username=user, password=password, span=s.user.span)
        return Request(method=method, url=url, headers=headers, body=body, auth=auth, span=self.cmd.span,
                       diagnostics=self.diags)

    def upload_body(self, word: Word, url: str) -> Body:
        if word.value == ".":
            raise ConverterError("stdin-upload", "-T . uploads standard input as it arrives, which cannot be kept", word.span)
        if not word.value:
            raise ConverterError("no-file-name", "-T needs a file name (curl cannot open an empty one)", word.span)
        content = self.read(word.value, word.span)
        if content is None:
            self.warn("file-not-read", "the body comes from a local file that was not read (use --read-files): kept as body_file", word.span)
            return Body(file=word.value)
        return Body(text=content)

    def headers(self, body: Body | None) -> list[tuple[str, str]]:
        """Headers in curl's wire order, without curl's defaults."""
        s = self.s
        custom: list[tuple[str, str]] = []
        removed: set[str] = set()
        for w in s.headers:
            raw = w.value
            if raw.startswith("@"):
                self.warn("header-file", "-H @file reads headers from a file: not kept", w.span)
                continue
            what, name, value = parse_header(raw)
            if what == "bad" and model.has_tokens(raw) and find_literal(raw, ":;") < 0:
                # -H "$HEADER": curl sends whatever the variable holds
                what, name = "send", raw
            if what == "bad":
                self.warn("bad-header", "a header needs 'Name: value': ignored", w.span)
                continue
            if name.strip(" \t") != name and name.strip(" \t"):
                # curl sends "X-A : v" as written, which servers reject (RFC 9112 §5.1): the name is what was meant
                self.warn("header-name-space", "blanks around a header name: curl sends them, which servers reject; "
                          "kept without them", w.span)
                name = name.strip(" \t")
            problem = header_name_problem(name)
            if problem:
                self.error("bad-header-name", f"this header name is not an HTTP token: {problem}", w.span)
                continue
            if what == "ignored-remove":
                self.warn("bad-header", "'Name;text' is not a header: curl sends nothing (and none of its own "
                          "header of that name)", w.span)
            if what != "send":
                removed.add(name.lower())
                continue
            custom.append((name, value.rstrip("\r\n")))
        present = {k.lower() for k, _ in custom} | removed
        front: list[tuple[str, str]] = []
        if s.user_agent is not None and "user-agent" not in present and s.user_agent.value:
            front.append(("User-Agent", s.user_agent.value))  # -A '' makes curl send none
        if s.referer is not None and "referer" not in present:
            front.append(("Referer", s.referer.value))
        if s.cookies and "cookie" not in present:
            front.append(("Cookie", ";".join(w.value for w in s.cookies)))  # curl joins -b values with ';'
        tail: list[tuple[str, str]] = []
        if body is not None and "content-type" not in present:
            if body.form is not None:
                tail.append(("Content-Type", "multipart/form-data"))
            elif s.json:
                tail.append(("Content-Type", "application/json"))
            elif s.upload is None:
                tail.append(("Content-Type", "application/x-www-form-urlencoded"))
        if s.json and body is not None and "accept" not in present:
            tail.append(("Accept", "application/json"))
        return front + custom + tail


def request_from_command(cmd: Command, files: FileSource | None = None) -> Request:
    """One ``curl`` command's words → a Request (diagnostics attached)."""
    return _Builder(cmd, files).build()

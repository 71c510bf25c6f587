"""HAR files (a browser's "Save all as HAR", HAR 1.2) → requests.

Each ``log.entries[].request`` becomes a :class:`model.Request` whose values are plain
literals (a HAR records what was sent: it has no variables).  What a browser adds on its
own is left out, so that the action holds what the API needs:

- HTTP/2 pseudo-headers (``:authority``, ``:method`` …) and transport headers (``Host``,
  ``Connection``, ``Content-Length``, ``Transfer-Encoding`` …);
- the browser's identity and preferences: ``User-Agent`` (the connector is not that
  browser; curl's own default agent is dropped the same way), ``Accept-Encoding``,
  ``Accept-Language``, ``sec-ch-*``, ``sec-fetch-*``, ``DNT``, ``Priority`` …, and
  ``Accept: */*``;
- ``Origin`` and ``Referer``: they name the web page that made the call, which a
  server-side connector does not have;
- cache revalidation and DevTools' "Disable cache" (``If-None-Match``,
  ``If-Modified-Since``, ``Pragma``, ``Cache-Control: no-cache`` / ``max-age=0``).

HTTP/2 entries record header names in lowercase; they are written capitalised
(``content-type`` → ``Content-Type``) so that every entry of an API agrees.
``Cookie`` is kept: a session cookie is the credential of many web APIs (the secrets
pass turns every cookie value into a placeholder).  Repeated ``cookie`` headers (HTTP/2
sends one per cookie) are joined with ``; ``.  The URL is used as recorded (its query
already holds ``queryString``); the fragment is dropped, as a browser never sends it.

Skipped, and counted in one ``har-skipped`` info: static assets fetched by GET (images,
fonts, stylesheets, scripts, media — by Chrome's ``_resourceType``, the response's
MIME type or the URL's extension), page loads (GET of an HTML document) and CORS
preflights.  Other methods than the platform's five, and non-HTTP URLs (``data:``,
``blob:``, ``wss:``, ``chrome-extension:``), are warnings.  Messages name JSON paths,
never values: a HAR is full of cookies and tokens.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote_plus

from .errors import ConverterError, Diagnostic
from .model import Body, FormPart, Request
from .errors import Span
from .json_offsets import JsonOffsets
from .postman_input import JsonDoc, json_path

__all__ = ["load_har", "convert_har", "is_har", "DROPPED_HEADERS"]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

DROPPED_HEADERS = frozenset({
    "host", "connection", "content-length", "keep-alive", "transfer-encoding", "te", "trailer",
    "upgrade", "proxy-connection", "expect", "http2-settings",
    "user-agent", "accept-encoding", "accept-language", "accept-charset", "dnt", "sec-gpc",
    "upgrade-insecure-requests", "priority", "purpose", "sec-purpose", "x-client-data",
    "origin", "referer", "if-none-match", "if-modified-since", "pragma", "cache-control",
    "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
})
_DROPPED_PREFIXES = ("sec-ch-", "sec-fetch-", ":")
# Cache-Control is dropped only for the values a browser adds by itself.
_KEPT_CACHE_CONTROL = re.compile(r"(?!\s*(?:no-cache|max-age=0)\s*\Z)", re.I)

_STATIC_TYPES = frozenset({"image", "font", "stylesheet", "script", "media", "manifest", "texttrack"})
_STATIC_MIME = re.compile(
    r"\s*(?:image/|font/|audio/|video/|text/css|(?:text|application)/(?:x-)?(?:java|ecma)script"
    r"|application/(?:x-)?font|application/vnd\.ms-fontobject|application/wasm|application/manifest\+json)", re.I)
_STATIC_EXT = re.compile(
    r"\.(?:png|jpe?g|gif|webp|avif|svg|ico|bmp|woff2?|ttf|otf|eot|css|m?js|map|mp4|webm|mp3|ogg|wav|wasm)\Z", re.I)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_BOUNDARY = re.compile(r';\s*boundary="?([^";]+)"?', re.I)
_DISPOSITION = re.compile(r'\b(name|filename)="((?:[^"\\]|\\.)*)"', re.I)


def is_har(doc: Any) -> bool:
    """A parsed JSON document shaped like a HAR (``log.entries`` a list)."""
    return isinstance(doc, dict) and isinstance(doc.get("log"), dict) and isinstance(doc["log"].get("entries"), list)


class _Entry(Exception):
    """An entry that cannot be converted: its diagnostic, and the node (below the entry) it names."""

    def __init__(self, severity: str, code: str, message: str, at: tuple = ()) -> None:
        super().__init__(message)
        self.severity, self.code, self.message, self.at = severity, code, message, at


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_LOG = ["{", '"log"']  # the open containers down to log, as _Positions stacks them
_ENTRIES = ["{", '"log"', '"entries"']


class _Positions:
    """Where ``log.entries[i]`` (and nodes inside one entry) start.

    JsonDoc can place any node, but it walks every token of the document for that; a
    HAR is mostly response bodies, and a 30 MB export would spend seconds there.  One
    scan of strings and brackets finds each entry's extent; exact positions inside an
    entry are computed from that entry's text alone, only when a message needs them."""

    def __init__(self, doc: JsonDoc) -> None:
        self.doc, self.text = doc, doc.text
        self.entries: list[tuple[int, int]] = []
        self.array: int | None = None
        self._inner: dict[int, JsonOffsets] = {}
        self._pos, self._line = 0, 1
        stack: list[str | None] = []  # the key of each open container (None in arrays)
        last_key: list[str | None] = [None]  # last string seen at each depth (an object's key)
        start = 0
        for m in _JSON_TOKEN.finditer(self.text):
            tok = m.group()
            if tok[0] == '"':
                last_key[-1] = tok
                continue
            depth = len(stack)
            if tok in "[{":
                key = last_key[-1] if depth and stack[-1] != "[" else None
                if depth == 2 and tok == "[" and key == '"entries"' and stack == _LOG:
                    self.array, self.entries = m.start(), []  # a duplicate key: the last one wins
                elif depth == 3 and stack == _ENTRIES:
                    start = m.start()
                stack.append(tok if key is None else key)
                last_key.append(None)
            else:
                stack.pop()
                last_key.pop()
                if depth == 4 and stack == _ENTRIES:
                    self.entries.append((start, m.end()))

    def at(self, offset: int) -> Span:
        if offset < self._pos:
            self._pos, self._line = 0, 1
        self._line += self.text.count("\n", self._pos, offset)
        self._pos = offset
        col = offset - self.text.rfind("\n", 0, offset)
        return Span(self._line, col, self.doc.source, "")

    def span(self, path: tuple) -> Span:
        if len(path) >= 3 and path[:2] == ("log", "entries") and path[2] < len(self.entries):
            start, end = self.entries[path[2]]
            if len(path) == 3:
                return self.at(start)
            inner = self._inner.get(path[2])
            if inner is None:
                inner = self._inner[path[2]] = JsonOffsets(self.text[start:end])
            return self.at(start + (inner.get(tuple(path[3:])) or 0))
        if path == ("log", "entries") and self.array is not None:
            return self.at(self.array)
        return self.doc.span(path)


class _Loader:
    def __init__(self, text: str, source: str) -> None:
        try:
            self.doc = JsonDoc(text, source)
        except ConverterError as exc:
            if exc.code == "bad-collection":  # JsonDoc's code for NaN and forbidden characters
                exc.code = "bad-json"
            raise
        self.source = source
        self.diagnostics: list[Diagnostic] = list(self.doc.warnings)
        self.pos = _Positions(self.doc)
        self.skipped = {"asset": 0, "page": 0, "preflight": 0}
        self.schemes: dict[str, list] = {}  # scheme → [count, first span]

    def load(self) -> list[Request]:
        data = self.doc.value
        if not isinstance(data, dict) or not isinstance(data.get("log"), dict):
            raise self.doc.error(("log",) if isinstance(data, dict) else (),
                                 "not a HAR file: no 'log' object (export with DevTools → Network → Save all as HAR)",
                                 code="bad-har")
        entries = data["log"].get("entries")
        if not isinstance(entries, list):
            raise self.doc.error(("log",), "not a HAR file: 'log.entries' is not a list", code="bad-har")
        requests: list[Request] = []
        for i, entry in enumerate(entries):
            path = ("log", "entries", i)
            try:
                req = self.entry(entry, path)
            except _Entry as exc:
                self.diagnostics.append(Diagnostic(exc.code, exc.severity, exc.message, self.pos.span(path + exc.at)))
                continue
            if req is not None:
                requests.append(req)
                self.diagnostics.extend(req.diagnostics)
        self.finish(entries)
        return requests

    def finish(self, entries: list) -> None:
        where = self.pos.span(("log", "entries"))
        for scheme, (count, span) in self.schemes.items():
            what = "entry has" if count == 1 else "entries have"
            self.diagnostics.append(Diagnostic("unsupported-scheme", "warning",
                                               f"{count} {what} a {scheme}: URL, not an HTTP request: skipped", span))
        parts = [f"{n} {label if n == 1 else label + 's'}" for n, label in (
            (self.skipped["asset"], "static asset"), (self.skipped["page"], "page load"),
            (self.skipped["preflight"], "CORS preflight")) if n]
        if parts:
            total = sum(self.skipped.values())
            self.diagnostics.append(Diagnostic("har-skipped", "info",
                                               f"$.log.entries: {total} of {len(entries)} entries skipped: "
                                               + ", ".join(parts), where))
        if not entries:
            self.diagnostics.append(Diagnostic("har-empty", "warning", "$.log.entries: the HAR records no request",
                                               where))

    # --- one entry ----------------------------------------------------------------------

    def entry(self, entry: Any, path: tuple) -> Request | None:
        where = json_path(path)
        if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
            raise _Entry("error", "bad-har-entry", f"{where}: no 'request' object")
        r = entry["request"]
        method, url = r.get("method"), r.get("url")
        if not isinstance(method, str) or not method or not isinstance(url, str) or not url:
            raise _Entry("error", "bad-har-entry", f"{where}.request: 'method' and 'url' must be non-empty strings",
                         ("request",))
        method = method.upper()
        url = url.split("#", 1)[0]
        m = _SCHEME.match(url)
        scheme = m.group(1).lower() if m else ""
        if scheme not in ("http", "https"):
            key = scheme[:20] or "schemeless"
            slot = self.schemes.setdefault(key, [0, self.pos.span(path + ("request", "url"))])
            slot[0] += 1
            return None
        headers = self.headers(r, path)
        if method == "OPTIONS" and any(k.lower() == "access-control-request-method" for k, _ in _pairs(r.get("headers"))):
            self.skipped["preflight"] += 1
            return None
        if method == "GET":
            kind = _static_kind(entry, url)
            if kind is not None:
                self.skipped[kind] += 1
                return None
        if method not in METHODS:
            shown = f"method {method}" if re.fullmatch(r"[A-Z-]{1,20}", method) else "this method"
            raise _Entry("warning", "unsupported-method",
                         f"{where}.request: {shown} is not supported by the platform "
                         "(GET, POST, PUT, PATCH, DELETE): skipped", ("request", "method"))
        diags: list[Diagnostic] = []
        body, headers = self.body(r.get("postData"), headers, path, diags)
        return Request(method=method, url=url, headers=headers, body=body, span=self.pos.span(path),
                       diagnostics=diags)

    def headers(self, r: dict, path: tuple) -> list[tuple[str, str]]:
        raw = r.get("headers")
        if raw is not None and not isinstance(raw, list):
            raise _Entry("error", "bad-har-entry", f"{json_path(path)}.request.headers: not a list",
                         ("request", "headers"))
        out: list[tuple[str, str]] = []
        cookies: list[str] = []
        for name, value in _pairs(raw):
            low = name.lower()
            if low.startswith(_DROPPED_PREFIXES) or (low in DROPPED_HEADERS and not (
                    low == "cache-control" and _KEPT_CACHE_CONTROL.match(value))):
                continue
            if low == "accept" and value.strip() == "*/*":
                continue
            if low == "cookie":
                if value:
                    if not cookies:
                        out.append((_canonical(name), ""))  # the joined value is filled in below, at the first place
                    cookies.append(value)
                continue
            out.append((_canonical(name), value))
        if not cookies and isinstance(r.get("cookies"), list):
            # some exporters list cookies only in request.cookies[]
            pairs = [f"{c['name']}={c.get('value', '')}" for c in r["cookies"]
                     if isinstance(c, dict) and isinstance(c.get("name"), str) and isinstance(c.get("value", ""), str)]
            if pairs:
                out.append(("Cookie", ""))
                cookies = ["; ".join(pairs)]
        if cookies:
            out = [(k, "; ".join(cookies)) if k.lower() == "cookie" else (k, v) for k, v in out]
        return out

    def body(self, post: Any, headers: list[tuple[str, str]], path: tuple,
             diags: list[Diagnostic]) -> tuple[Body | None, list[tuple[str, str]]]:
        if post is None:
            return None, headers
        where = json_path(path + ("request", "postData"))
        if not isinstance(post, dict):
            raise _Entry("error", "bad-har-entry", f"{where}: not an object", ("request", "postData"))
        mime = post.get("mimeType") if isinstance(post.get("mimeType"), str) else ""
        text = post.get("text") if isinstance(post.get("text"), str) else None
        params = [p for p in post.get("params") or [] if isinstance(p, dict) and isinstance(p.get("name"), str)] \
            if isinstance(post.get("params"), list) else []
        ctype = next((v for k, v in headers if k.lower() == "content-type"), None) or mime
        if re.match(r"\s*multipart/form-data\b", ctype, re.I):
            form = self.form(params, text, ctype, path + ("request", "postData"), diags)
            headers = [(k, "multipart/form-data" if k.lower() == "content-type" else v) for k, v in headers]
            if not any(k.lower() == "content-type" for k, _ in headers):
                headers.append(("Content-Type", "multipart/form-data"))
            return Body(form=form), headers
        if text is None and params:
            text = "&".join(f"{quote_plus(p['name'])}={quote_plus(str(p.get('value') or ''))}" for p in params)
        if text is None or (text == "" and not mime):
            return None, headers
        if not any(k.lower() == "content-type" for k, _ in headers) and mime:
            headers = headers + [("Content-Type", mime)]
        return Body(text=text), headers

    def form(self, params: list[dict], text: str | None, ctype: str, path: tuple,
             diags: list[Diagnostic]) -> list[FormPart]:
        where = json_path(path)
        if params:
            parts = [_part(p.get("name", ""), p.get("value"), p.get("fileName"), p.get("contentType"))
                     for p in params]
        elif text:
            parts = _multipart(text, ctype)
            if parts is None:
                raise _Entry("error", "bad-har-entry", f"{where}.text: a multipart body that cannot be read",
                             ("request", "postData", "text"))
        else:
            parts = []
        files = [i + 1 for i, p in enumerate(parts) if p.file is not None]
        if files:
            which = ", ".join(map(str, files))
            diags.append(Diagnostic("file-not-read", "warning",
                                    f"{where}: form part {which} uploads a file of which the HAR keeps only the "
                                    "name: the name is kept as the file path", self.pos.span(path)))
        return parts


# Spellings that Title-Case would get wrong.
_SPELLING = {"www-authenticate": "WWW-Authenticate", "x-api-key": "X-API-Key", "x-csrftoken": "X-CSRFToken",
             "x-xsrf-token": "X-XSRF-TOKEN", "x-csrf-token": "X-CSRF-Token", "etag": "ETag"}


def _canonical(name: str) -> str:
    """HTTP/2 sends every header name in lowercase: write the usual capitalisation, so that
    HTTP/1.1 and HTTP/2 entries of one API spell their headers (and auth) alike.  A name
    recorded with capitals (HTTP/1.1) is the client's own spelling and is kept."""
    if name != name.lower():
        return name
    return _SPELLING.get(name) or "-".join(w[:1].upper() + w[1:] for w in name.split("-"))


def _pairs(raw: Any):
    for h in raw if isinstance(raw, list) else ():
        if isinstance(h, dict) and isinstance(h.get("name"), str) and h["name"]:
            value = h.get("value")
            yield h["name"], value if isinstance(value, str) else ("" if value is None else str(value))


def _static_kind(entry: dict, url: str) -> str | None:
    """"asset", "page" or None (an API call), for a GET entry."""
    rtype = entry.get("_resourceType")
    rtype = rtype.lower() if isinstance(rtype, str) else None
    if rtype in ("xhr", "fetch", "eventsource", "websocket", "ping"):
        return None
    if rtype in _STATIC_TYPES:
        return "asset"
    response = entry.get("response") if isinstance(entry.get("response"), dict) else {}
    content = response.get("content") if isinstance(response.get("content"), dict) else {}
    mime = content.get("mimeType") if isinstance(content.get("mimeType"), str) else ""
    if _STATIC_MIME.match(mime):
        return "asset"
    url_path = url.split("?", 1)[0]
    if _STATIC_EXT.search(url_path):
        return "asset"
    if rtype == "document" or (rtype is None and re.match(r"\s*(?:text/html|application/xhtml)", mime, re.I)):
        return "page"
    return None


def _part(name: str, value: Any, filename: Any, ctype: Any) -> FormPart:
    ctype = ctype if isinstance(ctype, str) and ctype else None
    if isinstance(filename, str) and filename:
        return FormPart(name, file=filename, content_type=ctype)
    return FormPart(name, value="" if value is None else str(value), content_type=ctype)


def _multipart(text: str, ctype: str) -> list[FormPart] | None:
    """The parts of a recorded multipart body (Chrome keeps the text, not ``params``)."""
    m = _BOUNDARY.search(ctype)
    boundary = m.group(1) if m else None
    if boundary is None:
        first = text.lstrip("\r\n").split("\n", 1)[0].rstrip("\r")
        if not first.startswith("--") or len(first) < 3:
            return None
        boundary = first[2:]
    delimiter = "--" + boundary
    chunks = text.split(delimiter)
    if len(chunks) < 2:
        return None
    parts: list[FormPart] = []
    for chunk in chunks[1:]:
        if chunk.startswith("--"):
            break  # the closing delimiter
        chunk = chunk[2:] if chunk.startswith("\r\n") else chunk[1:] if chunk.startswith("\n") else chunk
        head, sep, content = chunk.partition("\r\n\r\n")
        if not sep:
            head, sep, content = chunk.partition("\n\n")
        if not sep:
            return None
        if content.endswith("\r\n"):
            content = content[:-2]
        elif content.endswith("\n"):
            content = content[:-1]
        fields: dict[str, str] = {}
        part_type = None
        for line in re.split(r"\r?\n", head):
            hname, _, hvalue = line.partition(":")
            if hname.strip().lower() == "content-disposition":
                fields = {k.lower(): v.replace('\\"', '"') for k, v in _DISPOSITION.findall(hvalue)}
            elif hname.strip().lower() == "content-type":
                part_type = hvalue.strip()
        if "name" not in fields:
            return None
        parts.append(_part(fields["name"], content, fields.get("filename"), part_type))
    return parts


# --- the public API ----------------------------------------------------------------------


def load_har(text: str, source: str = "<stdin>") -> tuple[list[Request], list[Diagnostic]]:
    """A HAR → its convertible requests (entry order) and every diagnostic.

    Raises :class:`ConverterError` (``bad-json``, ``bad-har`` …, with the JSON path and
    position) when the document as a whole is unusable; entries that cannot be
    converted are left out with a diagnostic each."""
    loader = _Loader(text, source)
    requests = loader.load()
    return requests, loader.diagnostics


def convert_har(text: str, source: str = "<stdin>", *, connector_name: str | None = None, emitter=None):
    """A HAR → connectors and actions (the counterpart of ``api.convert_text``)."""
    from .emit import Emitter

    requests, diags = load_har(text, source)
    em = emitter or Emitter(connector_name)
    em.diagnostics.extend(diags)
    for req in requests:
        try:
            em.add(req)
        except ConverterError as exc:
            em.diagnostics.append(exc.diagnostic())
    return em.result()


"""What the Postman runtime puts on the wire: URLs, headers and bodies of one request.

The rules, each checked with newman 6.2 (postman-runtime 7.39, postman-collection 5,
postman-url-encoder 3) on loopback:

- an object URL is rebuilt from its parts when it has ``host`` or ``path`` (``Url#update``
  ignores ``raw`` then; an object with only ``raw`` makes newman fail, we use ``raw``), as
  text: a ``?`` or ``#`` in a path segment or path string starts the query or fragment;
- the URL text is split (fragment, host, path segments, query pairs) outside ``{{…}}``:
  postman-url-encoder keeps ``{{a/b}}``, ``{{?}}``, ``{{#}}`` and ``{{x&y}}`` whole;
  disabled query entries are dropped; ``&`` and ``#`` in a query entry are encoded;
- literal URL text is percent-encoded with the runtime's sets (path: controls, space
  ``"<>`#?{}``, non-ASCII; query: controls, space ``"#'<>``, non-ASCII; an existing
  ``%XX`` is kept); the fragment is not sent; ``:name`` path segments are path variables
  (the name runs to the first ``.``);
- headers: a list, or the string form ``"K: v\\n…"`` parsed like ``Header.parse`` (a leading
  ``//`` disables a line, as the app's bulk editor writes); names that differ only in case:
  the last spelling wins (Node's ``setHeader``);
- bodies: none for GET unless ``disableBodyPruning``; raw gets ``Content-Type`` from
  ``options.raw.language`` (``text/plain`` by default) unless one is set; urlencoded is
  Node's ``querystring`` + RFC 3986 with repeated keys grouped at their first place, and
  forces ``application/x-www-form-urlencoded`` unless the set type starts with it;
  formdata is multipart with file parts typed by extension (mime-db); a file body is typed
  by extension; graphql is ``{"query":…,"variables":…}`` byte for byte (a string
  ``variables`` is pasted as written).
"""
from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from . import model
from .errors import Diagnostic, Span
from .model import Body, FormPart
from .postman_auth import shown_type
from .postman_input import V1_QUERY_KEY, as_list, js_string
from .secret_catalog import find_secrets, is_credential_header, is_credential_param, placeholder_name

VAR_RE = re.compile(r"\{\{([^{}]*?)\}\}")  # the runtime's own pattern
MAX_PASSES = 19  # the runtime's VARS_SUBREPLACE_LIMIT
_PATH_SET = frozenset(' "<>`#?{}')
_QUERY_SET = frozenset(' "#\'<>')
_HEX = frozenset(b"0123456789abcdefABCDEF")
_RAW_TYPES = {"json": "application/json", "javascript": "application/javascript", "html": "text/html",
              "xml": "application/xml", "text": "text/plain"}
# mime-db answers for common extensions (what the runtime's mime-types lookup gives).
MIME_TYPES = {
    "txt": "text/plain", "text": "text/plain", "log": "text/plain", "json": "application/json", "png": "image/png",
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "pdf": "application/pdf", "csv": "text/csv",
    "xml": "application/xml", "html": "text/html", "htm": "text/html", "zip": "application/zip",
    "svg": "image/svg+xml", "js": "application/javascript", "md": "text/markdown", "yaml": "text/yaml",
    "yml": "text/yaml", "gz": "application/gzip", "tar": "application/x-tar", "mp3": "audio/mpeg",
    "mp4": "video/mp4", "wav": "audio/wave", "webp": "image/webp", "bmp": "image/bmp", "tif": "image/tiff",
    "tiff": "image/tiff", "ico": "image/vnd.microsoft.icon", "tsv": "text/tab-separated-values",
    "ics": "text/calendar", "rtf": "application/rtf", "doc": "application/msword", "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "mov": "video/quicktime",
    "avi": "video/x-msvideo", "7z": "application/x-7z-compressed", "eml": "message/rfc822",
}
_JSON_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*"((?:[^"\\]|\\.)*)"', re.S)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_AUTHORITY_END = re.compile(r"[^/?]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SCHEME_AUTHORITY = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://)?([^/?#]*)")


def mime_type(path: str) -> str:
    ext = PurePosixPath(path.replace("\\", "/")).suffix.lower().lstrip(".")
    return MIME_TYPES.get(ext, "application/octet-stream")


_NEEDS_ENCODING: dict[frozenset, re.Pattern] = {}


def percent_encode(text: str, extra: frozenset) -> str:
    """postman-url-encoder's ``encode``: controls, non-ASCII and ``extra`` as %XX; ``%XX`` kept."""
    needs = _NEEDS_ENCODING.get(extra)
    if needs is None:
        needs = _NEEDS_ENCODING[extra] = re.compile("[^\x20-\x7e]|[" + "".join(map(re.escape, sorted(extra))) + "]"
                                                    if extra else "[^\x20-\x7e]")
    if needs.search(text) is None:
        return text  # the common case: nothing to encode (a lone "%" is kept unless in extra)
    data = text.encode("utf-8")
    out, i, n = [], 0, len(data)
    while i < n:
        c = data[i]
        if c == 0x25 and i + 2 < n and data[i + 1] in _HEX and data[i + 2] in _HEX:
            out.append(data[i:i + 3].decode())
            i += 3
            continue
        out.append(f"%{c:02X}" if c < 0x20 or c >= 0x7F or chr(c) in extra else chr(c))
        i += 1
    return "".join(out)


def form_encode(text: str) -> str:
    """Node's ``querystring.escape`` plus RFC 3986 (``!'()*`` too): only ``A-Za-z0-9-_.~`` stay."""
    return quote(text, safe="")


class Skip(Exception):
    """The request cannot be converted: its error diagnostic says why (the walk goes on)."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def blank_variables(text: str) -> str:
    """``text`` with the inside of every ``{{…}}`` blanked, same length: delimiters found in it
    are outside variables."""
    if "{{" not in text:
        return text
    return VAR_RE.sub(lambda m: "{{" + "_" * (len(m.group(0)) - 4) + "}}", text)


def split_outside(text: str, blank: str, sep: str) -> list[str]:
    """``text.split(sep)`` at the places where ``blank`` (see :func:`blank_variables`) has ``sep``."""
    out, pos = [], 0
    while True:
        i = blank.find(sep, pos)
        if i < 0:
            return out + [text[pos:]]
        out.append(text[pos:i])
        pos = i + len(sep)


def _label(name: str) -> str:
    shown = _CONTROL.sub(" ", name)
    return repr(shown if len(shown) <= 40 else shown[:40] + "…")


_ENCODERS = {
    "path": lambda v: percent_encode(v, _PATH_SET),
    "query": lambda v: percent_encode(v, _QUERY_SET),
    "form": form_encode,
    "json": lambda v: json.dumps(v, ensure_ascii=False)[1:-1],
}
_HOW = {"path": "percent-encodes", "query": "percent-encodes", "form": "form-encodes",
        "json": "JSON-escapes (GraphQL body)"}


def _unparse_query(query: Any) -> str | None:
    """QueryParam.unparse: enabled params only; ``&`` ``#`` (and ``=`` in keys) outside
    ``{{…}}`` are percent-encoded.  None when no parameter is enabled."""
    if not isinstance(query, list):
        return None
    enabled = [q for q in query if isinstance(q, dict) and q.get("disabled") is not True]
    if not enabled:
        return None

    def norm(text: str, key: bool) -> str:
        chars = "&#=" if key else "&#"
        out, pos = [], 0
        for m in VAR_RE.finditer(text):
            out.append(_encode_chars(text[pos:m.start()], chars) + m.group(0))
            pos = m.end()
        return "".join(out) + _encode_chars(text[pos:], chars)

    parts = []
    for q in enabled:
        key = q.get("key")
        out = norm(key, True) if isinstance(key, str) else ""
        value = q.get("value")
        if value is not None:
            out += "=" + norm(js_string(value), False)
        parts.append(out)
    return "&".join(parts)


def _encode_chars(text: str, chars: str) -> str:
    return "".join(f"%{ord(c):02X}" if c in chars else c for c in text)


def _set_header(headers: list, name: str, value: str) -> list:
    """postman-request's setHeader: replace the value of an existing header (its name as written) or add one."""
    out, done = [], False
    for k, v in reversed(headers):
        if k.lower() == name.lower():
            if not done:
                out.append((k, value))
                done = True
            continue
        out.append((k, v))
    out.reverse()
    return out if done else out + [(name, value)]


def _empty_body(mode: str, data: Any) -> bool:
    """RequestBody#isEmpty, plus the runtime's rule that a list with no enabled entry is empty."""
    if not data:
        return True
    if mode == "file":
        return not (isinstance(data, dict) and (data.get("src") or data.get("content")))
    if isinstance(data, str):
        return False
    if isinstance(data, list):
        return not any(isinstance(e, dict) and e.get("disabled") is not True for e in data)
    return not isinstance(data, dict) or not data


def _integral(value: Any) -> Any:
    """JSON.stringify writes 1.0 as 1."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


def _tokens_in(value: Any, tok) -> Any:
    if isinstance(value, str):
        return tok(value)
    if isinstance(value, dict):
        return {k: _tokens_in(v, tok) for k, v in value.items()}
    if isinstance(value, list):
        return [_tokens_in(v, tok) for v in value]
    return value


class RequestParts:
    """The URL, header and body builders of :class:`converter.postman.PostmanLoader`.

    Uses the loader's ``variables``, ``_tok``, ``resolve_text``, ``_note_credential``,
    ``placeholder_vars``, ``path_secrets`` and ``_contexts`` (variable → where the request
    being built encodes it, for the ``arg-encoding`` check).
    """

    # --- URLs ---------------------------------------------------------------------------

    def _url_text(self, url: Any, skip) -> tuple[str, dict[str, str | None]]:
        """The URL as one string (variables still ``{{…}}``) and the path variables' values."""
        if isinstance(url, str):
            text, pathvars = url, {}
        elif isinstance(url, dict):
            pathvars = {}
            for v in as_list(url.get("variable")):
                if isinstance(v, dict) and v.get("disabled") is not True:
                    key = v.get("key") or v.get("id")
                    if isinstance(key, str) and key:
                        pathvars[key] = None if v.get("value") is None else js_string(v.get("value"))
            has_parts = url.get("host") not in (None, "", []) or url.get("path") not in (None, "", [])
            if has_parts and not url.get(V1_QUERY_KEY):
                text = self._rebuild(url)
            else:
                text = url.get("raw") if isinstance(url.get("raw"), str) else ""
                if url.get(V1_QUERY_KEY):
                    query = _unparse_query(url.get("query"))
                    text += "" if query is None else "?" + query
        else:
            raise skip("bad-url", "url must be a string or an object" if url is not None else "the request has no URL")
        if not text.strip():
            raise skip("bad-url", "the request has no URL")
        return text.strip(), pathvars

    @staticmethod
    def _rebuild(url: dict) -> str:
        """``Url#toString`` of postman-collection, from the parts."""
        out = ""
        protocol = url.get("protocol")
        if isinstance(protocol, str) and protocol:
            out += protocol if protocol.endswith("://") else protocol.rstrip(":") + "://"
        auth = url.get("auth")
        if isinstance(auth, dict) and (isinstance(auth.get("user"), str) or isinstance(auth.get("password"), str)):
            out += (auth.get("user") or "") + (":" + auth["password"] if isinstance(auth.get("password"), str) else "") + "@"
        host = url.get("host")
        out += ".".join(js_string(h) for h in host) if isinstance(host, list) else js_string(host)
        if url.get("port") not in (None, ""):
            out += ":" + js_string(url["port"])
        path = url.get("path")
        if isinstance(path, list):
            segs = [js_string(s.get("value") if isinstance(s, dict) else s) for s in path]
            out += "/" + "/".join(segs)
        elif isinstance(path, str) and path:
            # Url#update drops one leading slash (when more follows) and getPath adds one back.
            out += "/" if path == "/" else "/" + (path[1:] if path.startswith("/") else path)
        query = _unparse_query(url.get("query"))
        if query is not None:
            out += "?" + query
        return out

    def _resolve_authority(self, text: str) -> str | None:
        """Substitute the variables of the scheme and host part (None: one has no value)."""
        if "{{" not in text:
            return text
        for _ in range(MAX_PASSES + 1):
            m = _SCHEME_AUTHORITY.match(blank_variables(text))
            v = VAR_RE.search(text, m.start(1), m.end(1))
            if v is None:
                return text
            if v.group(1) not in self.variables:
                return None
            text = text[: v.start()] + self.variables[v.group(1)] + text[v.end():]
        return None

    def _url(self, text: str, pathvars: dict, drop_query: tuple, skip, where: str, span: Span | None,
             diags: list) -> tuple[str, dict[str, str], set[str]]:
        resolved = self._resolve_authority(text)
        if resolved is None:
            raise skip("variable-host", "the URL's host comes from a variable that has no value: give it one in the "
                                        "collection, an environment (--environment) or --var")
        # Every split below is made on `blank` (same offsets, variables blanked): the runtime's
        # URL parser keeps {{a/b}}, {{?}}, {{#}} and {{x&y}} whole (postman-url-encoder).
        blank = blank_variables(resolved)
        cut = blank.find("#")
        text, blank = (resolved, blank) if cut < 0 else (resolved[:cut], blank[:cut])
        if not _SCHEME.match(text):
            text, blank = "http://" + text, "http://" + blank
            diags.append(Diagnostic("no-scheme", "warning", f"{where}: the URL has no scheme: Postman uses http://", span))
        start = text.index("://") + 3
        scheme = text[:start - 3]
        end = _AUTHORITY_END.match(blank, start).end()
        authority = text[start:end]
        q = blank.find("?", end)
        path, qmark, query = (text[end:], "", "") if q < 0 else (text[end:q], "?", text[q + 1:])
        bpath, bquery = (blank[end:], "") if q < 0 else (blank[end:q], blank[q + 1:])
        if not authority or authority.startswith(("@", ":")):
            raise skip("bad-url", "the URL has no host")
        self._note_credential(authority.rpartition("@")[0])
        try:
            host_ascii = authority.encode("idna").decode("ascii") if not authority.isascii() else authority
        except UnicodeError:
            host_ascii = authority
        examples: dict[str, str] = {}
        no_value: set[str] = set()
        segments = []
        for seg in split_outside(path, bpath, "/"):
            key = seg[1:].split(".", 1)[0] if seg.startswith(":") else ""
            if key and "{" not in key and "}" not in key:
                # A path variable (Url#getPath): the name runs to the first ".", the rest stays.
                suffix = seg[1 + len(key):]
                value = pathvars.get(key)
                if value and "{{" in value:  # the runtime substitutes the value, then its variables
                    segments.append(self._encode_tokens(value + suffix, _PATH_SET))
                    continue
                token = model.template(key)
                if value and find_secrets(value):
                    name = placeholder_name(key)
                    self.placeholder_vars.setdefault(name, key)
                    self.path_secrets[name] = value
                    token = model.placeholder(name)
                elif value:
                    examples[key] = value
                else:
                    no_value.add(key)
                segments.append(token + self._encode_tokens(suffix, _PATH_SET))
            else:
                segments.append(self._encode_tokens(seg, _PATH_SET))
        path_out = "/".join(segments)
        self._mark(path_out, "path")
        query_out = ""
        if qmark:
            params = split_outside(query, bquery, "&")
            for p in params:
                key, eq, value = p.partition("=")
                if eq and is_credential_param(key):
                    self._note_credential(value)
            params = [p for p in params if p.partition("=")[0] not in drop_query] if drop_query else params
            query_out = ("?" + self._encode_tokens("&".join(params), _QUERY_SET)) if params else ""
            self._mark(query_out, "query")
        return f"{scheme.lower()}://{host_ascii}{path_out}{query_out}", examples, no_value

    def _mark(self, value: str, context: str) -> None:
        for tok in model.tokens(value):
            self._contexts.setdefault(tok.name, set()).add(context)

    def _encode_tokens(self, text: str, charset: frozenset) -> str:
        if "{{" not in text and model.MARK_OPEN not in text:  # no variable: one literal run
            return percent_encode(text, charset)
        return model.map_literals(self._tok(text), lambda lit: percent_encode(lit, charset))

    # --- headers --------------------------------------------------------------------------

    def _headers(self, raw: Any, where: str, span: Span | None, diags: list) -> list[tuple[str, str]]:
        entries: list[tuple[str, str]] = []
        if isinstance(raw, str):
            # Header.parse of postman-collection; a leading "//" disables a line (the app's bulk edit).
            for m in re.finditer(r"^(\S+):(.*)$", raw.replace("\r\n", "\n"), re.M):
                if not m.group(1).startswith("//"):
                    entries.append((m.group(1), m.group(2).strip()))
        elif isinstance(raw, list):
            for h in raw:
                if isinstance(h, dict) and h.get("disabled") is not True and isinstance(h.get("key"), str) and h["key"]:
                    entries.append((h["key"], js_string(h.get("value"))))
        out = []
        for key, value in entries:
            name = self.resolve_text(key)
            if not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name):
                diags.append(Diagnostic("bad-header", "warning",
                                        f"{where}: a header name that is not an HTTP token is not sent: ignored", span))
                continue
            if is_credential_header(name) or name.lower() in ("cookie", "proxy-authorization"):
                self._note_credential(value)
            out.append((name, self._tok(value)))
        last = {k.lower(): k for k, _ in out}  # Node's setHeader: a later spelling replaces an earlier one
        return [(k, v) for k, v in out if last[k.lower()] == k]

    # --- bodies ---------------------------------------------------------------------------

    def _body(self, raw: Any, prune: bool, headers: list, where: str, span: Span | None,
              diags: list) -> tuple[Body | None, list]:
        if not isinstance(raw, dict) or raw.get("disabled") is True:
            return None, headers
        mode = raw.get("mode")
        data = raw.get(mode) if isinstance(mode, str) else None
        if mode not in ("raw", "urlencoded", "formdata", "file", "graphql"):
            if mode is not None:
                diags.append(Diagnostic("bad-body", "warning",
                                        f"{where}: body mode {shown_type(mode)} is unknown: no body sent", span))
            return None, headers
        if _empty_body(mode, data) or prune:
            return None, headers
        expected = {"urlencoded": list, "formdata": list, "graphql": dict, "file": dict}.get(mode)
        if expected is not None and not isinstance(data, expected):
            diags.append(Diagnostic("bad-body", "warning", f"{where}: a {mode} body must be a "
                                    f"{'list' if expected is list else 'object'}: no body sent", span))
            return None, headers
        ctype = next((v for k, v in headers if k.lower() == "content-type"), None)
        if mode == "raw":
            text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"), ensure_ascii=False)
            if ctype is None:
                options = raw.get("options") if isinstance(raw.get("options"), dict) else {}
                lang = (options.get("raw") or {}).get("language") if isinstance(options.get("raw"), dict) else None
                ctype = _RAW_TYPES.get(lang, "text/plain") if isinstance(lang, str) else "text/plain"
                headers = headers + [("Content-Type", ctype)]
            self._note_json_credentials(text)
            return Body(text=self._tok(text)), headers
        if mode == "graphql":
            if ctype is None:
                headers = headers + [("Content-Type", "application/json")]
            return Body(text=self._graphql(data)), headers
        if mode == "file":
            src = data.get("src") if isinstance(data, dict) else None
            if not isinstance(src, str) or not src:
                text = data.get("content") if isinstance(data, dict) else None
                return (Body(text=self._tok(text)) if isinstance(text, str) else None), headers
            src = self.resolve_text(src)
            if ctype is None:
                headers = headers + [("Content-Type", mime_type(src))]
            diags.append(Diagnostic("file-not-read", "warning",
                                    f"{where}: the body comes from a local file that was not read: kept as body_file", span))
            return Body(file=src), headers
        entries = [e for e in data if isinstance(e, dict) and e.get("disabled") is not True and e.get("key") is not None]
        if mode == "urlencoded":
            if ctype is None or not re.match(r"application/x-www-form-urlencoded\b", model.literal_text(ctype)):
                headers = _set_header(headers, "Content-Type", "application/x-www-form-urlencoded")
            return Body(text=self._urlencoded(entries)), headers
        headers = [(k, v) for k, v in headers if k.lower() != "content-type"] + [("Content-Type", "multipart/form-data")]
        return Body(form=self._formdata(entries, where, span, diags)), headers

    def _note_json_credentials(self, text: str) -> None:
        if "{{" in text:
            for m in _JSON_PAIR.finditer(text):
                if is_credential_param(m.group(1)):
                    self._note_credential(m.group(2))

    def _urlencoded(self, entries: list[dict]) -> str:
        grouped: dict[str, list[str]] = {}  # the runtime builds an object: repeated keys sit together
        for e in entries:
            key = js_string(e.get("key"))
            value = js_string(e.get("value"))
            if is_credential_param(key):
                self._note_credential(value)
            grouped.setdefault(key, []).append(value)

        def enc(text: str) -> str:
            return model.map_literals(self._tok(text), form_encode)

        body = "&".join(f"{enc(k)}={enc(v)}" for k, values in grouped.items() for v in values)
        self._mark(body, "form")
        return body

    def _formdata(self, entries: list[dict], where: str, span: Span | None, diags: list) -> list[FormPart]:
        parts: list[FormPart] = []
        for e in entries:
            key = self.resolve_text(js_string(e.get("key")))
            if not key and (e.get("type") != "file" or e.get("src")):
                # newman sends it as name=""; the platform's form_data keys cannot be empty (curl: -F =v)
                raise Skip(Diagnostic("bad-form", "error", f"{where}: a form-data part has an empty name (Postman "
                                                           "sends name=\"\"), which the platform cannot express: "
                                                           "request skipped", span))
            ctype = e.get("contentType") if isinstance(e.get("contentType"), str) and e.get("contentType") else None
            if e.get("type") == "file":
                srcs = e.get("src") if isinstance(e.get("src"), list) else [e.get("src")]
                srcs = [s for s in srcs if isinstance(s, str) and s]
                if not srcs:
                    diags.append(Diagnostic("form-file-missing", "warning",
                                            f"{where}: form file part {_label(key)} names no file: not kept", span))
                for src in srcs:
                    src = self.resolve_text(src)
                    parts.append(FormPart(key, file=src, content_type=ctype or mime_type(src)))
                continue
            value = e.get("value")
            text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), ensure_ascii=False) \
                if value is not None else ""
            if is_credential_param(key):
                self._note_credential(text)
            parts.append(FormPart(key, value=self._tok(text), content_type=ctype))
        return parts

    def _graphql(self, data: dict) -> str:
        """The runtime's graphql body builder, byte for byte."""
        def dumps(value: Any) -> str:
            out = json.dumps(_tokens_in(value, self._tok), separators=(",", ":"), ensure_ascii=False)
            self._mark(out, "json")
            return out

        if not isinstance(data.get("variables"), str):
            doc = {k: data[k] for k in ("query", "operationName", "variables") if k in data}
            return dumps(_integral(doc))
        fields = []
        for key in ("query", "operationName"):
            if isinstance(data.get(key), str):
                fields.append(f'"{key}":' + dumps(data[key]))
        if data["variables"] != "":
            fields.append('"variables":' + self._tok(data["variables"]))
        return "{" + ",".join(fields) + "}"


"""Send an action's request for real: ``curl2connector run``.

The request is the one ``to-curl`` renders, built from the same pieces of
:mod:`converter.to_curl` (argument substitution, URL assembly, connector auth,
header rules), so that "run" and "to-curl" cannot drift apart; what curl itself
adds is mirrored here, each rule checked against curl 7.88 on the loopback echo
server:

- headers: ``-u`` becomes ``Authorization: Basic …`` first, then curl's defaults
  ``User-Agent`` (ours: ``curl2connector/<version>``) and ``Accept: */*`` unless the
  action sets them, then the connector's auth header and the action's headers in
  order; a header value that is empty or only whitespace is sent empty;
- the request target is the URL's path and query as written, except that dot
  segments are removed (curl does) and bytes outside printable ASCII are
  percent-encoded (curl encodes them in the path; HTTP/1.1 allows no others);
  a ``#fragment`` is not sent;
- ``body`` is sent as its UTF-8 bytes and ``body_file`` as the file's bytes, with
  no implicit Content-Type (to-curl suppresses curl's);
- ``form_data`` is encoded as curl ``-F`` encodes it: ``Content-Disposition:
  form-data`` (``attachment`` when the action's Content-Type is not
  multipart/form-data), ``"`` CR LF in names escaped as %22 %0D %0A, file parts
  typed by curl's own extension table, the boundary appended to the Content-Type.

Placeholders ``<<NAME>>`` are filled from an environment mapping (the process
environment plus an optional dotenv file, :func:`load_env`).  Nothing is sent while
one is unfilled.  Secrets never reach a message: errors name headers, placeholders
and host:port, and the dry-run view shows filled values through ``mask``.
"""
from __future__ import annotations

import base64
import json
import os
import re
import secrets as _random
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from . import __version__
from .errors import ConverterError, ExitStatus
from .secret_catalog import mask
from .emit import remove_dot_segments
from .to_curl import Renderer, auth_parts, checked_method, has_var, header_word, url_word, word_text

__all__ = [
    "FormPart", "PreparedRequest", "Response", "build_request", "send", "format_response",
    "format_dry_run", "load_env", "parse_env_file", "select_action", "definitions_dir",
]

USER_AGENT = f"curl2connector/{__version__}"
DEFAULT_MAX_BODY = 4000  # characters of a response body printed before truncating
_MAX_READ = 16 * 1024 * 1024  # bytes of a response body kept in memory
_URL_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^#]*)")
_TOKEN_CHARS = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")  # RFC 9110 field names
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# curl's Curl_mime_contenttype table (lib/mime.c), matched case-insensitively.
_CURL_TYPES = {".gif": "image/gif", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
               ".svg": "image/svg+xml", ".txt": "text/plain", ".htm": "text/html", ".html": "text/html",
               ".pdf": "application/pdf", ".xml": "application/xml"}


@dataclass(frozen=True)
class FormPart:
    """One multipart part as sent; ``shown`` is its masked one-line description."""

    name: str
    value: bytes
    filename: str | None
    content_type: str | None
    shown: str


@dataclass
class PreparedRequest:
    """A request ready to send.  ``shown_*`` are the masked views for printing."""

    action: str
    method: str
    url: str  # scheme://authority + target, as sent
    target: str  # path and query as sent on the request line
    headers: list[tuple[str, str]]
    body: bytes | None = None
    parts: list[FormPart] | None = None
    missing: list[str] = field(default_factory=list)  # unfilled placeholders, sorted
    secrets: list[str] = field(default_factory=list)  # filled values and derived credentials
    shown_url: str = ""
    shown_headers: list[tuple[str, str]] = field(default_factory=list)
    shown_body: str | None = None
    body_source: str | None = None  # the body file's name, when the body comes from one

    def check_filled(self) -> None:
        if self.missing:
            raise ConverterError(
                code="missing-placeholder",
                message=f"fill these placeholders first: {', '.join(self.missing)} "
                "(environment variables or --env-file)",
            )


@dataclass
class Response:
    status_code: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    body: bytes  # at most the first _MAX_READ bytes
    size: int  # bytes received in all
    elapsed_ms: float
    secrets: list[str] = field(default_factory=list)  # masked wherever they show up


# --- environment --------------------------------------------------------------------------

_ENV_KEY = re.compile(r"(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*")
_DQ_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "'": "'", "$": "$"}


def parse_env_file(text: str, source: str = ".env") -> dict[str, str]:
    """A dotenv file: ``KEY=VALUE`` lines, ``export `` prefix, ``#`` comments, values
    unquoted (trailing `` # comment`` dropped), ``'single'`` (literal) or
    ``"double"`` (``\\n \\t \\" \\\\`` escapes) quoted, quoted values may span lines.
    ``${VAR}`` is not expanded.  Errors name the line, never its content."""
    out: dict[str, str] = {}
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    pos, line = 0, 1
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        stripped = text[pos:end].strip()
        if not stripped or stripped.startswith("#"):
            pos, line = end + 1, line + 1
            continue
        lead = len(text[pos:end]) - len(text[pos:end].lstrip())
        m = _ENV_KEY.match(text, pos + lead, end)
        if not m:
            raise ConverterError("bad-env-file", f"{source}:{line}: expected KEY=VALUE", None, ExitStatus.USAGE)
        key, vpos = m.group(1), m.end()
        quote = text[vpos : vpos + 1]
        if quote in ("'", '"'):
            value, close = _quoted(text, vpos, quote)
            if close < 0:
                raise ConverterError("bad-env-file", f"{source}:{line}: unterminated {quote}quoted value",
                                     None, ExitStatus.USAGE)
            rest_end = text.find("\n", close)
            rest_end = len(text) if rest_end < 0 else rest_end
            rest = text[close + 1 : rest_end].strip()
            if rest and not rest.startswith("#"):
                raise ConverterError("bad-env-file", f"{source}:{line}: text after the closing quote",
                                     None, ExitStatus.USAGE)
            line += text.count("\n", pos, rest_end) + 1
            pos = rest_end + 1
        else:
            raw = text[vpos:end]
            comment = re.search(r"[ \t]#", raw)
            value = (raw[: comment.start()] if comment else raw).strip()
            pos, line = end + 1, line + 1
        out[key] = value
    return out


def _quoted(text: str, start: int, quote: str) -> tuple[str, int]:
    """The value of a quoted string starting at ``start`` and the index of its closing quote."""
    buf = []
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == quote:
            return "".join(buf), i
        if quote == '"' and c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            buf.append(_DQ_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
            continue
        buf.append(c)
        i += 1
    return "", -1


def load_env(env_file: str | os.PathLike | None = None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment (or ``base``) overlaid with the dotenv file, which wins:
    it was named on the command line for this run."""
    env = dict(os.environ if base is None else base)
    if env_file is not None:
        path = Path(env_file)
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise ConverterError("unreadable", f"cannot read {path}: {exc.strerror}", None, ExitStatus.USAGE) from None
        except UnicodeDecodeError:
            raise ConverterError("bad-env-file", f"{path}: not UTF-8 text", None, ExitStatus.USAGE) from None
        env.update(parse_env_file(text, str(path)))
    return env


# --- choosing an action ----------------------------------------------------------------------


def definitions_dir(path: str | os.PathLike) -> Path:
    """Where relative file names of the definitions are resolved: DIR itself, or a bundle's folder."""
    p = Path(path)
    return p if p.is_dir() else p.parent


def select_action(connectors: list[dict], actions: list[dict], name: str | None) -> tuple[dict, dict]:
    """The named action and its connector (the only action when ``name`` is None)."""
    names = ", ".join(sorted({str(a.get("name")) for a in actions})) or "none"
    if name is None:
        if len(actions) != 1:
            raise ConverterError("unknown-action", f"name the action to run with --action (available: {names})",
                                 None, ExitStatus.USAGE)
        action = actions[0]
    else:
        found = [a for a in actions if a.get("name") == name]
        if not found:
            raise ConverterError("unknown-action", f"no action named '{name}' (available: {names})")
        action = found[0]
    ref = str(action.get("connector"))
    for conn in connectors:
        if str(conn.get("name")) == ref:
            return conn, action
    defined = ", ".join(sorted(str(c.get("name")) for c in connectors)) or "none"
    raise ConverterError("unknown-connector",
                         f"action '{action.get('name')}' refers to an unknown connector '{ref}' (defined: {defined})")


# --- building ------------------------------------------------------------------------------------


class _Filler:
    """Fills placeholder pieces of to_curl words from the environment, twice: the
    real text and a masked text for display.  Collects unfilled names."""

    def __init__(self, env: Mapping[str, str]):
        self.env = env
        self.missing: set[str] = set()
        self.used: list[str] = []

    def fill(self, word) -> tuple[str, str]:
        real, shown = [], []
        for kind, text in word:
            if kind == "lit":
                real.append(text)
                shown.append(text)
            elif text in self.env:
                value = self.env[text]
                real.append(value)
                shown.append(mask(value))
                if value and value not in self.used:
                    self.used.append(value)
            else:
                self.missing.add(text)
                real.append(f"<<{text}>>")
                shown.append(f"<<{text}>>")
        return "".join(real), "".join(shown)

    def names(self, word) -> str:
        """The word with placeholders as <<NAME>>: safe to print."""
        return "".join(text if kind == "lit" else f"<<{text}>>" for kind, text in word)


def _split_header(word) -> tuple[list, list]:
    """Undo to_curl's ``K: v`` / ``K;`` header word (keys never hold ':' there)."""
    for i, (kind, text) in enumerate(word):
        if kind == "lit" and ":" in text:
            j = text.index(":")
            key = word[:i] + ([("lit", text[:j])] if text[:j] else [])
            rest = text[j + 1 :].lstrip(" ")
            value = ([("lit", rest)] if rest else []) + word[i + 1 :]
            return key, value
    # `K;`: an empty value
    last = word[-1]
    return word[:-1] + ([("lit", last[1][:-1])] if last[1][:-1] else []), []


def _header(r: Renderer, f: _Filler, word, where: str) -> tuple[str, str, str]:
    key_w, value_w = _split_header(word)
    key, _ = f.fill(key_w)
    value, shown = f.fill(value_w)
    unfilled = any(kind == "var" and text not in f.env for kind, text in key_w)
    if not unfilled and not _TOKEN_CHARS.match(key):
        raise r.error("unsendable", f"{where} '{f.names(key_w)[:60]}' is not a valid HTTP header name")
    if _CONTROL.search(value):
        # A filled value with a line break would inject header lines: refuse, naming
        # the header and its placeholders, never the value.
        names = [f"<<{text}>>" for kind, text in value_w if kind == "var"]
        source = f" (filled from {', '.join(names)})" if names else ""
        raise r.error("unsendable", f"{where} '{f.names(key_w)[:60]}' would contain a control character{source}")
    # HTTP has no leading or trailing whitespace in a field value (RFC 9110 5.5).
    return key, value.strip(" \t"), shown.strip(" \t")


def _encode_target(text: str) -> str:
    return "".join(c if "\x21" <= c <= "\x7e" else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in text)


def _split_url(r: Renderer, url: str, shown: str) -> tuple[str, str, str]:
    """(scheme://authority, target, shown URL) of a filled URL."""
    m = _URL_RE.match(url)
    if not m or m.group(1).lower() not in ("http", "https") or not m.group(2):
        raise r.error("unsendable", "its URL is not an http(s) URL with a host")
    path, sep, query = m.group(3).partition("?")
    target = _encode_target(remove_dot_segments(path or "/") + (sep + query if query else ""))
    # The masked URL as sent, minus the encoding (for reading).  Display only: a mask
    # holding '/' or '?' may split differently, which changes nothing that is sent.
    sm = _URL_RE.match(shown)
    if sm:
        spath, ssep, squery = sm.group(3).partition("?")
        shown = f"{sm.group(1).lower()}://{sm.group(2)}{remove_dot_segments(spath or '/')}{ssep if squery else ''}{squery}"
    return f"{m.group(1).lower()}://{m.group(2)}", target, shown


def _inside(base: Path, name: str, r: Renderer, where: str) -> Path:
    """A file named by the definitions, only inside their directory (no absolute paths, no '..')."""
    p = Path(name)
    full = (base / p).resolve()
    if p.is_absolute() or not full.is_relative_to(base.resolve()):
        raise r.error("file-outside", f"{where} '{name}' is outside the definitions' directory {base}")
    if not full.is_file():
        raise r.error("missing-file", f"{where} '{name}' not found in {base}")
    return full


def _escape_mime(text: str) -> str:
    return text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _curl_type(name: str) -> str | None:
    lower = name.lower()
    return next((t for ext, t in _CURL_TYPES.items() if lower.endswith(ext)), None)


def _form_parts(r: Renderer, f: _Filler, base: Path) -> list[FormPart]:
    parts = []
    items = r.action.get("form_data")
    if not isinstance(items, list):
        raise r.error("bad-definitions", "form_data must be a list")
    for i, item in enumerate(items):
        where = f"form_data[{i}]"
        if not isinstance(item, dict) or item.get("key") is None:
            raise r.error("bad-definitions", f"{where} has no key")
        name, shown_name = f.fill(r.word(item["key"], f"{where} key"))
        ctype = None
        if item.get("content_type") is not None:
            ctype, _ = f.fill(r.word(item["content_type"], f"{where} content_type"))
        if item.get("file") is not None:
            fname, _ = f.fill(r.word(item["file"], f"{where} file"))
            path = _inside(base, fname, r, f"{where} file")
            data = path.read_bytes()
            filename = os.path.basename(fname)
            if item.get("filename") is not None:
                filename, _ = f.fill(r.word(item["filename"], f"{where} filename"))
            ctype = ctype or _curl_type(filename) or _curl_type(fname) or "application/octet-stream"
            shown = f"{shown_name}=@{fname} ({len(data)} bytes, {ctype})"
            parts.append(FormPart(name, data, filename, ctype, shown))
        else:
            value, shown_value = f.fill(r.word("" if item.get("value") is None else item["value"], f"{where} value"))
            filename = None
            if item.get("filename") is not None:
                # A text part sent as a file: curl types it by the name only.
                filename, _ = f.fill(r.word(item["filename"], f"{where} filename"))
                ctype = ctype or _curl_type(filename)
            shown = f"{shown_name}={shown_value}" + (f" (as file {filename})" if filename is not None else "")
            shown += f" ({ctype})" if ctype else ""
            parts.append(FormPart(name, value.encode("utf-8"), filename, ctype, shown))
    return parts


def _multipart(parts: list[FormPart], boundary: str, disposition: str) -> bytes:
    out = bytearray()
    for part in parts:
        out += f"--{boundary}\r\nContent-Disposition: {disposition}; name=\"{_escape_mime(part.name)}\"".encode()
        if part.filename is not None:
            out += f'; filename="{_escape_mime(part.filename)}"'.encode()
        out += b"\r\n"
        if part.content_type:
            out += f"Content-Type: {part.content_type}\r\n".encode()
        out += b"\r\n" + part.value + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)


def build_request(connector: Mapping, action: Mapping, args: Mapping[str, str] | None,
                  env: Mapping[str, str], *, base_dir: str | os.PathLike | None = None,
                  boundary: str | None = None) -> PreparedRequest:
    """The request ``to-curl`` would send, placeholders filled from ``env``.

    Unfilled placeholders do not raise here (a dry run shows them); they are listed in
    ``missing`` and :func:`send` refuses.  Files (``body_file``, form file parts) are
    read from ``base_dir`` (default: the working directory), never outside it."""
    r = Renderer(connector, action, args)
    f = _Filler(env)
    base = Path(base_dir) if base_dir is not None else Path.cwd()
    method, _bodies = checked_method(r, action)

    auth_headers, auth_query, user, _comment = auth_parts(r)
    url, shown_url = f.fill(url_word(r, auth_query))
    origin, target, shown_url = _split_url(r, url, shown_url)

    headers: list[tuple[str, str, str]] = []  # (key, value, shown value)
    derived: list[str] = []
    if user is not None:
        creds, _ = f.fill(user)
        token = base64.b64encode(creds.encode("utf-8")).decode("ascii")
        derived.append(token)
        headers.append(("Authorization", f"Basic {token}", f"Basic base64({f.names(user)})"))
    own = [r.word(k, f"headers[{i}] key") for i, (k, _) in enumerate(r.pairs("headers"))]
    own_names = {word_text(k).lower() for k in own if not has_var(k)}
    if "user-agent" not in own_names:
        headers.append(("User-Agent", USER_AGENT, USER_AGENT))
    if "accept" not in own_names:
        headers.append(("Accept", "*/*", "*/*"))
    for word in auth_headers:
        headers.append(_header(r, f, word, "the connector's auth header"))
    for i, (key, value) in enumerate(r.pairs("headers")):
        headers.append(_header(r, f, header_word(r, key, value, f"headers[{i}]"), f"headers[{i}]"))

    body = shown_body = body_source = parts = None
    if action.get("body") is not None:
        text, shown_body = f.fill(r.word(action["body"], "body"))
        body = text.encode("utf-8")
    elif action.get("body_file") is not None:
        name, _ = f.fill(r.word(action["body_file"], "body_file"))
        body = _inside(base, name, r, "body_file").read_bytes()
        body_source = name
    elif action.get("form_data") is not None:
        parts = _form_parts(r, f, base)
        boundary = boundary or "-" * 24 + _random.token_hex(8)
        at = next((i for i, h in enumerate(headers) if h[0].lower() == "content-type"), None)
        ctype = headers[at][1] if at is not None else "multipart/form-data"
        disposition = "form-data" if re.match(r"multipart/form-data(?![^;\s])", ctype, re.I) else "attachment"
        full = (f"{ctype}; boundary={boundary}", f"{headers[at][2] if at is not None else ctype}; boundary={boundary}")
        if at is None:
            headers.append(("Content-Type", *full))
        else:
            headers[at] = (headers[at][0], *full)
        body = _multipart(parts, boundary, disposition)

    return PreparedRequest(
        action=r.name, method=method, url=origin + target, target=target,
        headers=[(k, v) for k, v, _ in headers], body=body, parts=parts,
        missing=sorted(f.missing), secrets=f.used + derived, shown_url=shown_url,
        shown_headers=[(k, s) for k, _, s in headers], shown_body=shown_body, body_source=body_source,
    )


# --- sending ----------------------------------------------------------------------------------


def _authority(url: str) -> str:
    m = _URL_RE.match(url)
    scheme, host = (m.group(1).lower(), m.group(2)) if m else ("https", "?")
    host = host.rsplit("@", 1)[-1]
    if not re.search(r":\d+$", host):
        host += ":443" if scheme == "https" else ":80"
    return host


def _cause(exc: BaseException) -> BaseException | None:
    """The innermost OSError/SSLError behind an httpx exception."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _network_error(exc: Exception, prepared: PreparedRequest, timeout: float) -> ConverterError:
    import httpx

    where = _authority(prepared.url)
    if isinstance(exc, httpx.TimeoutException):
        step = "connecting to" if isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout)) else "waiting for"
        return ConverterError("timeout", f"timed out after {timeout:g} s ({step} {where})")
    cause = _cause(exc)
    if isinstance(exc, httpx.ConnectError):
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = getattr(cause, "verify_message", "") or "verification failed"
            return ConverterError("tls", f"could not connect to {where}: TLS certificate not trusted ({reason}); "
                                  "pass --cacert FILE, or --insecure to skip verification")
        if isinstance(cause, ssl.SSLError):
            return ConverterError("tls", f"could not connect to {where}: TLS handshake failed")
        if isinstance(cause, ConnectionRefusedError):
            reason = "connection refused"
        elif cause is not None and type(cause).__name__ == "gaierror":
            reason = "host name not found"
        elif isinstance(cause, OSError) and cause.strerror:
            reason = cause.strerror.lower()
        else:
            reason = "connection failed"
        return ConverterError("connect-failed", f"could not connect to {where}: {reason}")
    if isinstance(exc, httpx.RemoteProtocolError):
        return ConverterError("bad-response", f"{where} closed the connection or sent a malformed response")
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        return ConverterError("connection-lost", f"the connection to {where} was lost")
    if isinstance(exc, httpx.LocalProtocolError):
        return ConverterError("unsendable", f"action '{prepared.action}': the request is not valid HTTP/1.1")
    return ConverterError("request-failed", f"the request to {where} failed ({type(exc).__name__})")


def send(prepared: PreparedRequest, timeout: float = 30.0, verify: bool | str = True) -> Response:
    """Send the request (no redirects followed, like curl without -L).  ``verify``:
    True, False, or the path of a CA bundle to trust."""
    import httpx

    prepared.check_filled()
    if isinstance(verify, (str, os.PathLike)):
        try:
            verify = ssl.create_default_context(cafile=str(verify))
        except (OSError, ssl.SSLError):
            raise ConverterError("bad-cacert", f"cannot load the CA bundle {verify}", None, ExitStatus.USAGE) from None
    headers = [(k.encode("utf-8"), v.encode("utf-8")) for k, v in prepared.headers]
    origin = prepared.url[: len(prepared.url) - len(prepared.target)]
    started = time.perf_counter()
    try:
        request = httpx.Request(prepared.method, origin + "/", headers=headers, content=prepared.body,
                                extensions={"target": prepared.target.encode("ascii"),
                                            "timeout": httpx.Timeout(timeout).as_dict()})
        with httpx.Client(verify=verify, follow_redirects=False) as client:
            resp = client.send(request, stream=True)
            try:
                kept, size = bytearray(), 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if len(kept) < _MAX_READ:
                        kept += chunk[: _MAX_READ - len(kept)]
            finally:
                resp.close()
    except httpx.HTTPError as exc:
        raise _network_error(exc, prepared, timeout) from None
    except httpx.InvalidURL:  # not an HTTPError; its message would quote the URL
        raise ConverterError("unsendable", f"action '{prepared.action}': the URL's host is not valid") from None
    elapsed = (time.perf_counter() - started) * 1000
    return Response(
        status_code=resp.status_code, reason=resp.reason_phrase, http_version=resp.http_version,
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw],
        body=bytes(kept), size=size, elapsed_ms=elapsed, secrets=list(prepared.secrets),
    )


# --- printing ------------------------------------------------------------------------------------


def _mask_known(text: str, secrets: list[str]) -> str:
    # Longest first, so that a secret containing another is masked whole.
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 4 and secret in text:
            text = text.replace(secret, mask(secret))
    return text


def _body_text(body: bytes, content_type: str) -> str | None:
    """The body as text (JSON pretty-printed), or None when it is binary."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    if "json" in content_type.lower() or text.lstrip()[:1] in ("{", "["):
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    return text


def _truncate(text: str, max_body: int, more_bytes: int = 0) -> str:
    if len(text) > max_body:
        more_bytes += len(text[max_body:].encode("utf-8"))
        text = text[:max_body]
    return text + (f"\n… ({more_bytes} more bytes)" if more_bytes else "")


def format_response(resp: Response, max_body: int = DEFAULT_MAX_BODY) -> str:
    """Status line, timing, headers and the body (JSON pretty-printed, long bodies
    truncated with a note).  Values of the run's secrets are masked if echoed back."""
    lines = [f"{resp.http_version} {resp.status_code} {resp.reason}".rstrip(), f"({resp.elapsed_ms:.0f} ms)"]
    lines += [f"{k}: {v}" for k, v in resp.headers]
    ctype = next((v for k, v in resp.headers if k.lower() == "content-type"), "")
    lines.append("")
    missing = resp.size - len(resp.body)
    text = _body_text(resp.body, ctype)
    if not resp.size:
        lines.append("(empty body)")
    elif text is None:
        lines.append(f"({resp.size} bytes of binary data{', ' + ctype if ctype else ''})")
    else:
        lines.append(_truncate(text, max_body, missing))
    return _mask_known("\n".join(lines), resp.secrets)


def format_dry_run(prepared: PreparedRequest, max_body: int = DEFAULT_MAX_BODY) -> str:
    """The request as it would be sent, every filled placeholder masked."""
    lines = [f"{prepared.method} {prepared.shown_url}"]
    lines += [f"{k}: {v}" for k, v in prepared.shown_headers]
    lines.append("")
    if prepared.parts is not None:
        lines += [f"part {p.shown}" for p in prepared.parts] or ["(no parts)"]
    elif prepared.body_source is not None:
        lines.append(f"({len(prepared.body or b'')} bytes from {prepared.body_source})")
    elif prepared.shown_body is not None:
        lines.append(_truncate(prepared.shown_body, max_body))
    else:
        lines.append("(no body)")
    if prepared.missing:
        lines += ["", f"not sendable yet: fill {', '.join(prepared.missing)} (environment variables or --env-file)"]
    return _mask_known("\n".join(lines), prepared.secrets)

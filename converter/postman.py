"""Postman collections (v2.1, v2.0, v1.0) → the request model → connectors and actions.

Every rule mirrors what the Postman runtime sends (newman 6.2 / postman-runtime 7.39,
checked on loopback by tests/test_newman.py):

- URLs: an object URL is rebuilt from its parts when it has ``host`` or ``path`` (the
  runtime ignores ``raw`` then), else ``raw`` is used.  Disabled query entries are
  dropped.  Literal text is percent-encoded with the runtime's sets (path: controls,
  space ``"<>`#?{}``, non-ASCII; query: controls, space ``"#'<>``, non-ASCII; ``%XX``
  kept); the fragment is not sent.  ``:name`` path segments are path variables.
- Variables: precedence globals < collection < environment < ``--var``; values are
  substituted up to 19 passes deep, as the runtime does.  The variables that form the
  scheme and host are resolved into the URL; the others become input arguments, or
  placeholders when they are secrets (see :meth:`PostmanLoader._secret_names`).
- Headers: list or ``"K: v\\n…"`` string; disabled ones dropped; when two names differ
  only in case the last spelling wins (Node's ``setHeader``).
- Bodies: GET bodies are not sent (unless ``disableBodyPruning``); raw gets a
  Content-Type from ``options.raw.language`` (``text/plain`` by default) unless one is
  set; urlencoded is encoded like Node's ``querystring`` + RFC 3986 with repeated keys
  grouped, and forces ``application/x-www-form-urlencoded``; formdata is multipart with
  file parts typed by extension (mime-db); file bodies are typed by extension; graphql
  becomes ``{"query":…,"variables":…}`` byte for byte (a string ``variables`` is
  pasted as written).
"""
from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from . import model
from .emit import Emitter, Result
from .errors import ConverterError, Diagnostic, Span
from .model import Auth, Body, FormPart, Request
from .postman_auth import AuthPlan, effective_block, lodash_lower, plan_auth, secret_texts
from .postman_input import (PATH_KEY, V1_QUERY_KEY, V1_REFUSED, JsonDoc, detect_version, is_postman_collection,
                            js_string, json_path, load_environment, v1_to_v2)
from .secret_catalog import find_secrets, is_credential_header, is_credential_param, placeholder_name

__all__ = ["load_collection", "convert_collection", "is_postman_collection", "PostmanLoader", "V1_REFUSED"]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
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
_SCHEME_AUTHORITY = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://)?([^/?#]*)")


def mime_type(path: str) -> str:
    ext = PurePosixPath(path.replace("\\", "/")).suffix.lower().lstrip(".")
    return MIME_TYPES.get(ext, "application/octet-stream")


def percent_encode(text: str, extra: frozenset) -> str:
    """postman-url-encoder's ``encode``: controls, non-ASCII and ``extra`` as %XX; ``%XX`` kept."""
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


def _description(value: Any) -> str | None:
    text = value.get("content") if isinstance(value, dict) else value
    if not isinstance(text, str) or not text.strip():
        return None
    text = text.strip()
    # API docs paste sample keys into descriptions: a known-format secret never reaches an output.
    hits = find_secrets(text)
    for start, end, _ in reversed(hits):
        text = text[:start] + "[secret removed]" + text[end:]
    return text


def _label(name: str) -> str:
    shown = re.sub(r"[\x00-\x1f\x7f]", " ", name)
    return repr(shown if len(shown) <= 40 else shown[:40] + "…")


class _Skip(Exception):
    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class PostmanLoader:
    """One collection (plus environment and ``--var`` values) → requests.

    ``variables`` holds the effective value of every variable after precedence;
    ``placeholder_vars`` maps each placeholder created from a variable to that
    variable (the CLI reports them; the differential test fills them in).
    """

    def __init__(self, text: str, source: str, *, environment: str | None = None,
                 variables: dict[str, str] | None = None, environment_source: str = "<environment>"):
        self.source = source
        self.doc = JsonDoc(text, source)
        self.diagnostics: list[Diagnostic] = list(self.doc.warnings)
        version = detect_version(self.doc.value)
        if version is None:
            data = self.doc.value
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                raise self.doc.error((), "this is a Postman environment, not a collection (pass it with --environment)",
                                     "not-postman")
            raise self.doc.error((), "not a Postman collection (expected info.schema and item[], "
                                     "or a v1.0 requests[] list)", "not-postman")
        self.version = version
        self.v1 = version == "1.0"
        self.data: dict = v1_to_v2(self.doc.value) if self.v1 else self.doc.value
        self.variables: dict[str, str] = {}
        self.typed_secret: set[str] = set()
        self.scope: dict[str, str] = {}
        self.placeholder_vars: dict[str, str] = {}
        self.path_secrets: dict[str, str] = {}  # placeholder → a secret-looking path variable value
        self._cred_vars: set[str] = set()
        self._req_where: dict[int, str] = {}
        self._req_contexts: dict[int, dict[str, set[str]]] = {}
        self._path_vars: dict[int, set[str]] = {}  # per request: path variables without a value
        self._contexts: dict[str, set[str]] = {}  # variable → where the request being built encodes it
        self._load_variables(environment, environment_source, variables or {})
        info = self.data.get("info") if isinstance(self.data.get("info"), dict) else {}
        desc = _description(info.get("description") if info else self.data.get("description"))
        self.connector_description = re.split(r"\n[ \t]*\n", desc, maxsplit=1)[0].strip() if desc else None

    # --- variables --------------------------------------------------------------------

    def _set(self, name: str, value: Any, secret: bool, scope: str) -> None:
        self.variables[name] = js_string(value)
        self.scope[name] = scope
        if secret:
            self.typed_secret.add(name)
        else:
            self.typed_secret.discard(name)

    def _load_variables(self, environment: str | None, env_source: str, cli: dict[str, str]) -> None:
        env_values, is_globals = [], False
        if environment is not None:
            env_values, is_globals, warnings = load_environment(environment, env_source)
            self.diagnostics.extend(warnings)
        if is_globals:
            for v in env_values:
                self._set(v.key, v.value, v.secret, "globals")
        for i, v in enumerate(self.data.get("variable") or self.data.get("variables") or []):
            if not isinstance(v, dict) or v.get("disabled") is True:
                continue
            key = v.get("key") if isinstance(v.get("key"), str) else v.get("id")
            if isinstance(key, str) and key:
                self._set(key, v.get("value"), v.get("type") == "secret", "collection")
        if not is_globals:
            for v in env_values:
                self._set(v.key, v.value, v.secret, "environment")
        for key, value in cli.items():
            self._set(key, value, False, "--var")

    def resolve_text(self, text: str) -> str:
        """Variables substituted the runtime's way (repeated passes; unknown ones kept as written)."""
        for _ in range(MAX_PASSES):
            new = VAR_RE.sub(lambda m: self.variables.get(m.group(1), m.group(0)), text)
            if new == text or len(new) > 1_000_000:
                return new
            text = new
        return text

    def _tok(self, text: str) -> str:
        """``{{name}}`` → template tokens (decided later: input argument or placeholder)."""
        return VAR_RE.sub(lambda m: model.template(m.group(1)) if m.group(1) else m.group(0), text)

    def _note_credential(self, text: Any) -> None:
        if isinstance(text, str):
            self._cred_vars.update(m.group(1) for m in VAR_RE.finditer(text))

    def _secret_names(self) -> set[str]:
        """Secret variables: typed secret, secret-looking name or value, used in a credential
        position anywhere, or (transitively) referring to a secret variable."""
        secret = set(self._cred_vars) | self.typed_secret
        for name, value in self.variables.items():
            if is_credential_param(name) or find_secrets(value):
                secret.add(name)
        changed = True
        while changed:
            changed = False
            for name, value in self.variables.items():
                if name not in secret and any(m.group(1) in secret for m in VAR_RE.finditer(value)):
                    secret.add(name)
                    changed = True
        return secret

    # --- the walk ---------------------------------------------------------------------

    def load(self) -> list[Request]:
        items = self.data.get("item")
        if not isinstance(items, list):
            raise self.doc.error(("item",), "a collection needs an item[] list")
        self._note_scripts(self.data, ())
        self._collect_auth(self.data.get("auth"))
        chain = [(self.data.get("auth"), " of the collection", self.doc.span(("auth",)))]
        requests: list[Request] = []
        self._walk(items, ("item",), (), chain, self._pruning(self.data, None), requests)
        if not requests and not any(d.severity == "error" for d in self.diagnostics):
            raise self.doc.error(("item",), "the collection has no requests", "empty-collection")
        secret = self._secret_names()
        for req in requests:
            self._finish(req, secret)
        # Document order (skipped requests' errors were noted during the walk, the rest after it).
        self.diagnostics.sort(key=lambda d: (d.span is None or d.span.source != self.source,
                                             d.span.line if d.span else 0, d.span.col if d.span else 0))
        return requests

    def secret_value(self, name: str) -> str | None:
        """The input's value behind a placeholder made from a variable (tests fill them in)."""
        if name in self.path_secrets:
            return self.path_secrets[name]
        var = self.placeholder_vars.get(name)
        return None if var is None or var not in self.variables else self.resolve_text(self.variables[var])

    def _path(self, node: dict, fallback: tuple) -> tuple:
        return tuple(node[PATH_KEY]) if self.v1 and PATH_KEY in node else fallback

    @staticmethod
    def _pruning(node: dict, inherited: bool | None) -> bool | None:
        ppb = node.get("protocolProfileBehavior")
        if isinstance(ppb, dict) and isinstance(ppb.get("disableBodyPruning"), bool):
            return ppb["disableBodyPruning"]
        return inherited

    def _note_scripts(self, node: dict, path: tuple) -> None:
        for ev in node.get("event") or []:
            if isinstance(ev, dict) and ev.get("listen") == "prerequest":
                script = ev.get("script") if isinstance(ev.get("script"), dict) else {}
                code = script.get("exec")
                code = "\n".join(c for c in code if isinstance(c, str)) if isinstance(code, list) else code
                if isinstance(code, str) and code.strip():
                    self.diagnostics.append(Diagnostic(
                        "prerequest-script", "warning",
                        f"{json_path(path)}: a pre-request script is not converted; its requests are converted as written",
                        self.doc.span(path)))
                    return

    def _collect_auth(self, block: Any) -> None:
        for text in secret_texts(block):
            self._note_credential(text)

    def _walk(self, items: list, path: tuple, folders: tuple, chain: list, pruning: bool | None,
              out: list[Request]) -> None:
        for i, item in enumerate(items):
            ipath = self._path(item, path + (i,)) if isinstance(item, dict) else path + (i,)
            if not isinstance(item, dict):
                self.diagnostics.append(Diagnostic("bad-item", "warning", f"{json_path(ipath)}: not an item: ignored",
                                                   self.doc.span(ipath)))
                continue
            name = item.get("name") if isinstance(item.get("name"), str) else ""
            if isinstance(item.get("item"), list):
                self._note_scripts(item, ipath)
                self._collect_auth(item.get("auth"))
                where = f" of folder {_label(name)} at {json_path(ipath)}"
                inner = [(item.get("auth"), where, self.doc.span(ipath + ("auth",)))] + chain
                self._walk(item["item"], ipath + ("item",), folders + (name,), inner,
                           self._pruning(item, pruning), out)
            elif "request" in item:
                self._note_scripts(item, ipath)
                try:
                    req = self._request(item, ipath, name, folders, chain, self._pruning(item, pruning))
                except _Skip as skip:
                    self.diagnostics.append(skip.diagnostic)
                    continue
                out.append(req)
            else:
                self.diagnostics.append(Diagnostic("bad-item", "warning",
                                                   f"{json_path(ipath)}: an item with neither request nor item[]: ignored",
                                                   self.doc.span(ipath)))

    # --- one request ---------------------------------------------------------------------

    def _request(self, item: dict, ipath: tuple, name: str, folders: tuple, chain: list,
                 pruning: bool | None) -> Request:
        span = self.doc.span(ipath)
        where = f"{json_path(ipath)} ({_label(name)})" if name else json_path(ipath)
        rpath = ipath if self.v1 else ipath + ("request",)

        def skip(code: str, message: str) -> _Skip:
            return _Skip(Diagnostic(code, "error", f"{where}: {message}", span))

        r = item["request"]
        if isinstance(r, str):
            r = {"url": r, "method": "GET"}
        if not isinstance(r, dict):
            raise skip("bad-request", "request must be a URL string or an object")
        method = r.get("method") if r.get("method") is not None else "GET"
        if not isinstance(method, str):
            raise skip("bad-request", "method must be a string")
        method = method.upper()
        if method not in METHODS:
            shown = method if re.fullmatch(r"[A-Z]{1,20}", method) else "(unnamed)"
            raise skip("unsupported-method", f"method {shown} is not supported by the platform "
                                             "(GET, POST, PUT, PATCH, DELETE)")
        diags: list[Diagnostic] = []
        self._contexts = {}
        url_text, pathvars = self._url_text(r.get("url"), skip)
        headers = self._headers(r.get("header"), where, span, diags)
        self._collect_auth(r.get("auth"))
        block, awhere, aspan, notes = effective_block([(r.get("auth"), "", self.doc.span(rpath + ("auth",)))] + chain)
        plan = AuthPlan()
        if block is not None:
            plan = plan_auth(block, awhere, aspan, self._tok, self.resolve_text, js_string)
        # Auth messages are relative: every per-request message starts with the request's path.
        diags.extend(Diagnostic(d.code, d.severity, f"{where}: {d.message}", d.span) for d in notes + plan.diagnostics)
        if plan.error is not None:
            self.diagnostics.extend(diags)
            raise _Skip(Diagnostic(plan.error.code, "error", f"{where}: {plan.error.message}", plan.error.span))
        prune = method == "GET" and not pruning
        body, headers = self._body(r.get("body"), prune, headers, where, span, diags)
        if plan.drop_authorization:
            headers = [(k, v) for k, v in headers if k.lower() != "authorization"]
        if plan.drop_header is not None:
            headers = [(k, v) for k, v in headers if lodash_lower(k) != plan.drop_header]
        url, examples, path_vars = self._url(url_text, pathvars, plan.drop_query, skip, where, span, diags)
        auth = plan.auth
        if auth is None and plan.none and not self._hand_written_credential(url, headers):
            auth = Auth("none", span=aspan)
        desc = _description(r.get("description")) or _description(item.get("description"))
        req = Request(method, url, headers, body, auth, span, name=name or None, description=desc, folder=folders,
                      examples=examples, connector_description=self.connector_description, diagnostics=diags)
        self._req_where[id(req)] = where
        self._path_vars[id(req)] = path_vars
        self._req_contexts[id(req)] = self._contexts
        return req

    @staticmethod
    def _hand_written_credential(url: str, headers: list[tuple[str, str]]) -> bool:
        """True when the request writes its own credential (then the emitter detects it, as for curl)."""
        if any(is_credential_header(model.literal_text(k)) and k.lower() != "cookie" for k, _ in headers):
            return True
        _, _, query = url.partition("?")
        authority = url.split("://", 1)[-1].split("/", 1)[0]
        return "@" in authority or any(is_credential_param(model.literal_text(p.partition("=")[0]))
                                       for p in query.split("&") if p)

    # --- URLs ---------------------------------------------------------------------------

    def _url_text(self, url: Any, skip) -> tuple[str, dict[str, str | None]]:
        """The URL as one string (variables still ``{{…}}``) and the path variables' values."""
        if isinstance(url, str):
            text, pathvars = url, {}
        elif isinstance(url, dict):
            pathvars = {}
            for v in url.get("variable") or []:
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
        for _ in range(MAX_PASSES + 1):
            m = _SCHEME_AUTHORITY.match(text)
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
        text = resolved.split("#", 1)[0]
        if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", text):
            text = "http://" + text
            diags.append(Diagnostic("no-scheme", "warning", f"{where}: the URL has no scheme: Postman uses http://", span))
        scheme, rest = text.split("://", 1)
        authority = re.match(r"[^/?]*", rest).group(0)
        rest = rest[len(authority):]
        path, qmark, query = rest.partition("?")
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
        for seg in path.split("/"):
            key = seg[1:].split(".", 1)[0]
            if seg.startswith(":") and key and "{" not in key and "}" not in key:
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
            params = query.split("&")
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
                diags.append(Diagnostic("bad-body", "warning", f"{where}: body mode {mode!r} is unknown: no body sent"
                                        if isinstance(mode, str) and len(mode) < 20 else f"{where}: unknown body mode",
                                        span))
            return None, headers
        if _empty_body(mode, data) or prune:
            return None, headers
        ctype = next((v for k, v in headers if k.lower() == "content-type"), None)
        if mode == "raw":
            text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"), ensure_ascii=False)
            if ctype is None:
                options = raw.get("options") if isinstance(raw.get("options"), dict) else {}
                lang = (options.get("raw") or {}).get("language") if isinstance(options.get("raw"), dict) else None
                headers = headers + [("Content-Type", _RAW_TYPES.get(lang, "text/plain"))]
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

    # --- finishing: secrets, examples, variable notes ----------------------------------------

    def _finish(self, req: Request, secret: set[str]) -> None:
        used: dict[str, None] = {}

        def fin(value: str) -> str:
            if not model.has_tokens(value):
                return value
            out = []
            for p in model.parts(value):
                if isinstance(p, model.Lit):
                    out.append(p.text)
                elif p.name in secret or is_credential_param(p.name):
                    name = placeholder_name(p.name)
                    self.placeholder_vars.setdefault(name, p.name)
                    out.append(model.placeholder(name))
                else:
                    used.setdefault(p.name, None)
                    out.append(model.template(p.name))
            return "".join(out)

        req.url = fin(req.url)
        req.headers = [(k, fin(v)) for k, v in req.headers]
        if req.body is not None:
            if req.body.text is not None:
                req.body.text = fin(req.body.text)
            for part in req.body.form or []:
                part.value = fin(part.value) if part.value is not None else None
        if req.auth is not None:
            a = req.auth
            a.username, a.password, a.token = fin(a.username), fin(a.password), fin(a.token)
            a.oauth2 = {k: fin(v) for k, v in a.oauth2.items()}
        req.examples = {k: v for k, v in req.examples.items() if k in used}
        for name in used:
            if name in req.examples:
                continue
            if name in self._path_vars.get(id(req), ()):
                req.diagnostics.append(Diagnostic(
                    "unresolved-variable", "warning",
                    f"{self._where(req)}: path variable :{name[:40]} has no value (Postman sends ':{name[:40]}'): "
                    "an input argument without example", req.span))
            elif name in self.variables:
                req.examples[name] = self.resolve_text(self.variables[name])
                self._check_encoding(req, name)
            elif name.startswith("$"):
                req.diagnostics.append(Diagnostic(
                    "dynamic-variable", "warning",
                    f"{self._where(req)}: dynamic variable {{{{{name[:40]}}}}} is generated by Postman on "
                    "each run: kept as an input argument without example", req.span))
            else:
                req.diagnostics.append(Diagnostic(
                    "unresolved-variable", "warning",
                    f"{self._where(req)}: variable {{{{{name[:40]}}}}} has no value in the collection, environment or "
                    "--var (Postman sends it as written): an input argument without example", req.span))
        self.diagnostics.extend(req.diagnostics)

    def _check_encoding(self, req: Request, name: str) -> None:
        """Postman encodes a variable's value where it lands (URL, form, GraphQL JSON string);
        the platform inserts an input argument as given: say so when the example differs."""
        example = req.examples[name]
        for context in sorted(self._req_contexts.get(id(req), {}).get(name, ())):
            if _ENCODERS[context](example) != example:
                req.diagnostics.append(Diagnostic(
                    "arg-encoding", "warning",
                    f"{self._where(req)}: Postman {_HOW[context]} the value of {{{{{name[:40]}}}}}, the platform inserts "
                    f"input argument {name[:40]} as given: pass its values already encoded", req.span))
                return

    def _where(self, req: Request) -> str:
        return self._req_where.get(id(req), "request")



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


# --- the public API ---------------------------------------------------------------------------


def load_collection(text: str, source: str, *, environment: str | None = None,
                    variables: dict[str, str] | None = None,
                    environment_source: str = "<environment>") -> tuple[list[Request], list[Diagnostic]]:
    """A collection → its convertible requests (item order) and every diagnostic.

    Requests that cannot be converted are left out; their error diagnostics are in the
    list, which holds each request's own diagnostics too (also in ``req.diagnostics``).
    Raises :class:`ConverterError` when the document as a whole is unusable."""
    loader = PostmanLoader(text, source, environment=environment, variables=variables,
                           environment_source=environment_source)
    requests = loader.load()
    return requests, loader.diagnostics


def convert_collection(text: str, source: str, *, environment: str | None = None,
                       variables: dict[str, str] | None = None, connector_name: str | None = None,
                       environment_source: str = "<environment>", emitter: Emitter | None = None) -> Result:
    """A collection → connectors and actions (the Postman counterpart of ``convert_text``)."""
    loader = PostmanLoader(text, source, environment=environment, variables=variables,
                           environment_source=environment_source)
    requests = loader.load()
    em = emitter or Emitter(connector_name)
    for name, var in loader.placeholder_vars.items():
        where = f"{loader.scope.get(var, 'undefined')} variable"
        em.ph.variable(model.Var(model.TEMPLATE, var), where)
    em.diagnostics.extend(loader.diagnostics)
    for req in requests:
        try:
            em.add(req)
        except ConverterError as exc:
            em.diagnostics.append(exc.diagnostic())
    return em.result()

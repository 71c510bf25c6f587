"""Requests → connector and action documents (plain dicts in FORMAT.md key order).

The steps, each a small function over the request model:

1. :func:`split_url` separates scheme, userinfo, host, path and query (kept as written);
2. :func:`detect_auth` picks the first credential: ``-u`` / ``--oauth2-bearer`` / URL
   userinfo, then credential headers in order, then credential query parameters;
3. requests with the same base URL and auth share a connector (:class:`Emitter`);
4. every other secret is replaced in place (:mod:`converter.secrets`), template
   variables become input arguments ``{{{name}}}``, and the documents are built.
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from . import model, naming
from .errors import ConverterError, Diagnostic
from .model import Request
from .secret_catalog import auth_scheme, find_secrets, is_credential_header, placeholder_name
from .secrets import Placeholders, is_secret_field

_URL_RE = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?]*)(?P<path>[^?]*)(?:\?(?P<query>.*))?$", re.S)


# registered names (ASCII or internationalised) and IP literals; no controls, no spaces
# (Unicode ones too: NEL, U+2028, NBSP…), none of the URL's own delimiters
_HOST_RE = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[^\s\x00-\x20\x7f-\x9f\ufeff/?#@\[\]\\<>\"`{}|^%]+)$")
_JUNK = re.compile(r"[\x00-\x20\x7f]")
_HOST_PORT_RE = re.compile(r"^(\[[^\]]*\]|[^:]*)(?::([0-9]*))?$")
_DEFAULT_PORT = {"http": "80", "https": "443"}


@dataclass
class Url:
    scheme: str
    userinfo: str | None
    host: str
    port: str | None
    path: str
    query: list[tuple[str, str | None]]

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}" + (f":{self.port}" if self.port else "")


def remove_dot_segments(path: str) -> str:
    """``/a/../b/./c`` → ``/b/c``, as curl does before it sends a request (RFC 3986
    5.2.4; ``--path-as-is`` turns it off).  Only literal ``.`` and ``..`` segments count:
    ``%2e%2e`` is sent as written; a trailing ``/..`` or ``/.`` leaves a trailing slash."""
    if "/." not in path:
        return path
    segments = path.split("/")
    if segments[0] or any(model.MARK_OPEN in seg and model.MARK_CLOSE not in seg for seg in segments):
        return path  # not absolute, or a token holding a "/": leave it alone
    out: list[str] = []
    last = len(segments) - 1
    for i, seg in enumerate(segments[1:], 1):
        if seg == "..":
            if out:
                out.pop()
        elif seg != ".":
            out.append(seg)
            continue
        if i == last:
            out.append("")
    return "/" + "/".join(out)


def split_url(url: str, req: Request) -> Url:
    head = url.partition("?")[0]
    if _JUNK.search(head if model.is_literal(head) else model.literal_text(head)):
        # curl refuses a URL with a space or a control character (exit 3): nothing would
        # be sent, so there is nothing to convert.  (The query is let through as written.)
        raise ConverterError("bad-url", "the URL holds a space or a control character, which curl refuses "
                             "(write a space as %20)", req.span)
    m = _URL_RE.match(url)
    if not m and url.startswith(model.MARK_OPEN):
        raise ConverterError("variable-host", "the URL's host comes from a variable: give the real one with --base-url https://host", req.span)
    if not m:
        raise ConverterError("bad-url", "this URL has no scheme://host part", req.span)
    scheme = m["scheme"].lower()
    if scheme not in ("http", "https"):
        raise ConverterError("bad-scheme", f"only http and https URLs can be converted (got {scheme[:10]}:)", req.span)
    authority = m["authority"]
    userinfo = None
    if "@" in authority:
        userinfo, _, authority = authority.partition("@")
        if "@" in authority:  # curl splits at the first "@" and then refuses the host
            raise ConverterError("bad-url", "an '@' in the URL's user name or password must be written %40", req.span)
    hp = _HOST_PORT_RE.match(authority)
    if hp is None and ":" not in authority.rpartition("]")[2]:
        raise ConverterError("bad-url", "the URL's host is not a valid host name", req.span)
    if hp is None:
        # `https://bob:pa/ss@host/`: the password's "/", "?" or "#" ends the authority, and
        # curl reads `pa` as the port and refuses it; so do we (its halves are secret)
        hint = " (a '/', '?' or '#' in a password must be written %2F, %3F or %23)" if "@" in url else ""
        raise ConverterError("bad-url", "the URL's port is not a number" + hint, req.span)
    host, port = hp.group(1), hp.group(2) or None
    if not host or model.has_tokens(host):
        raise ConverterError("variable-host", "the URL's host comes from a variable: give the real one with --base-url https://host", req.span)
    if not _HOST_RE.match(host):
        raise ConverterError("bad-url", "the URL's host is not a valid host name", req.span)
    if port is not None:
        if int(port) > 65535:
            raise ConverterError("bad-url", "the URL's port is out of range (0-65535)", req.span)
        port = str(int(port))  # curl connects to port 443 for `:0443`
    if port == _DEFAULT_PORT[scheme]:
        port = None
    query: list[tuple[str, str | None]] = []
    if m["query"]:
        for item in m["query"].split("&"):
            if not item:
                continue
            key, eq, val = item.partition("=")
            query.append((key, val if eq else None))
    return Url(scheme, userinfo, host.lower(), port, remove_dot_segments(m["path"]) or "/", query)


@dataclass
class AuthFound:
    """The connector's auth, in output form, plus what it consumed from the request."""

    config: str  # no_auth | basic_auth | api_key_auth
    fields: dict = field(default_factory=dict)
    header: str | None = None  # consumed header name (lower case)
    param: str | None = None  # consumed query parameter name

    def signature(self) -> tuple:
        """Equal for the same auth: header names compare case-insensitively (HTTP does)."""
        fields = {k: v.lower() if k == "header_auth_key" else v for k, v in self.fields.items()}
        return (self.config, tuple(sorted(fields.items())))


def _basic_from_header(credential: str) -> tuple[str, str] | None:
    if not model.is_literal(credential):
        return None
    try:
        decoded = base64.b64decode(credential, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def detect_auth(req: Request, url: Url, conn: str, ph: Placeholders) -> AuthFound:
    """The first credential of the request, with its secrets already placeholders."""
    prefix = conn.upper()

    def basic(user: str, password: str, where: str) -> AuthFound:
        # `-u sk_live_…:` (Stripe style): the user name is an API key
        user_role = "API_KEY" if not password and model.is_literal(user) and find_secrets(user) else "USERNAME"
        return AuthFound("basic_auth", {
            "username": ph.single(user, f"{prefix}_{user_role}", where + " (username)"),
            "password": ph.single(password, f"{prefix}_PASSWORD", where + " (password)"),
        })

    def api_key(key: str, pattern: str, secret: str, where: str) -> AuthFound:
        return AuthFound("api_key_auth", {
            "auth_type": "header_auth", "header_auth_key": key, "header_auth_value_pattern": pattern,
            "api_key": ph.single(secret, f"{prefix}_API_KEY", where),
        })

    a = req.auth
    if a is not None:
        if a.kind == "none":
            return AuthFound("no_auth")
        if a.kind == "bearer":
            return api_key("Authorization", "Bearer %s", a.token, "bearer token")
        if a.kind == "apikey" and a.location == "query":
            found = AuthFound("api_key_auth", {
                "auth_type": "param_auth", "param_auth_param_name": a.key,
                "api_key": ph.single(a.token, f"{prefix}_API_KEY", f"api key parameter {a.key}"),
            })
            found.param = a.key
            return found
        if a.kind == "apikey":
            found = api_key(a.key, a.pattern, a.token, f"api key header {a.key}")
            found.header = a.key.lower()
            return found
        if a.kind == "oauth2":
            return _oauth2(a.oauth2, prefix, ph)
        return basic(a.username, a.password, "basic auth")
    if url.userinfo is not None:
        user, _, password = url.userinfo.partition(":")
        return basic(user, password, "URL userinfo")
    for name, value in req.headers:
        lname = name.lower()
        if lname in ("authorization", "proxy-authorization"):
            if lname == "proxy-authorization":
                continue
            split = auth_scheme(value)
            if split is None:
                continue
            pattern, credential = split
            if ph.found_in(pattern) or find_secrets(pattern) or _RANDOMISH.search(pattern.partition("%s")[2]):
                pattern, credential = "%s", value  # a second credential around the first: all of it is one
            if pattern.lower() == "basic %s":
                pair = _basic_from_header(credential)
                if pair is not None:
                    auth = basic(pair[0], pair[1], f"header {name} (Basic)")
                    auth.header = lname
                    return auth
            auth = api_key(name, pattern, credential, f"header {name}")
            auth.header = lname
            return auth
        if lname != "cookie" and is_credential_header(name) and value.strip():
            auth = api_key(name, "%s", value, f"header {name}")
            auth.header = lname
            return auth
    for key, value in url.query:
        if value and model.is_literal(key) and is_secret_field(key, value):
            auth = AuthFound("api_key_auth", {
                "auth_type": "param_auth", "param_auth_param_name": key,
                "api_key": ph.single(value, f"{prefix}_API_KEY", f"query {key}"),
            })
            auth.param = key
            return auth
    return AuthFound("no_auth")


OAUTH2_SECRETS = {"client_id": "CLIENT_ID", "client_secret": "CLIENT_SECRET", "password": "PASSWORD",
                  "refresh_token": "REFRESH_TOKEN", "username": "USERNAME"}
OAUTH2_ORDER = ("grant_type", "token_url", "authorization_url", "client_id", "client_secret", "scope", "username",
                "password", "refresh_token", "client_authentication")


# a word of 12+ characters mixing letters and digits, left in an auth pattern after its %s
_RANDOMISH = re.compile(r"(?=[A-Za-z_\-+/=.]*[0-9])(?=[0-9_\-+/=.]*[A-Za-z])[A-Za-z0-9_\-+/=.]{12,}")


def _oauth2(settings: dict[str, str], prefix: str, ph: Placeholders) -> AuthFound:
    """OAuth 2 grant settings → the connector's ``oauth2`` block (secret fields as placeholders)."""
    fields: dict[str, str] = {}
    for key in OAUTH2_ORDER:
        value = settings.get(key)
        if not value:
            continue
        if key in OAUTH2_SECRETS:
            value = ph.single(value, f"{prefix}_{OAUTH2_SECRETS[key]}", f"oauth2 {key}")
        fields[key] = value
    return AuthFound("oauth2", fields)


def _render(value: str) -> str:
    """Tokens → output syntax: shell vars and placeholders ``<<NAME>>``, templates ``{{{name}}}``."""
    if model.MARK_OPEN not in value:
        return value
    # the text between tokens is kept as it is (what model.parts calls literal parts)
    return model.TOKEN_RE.sub(_render_token, value)


def _render_token(m: re.Match) -> str:
    if m.group(1) == model.TEMPLATE:
        return "{{{" + naming.arg_name(m.group(2)) + "}}}"
    return "<<" + placeholder_name(m.group(2)) + ">>"


def _args_in(value: str, into: dict[str, None]) -> None:
    if model.MARK_OPEN not in value:
        return
    for tok in model.tokens(value):
        if tok.kind == model.TEMPLATE:
            into.setdefault(naming.arg_name(tok.name), None)


def _is_json(headers: list[tuple[str, str]], text: str) -> bool:
    """JSON by its Content-Type, or by its look (docs often send JSON with -d and no type)."""
    if text.lstrip()[:1] in ("{", "["):
        return True
    return any(k.lower() == "content-type" and "json" in v.lower() for k, v in headers)


def _is_form(headers: list[tuple[str, str]]) -> bool:
    return any(k.lower() == "content-type" and "x-www-form-urlencoded" in v.lower() for k, v in headers)


class Result:
    """What a run produced.  Reading ``connectors``, ``actions`` or ``bundle()`` first
    settles the emitter (see :meth:`Emitter.settle`), so a result is never stale."""

    def __init__(self, emitter: "Emitter") -> None:
        self._emitter = emitter

    @property
    def connectors(self) -> list[dict]:
        em = self._emitter
        em.settle()
        if not em.withheld:
            return em.connectors
        used = {a["connector"] for a in self.actions}  # a connector left without actions goes too
        return [c for c in em.connectors if c["name"] in used]

    @property
    def actions(self) -> list[dict]:
        em = self._emitter
        em.settle()
        if not em.withheld:
            return em.actions
        return [a for a in em.actions if a["connector"] not in em.withheld and a["name"] not in em.withheld]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self._emitter.diagnostics

    @property
    def placeholders(self) -> Placeholders:
        return self._emitter.ph

    def bundle(self) -> dict:
        return {"connectors": self.connectors, "actions": self.actions}


def _values(doc: dict) -> str:
    """The text an action writes out (every string value, its field names left out)."""
    # Documents are flat fields, lists of flat items (headers, query, form parts, input
    # args) and flat auth blocks: two explicit levels cover them without a call per
    # value; anything nested deeper goes through _walk.  Same strings, same order.
    out: list[str] = []
    add = out.append
    for v in doc.values():
        if v.__class__ is str:
            add(v)
        elif isinstance(v, list):
            for item in v:
                if isinstance(item, dict):
                    for x in item.values():
                        if x.__class__ is str:
                            add(x)
                        elif isinstance(x, (dict, list, str)):
                            _walk(x, out)
                else:
                    _walk(item, out)
        elif isinstance(v, dict):
            for x in v.values():
                if x.__class__ is str:
                    add(x)
                elif isinstance(x, (dict, list, str)):
                    _walk(x, out)
        elif isinstance(v, str):
            add(v)
    return "\n".join(out)


def _content_key(name: str | None, action: dict) -> tuple:
    """What makes two actions the same request: the source's name and every field but the
    action's name, in order, as it is now (later patches do not change a stored key).  A
    tuple of the values (lists of flat items as tuples of their items), half the cost of
    the ``repr`` it replaces; it compares the same for the values an action holds (str,
    None, True).  (The caller compares by repr a key that holds something unhashable.)"""
    out: list = [name]
    for k, v in action.items():
        if k == "name":
            continue
        if v.__class__ is list:
            v = tuple(tuple(item.items()) if item.__class__ is dict else item for item in v)
        out.append((k, v))
    return tuple(out)


def _walk(node, out: list[str]) -> None:
    """Every string under ``node``, depth first, into ``out``."""
    if isinstance(node, str):
        out.append(node)
    elif isinstance(node, dict):
        for v in node.values():
            _walk(v, out)
    elif isinstance(node, list):
        for v in node:
            _walk(v, out)


# action fields whose text is the request's own (names are made, not copied)
_PATCHED = ("description", "path", "body", "body_file")
_PATCHED_ITEMS = {"headers": ("value",), "query_params": ("key", "value"),
                  "form_data": ("key", "value", "file", "filename"), "input_args": ("example_value",)}


class Emitter:
    """Accumulates requests of one run into connectors and actions."""

    def __init__(self, connector_name: str | None = None, action_name: str | None = None, base_url: str | None = None):
        self.base_url = base_url
        self.connector_override = connector_name
        self.action_override = action_name
        self.ph = Placeholders()
        self.connectors: list[dict] = []
        self._conn_by_key: dict[tuple, dict] = {}
        self._conn_names = naming.UniqueNames()
        self._action_names = naming.UniqueNames()
        self.actions: list[dict] = []
        self._seen: dict[tuple, dict] = {}  # _content_key → the action written for it
        self.diagnostics: list[Diagnostic] = []
        self._settled = 0  # guarded secrets every action was checked against
        self._hosts_checked = 0  # connectors there were at the last settle
        self.withheld: set[str] = set()  # connectors (with their actions) and actions not written: see settle

    def add(self, req: Request) -> dict:
        url = split_url(self._with_base(req.url), req)
        base_name = self.connector_override or naming.connector_name(url.host)
        combined = len(self.ph.combined)
        auth = detect_auth(req, url, base_name, self.ph)
        for name, where in self.ph.combined[combined:]:
            self.diagnostics.append(Diagnostic(
                "combined-credential", "warning",
                f"the credential of {where} mixes variables with text: <<{name}>> stands for all of it", req.span))
        key = (url.base_url, auth.signature())
        conn = self._conn_by_key.get(key)
        created = conn is None
        if created:
            conn = self._new_connector(base_name, url, auth, req, key)
        mark = self.ph.mark()
        try:
            action = self._action(req, url, auth, conn)
        except ConverterError:
            if created:  # no connector without an action
                self.connectors.remove(conn)
                del self._conn_by_key[key]
            raise
        if self.ph.mark() > mark and self.ph.found_in(_values(action), mark):
            # a secret found by its position late in the request (`_token=V`) sits in a
            # part already written (`q=V`): now that it is known, the scans replace it
            action = self._action(req, url, auth, conn)
        # the same request seen twice (docs repeat examples) is written once; the name is
        # handed out only after that check, so a duplicate consumes none
        same = _content_key(req.name, action)
        try:
            seen = self._seen.setdefault(same, action)  # one lookup: stored unless seen
        except TypeError:  # something unhashable deeper down: compared by its repr
            seen = self._seen.setdefault(("repr", repr(same)), action)
        if seen is not action:
            return seen
        action["name"] = self._action_names.take(action["name"])
        self.actions.append(action)
        return action

    def settle(self) -> None:
        """Replace, in actions written earlier, the secrets that later requests revealed
        (``?q=V`` in one command, ``-H 'X-Api-Key: V'`` in the next).  Checks only the
        secrets found since the last call, with the index: linear in the output."""
        mark = self.ph.mark()
        if mark == self._settled and self._hosts_checked == len(self.connectors):
            return
        since, self._settled = self._settled, mark
        # (with no secret found since the last call, or none at all, the loops below would
        # find nothing: a run without secrets does not walk its documents)
        for action in self.actions if mark > since else ():
            found = self.ph.found_in(_values(action), since)
            if found:
                self._patch(action, sorted(found, key=lambda s: (-len(s), s)))
                if action["name"] not in self.withheld and self.ph.found_in(_values(action)):
                    # left where no placeholder can stand (a header or form field name)
                    self.withheld.add(action["name"])
                    self.diagnostics.append(Diagnostic(
                        "secret-in-name", "error", f"action {action['name']}: a credential of this input is a "
                        "header or field name, which cannot be a placeholder: the action is not written"))
        # A base URL (or an auth pattern) cannot take a placeholder there: a connector that holds
        # a secret of the run, in any letter case (hosts are lower-cased), is withheld with its
        # actions (an input error), never written with it.  Its name may hold the secret too.
        for conn in self.connectors if mark else ():
            if conn["name"] not in self.withheld and self.ph.found_in_folded(_values(conn)):
                self.withheld.add(conn["name"])
                shown = "a connector" if self.ph.found_in_folded(conn["name"]) else f"connector {conn['name']}"
                self.diagnostics.append(Diagnostic(
                    "secret-in-host", "error", f"{shown}: a credential of this input is part of its base URL or "
                    "auth settings, which cannot hold a placeholder: the connector and its actions are not written"))
        self._hosts_checked = len(self.connectors)

    def _patch(self, action: dict, secrets: list[str]) -> None:
        where = f"action {action['name']} (the secret of a later request)"
        tokens = {s: self.ph.literal(s, "", where) for s in secrets}

        def fix(text):
            if not isinstance(text, str):
                return text
            for secret, token in tokens.items():
                if secret in text:
                    text = text.replace(secret, _render(token))
            return text

        for key in _PATCHED:
            if key in action:
                action[key] = fix(action[key])
        if not action["path"].startswith("/"):  # a secret that begins with "/" took the first slash
            self.withheld.add(action["name"])
            self.diagnostics.append(Diagnostic(
                "secret-in-path", "error", f"action {action['name']}: a credential of this input starts its URL "
                "path, which cannot begin with a placeholder: the action is not written"))
        for key, fields in _PATCHED_ITEMS.items():
            for item in action.get(key, ()):
                for f in fields:
                    if f in item:
                        item[f] = fix(item[f])
        name = action["name"]
        if any(s.lower() in name for s in secrets):
            for secret in secrets:
                name = name.replace(secret.lower(), "")
            action["name"] = self._action_names.take(naming.fit(name, "action"))

    def _with_base(self, url: str) -> str:
        """``--base-url`` stands in for a host written as a variable (``https://${yourOktaDomain}/…``)."""
        if not self.base_url:
            return url
        scheme, sep, rest = url.partition("://")
        authority, slash, tail = rest.partition("/")
        if not sep:
            authority, slash, tail = url.partition("/")
        if not model.has_tokens(authority):
            return url
        return self.base_url.rstrip("/") + slash + tail

    def _new_connector(self, base_name: str, url: Url, auth: AuthFound, req: Request, key: tuple) -> dict:
        name = self._conn_names.take(base_name)
        doc: dict = {"name": name}
        if req.connector_description:
            doc["description"] = req.connector_description
        doc["base_url"] = url.base_url
        doc["auth_config"] = auth.config
        if auth.config != "no_auth":
            doc[auth.config] = {k: _render(v) for k, v in auth.fields.items()}
        if url.scheme == "http":
            self.diagnostics.append(Diagnostic("plain-http", "warning",
                                               f"connector {name}: the platform wants https; http kept as written", req.span))
        self.connectors.append(doc)
        self._conn_by_key[key] = doc
        return doc

    def _action(self, req: Request, url: Url, auth: AuthFound, conn: dict) -> dict:
        ph, prefix = self.ph, conn["name"].upper()
        args: dict[str, None] = {}
        path = ph.scan(url.path, f"{prefix}_TOKEN", "path")
        if not path.startswith("/"):  # a secret that begins with "/" took the path's first slash
            raise ConverterError("secret-in-path", "a credential of this input starts the URL path, which "
                                 "cannot begin with a placeholder", req.span)
        _args_in(path, args)
        # names come from the path *after* its secrets became placeholders
        if self.action_override and not self.actions:
            name = self.action_override
        else:
            name = self._name_for(req, path)
        doc: dict = {"name": name}
        if req.description:
            doc["description"] = req.description
        doc.update({"connector": conn["name"], "method": req.method, "path": _render(path)})

        headers = []
        for hname, value in req.headers:
            lname = hname.lower()
            if auth.header == lname:
                continue
            where = f"header {hname}"
            if lname == "cookie":
                value = self._cookie_secrets(value, prefix, where)
            elif is_credential_header(hname) or lname == "proxy-authorization":
                split = auth_scheme(value) if lname in ("authorization", "proxy-authorization") else None
                if split and split[0] != "%s":
                    scheme_text = value[: len(value) - len(split[1])]
                    value = scheme_text + ph.whole(split[1], f"{prefix}_{hname}", where)
                else:
                    value = ph.whole(value, f"{prefix}_{hname}", where)
            else:
                value = ph.scan(value, f"{prefix}_{hname}", where)
            _args_in(value, args)
            _args_in(hname, args)
            headers.append({"key": _render(hname), "value": _render(value)})
        if headers:
            doc["headers"] = headers

        query = []
        for qkey, qval in url.query:
            if auth.param is not None and qkey == auth.param:
                continue
            if qval is not None:
                where = f"query {model.literal_text(qkey)}"
                if model.is_literal(qkey) and is_secret_field(qkey, qval):
                    qval = ph.whole(qval, f"{prefix}_{qkey}", where)
                else:
                    qval = ph.scan(qval, f"{prefix}_{qkey}", where)
                _args_in(qval, args)
            qkey = ph.scan(qkey, f"{prefix}_SECRET", "query")  # a token can stand as a bare key
            _args_in(qkey, args)
            query.append({"key": _render(qkey), "value": None if qval is None else _render(qval)})
        if query:
            doc["query_params"] = query

        body = req.body
        if body is not None:
            if body.text is not None:
                text = body.text
                if _is_json(req.headers, text):
                    text = ph.json_body(text, prefix, "body")
                elif _is_form(req.headers):
                    text = ph.pairs(text, prefix, "body")
                else:
                    text = ph.scan(text, f"{prefix}_SECRET", "body")
                _args_in(text, args)
                doc["body"] = _render(text)
            elif body.form is not None:
                parts = []
                for part in body.form:
                    pname = ph.scan(part.name, f"{prefix}_SECRET", "form field name")
                    _args_in(pname, args)
                    entry: dict = {"key": _render(pname)}
                    if part.file is not None:
                        entry["file"] = _render(part.file)
                        if part.filename is not None:
                            entry["filename"] = _render(part.filename)
                        if part.content_type:
                            entry["content_type"] = part.content_type
                    else:
                        where = f"form field {model.literal_text(part.name)}"
                        value = part.value or ""
                        if model.is_literal(part.name) and is_secret_field(part.name, value):
                            value = ph.whole(value, f"{prefix}_{model.literal_text(part.name)}", where)
                        else:
                            value = ph.scan(value, f"{prefix}_{model.literal_text(part.name)}", where)
                        _args_in(value, args)
                        entry["value"] = _render(value)
                        if part.filename is not None:
                            entry["filename"] = _render(part.filename)
                        if part.content_type:
                            entry["content_type"] = part.content_type
                    parts.append(entry)
                doc["form_data"] = parts
            elif body.file is not None:
                doc["body_file"] = _render(body.file)
        if args:
            doc["input_args"] = [self._arg(a, req) for a in args]
        return doc

    def _name_for(self, req: Request, path: str) -> str:
        """Source name (snake case) or method + path words; a clash takes the folder path first."""
        if not req.name:
            return naming.action_name(req.method, path)
        base = naming.snake(req.name) or naming.action_name(req.method, path)
        if base in self._action_names.used and req.folder:
            base = naming.snake("_".join(req.folder + (req.name,))) or base
        return naming.fit(base, "action")

    @staticmethod
    def _arg(name: str, req: Request) -> dict:
        arg: dict = {"name": name, "type": "string", "required": True}
        example = req.examples.get(name)
        if example is None:
            example = next((v for k, v in req.examples.items() if naming.arg_name(k) == name), None)
        if example is not None:
            arg["example_value"] = example
        return arg

    def _cookie_secrets(self, value: str, prefix: str, where: str) -> str:
        """Cookie values are session credentials: every literal cookie value is a secret."""
        out = []
        for item in value.split(";"):
            key, eq, val = item.partition("=")
            if eq and val.strip():
                name = key.strip()
                val = self.ph.whole(val, f"{prefix}_{name}", f"{where} {name}")
            out.append(key + eq + val)
        return ";".join(out)

    def result(self) -> Result:
        return Result(self)

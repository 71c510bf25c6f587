"""Postman collections (v2.1, v2.0, v1.0) → the request model → connectors and actions.

The modules: :mod:`converter.postman_input` reads the files (strict JSON with positions,
format detection, v1.0 → v2 shape, environments), :mod:`converter.postman_wire` builds
URLs, headers and bodies the way the runtime sends them, :mod:`converter.postman_auth`
resolves auth.  This one walks the collection and decides what variables become:

- precedence globals < collection < environment < ``--var``; values are substituted up
  to 19 passes deep, unknown names kept as written, as the runtime does;
- the variables that form the scheme and host are resolved into the URL (the emitter
  needs a real base URL);
- secret variables (:meth:`PostmanLoader._secret_names`) become placeholders; the others
  input arguments ``{{{name}}}`` with their value as example; ``:name`` path segments
  too, with the ``url.variable[]`` value as example; dynamic (``{{$guid}}``) and
  undefined variables are input arguments without example, each with a warning.

Messages name JSON paths (``$.item[3]``) and item names, never values.
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from . import model, naming
from .emit import OAUTH2_ORDER, OAUTH2_SECRETS, Emitter, Result
from .errors import ConverterError, Diagnostic
from .model import Auth, Request
from .postman_auth import (POSTMAN_FIELD, REQUIRED_SECRETS, SHOWN_GRANT, AuthPlan, effective_block, lodash_lower,
                           plan_auth, secret_texts)
from .postman_input import (PATH_KEY, JsonDoc, as_list, detect_version, is_postman_collection, js_string,
                            json_path, load_environment, v1_to_v2)
from .postman_wire import _ENCODERS, _HOW, MAX_PASSES, VAR_RE, RequestParts, _label
from .postman_wire import Skip as _Skip
from .secret_catalog import find_secrets, is_credential_header, is_credential_param, placeholder_name

__all__ = ["load_collection", "convert_collection", "is_postman_collection", "register_placeholders", "PostmanLoader"]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_RESOLVED_OAUTH2 = ("token_url", "authorization_url", "scope")  # settings, not credentials
_HTTP_URL = re.compile(r"https?://[^\s/?#@]+(/[^\s#]*)?\Z")  # the schema's http_url
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.$-]+\Z")  # template names every emitter split leaves whole
PARALLEL_ITEMS = 1000  # requests from which a collection is shared out to a second core


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


class PostmanLoader(RequestParts):
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
        self.secret_vars: set[str] = set()  # every secret variable, once the walk is done
        self.scope: dict[str, str] = {}
        self.placeholder_vars: dict[str, str] = {}
        self.path_secrets: dict[str, str] = {}  # placeholder → a secret-looking path variable value
        self._cred_vars: set[str] = set()
        self._req_where: dict[int, str] = {}
        self._safe: dict[str, str] = {}  # template names the emitter cannot carry → plain ones (_safe_names)
        self._templates: dict[str, None] = {}  # every template variable of the walk's requests, in order
        self._auth_where: dict[int, str] = {}  # per request: " of <folder or collection>" of its auth, or ""
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
        if secret:  # typed secret in any scope stays a secret, whatever value wins
            self.typed_secret.add(name)

    def _load_variables(self, environment: str | None, env_source: str, cli: dict[str, str]) -> None:
        env_values, is_globals = [], False
        if environment is not None:
            env_values, is_globals, warnings = load_environment(environment, env_source)
            self.diagnostics.extend(warnings)
        if is_globals:
            for v in env_values:
                self._set(v.key, v.value, v.secret, "globals")
        for v in as_list(self.data.get("variable") if "variable" in self.data else self.data.get("variables")):
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
        if "{{" not in text:
            return text
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
        plan: list = []
        self._plan(items, ("item",), (), chain, self._pruning(self.data, None), plan)
        requests = self._run(plan)
        if not requests and not any(d.severity == "error" for d in self.diagnostics):
            raise self.doc.error(("item",), "the collection has no requests", "empty-collection")
        secret = self._secret_names()
        self.secret_vars = secret
        self._safe = _safe_names(self._templates)
        finished = []
        for req in requests:
            try:
                self._finish(req, secret)
            except _Skip as skip:
                # Its notes about the grant (no saved token, placeholders to fill) no longer apply.
                self.diagnostics.extend(d for d in req.diagnostics if not d.code.startswith("oauth2-"))
                self.diagnostics.append(skip.diagnostic)
                continue
            finished.append(req)
        requests = finished
        # Document order (skipped requests' errors were noted during the walk, the rest after it).
        self.diagnostics.sort(key=lambda d: (d.span is None or d.span.source != self.source,
                                             d.span.line if d.span else 0, d.span.col if d.span else 0))
        return requests

    def secret_value(self, name: str) -> str | None:
        """The input's value behind a placeholder made from a variable (tests fill them in)."""
        if name in self.path_secrets:
            return self.path_secrets[name]
        var = self.placeholder_vars.get(name)
        return None if var is None or var not in self.variables else self.resolve_text("{{" + var + "}}")

    def _path(self, node: dict, fallback: tuple) -> tuple:
        return tuple(node[PATH_KEY]) if self.v1 and PATH_KEY in node else fallback

    @staticmethod
    def _pruning(node: dict, inherited: bool | None) -> bool | None:
        ppb = node.get("protocolProfileBehavior")
        if isinstance(ppb, dict) and isinstance(ppb.get("disableBodyPruning"), bool):
            return ppb["disableBodyPruning"]
        return inherited

    def _note_scripts(self, node: dict, path: tuple) -> None:
        for ev in as_list(node.get("event")):
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

    def _scan_credentials(self, r: Any) -> None:
        """Note the variables this request uses in credential positions, before anything can
        skip it: a variable that is a credential anywhere is a secret everywhere."""
        if not isinstance(r, dict):
            return
        self._collect_auth(r.get("auth"))
        headers = r.get("header")
        if isinstance(headers, str):
            pairs = [(m.group(1), m.group(2)) for m in re.finditer(r"^(\S+):(.*)$", headers, re.M)]
        else:
            pairs = [(h.get("key"), h.get("value")) for h in as_list(headers) if isinstance(h, dict)]
        for key, value in pairs:
            if isinstance(key, str) and (is_credential_header(key) or key.lower() in ("cookie", "proxy-authorization")):
                self._note_credential(value)
        url = r.get("url")
        raw = url if isinstance(url, str) else url.get("raw") if isinstance(url, dict) else None
        params = [p.partition("=")[::2] for p in raw.partition("?")[2].split("&")] if isinstance(raw, str) else []
        if isinstance(url, dict):
            params += [(q.get("key"), q.get("value")) for q in as_list(url.get("query")) if isinstance(q, dict)]
            self._note_credential(url.get("auth") and json.dumps(url.get("auth")))
        body = r.get("body") if isinstance(r.get("body"), dict) else {}
        for mode in ("urlencoded", "formdata"):
            params += [(e.get("key"), e.get("value")) for e in as_list(body.get(mode)) if isinstance(e, dict)]
        for key, value in params:
            if isinstance(key, str) and is_credential_param(key):
                self._note_credential(value)
        if isinstance(body.get("raw"), str):
            self._note_json_credentials(body["raw"])

    def _plan(self, items: list, path: tuple, folders: tuple, chain: list, pruning: bool | None,
              plan: list) -> None:
        """The walk, in document order: the notes about folders and odd items (diagnostics)
        as they come, and one job per request item (see :meth:`_run`)."""
        for i, item in enumerate(items):
            ipath = self._path(item, path + (i,)) if isinstance(item, dict) else path + (i,)
            if not isinstance(item, dict):
                plan.append(Diagnostic("bad-item", "warning", f"{json_path(ipath)}: not an item: ignored",
                                       self.doc.span(ipath)))
                continue
            name = item.get("name") if isinstance(item.get("name"), str) else ""
            if isinstance(item.get("item"), list):
                start = len(self.diagnostics)
                self._note_scripts(item, ipath)
                plan.extend(self.diagnostics[start:])
                del self.diagnostics[start:]
                self._collect_auth(item.get("auth"))
                where = f" of folder {_label(name)} at {json_path(ipath)}"
                inner = [(item.get("auth"), where, self.doc.span(ipath + ("auth",)))] + chain
                self._plan(item["item"], ipath + ("item",), folders + (name,), inner, self._pruning(item, pruning), plan)
            elif "request" in item:
                plan.append((item, ipath, name, folders, chain, self._pruning(item, pruning)))
            else:
                plan.append(Diagnostic("bad-item", "warning",
                                       f"{json_path(ipath)}: an item with neither request nor item[]: ignored",
                                       self.doc.span(ipath)))

    def _run(self, plan: list) -> list[Request]:
        """The plan's requests, in order.  Request items are independent until
        :meth:`_finish`, so a big collection shares them out to a second core
        (:mod:`converter.parallel`); what each adds to the loader is merged here, in
        document order, exactly as one walk would have added it."""
        from .parallel import ordered_map

        done = ordered_map(self._item, [step for step in plan if isinstance(step, tuple)], min_items=PARALLEL_ITEMS)
        requests: list[Request] = []
        for step in plan:
            if isinstance(step, Diagnostic):
                self.diagnostics.append(step)
                continue
            req, extras, templates, diags, cred_vars, placeholder_vars, path_secrets = next(done)
            self.diagnostics.extend(diags)
            self._cred_vars |= cred_vars
            for name, var in placeholder_vars.items():
                self.placeholder_vars.setdefault(name, var)
            self.path_secrets.update(path_secrets)
            if req is not None:
                key = id(req)
                self._req_where[key], self._auth_where[key], self._path_vars[key], self._req_contexts[key] = extras
                self._templates.update(dict.fromkeys(templates))
                requests.append(req)
        return requests

    def _item(self, job: tuple) -> tuple:
        """One request item → (request or None, its notes, its template variables, and what
        it adds to the loader's diagnostics, credential variables, placeholder variables and
        path secrets): the same whichever process computes it."""
        item, ipath, name, folders, chain, pruning = job
        kept = self.diagnostics, self._cred_vars, self.placeholder_vars, self.path_secrets
        self.diagnostics, self._cred_vars, self.placeholder_vars, self.path_secrets = [], set(), {}, {}
        try:
            self._note_scripts(item, ipath)
            self._scan_credentials(item["request"])
            try:
                req, extras = self._request(item, ipath, name, folders, chain, pruning)
            except _Skip as skip:
                self.diagnostics.append(skip.diagnostic)
                req, extras = None, None
            templates = _template_names(req) if req is not None else []
            return req, extras, templates, self.diagnostics, self._cred_vars, self.placeholder_vars, self.path_secrets
        finally:
            self.diagnostics, self._cred_vars, self.placeholder_vars, self.path_secrets = kept

    # --- one request ---------------------------------------------------------------------

    def _request(self, item: dict, ipath: tuple, name: str, folders: tuple, chain: list,
                 pruning: bool | None) -> tuple[Request, tuple]:
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
        return req, (where, awhere, path_vars, self._contexts)

    @staticmethod
    def _hand_written_credential(url: str, headers: list[tuple[str, str]]) -> bool:
        """True when the request writes its own credential (then the emitter detects it, as for curl)."""
        if any(is_credential_header(model.literal_text(k)) and k.lower() != "cookie" for k, _ in headers):
            return True
        _, _, query = url.partition("?")
        authority = url.split("://", 1)[-1].split("/", 1)[0]
        return "@" in authority or any(is_credential_param(model.literal_text(p.partition("=")[0]))
                                       for p in query.split("&") if p)

    # --- finishing: secrets, examples, variable notes ----------------------------------------

    def _finish(self, req: Request, secret: set[str]) -> None:
        used: dict[str, None] = {}
        a = req.auth
        if a is not None and a.kind == "oauth2":
            for key in ("token_url", "authorization_url"):
                if key in a.oauth2:
                    a.oauth2[key] = self._oauth2_url(req, key, a.oauth2[key], secret)

        def token(m: re.Match) -> str:
            kind, var = m.group(1), m.group(2)
            if kind != model.TEMPLATE:
                return m.group(0)
            if var in secret or is_credential_param(var):
                name = placeholder_name(var)
                self.placeholder_vars.setdefault(name, var)
                return model.placeholder(name)
            used.setdefault(var, None)
            return model.template(self._safe.get(var, var))

        def fin(value: str) -> str:  # every template token decided; the text between kept
            return model.TOKEN_RE.sub(token, value) if model.MARK_OPEN in value else value

        req.url = fin(req.url)
        req.headers = [(k, fin(v)) for k, v in req.headers]
        if req.body is not None:
            if req.body.text is not None:
                req.body.text = fin(req.body.text)
            for part in req.body.form or []:
                part.value = fin(part.value) if part.value is not None else None
        if a is not None:
            a.username, a.password, a.token = fin(a.username), fin(a.password), fin(a.token)
            a.oauth2 = {k: (self._settle(v, secret) if k in _RESOLVED_OAUTH2 else fin(v)) for k, v in a.oauth2.items()}
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
                req.examples[name] = self.resolve_text("{{" + name + "}}")  # 19 passes from the reference
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
        req.examples = {self._safe.get(k, k): v for k, v in req.examples.items()}
        self.diagnostics.extend(req.diagnostics)

    def _settle(self, value: str, secret: set[str], register: bool = True) -> str:
        """A connector setting (token URL, scope): secret variables → placeholders, the others → their value."""
        out = []
        for p in model.parts(value):
            if isinstance(p, model.Lit) or p.kind != model.TEMPLATE:
                out.append(p.text if isinstance(p, model.Lit) else model.MARK_OPEN + p.kind + p.name + model.MARK_CLOSE)
            elif p.name in secret or is_credential_param(p.name):
                name = placeholder_name(p.name)
                if register:
                    self.placeholder_vars.setdefault(name, p.name)
                out.append(model.placeholder(name))
            else:
                out.append(self.resolve_text("{{" + p.name + "}}"))
        return "".join(out)

    def _oauth2_url(self, req: Request, key: str, value: str, secret: set[str]) -> str:
        """A token or authorization URL as the connector can hold it (the schema's ``http_url``),
        or a :class:`_Skip`.  As in the app's token request, whitespace is percent-encoded and
        the fragment is not sent; the scheme is case-insensitive."""
        settled = self._settle(value, secret, register=False)
        settled = re.sub(r"\s", lambda m: quote(m.group(0)), settled.split("#", 1)[0])
        settled = re.sub(r"\Ahttps?(?=://)", lambda m: m.group(0).lower(), settled, flags=re.I)
        shown = "".join(p.text if isinstance(p, model.Lit) else f"<<{p.name}>>" for p in model.parts(settled))
        front = re.match(r"(?:[A-Za-z][A-Za-z0-9+.-]*://)?[^/?#]*", shown).group(0)
        unset = VAR_RE.search(front)  # kept as written: the platform would call "https://{{idp}}/token"
        if unset is None and _HTTP_URL.match(shown):
            self._settle(value, secret)  # now its placeholders are registered
            return settled
        if not shown:
            why = "is empty"
        elif unset is not None:
            why = (f"comes from variable {{{{{unset.group(1)[:40]}}}}}, which has no value: give it one in the "
                   "collection, an environment (--environment) or --var")
        elif shown.startswith("<<"):
            why = "starts with a secret variable: write its scheme and host as text"
        elif not re.match(r"https?://", shown):
            why = "is not an absolute http:// or https:// URL"
        elif "@" in front:
            why = "holds user info (user:password@), which the connector cannot keep"
        else:
            why = "is not a valid http(s) URL"
        field_name = "accessTokenUrl" if key == "token_url" else "authUrl"
        span = req.auth.span if req.auth is not None and req.auth.span is not None else req.span
        where = f"{self._where(req)}: oauth2{self._auth_where.get(id(req), '')}"
        raise _Skip(Diagnostic("oauth2-bad-url", "error", f"{where}: the {field_name} {why}: request skipped", span))

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


def _template_names(req: Request) -> list[str]:
    """The template variables a request uses, in order of appearance (repeats kept)."""
    values = [req.url, *(v for _, v in req.headers)]
    if req.body is not None:
        values += [req.body.text or ""] + [p.value or "" for p in req.body.form or []]
    if req.auth is not None:
        values += [req.auth.username, req.auth.password, req.auth.token, *req.auth.oauth2.values()]
    return [name for value in values if value and model.MARK_OPEN in value
            for kind, name in model.TOKEN_RE.findall(value) if kind == model.TEMPLATE]


def _safe_names(names: dict[str, None]) -> dict[str, str]:
    """Variables whose names the emitter cannot carry in a token (it splits values on ``/ ? & =
    ;`` and quotes: ``{{x&y}}``, ``{{?}}``) → distinct plain names, each its input argument's
    name (``naming.arg_name``, suffixed when two would meet: ``{{?}}`` and ``{{#}}`` are two
    arguments, ``arg`` and ``arg_2``).  ``names``: every template variable of the requests,
    in order of appearance."""
    taken = {naming.arg_name(n) for n in names if _PLAIN_NAME.match(n)}
    out: dict[str, str] = {}
    for name in names:
        if _PLAIN_NAME.match(name):
            continue
        base = safe = naming.arg_name(name)
        n = 1
        while safe in taken:
            n += 1
            safe = f"{base[:naming.MAX_NAME - 1 - len(str(n))]}_{n}"
        taken.add(safe)
        out[name] = safe
    return out


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


def register_placeholders(loader: PostmanLoader, em: Emitter) -> None:
    """Tell the emitter about the placeholders the loader made from variables: they are
    reported like its own, their names are taken, and their values join the literal secrets
    the CLI proves absent from every output (the same value typed elsewhere gets the same name)."""
    for name, var in loader.placeholder_vars.items():
        where = "path variable" if name in loader.path_secrets else f"{loader.scope.get(var, 'undefined')} variable"
        em.ph.variable(model.Var(model.TEMPLATE, var), where)
        value = loader.secret_value(name)
        if value:
            em.ph.by_secret.setdefault(value, name)
    # a secret variable used where no placeholder can go (a header name, a host) still has its
    # value guarded: the emitter withholds what holds it instead of writing it
    for var in sorted(loader.secret_vars):
        value = loader.variables.get(var)
        if value and model.is_literal(value):
            em.ph.by_secret.setdefault(value, placeholder_name(var))


def convert_collection(text: str, source: str, *, environment: str | None = None,
                       variables: dict[str, str] | None = None, connector_name: str | None = None,
                       environment_source: str = "<environment>", emitter: Emitter | None = None) -> Result:
    """A collection → connectors and actions (the Postman counterpart of ``convert_text``)."""
    loader = PostmanLoader(text, source, environment=environment, variables=variables,
                           environment_source=environment_source)
    requests = loader.load()
    em = emitter or Emitter(connector_name)
    register_placeholders(loader, em)
    em.diagnostics.extend(loader.diagnostics)
    for req in requests:
        before = len(em.connectors)
        try:
            em.add(req)
        except ConverterError as exc:
            em.diagnostics.append(exc.diagnostic())
        for doc in em.connectors[before:]:
            _fill_required_secrets(doc, em, req)
    return em.result()


def _fill_required_secrets(doc: dict, em: Emitter, req: Request) -> None:
    """An oauth2 grant whose required credential is empty in the collection (shared collections
    often leave the client secret out): the connector gets the placeholder a literal would have
    had, ``<<CONNECTOR_ROLE>>`` (reported as "(empty)"), and one warning says so.  The emitter
    leaves empty settings out, which the schema refuses."""
    settings = doc.get("oauth2")
    if doc.get("auth_config") != "oauth2" or not isinstance(settings, dict):
        return
    grant = settings.get("grant_type")
    missing = [f for f in REQUIRED_SECRETS.get(grant, ()) if not settings.get(f)]
    if not missing:
        return
    names = []
    for field_name in missing:
        token = em.ph.literal("", f"{doc['name'].upper()}_{OAUTH2_SECRETS[field_name]}", f"oauth2 {field_name}")
        names.append(model.sole_token(token).name)
        settings[field_name] = f"<<{names[-1]}>>"
    doc["oauth2"] = {k: settings[k] for k in OAUTH2_ORDER if k in settings}
    em.diagnostics.append(Diagnostic(
        "oauth2-missing-secret", "warning",
        f"connector {doc['name']}: the {SHOWN_GRANT[grant]} grant needs "
        f"{' and '.join(POSTMAN_FIELD[f] for f in missing)}, empty in the collection: "
        f"fill in {', '.join(f'<<{n}>>' for n in names)}",
        req.auth.span if req.auth is not None and req.auth.span is not None else req.span))

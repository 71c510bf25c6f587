"""Postman ``auth`` blocks: inheritance, both parameter encodings, and the mapping to the model.

What the runtime does (postman-runtime 7.39, the authorizers under ``lib/authorizer``),
and what each rule here mirrors:

- inheritance: the request's ``auth``, else the nearest folder's, else the collection's;
  ``auth`` omitted or ``null`` inherits.  ``{"type": "inherit"}`` is written by some tools,
  but the runtime has no such type and sends nothing: we treat it as inherit and say so.
- parameters are an object (v2.0: ``"bearer": {"token": …}``) or a list of
  ``{key, value, type}`` (v2.1); real files mix them, so both are read in any version.
- bearer: an empty token sends nothing; otherwise every ``Authorization`` header is
  replaced by ``Bearer <token>``.  basic: always sent (``Basic base64(user:pass)``), even
  empty, replacing ``Authorization``.
- apikey: ``in`` is ``query`` or (anything else) header.  Nothing is sent when both key
  and value are empty.  A header key that is not an HTTP token makes Node refuse the
  request (newman: "errored"): the request is skipped with an error.  In a header it replaces every header whose lodash ``lowerCase``
  name equals the key's (``X-Key``, ``x_key`` and ``xKey`` all match); in the query it
  replaces parameters of exactly that key and goes last.
- oauth2: only a saved ``accessToken`` is ever sent: ``Authorization: <headerPrefix>
  <token>`` (prefix ``Bearer`` unless given, trimmed; none when empty) or
  ``?access_token=`` for ``addTokenTo: queryParams``; either way ``Authorization``
  headers and ``access_token`` parameters are removed first.  Grant settings
  (``accessTokenUrl``, ``authUrl``, …) are only used by the app to fetch a token; the
  connector needs them (a grant without its token URL, or authorization code without its
  authorization URL, is skipped with an error).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import Diagnostic, Span
from .model import Auth

UNSUPPORTED = ("digest", "oauth1", "hawk", "awsv4", "ntlm", "edgegrid", "jwt", "asap")
SUPPORTED = ("noauth", "basic", "bearer", "apikey", "oauth2")

# Fields that hold credentials, per type; every field of any other type counts as one.
SECRET_FIELDS = {
    "noauth": frozenset(),
    "basic": frozenset({"username", "password"}),
    "bearer": frozenset({"token"}),
    "apikey": frozenset({"value"}),
    "oauth2": frozenset({"accessToken", "clientId", "clientSecret", "username", "password", "refreshToken",
                         "refresh_token", "client_secret", "client_id", "id_token", "idToken", "code_verifier"}),
}

GRANTS = {
    "client_credentials": "client_credentials",
    "password_credentials": "password",
    "password": "password",
    "authorization_code": "authorization_code",
    "authorization_code_with_pkce": "authorization_code",
    "refresh_token": "refresh_token",
    "jwt": "jwt_bearer",
    "jwt_bearer": "jwt_bearer",
    "urn:ietf:params:oauth:grant-type:jwt-bearer": "jwt_bearer",
}
# The connector's oauth2 fields that each grant uses (FORMAT.md, "oauth2").
_GRANT_FIELDS = {
    "client_credentials": (),
    "password": ("username", "password"),
    "authorization_code": ("authorization_url",),
    "refresh_token": ("refresh_token",),
    "jwt_bearer": (),
}

# Credentials each grant cannot do without (the schema's oauth2 rules): when the collection
# leaves one empty (shared collections often do) the connector still gets its placeholder.
REQUIRED_SECRETS = {
    "client_credentials": ("client_id", "client_secret"),
    "password": ("username", "password"),
    "authorization_code": (),
    "refresh_token": ("refresh_token",),
    "jwt_bearer": (),
}
POSTMAN_FIELD = {"client_id": "clientId", "client_secret": "clientSecret", "username": "username",
                 "password": "password", "refresh_token": "refreshToken"}
SHOWN_GRANT = {"client_credentials": "client credentials", "password": "password",
               "authorization_code": "authorization code", "refresh_token": "refresh token", "jwt_bearer": "JWT bearer"}

_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,24}\Z")
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")  # an RFC 9110 token (Node checks the same)
_LODASH_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def shown_type(value: Any) -> str:
    """An auth type name safe to print (types are short identifiers; anything else is not shown)."""
    return value if isinstance(value, str) and _SAFE_NAME.match(value) else "(unnamed)"


def lodash_lower(name: str) -> str:
    """lodash ``_.lowerCase``: words (camelCase, digits and punctuation split) joined by spaces."""
    return " ".join(w.lower() for w in _LODASH_WORD.findall(name))


def params(block: dict, kind: str) -> dict[str, Any]:
    """The parameters of ``kind`` in an auth block, from either encoding."""
    raw = block.get(kind)
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, list):
        out: dict[str, Any] = {}
        for entry in raw:
            if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                out[entry["key"]] = entry.get("value")
        return out
    return {}


def secret_texts(block: Any) -> list[str]:
    """Every string in credential fields of every type present in the block (the selected
    type and any leftovers of unselected ones): the variables they use are secrets."""
    if not isinstance(block, dict):
        return []
    out: list[str] = []
    for kind, raw in block.items():
        if kind == "type" or not isinstance(raw, (dict, list)):
            continue
        secret = SECRET_FIELDS.get(kind)
        for key, value in params(block, kind).items():
            if isinstance(value, str) and (secret is None or key in secret):
                out.append(value)
    return out


def _truthy(value: Any) -> bool:
    """JavaScript truthiness of a JSON scalar (the runtime's ``if (!token)`` tests)."""
    return bool(value) and value != 0


@dataclass
class AuthPlan:
    """What the effective auth does to a request."""

    auth: Auth | None = None
    none: bool = False  # Postman sends no credential (noauth, an empty bearer token, …)
    drop_authorization: bool = False
    drop_header: str | None = None  # apikey header: lodash lowerCase of the key
    drop_query: tuple[str, ...] = ()
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: Diagnostic | None = None


def effective_block(chain: list[tuple[Any, str, Span | None]]) -> tuple[dict | None, str, Span | None, list[Diagnostic]]:
    """The auth block that applies: ``chain`` lists (block, where, span), nearest first;
    ``where`` is "" for the request itself, else " of <folder or collection>".  Messages
    are relative: the caller puts the request's location in front."""
    notes: list[Diagnostic] = []
    for block, where, span in chain:
        if not isinstance(block, dict):
            continue  # omitted or null: inherit
        kind = block.get("type")
        if kind == "inherit":
            notes.append(Diagnostic("auth-inherit-type", "info",
                                    f"auth type 'inherit'{where} is not a Postman runtime type (newman sends no auth); "
                                    "treated as inheriting from the parent", span))
            continue
        if kind is None:
            continue
        return block, where, span, notes
    return None, "", None, notes


def plan_auth(block: dict, where: str, span: Span | None, tok: Callable[[str], str],
              literal: Callable[[str], str], text: Callable[[Any], str]) -> AuthPlan:
    """The plan for one effective auth block.

    ``tok`` turns ``{{var}}`` into template tokens (credential fields), ``literal``
    substitutes variable values (names, URLs, scopes), ``text`` is Postman's ``String(v)``.
    """
    kind = block.get("type")
    p = params(block, kind) if isinstance(kind, str) else {}
    if kind == "noauth":
        return AuthPlan(none=True)
    if kind == "bearer":
        if not _truthy(p.get("token")):
            return AuthPlan(none=True)
        return AuthPlan(Auth("bearer", token=tok(text(p["token"])), span=span), drop_authorization=True)
    if kind == "basic":
        return AuthPlan(Auth("basic", username=tok(text(p.get("username"))), password=tok(text(p.get("password"))),
                             span=span), drop_authorization=True)
    if kind == "apikey":
        return _apikey(p, where, span, tok, literal, text)
    if kind == "oauth2":
        return _oauth2(p, where, span, tok, literal, text)
    plan = AuthPlan()
    shown = shown_type(kind)
    reason = "" if kind in UNSUPPORTED else " (unknown type)"
    plan.error = Diagnostic("unsupported-auth", "error",
                            f"auth type {shown}{reason}{where} cannot be expressed by the platform's connectors "
                            "(basic, bearer, api key and oauth2 can): request skipped", span)
    return plan


def _apikey(p: dict, where: str, span: Span | None, tok, literal, text) -> AuthPlan:
    raw_key = p.get("key")
    # A list or object key reaches the wire as an empty name (newman: "?=value"), never as its JSON text.
    key = "" if isinstance(raw_key, (list, dict)) else literal(text(raw_key))
    value = p.get("value")
    if not key:
        plan = AuthPlan(none=True)
        if _truthy(value):
            plan.diagnostics.append(Diagnostic("auth-incomplete", "warning",
                                               f"api key auth{where} without a key name sends nothing", span))
        return plan
    in_query = p.get("in") == "query"
    if not in_query and not HEADER_NAME.match(key):
        # Node refuses such a header name: newman reports the request as errored and sends nothing.
        why = "comes from a variable that has no value" if "{{" in key else "is not a valid HTTP header name"
        return AuthPlan(error=Diagnostic(
            "bad-auth", "error", f"api key auth{where}: the key (header name) {why}, so Postman cannot send "
                                 "the request: request skipped", span))
    auth = Auth("apikey", key=key, location="query" if in_query else "header", token=tok(text(value)), span=span)
    if in_query:
        return AuthPlan(auth)
    return AuthPlan(auth, drop_header=lodash_lower(key))


def _oauth2(p: dict, where: str, span: Span | None, tok, literal, text) -> AuthPlan:
    token = p.get("accessToken")
    has_token = _truthy(token)
    prefix = "Bearer" if p.get("headerPrefix") is None else text(p.get("headerPrefix")).strip()
    to_query = p.get("addTokenTo") == "queryParams"
    # URLs and scope keep their variables as tokens: a secret one must become a placeholder,
    # the others are resolved to text once secrets are known (PostmanLoader._finish).
    token_url = tok(text(p.get("accessTokenUrl")).strip())
    auth_url = tok(text(p.get("authUrl")).strip())
    if token_url or auth_url:
        grant_raw = literal(text(p.get("grant_type") or "authorization_code")).strip()
        grant = GRANTS.get(grant_raw)
        if grant is None:
            plan = AuthPlan()
            what = "implicit grant runs in a browser and has no token endpoint" if grant_raw == "implicit" else \
                f"grant type {shown_type(grant_raw)} is not one the platform supports"
            plan.error = Diagnostic("unsupported-grant", "error",
                                    f"oauth2{where}: {what}: request skipped (use client credentials, password, "
                                    "authorization code or refresh token)", span)
            return plan
        # The connector's oauth2 cannot do without its URLs (FORMAT.md; the schema requires them).
        missing = "accessTokenUrl" if not token_url else \
            "authUrl" if grant == "authorization_code" and not auth_url else None
        if missing is not None:
            return AuthPlan(error=Diagnostic(
                "oauth2-incomplete", "error", f"oauth2{where}: the {SHOWN_GRANT[grant]} grant has no {missing} "
                                              "(the connector needs it): request skipped", span))
        settings = {"grant_type": grant, "token_url": token_url}
        if "authorization_url" in _GRANT_FIELDS[grant]:
            settings["authorization_url"] = auth_url
        settings["client_id"] = tok(text(p.get("clientId")))
        settings["client_secret"] = tok(text(p.get("clientSecret")))
        settings["scope"] = tok(text(p.get("scope")).strip())
        if grant == "password":
            settings["username"] = tok(text(p.get("username")))
            settings["password"] = tok(text(p.get("password")))
        if grant == "refresh_token":
            settings["refresh_token"] = tok(text(p.get("refreshToken") if p.get("refreshToken") is not None
                                                 else p.get("refresh_token")))
        client_auth = {"header": "basic_header", "body": "body"}.get(text(p.get("client_authentication")))
        if client_auth:
            settings["client_authentication"] = client_auth
        plan = AuthPlan(Auth("oauth2", oauth2=settings, span=span), drop_authorization=True, drop_query=("access_token",))
        if not has_token:
            plan.diagnostics.append(Diagnostic(
                "oauth2-no-saved-token", "info",
                f"oauth2{where}: no access token is saved, so Postman sends this request without one; "
                "the connector's oauth2 grant fetches it", span))
        elif to_query or prefix != "Bearer":
            plan.diagnostics.append(Diagnostic(
                "oauth2-token-placement", "warning",
                f"oauth2{where}: Postman sends the token "
                f"{'as ?access_token=' if to_query else 'with another header prefix'}; "
                "the connector's oauth2 sends 'Authorization: Bearer'", span))
        return plan
    if not has_token or p.get("addTokenTo") not in (None, "header", "queryParams") \
            or text(p.get("tokenType")).lower() == "mac":
        return AuthPlan(none=True)
    value = tok(text(token))
    if to_query:
        return AuthPlan(Auth("apikey", key="access_token", location="query", token=value, span=span),
                        drop_authorization=True, drop_query=("access_token",))
    if prefix == "Bearer":
        return AuthPlan(Auth("bearer", token=value, span=span), drop_authorization=True, drop_query=("access_token",))
    pattern = prefix.replace("%", "%%") + " %s" if prefix else "%s"
    return AuthPlan(Auth("apikey", key="Authorization", location="header", pattern=pattern, token=value, span=span),
                    drop_authorization=True, drop_query=("access_token",))

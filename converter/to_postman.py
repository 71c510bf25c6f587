"""Export connector and action definitions as a Postman v2.1 collection.

One folder per connector, carrying the connector's auth; one request per action,
inheriting it.  ``<<NAME>>`` placeholders become ``{{NAME}}`` collection variables
with empty values (secrets belong in an environment, never in a shared file) and
input arguments ``{{{name}}}`` become ``{{name}}`` variables holding their example
values.  The request newman sends from the export is the request ``to-curl``
renders; ``tests/test_roundtrip_postman.py`` holds both to that, on the loopback
echo server.  Choices made for that, each checked with newman 6:

- bodies stay in ``raw`` mode with the exact string, also for form-encoded bodies:
  the ``urlencoded`` mode re-encodes keys and values;
- without a Content-Type header of the action, a raw body would get Postman's
  ``text/plain`` (or ``application/json``); ``disabledSystemHeaders`` stops that,
  as to-curl's ``-H 'Content-Type:'`` does for curl;
- ``disableBodyPruning`` keeps a body on GET/DELETE (Postman drops it by default);
- ``Authorization: Bearer %s`` becomes Postman's ``bearer`` type, other header
  patterns its ``apikey`` type with the pattern filled in;  a param key goes last in
  the query in both (Postman appends it, to-curl too);
- an oauth2 connector sends its access token placeholder as a bearer token (the
  same name to-curl uses); the grant settings are filled in so that Postman's
  "Get New Access Token" works.

Not expressible in the format: a form file part's ``filename`` override (the file's
own name is sent).  Literal ``{{x}}`` text in a definition would be read by Postman
as a variable if a variable ``x`` existed.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Mapping

from .errors import ConverterError, ExitStatus
from .to_curl import TOKEN_RE, Renderer, auth_parts, printf_pattern, scalar_text

__all__ = ["to_postman", "collection_json", "write_collection", "SCHEMA_URL"]

SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
_URL_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)", re.S)
# Postman's grant_type values (the app's "Grant Type" menu) for ours.
_GRANTS = {"client_credentials": "client_credentials", "password": "password_credentials",
           "authorization_code": "authorization_code"}


class _Vars:
    """Collection variables in first-use order: placeholders (empty) and arguments (examples)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.secret: set[str] = set()

    def text(self, value: Any, examples: Mapping[str, str] | None = None) -> str:
        """Definition text in Postman syntax: <<NAME>> and {{{name}}} → {{NAME}} / {{name}}."""
        def sub(m: re.Match) -> str:
            if m.group(1):
                self.values.setdefault(m.group(1), "")
                self.secret.add(m.group(1))
                return "{{" + m.group(1) + "}}"
            name = m.group(2)
            example = (examples or {}).get(name)
            if example is not None and not self.values.get(name) and name not in self.secret:
                self.values[name] = example  # the first example given wins
            else:
                self.values.setdefault(name, "")
            return "{{" + name + "}}"

        return TOKEN_RE.sub(sub, scalar_text(value))

    def list(self) -> list[dict]:
        out = []
        for key, value in self.values.items():
            item = {"key": key, "value": value, "type": "string"}
            if key in self.secret:
                item["description"] = "A placeholder (often a secret): set it in a Postman environment, not here."
            out.append(item)
        return out


def _attrs(**values: str) -> list[dict]:
    return [{"key": k, "value": v, "type": "string"} for k, v in values.items()]


def _auth_block(conn: Mapping, v: _Vars) -> dict:
    kind = conn.get("auth_config") or "no_auth"
    cfg = conn.get(kind) if isinstance(conn.get(kind), dict) else {}
    name = str(conn.get("name", "?"))

    def bad(message: str) -> ConverterError:
        return ConverterError("bad-definitions", f"connector '{name}': {message}")

    if kind == "no_auth":
        return {"type": "noauth"}
    if kind == "api_key_auth":
        key = scalar_text(cfg.get("api_key", ""))
        if cfg.get("auth_type") == "param_auth":
            if not cfg.get("param_auth_param_name"):
                raise bad("param_auth has no param_auth_param_name")
            return {"type": "apikey", "apikey": _attrs(key=v.text(cfg["param_auth_param_name"]), value=v.text(key),
                                                       **{"in": "query"})}
        if cfg.get("auth_type") == "header_auth":
            header = cfg.get("header_auth_key")
            if not header:
                raise bad("header_auth has no header_auth_key")
            pattern = scalar_text(cfg.get("header_auth_value_pattern") or "%s")
            if str(header).lower() == "authorization" and pattern == "Bearer %s":
                return {"type": "bearer", "bearer": _attrs(token=v.text(key))}
            return {"type": "apikey", "apikey": _attrs(key=v.text(header), value=v.text(printf_pattern(pattern, key)),
                                                       **{"in": "header"})}
        raise bad("api_key_auth has no known auth_type")
    if kind == "basic_auth":
        return {"type": "basic", "basic": _attrs(username=v.text(cfg.get("username", "")),
                                                 password=v.text(cfg.get("password", "")))}
    if kind == "oauth2":
        # The token to-curl sends; its placeholder name is to-curl's rule.
        headers, _, _, _ = auth_parts(Renderer(conn, {"name": name}, {}))
        token = next(text for kind_, text in headers[0] if kind_ == "var")
        attrs = {"accessToken": v.text(f"<<{token}>>"), "tokenType": "Bearer", "addTokenTo": "header",
                 "headerPrefix": "Bearer"}
        grant = scalar_text(cfg.get("grant_type", ""))
        if grant in _GRANTS:
            attrs["grant_type"] = _GRANTS[grant]
        fields = {"token_url": "accessTokenUrl", "authorization_url": "authUrl", "client_id": "clientId",
                  "client_secret": "clientSecret", "scope": "scope", "username": "username",
                  "password": "password", "refresh_token": "refreshToken"}
        for ours, theirs in fields.items():
            if cfg.get(ours) is not None:
                attrs[theirs] = v.text(cfg[ours])
        if cfg.get("client_authentication") in ("body", "basic_header"):
            attrs["client_authentication"] = "body" if cfg["client_authentication"] == "body" else "header"
        return {"type": "oauth2", "oauth2": _attrs(**attrs)}
    raise ConverterError("unsupported-auth", f"connector '{name}': auth_config '{kind}' has no Postman equivalent")


def url_word(r: Renderer, v: _Vars, examples: Mapping[str, str]) -> dict:
    base = v.text(r.connector.get("base_url") or "", examples)
    m = _URL_RE.fullmatch(base)
    if not m:
        raise r.error("bad-definitions", "its connector's base_url is not scheme://host")
    protocol, authority, prefix = m.groups()
    host, port = authority, None
    pm = re.fullmatch(r"(.*):(\d+)", authority)
    if pm:
        host, port = pm.groups()
    path = prefix + v.text(r.action.get("path") or "", examples)
    query = []
    for key, value in r.pairs("query_params"):
        query.append({"key": v.text(key, examples), "value": None if value is None else v.text(value, examples)})
    raw = f"{protocol}://{authority}{path}"
    if query:
        raw += "?" + "&".join(q["key"] if q["value"] is None else f"{q['key']}={q['value']}" for q in query)
    url: dict[str, Any] = {"raw": raw, "protocol": protocol, "host": host.split(".")}
    if port:
        url["port"] = port
    # Postman joins path segments with '/' after a leading one.
    url["path"] = path[1:].split("/") if path.startswith("/") else ([path] if path else [])
    if query:
        url["query"] = query
    return url


def _body(r: Renderer, v: _Vars, examples: Mapping[str, str], headers: list[dict]) -> dict | None:
    action = r.action
    ctype = next((h["value"] for h in headers if h["key"].lower() == "content-type"), None)
    if action.get("body") is not None:
        body: dict[str, Any] = {"mode": "raw", "raw": v.text(action["body"], examples)}
        if ctype is not None and re.search(r"[/+]json\b", ctype, re.I):
            body["options"] = {"raw": {"language": "json"}}
        return body
    if action.get("body_file") is not None:
        return {"mode": "file", "file": {"src": v.text(action["body_file"], examples)}}
    if action.get("form_data") is not None:
        parts = []
        for i, part in enumerate(action["form_data"] or []):
            if not isinstance(part, dict) or part.get("key") is None:
                raise r.error("bad-definitions", f"form_data[{i}] has no key")
            if part.get("file") is not None:
                item = {"key": v.text(part["key"], examples), "type": "file", "src": v.text(part["file"], examples)}
            else:
                value = "" if part.get("value") is None else part["value"]
                item = {"key": v.text(part["key"], examples), "value": v.text(value, examples), "type": "text"}
            if part.get("content_type") is not None:
                item["contentType"] = v.text(part["content_type"], examples)
            parts.append(item)
        return {"mode": "formdata", "formdata": parts}
    return None


def _request_item(conn: Mapping, action: Mapping, v: _Vars) -> dict:
    r = Renderer(conn, action, {})
    examples = r.examples
    method = r.text(action.get("method") or "", "method").upper()
    headers = [{"key": v.text(k, examples), "value": "" if val is None else v.text(val, examples)}
               for k, val in r.pairs("headers")]
    for item in action.get("input_args") or []:
        if isinstance(item, dict) and item.get("name") is not None:
            v.text("{{{" + str(item["name"]) + "}}}", examples)  # declared arguments are variables even if unused
    request: dict[str, Any] = {"method": method, "header": headers}
    body = _body(r, v, examples, headers)
    if body is not None:
        request["body"] = body
    request["url"] = url_word(r, v, examples)
    if action.get("description"):
        request["description"] = str(action["description"])
    item: dict[str, Any] = {"name": r.name, "request": request}
    behaviour = {}
    if body is not None:
        behaviour["disableBodyPruning"] = True
        if body["mode"] != "formdata" and not any(h["key"].lower() == "content-type" for h in headers):
            behaviour["disabledSystemHeaders"] = {"content-type": True}
    if behaviour:
        item["protocolProfileBehavior"] = behaviour
    return item


def to_postman(connectors: list[dict], actions: list[dict], name: str = "curl2connector") -> dict:
    """A Postman v2.1 collection (a JSON-ready dict) of the definitions."""
    v = _Vars()
    folders: dict[str, dict] = {}
    for conn in connectors:
        key = str(conn.get("name"))
        if key in folders:
            continue
        folder: dict[str, Any] = {"name": key}
        if conn.get("description"):
            folder["description"] = str(conn["description"])
        folder["auth"] = _auth_block(conn, v)
        folder["item"] = []
        folders[key] = folder
    for action in actions:
        ref = str(action.get("connector"))
        if ref not in folders:
            defined = ", ".join(sorted(folders)) or "none"
            raise ConverterError("unknown-connector",
                                 f"action '{action.get('name')}' refers to an unknown connector '{ref}' (defined: {defined})")
        conn = next(c for c in connectors if str(c.get("name")) == ref)
        folders[ref]["item"].append(_request_item(conn, action, v))
    return {
        "info": {
            "name": name,
            "description": "Exported by curl2connector. Fill the empty variables (secrets: in an environment, "
                           "not in this file) before sending.",
            "schema": SCHEMA_URL,
        },
        "item": list(folders.values()),
        "variable": v.list(),
    }


def collection_json(doc: dict) -> str:
    """The collection as written to a file: indented, non-ASCII kept, final newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def write_collection(doc: dict, path: str | os.PathLike, force: bool = False) -> bool:
    """Write the collection atomically (a temporary file renamed into place).  An
    existing file that differs is replaced only with ``force``; returns False when
    the file already held exactly this collection."""
    target = Path(path)
    text = collection_json(doc)
    try:
        if target.read_text(encoding="utf-8") == text:
            return False
        exists = True
    except FileNotFoundError:
        exists = False
    except (OSError, UnicodeDecodeError):
        exists = target.exists()
    if exists and not force:
        raise ConverterError("exists", f"{target} already exists and differs (use --force)", None,
                             ExitStatus.OUTPUT_EXISTS)
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".c2c-", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise ConverterError("write-failed", f"cannot write {target}: {exc.strerror}", None, ExitStatus.USAGE) from None
    return True

"""Postman files as data: strict JSON with positions, format detection, v1.0 → v2 shape,
environment and globals exports.

Why not plain ``json.loads``: it accepts ``NaN``/``Infinity``, keeps the last of
duplicate keys silently, and says nothing about *where* a node is.  Here the text is
parsed by ``json.loads`` (fast) with hooks that refuse constants and note duplicate
keys, after a cheap bracket scan that refuses nesting deeper than :data:`MAX_DEPTH`;
positions (line:col of any node, by JSON path) are computed lazily by one token pass,
only once a message needs them.

Messages name JSON paths (``$.item[3].request.url``) and positions, never values: the
line text is not kept in spans, because a collection line often holds a credential.
"""
from __future__ import annotations

import bisect
import json
import re
import sys
import weakref
from array import array
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from . import model
from .errors import ConverterError, Diagnostic, LazySpan, Span
from .json_offsets import JsonOffsets

MAX_DEPTH = 500

Path = tuple  # of str (object keys) and int (array indexes)

_SAFE_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]{0,40}\Z")
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)
_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)', re.S)
_INT = re.compile(r'"(?:[^"\\]|\\.)*"|([0-9]+)(?![0-9.eE])', re.S)
_BAD_TEXT = re.compile(f"[{model.MARK_OPEN}{model.MARK_CLOSE}\ud800-\udfff]")
def _has_bad_text(text: str) -> bool:
    """Whether ``text`` holds a token mark or a lone surrogate (the same question as
    ``_BAD_TEXT.search``, at C speed: ``in`` tests, and UTF-8 encoding refuses surrogates)."""
    if model.MARK_OPEN in text or model.MARK_CLOSE in text:
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_BAD_ESCAPE = re.compile(r"\\u(?:[eE]00[01]|[dD][89a-fA-F])")  # how JSON text can write one
# brackets as +1 / -1 (signed bytes); every other byte deleted
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_BRACKET_BYTES = bytes(b for b in range(256) if b not in b"[]{}")


def as_list(value: Any) -> list:
    """A JSON list, or [] for anything else (hand-edited files put odd values anywhere)."""
    return value if isinstance(value, list) else []


def _ids(value: Any) -> list[str]:
    return [v for v in as_list(value) if isinstance(v, str)]


def json_path(path: Path) -> str:
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _SAFE_KEY.match(part):
            out += "." + part
        else:
            out += "[" + json.dumps(part if len(part) <= 40 else part[:40] + "…") + "]"
    return out


class _Constant(ValueError):
    pass


def _refuse_constant(name: str):
    raise _Constant(name)


# Every live document by id: what a pickled span's document stands for (see _NodeSpan).
_LIVE: "weakref.WeakValueDictionary[int, JsonDoc]" = weakref.WeakValueDictionary()


class _NodeSpan:
    """Works out the span of one node of a document (see JsonDoc.span).

    Pickled (a forked child sends its requests back, see converter.parallel) it names its
    document instead of copying it: the process that loads it forked from the same one and
    holds the same document at the same id."""

    __slots__ = ("doc", "path")

    def __init__(self, doc: "JsonDoc", path: Path) -> None:
        self.doc, self.path = doc, path

    def __call__(self) -> Span:
        return self.doc._span_of(self.path)

    def __reduce__(self):
        return (_node_span, (id(self.doc), self.path))


def _node_span(key: int, path: Path) -> _NodeSpan:
    return _NodeSpan(_LIVE[key], path)


class JsonDoc:
    """A parsed JSON document that can tell where each of its nodes starts."""

    def __init__(self, text: str, source: str):
        if text.startswith("\ufeff"):
            text = text[1:]
        self.text = text
        self.source = source
        self.warnings: list[Diagnostic] = []
        self._offsets: JsonOffsets | None = None
        self._lines: list[int] | None = None
        _LIVE[id(self)] = self
        self._check_depth()
        dups: list[tuple[dict, str]] = []

        def pairs(items):
            out = dict(items)
            if len(out) != len(items):  # a duplicate key: find which (rare, so slow is fine)
                seen: set = set()
                for key, _value in items:
                    if key in seen:
                        dups.append((out, key))
                    seen.add(key)
            return out

        try:
            self.value = json.loads(text, object_pairs_hook=pairs, parse_constant=_refuse_constant)
        except _Constant:
            m = next(m for m in _CONSTANT.finditer(text) if m.group(1))
            raise self.error((), "NaN and Infinity are not JSON", offset=m.start(1)) from None
        except json.JSONDecodeError as exc:
            # exc.msg is generic ("Expecting ',' delimiter"): it never quotes the input.
            raise ConverterError("bad-json", f"$: not valid JSON ({exc.msg})", Span(exc.lineno, exc.colno, source)) from None
        except ValueError:  # int() refuses integers longer than sys.get_int_max_str_digits()
            limit = sys.get_int_max_str_digits()
            m = next((m for m in _INT.finditer(text) if m.group(1) and len(m.group(1)) > limit), None)
            raise self.error((), "an integer too long to read (thousands of digits)", "bad-json",
                             offset=m.start(1) if m else None) from None
        except RecursionError:  # pragma: no cover - the depth check comes first
            raise self.error((), f"JSON nested deeper than {MAX_DEPTH} levels") from None
        if _has_bad_text(text) or _BAD_ESCAPE.search(text):  # else no string can hold one
            self._check_strings(self.value, ())
        if dups:
            self._report_duplicates(dups)

    # --- checks -------------------------------------------------------------------

    def _check_depth(self) -> None:
        # The nesting depth of the brackets outside strings, at C speed: strings and all but
        # brackets removed, brackets as +1/-1 bytes, running sum.  Only a document that is
        # too deep is scanned again, in Python, to say where.
        # Strings go first: escaped backslashes, then escaped quotes, are dropped (str.replace,
        # left to right, keeps a run of backslashes' parity), so every '"' left opens or
        # closes a string and the text outside strings is every other piece between them.
        text = self.text.replace("\\\\", "").replace('\\"', "") if "\\" in self.text else self.text
        outside = "".join(text.split('"')[::2]).encode("utf-8", "surrogatepass")
        skeleton = outside.translate(_BRACKET_STEPS, _NOT_BRACKET_BYTES)
        if len(skeleton) <= MAX_DEPTH or max(accumulate(array("b", skeleton))) <= MAX_DEPTH:
            return
        depth = 0
        for m in _BRACKETS.finditer(self.text):
            c = m.group(0)
            if c in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise ConverterError("json-too-deep", f"$: JSON nested deeper than {MAX_DEPTH} levels",
                                         self._span_at(m.start()))
            elif c in "]}":
                depth -= 1

    def _check_strings(self, node: Any, path: Path) -> None:
        """Private-use marks (the model's token marks) and lone surrogates are refused."""
        stack = [(node, path)]
        while stack:
            node, path = stack.pop()
            if isinstance(node, str):
                if _BAD_TEXT.search(node):
                    raise self.error(path, "unsupported character (U+E000/U+E001 or a lone surrogate)")
            elif isinstance(node, dict):
                for k, v in node.items():
                    if _BAD_TEXT.search(k):
                        raise self.error(path, "unsupported character in a key")
                    stack.append((v, path + (k,)))
            elif isinstance(node, list):
                stack.extend((v, path + (i,)) for i, v in enumerate(node))

    def _report_duplicates(self, dups: list[tuple[dict, str]]) -> None:
        where: dict[int, Path] = {}
        wanted = {id(d) for d, _ in dups}
        stack: list[tuple[Any, Path]] = [(self.value, ())]
        while stack and len(where) < len(wanted):
            node, path = stack.pop()
            if isinstance(node, dict):
                if id(node) in wanted:
                    where[id(node)] = path
                stack.extend((v, path + (k,)) for k, v in node.items())
            elif isinstance(node, list):
                stack.extend((v, path + (i,)) for i, v in enumerate(node))
        for d, key in dups:
            path = where.get(id(d), ())
            shown = f" {key!r}" if _SAFE_KEY.match(key) else ""
            self.warnings.append(Diagnostic("json-duplicate-key", "warning",
                                            f"{json_path(path)}: duplicate key{shown}: the last one wins, as in Postman",
                                            self.span(path + (key,))))

    # --- positions ----------------------------------------------------------------

    def _span_at(self, offset: int, length: int = 1) -> Span:
        if self._lines is None:
            self._lines = [m.start() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_left(self._lines, offset)
        start = self._lines[line - 1] + 1 if line else 0
        return Span(line + 1, offset - start + 1, self.source, "", length)

    def span(self, path: Path) -> LazySpan:
        """line:col of the node at ``path`` (line 0 when the path is not in the text),
        found when first read."""
        return LazySpan(_NodeSpan(self, path))

    def _span_of(self, path: Path) -> Span:
        if self._offsets is None:
            self._offsets = JsonOffsets(self.text)
        offset = self._offsets.get(tuple(path))
        if offset is None:
            return Span(0, 0, self.source)
        return self._span_at(offset)

    def error(self, path: Path, message: str, code: str = "bad-collection", offset: int | None = None) -> ConverterError:
        span = self._span_at(offset) if offset is not None else self.span(path)
        return ConverterError(code, f"{json_path(path)}: {message}", span)


# --- format detection -------------------------------------------------------------


def detect_version(doc: Any) -> str | None:
    """"2.1", "2.0", "1.0" or None (not a collection)."""
    if not isinstance(doc, dict):
        return None
    info = doc.get("info")
    if isinstance(info, dict) and isinstance(info.get("schema"), str):
        schema = info["schema"]
        if "postman" in schema.lower() or "item" in doc:
            if "/v1." in schema:
                return "1.0"
            if "/v2.0" in schema:
                return "2.0"
            return "2.1"
    if isinstance(doc.get("item"), list) and (isinstance(info, dict) or "name" in doc):
        return "2.1"
    if isinstance(doc.get("requests"), list) and ("order" in doc or "folders" in doc or "name" in doc):
        return "1.0"
    return None


def is_postman_collection(text: str) -> bool:
    """Cheap content test: a JSON object shaped like a Postman collection (any version)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith("{"):
        return False
    try:
        doc = json.loads(stripped)
    except (ValueError, RecursionError):
        return False
    return detect_version(doc) is not None


# --- environments ---------------------------------------------------------------------


@dataclass
class EnvValue:
    key: str
    value: str
    secret: bool


def load_environment(text: str, source: str) -> tuple[list[EnvValue], bool, list[Diagnostic]]:
    """An environment or globals export → (enabled values, is_globals, warnings)."""
    doc = JsonDoc(text, source)
    data = doc.value
    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
        if isinstance(data, dict) and detect_version(data):
            raise doc.error((), "this is a collection, not an environment: an environment export has values[]",
                            "bad-environment")
        raise doc.error((), "a Postman environment or globals export has a values[] list", "bad-environment")
    is_globals = data.get("_postman_variable_scope") == "globals"
    out: list[EnvValue] = []
    warnings = list(doc.warnings)
    for i, entry in enumerate(data["values"]):
        path = ("values", i)
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str) or not entry["key"]:
            warnings.append(Diagnostic("bad-environment", "warning", f"{json_path(path)}: entry without a key: ignored",
                                       doc.span(path)))
            continue
        if entry.get("enabled") is False or entry.get("disabled") is True:
            continue
        out.append(EnvValue(entry["key"], js_string(entry.get("value")), entry.get("type") == "secret"))
    return out, is_globals, warnings


def js_string(value: Any) -> str:
    """A JSON scalar as Postman turns it into text (``String(v)``; null → empty)."""
    if type(value) is str:  # nearly always
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


# --- v1.0 → the v2 shape ------------------------------------------------------------------

V1_AUTH_HELPERS = {"apikeyAuth": "apikey", "basicAuth": "basic", "bearerAuth": "bearer", "digestAuth": "digest",
                   "hawkAuth": "hawk", "oAuth1": "oauth1", "oAuth2": "oauth2", "ntlmAuth": "ntlm", "awsSigV4": "awsv4"}
_V1_MODES = {"raw": "raw", "urlencoded": "urlencoded", "params": "formdata", "binary": "file", "graphql": "graphql"}
PATH_KEY = "\x00path"  # the original JSON path of a converted v1 node (a key no JSON input can collide with)
V1_QUERY_KEY = "\x00query"  # a v1 URL whose query comes from queryParams[] (raw holds no query then)


def v1_to_v2(doc: dict) -> dict:
    """A v1.0 collection in the v2 shape, as newman's own transformer lays it out:
    each folder holds its sub-folders (``folders_order``) then its requests (``order``);
    the root holds the top-level folders then the root requests.  Requests listed in no
    ``order`` are not part of the collection.  Every node keeps its v1 JSON path."""
    requests = {r["id"]: (i, r) for i, r in enumerate(as_list(doc.get("requests")))
                if isinstance(r, dict) and isinstance(r.get("id"), str)}
    folders = {f["id"]: (i, f) for i, f in enumerate(as_list(doc.get("folders")))
               if isinstance(f, dict) and isinstance(f.get("id"), str)}
    sub_ids = {sid for _, f in folders.values() for sid in _ids(f.get("folders_order"))}

    def request_item(rid: str) -> dict | None:
        if rid not in requests:
            return None
        i, r = requests[rid]
        return {"name": r.get("name") or "", "request": _v1_request(r), PATH_KEY: ("requests", i)}

    def folder_item(fid: str, seen: frozenset) -> dict | None:
        if fid not in folders or fid in seen:
            return None
        i, f = folders[fid]
        items = [folder_item(s, seen | {fid}) for s in _ids(f.get("folders_order"))]
        items += [request_item(r) for r in _ids(f.get("order"))]
        out = {"name": f.get("name") or "", "item": [x for x in items if x], PATH_KEY: ("folders", i)}
        if f.get("description"):
            out["description"] = f["description"]
        auth = _v1_auth(f)
        if auth is not None:
            out["auth"] = auth
        return out

    top = _ids(doc.get("folders_order")) or [fid for fid, _ in sorted(folders.items(), key=lambda x: x[1][0])]
    items = [folder_item(fid, frozenset()) for fid in dict.fromkeys(top) if fid not in sub_ids]
    items += [request_item(rid) for rid in _ids(doc.get("order"))]
    out: dict = {"info": {"name": doc.get("name") or "", "schema": "v1.0.0"}, "item": [x for x in items if x]}
    if doc.get("description"):
        out["info"]["description"] = doc["description"]
    if isinstance(doc.get("variables"), list):
        out["variable"] = doc["variables"]
    auth = _v1_auth(doc)
    if auth is not None:
        out["auth"] = auth
    if doc.get("events") or doc.get("preRequestScript"):
        out["event"] = _v1_events(doc)
    return out


def _v1_auth(node: dict) -> dict | None:
    helper = node.get("currentHelper")
    if helper in (None, "normal") and not node.get("helperAttributes"):
        auth = node.get("auth")
        return auth if isinstance(auth, dict) else None
    kind = V1_AUTH_HELPERS.get(helper) if isinstance(helper, str) else None
    if kind is None:
        return None
    attrs = node.get("helperAttributes")
    if isinstance(attrs, str):
        try:
            attrs = json.loads(attrs)
        except ValueError:
            attrs = {}
    attrs = attrs if isinstance(attrs, dict) else {}
    if kind == "basic":
        params = {"username": attrs.get("username"), "password": attrs.get("password")}
    elif kind == "bearer":
        params = {"token": attrs.get("token")}
    elif kind == "apikey":
        params = {"key": attrs.get("key"), "value": attrs.get("value"), "in": attrs.get("in")}
    else:
        params = dict(attrs)
    return {"type": kind, kind: {k: v for k, v in params.items() if v is not None}}


def _v1_events(node: dict) -> list:
    if isinstance(node.get("events"), list):
        return node["events"]
    return [{"listen": "prerequest", "script": {"exec": node["preRequestScript"]}}]


def _v1_headers(r: dict) -> list | str:
    if isinstance(r.get("headerData"), list) and r["headerData"]:
        out = []
        for h in r["headerData"]:
            if not isinstance(h, dict) or not isinstance(h.get("key"), str):
                continue
            h = dict(h)
            if h["key"].startswith("//") or h.get("enabled") is False:
                h["disabled"] = True
                h["key"] = h["key"][2:].strip() if h["key"].startswith("//") else h["key"]
            out.append(h)
        return out
    return r.get("headers") if isinstance(r.get("headers"), (str, list)) else []


def _v1_url(r: dict) -> Any:
    raw = r.get("url") if isinstance(r.get("url"), str) else ""
    variables = []
    for v in as_list(r.get("pathVariableData")):
        if isinstance(v, dict) and isinstance(v.get("key"), str) and v["key"]:
            variables.append({"key": v["key"], "value": v.get("value")})
    if isinstance(r.get("pathVariables"), dict):
        known = {v["key"] for v in variables}
        variables += [{"key": k, "value": v} for k, v in r["pathVariables"].items() if k not in known]
    query = r.get("queryParams")
    if isinstance(query, list) and query:
        params = []
        for q in query:
            if not isinstance(q, dict):
                continue
            q = dict(q)
            if q.pop("enabled", True) is False:
                q["disabled"] = True
            if "equals" in q:
                if q.pop("equals"):
                    q["value"] = "" if q.get("value") is None else q["value"]
                else:
                    q["value"] = q.get("value") or None
            params.append(q)
        return {"raw": raw.split("?", 1)[0], "query": params, "variable": variables, V1_QUERY_KEY: True}
    if variables:
        return {"raw": raw, "variable": variables}
    return raw


def _v1_request(r: dict) -> dict:
    req: dict = {"method": r.get("method") or "GET", "url": _v1_url(r), "header": _v1_headers(r)}
    if r.get("description"):
        req["description"] = r["description"]
    auth = _v1_auth(r)
    if auth is not None:
        req["auth"] = auth
    body = _v1_body(r)
    if body is not None:
        req["body"] = body
    return req


def _v1_body(r: dict) -> dict | None:
    mode = _V1_MODES.get(r["dataMode"]) if isinstance(r.get("dataMode"), str) else None
    raw = r.get("rawModeData")
    if isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], str):
        raw = raw[0]
    data = r.get("data")
    if mode is None:
        if r.get("dataMode") is None and not data and not raw and not r.get("graphqlModeData"):
            return None
        mode = "raw" if isinstance(raw, str) else "formdata" if isinstance(data, list) else "raw"
    body: dict = {"mode": mode}
    if mode == "raw":
        body["raw"] = raw if isinstance(raw, str) else data if isinstance(data, str) else ""
    elif mode == "graphql":
        body["graphql"] = r.get("graphqlModeData") or {}
    elif mode == "file":
        body["file"] = {"src": raw if isinstance(raw, str) else None}
    else:
        entries = []
        for d in data if isinstance(data, list) else []:
            if not isinstance(d, dict) or d.get("key") is None:
                continue
            d = dict(d)
            if d.get("type") == "file" and not d.get("src") and d.get("value"):
                d["src"] = d.pop("value")
            if d.pop("enabled", True) is False:
                d["disabled"] = True
            entries.append(d)
        body[mode] = entries
    if isinstance(r.get("dataOptions"), dict):
        body["options"] = {_V1_MODES.get(k, k): v for k, v in r["dataOptions"].items()}
    if r.get("dataDisabled"):
        body["disabled"] = True
    return body

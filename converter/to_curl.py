"""Render connector and action definitions back into runnable bash curl commands.

This is the inverse of ``convert``: it reads the plain dicts of FORMAT.md (as loaded
from YAML) and prints one curl command per action, so that a definition can be tried
by hand and so that a differential test can compare what the original curl command
sent with what the definition sends.  Real curl (7.88) is the judge; every rule below
was checked against it:

- custom headers are sent verbatim (``-H 'K: v'``); a header whose value is empty or
  only whitespace would *remove* the header, so an empty value is written ``-H 'K;'``;
- ``--data-*`` adds ``Content-Type: application/x-www-form-urlencoded`` unless the
  request already has a Content-Type, so ``-H 'Content-Type:'`` suppresses it when
  the action has none (the definition's ``body`` carries no implicit type);
- ``--data-binary`` reads a file when its value starts with ``@``: such bodies (and
  bodies starting with a placeholder, whose value is unknown) use ``--data-raw``;
- ``-F`` parses its value (``;type=``, surrounding ``"…"``, leading/trailing spaces,
  ``@``/``<`` file prefixes, ``(``/``)`` sub-multiparts, ``,`` between file names), so text parts that would be
  altered use ``--form-string``; file names that need it are ``"``-quoted with ``\\``
  escapes; a user ``Content-Type: multipart/form-data`` header still gets a boundary;
- curl globs ``[]{}`` in URLs, so ``-g`` is added when the URL has one of them or a
  placeholder (whose run-time value might).

Placeholders ``<<NAME>>`` become ``"${NAME}"`` so that they expand when the command
runs; everything else is single-quoted.  Input arguments ``{{{name}}}`` are replaced
by their values at render time and are literal text from then on.
"""
from __future__ import annotations

import pathlib
import re
from typing import Any, Mapping

import yaml

from .errors import ConverterError

__all__ = ["load_definitions", "render_action", "render_all"]
# Shared with runner.py (which sends what the command would) and to_postman.py (which exports
# it): Renderer, auth_parts, url_word, header_word, checked_method, word_text, has_var,
# printf_pattern, scalar_text, TOKEN_RE; one reading of a definition for all three.

_PLACEHOLDER_RE = r"<<([A-Z][A-Z0-9_]*)>>"
_ARG_RE = r"\{\{\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}\}\}"
TOKEN_RE = re.compile(f"{_PLACEHOLDER_RE}|{_ARG_RE}")
_PRINTF_RE = re.compile(r"%([%s])")
_METHOD_RE = re.compile(r"[A-Z]+")
# What curl's ISSPACE() accepts: it trims these around -F values and header values.
_CURL_SPACE = " \t\n\v\f\r"
# -F treats a leading @ < ( ) " or space specially (files, sub-multiparts, quoting).
_SAFE_FORM_VALUE_RE = re.compile(r'(?![@<"()\s])[^;\x00-\x1f\x7f]*(?<![ \t\v\f])\Z')
_GLOB_CHARS = set("[]{}")

# A piece of a shell word: ("lit", text) or ("var", NAME).
Piece = tuple[str, str]
Word = list[Piece]


# --- loading -------------------------------------------------------------------------


def _bad(message: str) -> ConverterError:
    return ConverterError(code="bad-definitions", message=message)


def _load_yaml(path: pathlib.Path) -> Any:
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError:
        raise _bad(f"{path}: cannot be read") from None
    except UnicodeDecodeError:
        raise _bad(f"{path}: not UTF-8 text") from None
    try:
        return yaml.safe_load(text.removeprefix("\ufeff"))
    except yaml.YAMLError as exc:
        # PyYAML's own message quotes the offending line: keep only the position.
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise _bad(f"{path}: not valid YAML{where}") from None


def _mapping_list(value: Any, path: pathlib.Path, key: str) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(f"{path}: '{key}' must be a list")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise _bad(f"{path}: {key}[{i}] must be a mapping")
    return list(value)


def load_definitions(path: pathlib.Path) -> tuple[list[dict], list[dict]]:
    """Connectors and actions from a bundle file or an ``-o DIR`` layout."""
    path = pathlib.Path(path)
    if path.is_dir():
        found: dict[str, list[dict]] = {}
        for kind in ("connectors", "actions"):
            folder = path / kind
            found[kind] = []
            if not folder.is_dir():
                continue
            for file in sorted(folder.glob("*.yaml"), key=lambda p: p.name):
                doc = _load_yaml(file)
                if not isinstance(doc, dict):
                    raise _bad(f"{file}: expected one {kind[:-1]} mapping")
                found[kind].append(doc)
        if not (path / "connectors").is_dir() and not (path / "actions").is_dir():
            raise _bad(f"{path}: has neither a connectors/ nor an actions/ folder")
        return found["connectors"], found["actions"]
    if not path.exists():
        raise _bad(f"{path}: no such file or directory")
    doc = _load_yaml(path)
    if not isinstance(doc, dict) or not ({"connectors", "actions"} & doc.keys()):
        raise _bad(f"{path}: expected a bundle with 'connectors:' and 'actions:'")
    return (
        _mapping_list(doc.get("connectors"), path, "connectors"),
        _mapping_list(doc.get("actions"), path, "actions"),
    )


# --- shell words ------------------------------------------------------------------------


def _lit(text: str) -> Word:
    return [("lit", text)] if text else []


def _merge(word: Word) -> Word:
    out: Word = []
    for kind, text in word:
        if kind == "lit" and not text:
            continue
        if kind == "lit" and out and out[-1][0] == "lit":
            out[-1] = ("lit", out[-1][1] + text)
        else:
            out.append((kind, text))
    return out


def _quote(word: Word) -> str:
    """One bash word: literals single-quoted, placeholders as "${NAME}"."""
    out = []
    for kind, text in _merge(word):
        if kind == "var":
            out.append(f'"${{{text}}}"')
        else:
            out.append("'" + text.replace("'", "'\\''") + "'")
    return "".join(out) or "''"


def word_text(word: Word) -> str:
    return "".join(text for kind, text in word if kind == "lit")


def has_var(word: Word) -> bool:
    return any(kind == "var" for kind, _ in word)


def _map_lit(word: Word, fn) -> Word:
    return [(kind, fn(text) if kind == "lit" else text) for kind, text in word]


# --- rendering ---------------------------------------------------------------------------


class Renderer:
    """The state of one action's rendering: its name, args and example values."""

    def __init__(self, connector: Mapping, action: Mapping, args: Mapping[str, str] | None):
        self.connector = connector
        self.action = action
        self.name = str(action.get("name", "?"))
        self.args = dict(args or {})
        self.examples: dict[str, str] = {}
        for item in action.get("input_args") or []:
            if isinstance(item, dict) and item.get("example_value") is not None and "name" in item:
                self.examples[str(item["name"])] = scalar_text(item["example_value"])

    def error(self, code: str, message: str) -> ConverterError:
        return ConverterError(code=code, message=f"action '{self.name}': {message}")

    def text(self, value: Any, where: str) -> str:
        if isinstance(value, (dict, list)) or value is None:
            raise self.error("bad-definitions", f"{where} must be a string")
        return scalar_text(value)

    def word(self, value: Any, where: str) -> Word:
        """Split a definition string into pieces, substituting input arguments."""
        text = self.text(value, where)
        if "\0" in text:
            raise self.error("unrenderable", f"{where} contains a NUL character, which bash cannot pass")
        out: Word = []
        pos = 0
        for m in TOKEN_RE.finditer(text):
            out += _lit(text[pos : m.start()])
            if m.group(1):
                out.append(("var", m.group(1)))
            else:
                out += _lit(self.arg(m.group(2)))
            pos = m.end()
        return _merge(out + _lit(text[pos:]))

    def arg(self, name: str) -> str:
        if name in self.args:
            return str(self.args[name])
        if name in self.examples:
            return self.examples[name]
        raise ConverterError(code="missing-arg", message=f"action '{self.name}' needs --arg {name}=…")

    def pairs(self, field: str) -> list[tuple[Any, Any]]:
        items = self.action.get(field) or []
        if not isinstance(items, list):
            raise self.error("bad-definitions", f"{field} must be a list")
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, dict) or item.get("key") is None:
                raise self.error("bad-definitions", f"{field}[{i}] has no key")
            out.append((item["key"], item.get("value")))
        return out


def scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def printf_pattern(pattern: str, key: str) -> str:
    # The value pattern is printf-style: %s is the key and %% a percent sign.
    return _PRINTF_RE.sub(lambda m: key if m.group(1) == "s" else "%", pattern)


def header_word(r: Renderer, key: Any, value: Any, where: str) -> Word:
    k = r.word(key, f"{where} key")
    v = r.word("" if value is None else value, f"{where} value")
    key_text = word_text(k)
    if not k or ":" in key_text or key_text.startswith("@"):
        raise r.error("unrenderable", f"{where} has a key curl cannot send")
    if any(c in "\r\n" for c in word_text(k) + word_text(v)):
        raise r.error("unrenderable", f"{where} contains a line break")
    if not has_var(v) and not word_text(v).strip(_CURL_SPACE):
        # `K:` (or `K:   `) tells curl to drop the header; `K;` sends it empty.
        return k + _lit(";")
    return k + _lit(": ") + v


def auth_parts(r: Renderer) -> tuple[list[Word], list[tuple[Word, Word | None]], Word | None, str | None]:
    """The connector's auth as (headers, query params, -u value, comment line)."""
    conn = r.connector
    kind = conn.get("auth_config") or "no_auth"
    cfg = conn.get(kind) if isinstance(conn.get(kind), dict) else {}
    if kind == "no_auth":
        return [], [], None, None
    if kind == "api_key_auth":
        key = r.text(cfg.get("api_key", ""), "api_key_auth.api_key")
        if cfg.get("auth_type") == "param_auth":
            name = cfg.get("param_auth_param_name")
            if not name:
                raise r.error("bad-definitions", "the connector's param_auth has no param_auth_param_name")
            return [], [(r.word(name, "auth param"), r.word(key, "auth param"))], None, None
        if cfg.get("auth_type") == "header_auth":
            pattern = r.text(cfg.get("header_auth_value_pattern") or "%s", "header_auth_value_pattern")
            header = cfg.get("header_auth_key")
            if not header:
                raise r.error("bad-definitions", "the connector's header_auth has no header_auth_key")
            return [header_word(r, header, printf_pattern(pattern, key), "auth header")], [], None, None
        raise r.error("bad-definitions", "the connector's api_key_auth has no known auth_type")
    if kind == "basic_auth":
        user = r.word(cfg.get("username", ""), "basic_auth.username")
        password = r.word(cfg.get("password", ""), "basic_auth.password")
        return [], [], user + _lit(":") + password, None
    if kind == "oauth2":
        token = cfg.get("access_token")
        if not (isinstance(token, str) and re.fullmatch(_PLACEHOLDER_RE, token)):
            prefix = re.sub(r"[^A-Z0-9]+", "_", str(conn.get("name", "")).upper()).strip("_")
            token = f"<<{prefix}_ACCESS_TOKEN>>" if prefix else "<<ACCESS_TOKEN>>"
        header = header_word(r, "Authorization", f"Bearer {token}", "oauth2 token")
        url = cfg.get("token_url")
        # A comment is one line: control characters would end it early.
        url_text = re.sub(r"[\x00-\x1f\x7f]", " ", scalar_text(url)) if url else ""
        comment = f"# oauth2: fetch a token from {url_text} first" if url_text else "# oauth2: fetch a token first"
        return [header], [], None, comment
    raise r.error("unsupported-auth", f"auth_config '{kind}' cannot be rendered as curl options")


def url_word(r: Renderer, auth_query: list[tuple[Word, Word | None]]) -> Word:
    base = r.connector.get("base_url")
    if not base:
        raise r.error("bad-definitions", "its connector has no base_url")
    word = r.word(base, "base_url") + r.word(r.action.get("path") or "", "path")
    query: list[tuple[Word, Word | None]] = []
    for i, (key, value) in enumerate(r.pairs("query_params")):
        where = f"query_params[{i}]"
        query.append((r.word(key, where), None if value is None else r.word(value, where)))
    pieces: list[Word] = []
    for key, value in query + auth_query:
        pieces.append(key if value is None else key + _lit("=") + value)
    if pieces:
        word += _lit("?")
        for i, piece in enumerate(pieces):
            word += (_lit("&") if i else []) + piece
    return _merge(word)


def _form_file(r: Renderer, name: Word, part: Mapping, where: str) -> tuple[str, Word]:
    path = r.word(part["file"], f"{where} file")
    text = word_text(path)
    if not path or any(c in ';,"\\' for c in text) or text != text.strip(_CURL_SPACE):
        # -F splits file names at ',' and ';' and trims spaces unless "quoted".
        path = _lit('"') + _map_lit(path, lambda s: s.replace("\\", "\\\\").replace('"', '\\"')) + _lit('"')
    word = name + _lit("=@") + path
    if part.get("content_type") is not None:
        word += _lit(";type=") + r.word(part["content_type"], f"{where} content_type")
    if part.get("filename") is not None:
        fname = _map_lit(r.word(part["filename"], f"{where} filename"), lambda s: s.replace("\\", "\\\\").replace('"', '\\"'))
        word += _lit(';filename="') + fname + _lit('"')
    return "-F", word


def _form_text(r: Renderer, name: Word, part: Mapping, where: str) -> tuple[str, Word]:
    value = r.word("" if part.get("value") is None else part["value"], f"{where} value")
    if part.get("content_type") is not None or part.get("filename") is not None:
        # Only -F can set a text part's type; a "quoted" value keeps its text intact.
        escaped = _map_lit(value, lambda s: s.replace("\\", "\\\\").replace('"', '\\"'))
        word = name + _lit('="') + escaped + _lit('"')
        if part.get("content_type") is not None:
            word += _lit(";type=") + r.word(part["content_type"], f"{where} content_type")
        if part.get("filename") is not None:
            fname = _map_lit(r.word(part["filename"], f"{where} filename"), lambda s: s.replace("\\", "\\\\").replace('"', '\\"'))
            word += _lit(';filename="') + fname + _lit('"')
        return "-F", word
    if not has_var(value) and _SAFE_FORM_VALUE_RE.match(word_text(value)):
        return "-F", name + _lit("=") + value
    return "--form-string", name + _lit("=") + value


def _form(r: Renderer, parts: Any) -> list[str]:
    if not isinstance(parts, list):
        raise r.error("bad-definitions", "form_data must be a list")
    lines = []
    for i, part in enumerate(parts):
        where = f"form_data[{i}]"
        if not isinstance(part, dict) or part.get("key") is None:
            raise r.error("bad-definitions", f"{where} has no key")
        name = r.word(part["key"], f"{where} key")
        if "=" in word_text(name):
            raise r.error("unrenderable", f"{where} has a key with '=', which curl's -F cannot send")
        if part.get("file") is not None:
            option, word = _form_file(r, name, part, where)
        else:
            option, word = _form_text(r, name, part, where)
        lines.append(f"{option} {_quote(word)}")
    return lines


def checked_method(r: Renderer, action: dict) -> tuple[str, list[str]]:
    """The action's method (upper case) and its body field (one at most), both checked."""
    method = r.text(action.get("method") or "", "method").upper()
    if not _METHOD_RE.fullmatch(method):
        raise r.error("bad-definitions", "method must be an HTTP method name")
    bodies = [k for k in ("body", "body_file", "form_data") if action.get(k) is not None]
    if len(bodies) > 1:
        raise r.error("bad-definitions", f"has more than one of {', '.join(bodies)}")
    return method, bodies


def render_action(connector: dict, action: dict, args: dict[str, str]) -> str:
    """One curl command (bash) that sends the request the action describes."""
    r = Renderer(connector, action, args)
    method, bodies = checked_method(r, action)

    auth_headers, auth_query, user, comment = auth_parts(r)
    url = url_word(r, auth_query)
    options: list[str] = []
    if has_var(url) or _GLOB_CHARS & set(word_text(url)):
        options.append("-g")
    if method != ("POST" if bodies else "GET"):
        options.append(f"-X {method}")
    if user is not None:
        options.append(f"-u {_quote(user)}")
    headers = list(auth_headers)
    has_content_type = False
    for i, (key, value) in enumerate(r.pairs("headers")):
        word = header_word(r, key, value, f"headers[{i}]")
        # curl looks for its own Content-Type by header name, case-insensitively.
        has_content_type |= word_text(r.word(key, f"headers[{i}] key")).lower() == "content-type"
        headers.append(word)
    options += [f"-H {_quote(h)}" for h in headers]

    if bodies and bodies[0] in ("body", "body_file") and not has_content_type:
        options.append("-H 'Content-Type:'")
    if action.get("body") is not None:
        body = r.word(action["body"], "body")
        starts_unsafe = bool(body) and (body[0][0] == "var" or body[0][1].startswith("@"))
        options.append(f"{'--data-raw' if starts_unsafe else '--data-binary'} {_quote(body)}")
    elif action.get("body_file") is not None:
        options.append(f"--data-binary {_quote(_lit('@') + r.word(action['body_file'], 'body_file'))}")
    elif action.get("form_data") is not None:
        options += _form(r, action["form_data"])

    first = f"curl {_quote(url)}"
    if word_text(url[:1]).startswith("-"):
        first = f"curl --url {_quote(url)}"  # a word starting with '-' would be an option
    command = " \\\n  ".join([first] + options)
    return f"{comment}\n{command}" if comment else command


def render_all(
    connectors: list[dict],
    actions: list[dict],
    action_name: str | None,
    args: dict[str, str],
) -> list[str]:
    """The commands for every action (in order), or for the one named ``action_name``."""
    by_name: dict[str, dict] = {}
    for conn in connectors:
        by_name.setdefault(str(conn.get("name")), conn)
    if action_name is None:
        selected = list(actions)
    else:
        selected = [a for a in actions if a.get("name") == action_name]
        if not selected:
            names = ", ".join(sorted({str(a.get("name")) for a in actions})) or "none"
            raise ConverterError(
                code="unknown-action", message=f"no action named '{action_name}' (available: {names})"
            )
    out = []
    for action in selected:
        ref = str(action.get("connector"))
        if ref not in by_name:
            names = ", ".join(sorted(by_name)) or "none"
            raise ConverterError(
                code="unknown-connector",
                message=f"action '{action.get('name')}' refers to an unknown connector '{ref}' (defined: {names})",
            )
        out.append(render_action(by_name[ref], action, args))
    return out

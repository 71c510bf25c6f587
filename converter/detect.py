"""What kind of input a file is, by its content first: it runs on every file of a directory,
so it reads only the first few KB and never parses a whole document.

Kinds: "curl" (shell text), "markdown", "rst", "html", "postman", "har", "unknown".

Signs are sorted in two tiers.  Strong signs name one kind almost surely: a JSON object
with ``log``/``entries`` (HAR) or Postman's ``info``/``item``; ``<html>``/``<!doctype``;
a reST directive (``.. code-block::``); a Markdown fence.  Weak signs could come from
several kinds: a stray ``<pre>``, a ``::`` literal block, headings, links and prose, a
line that starts with ``curl``.  Within the first tier that has any sign, the file
name's extension breaks a tie between the kinds present; without it, the order of the
tier decides.  The extension alone decides only when the content shows no sign at all.
"""
from __future__ import annotations

import re

__all__ = ["detect_kind", "KINDS", "HEAD_BYTES"]

KINDS = ("curl", "markdown", "rst", "html", "postman", "har", "unknown")
HEAD_BYTES = 8192

_EXTENSIONS = {
    "md": "markdown", "markdown": "markdown", "mdx": "markdown", "mkd": "markdown",
    "rst": "rst", "rest": "rst",
    "html": "html", "htm": "html", "xhtml": "html",
    "har": "har",
    "postman_collection": "postman",
    "sh": "curl", "bash": "curl", "zsh": "curl", "curl": "curl", "ps1": "curl", "cmd": "curl", "bat": "curl",
}

_JSON_HAR = re.compile(r'"log"\s*:\s*\{')
_HAR_KEYS = re.compile(r'"(?:entries|creator|pages)"\s*:')
_POSTMAN = re.compile(r'"schema"\s*:\s*"[^"]*getpostman|"_postman_id"\s*:|"info"\s*:\s*\{[^{}]*"name"|'
                      r'"item"\s*:\s*\[')
_POSTMAN_V1 = re.compile(r'"(?:folders_order|order)"\s*:\s*\[')  # with "requests": a v1 export
_POSTMAN_V1_REQ = re.compile(r'"(?:requests|folders)"\s*:\s*\[')
_HTML_DOC = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
_HTML_FRAGMENT = re.compile(r"<(?:pre|code)[\s>]|<div\s+class=", re.I)
_RST_DIRECTIVE = re.compile(r"^[ \t]*\.\.[ \t]+[A-Za-z][\w:-]*::", re.M)
_RST_WEAK = re.compile(r"::[ \t]*\n[ \t]*\n[ \t]+\S|^([=~^*+#`'\"])\1{2,}[ \t]*\n.+\n\1{3,}[ \t]*$"
                       r"|^.+\n[~^+`']{3,}[ \t]*$", re.M)
_MD_FENCE = re.compile(r"^[ \t]*(?:>[ \t]?)*(?:(?:[-*+]|\d+[.)])[ \t]+)?(?:`{3,}|~{3,})", re.M)
_MD_WEAK = [
    re.compile(r"^#{2,6}[ \t]+\S", re.M),                 # ## Heading (a lone `# ` is a shell comment too)
    re.compile(r"\[[^\]\n]+\]\((?:https?://|/|#|\.)[^)\s]*\)"),  # [link](url)
    re.compile(r"^.+\n(?:=+|-{3,})[ \t]*$", re.M),        # setext heading
    re.compile(r"^[ \t]*(?:[-*+]|\d+\.)[ \t]+[A-Za-z`*\[]", re.M),  # list item
    re.compile(r"(?<![\w`])`[^`\n]+`(?!`)"),              # `inline code`
    re.compile(r"\*\*[^*\n]+\*\*|^\|.*\|[ \t]*$", re.M),  # **bold**, | table |
    re.compile(r"^[A-Z][a-z]+(?:[ \t]+[\w,'()-]+){3,}[.:][ \t]*$", re.M),  # a sentence of prose
]
# curl in command position: after a prompt, `VAR=value`, `@` / `&` (cmd, PowerShell),
# a quoted path (`"C:\Program Files\curl\bin\curl.exe"`), or a pipe.
_CURL_LINE = re.compile(r"^[ \t]*(?:[$%>❯][ \t]+|PS[^>\n]*>[ \t]*|[A-Za-z]:\\[^>\n]*>[ \t]*)?"
                        r"(?:[A-Za-z_]\w*=\S*[ \t]+)*(?:@|&[ \t]*)?"
                        r"(?:[\"'](?:[^\"'\n]*[\\/])?curl(?:\.exe)?[\"']|(?:[^\s\"']*[\\/])?curl(?:\.exe)?)(?:[ \t]|$)"
                        r"|\|[ \t]*curl(?:\.exe)?[ \t]", re.M)


def _extension(filename: str | None) -> str | None:
    if not filename:
        return None
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if name.endswith(".postman_collection.json"):
        return "postman"
    return _EXTENSIONS.get(name.rsplit(".", 1)[-1]) if "." in name else None


def _json_kind(head: str) -> str | None:
    """"har" / "postman" for a JSON document's head, or None."""
    if _JSON_HAR.search(head) and _HAR_KEYS.search(head):
        return "har"
    if _POSTMAN.search(head) or (_POSTMAN_V1.search(head) and _POSTMAN_V1_REQ.search(head)):
        return "postman"
    return None


def detect_kind(text: str, filename: str | None = None) -> str:
    """One of :data:`KINDS`, from the first :data:`HEAD_BYTES` characters of ``text``."""
    head = text[:HEAD_BYTES].lstrip("\ufeff").replace("\r\n", "\n")
    ext = _extension(filename)
    body = head.lstrip()
    if body.startswith(("{", "[")):
        kind = _json_kind(body)
        if kind is not None:
            return kind
        # a JSON head too small to show the keys: trust a .har / .postman_collection.json name
        return ext if ext in ("har", "postman") and body.startswith("{") else "unknown"
    strong = []
    if body.startswith("<") and _HTML_DOC.search(head):  # not `<html>` inside a curl's -d data
        strong.append("html")
    if _RST_DIRECTIVE.search(head):
        strong.append("rst")
    if _MD_FENCE.search(head):
        strong.append("markdown")
    if strong:
        return ext if ext in strong else strong[0]
    weak = []
    md_score = sum(1 for rx in _MD_WEAK if rx.search(head))
    if md_score >= 2:
        weak.append("markdown")
    if _RST_WEAK.search(head):
        weak.append("rst")
    if _HTML_FRAGMENT.search(head) and body.startswith("<"):
        weak.append("html")
    if _CURL_LINE.search(head):
        weak.append("curl")
    if md_score == 1 and ext == "markdown":
        weak.append("markdown")
    if _HTML_FRAGMENT.search(head) and "html" not in weak:
        weak.append("html")
    if weak:
        return ext if ext in weak else weak[0]
    return ext if ext in ("markdown", "rst", "html") else "unknown"

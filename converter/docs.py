"""Docs pages (Markdown, reStructuredText, HTML) → the curl commands in their code blocks.

A page is cut into *blocks* (fenced / indented Markdown code, reST ``code-block`` /
``prompt`` / ``::`` literal blocks, HTML ``<pre>`` / ``<code>``); each block is cut down
to its curl commands (prompts, comments, other commands and printed output dropped,
continuation lines kept) and becomes one :class:`Snippet`: shell text for the ordinary
parser plus a map from every snippet position back to the page.  Every span the parser
and the curl stage produce is translated with :func:`map_span`, so messages name the
page's own lines and show the page's own line under the caret.

The block finders are deliberately forgiving (a fence may sit at any indentation, so
fences inside list items need no list tracking): a false block costs nothing, because
only lines that start a curl command survive the filter.  They are also fast: Markdown
fences are found with ``str.find`` over the whole text, and only stretches of a page
that mention curl are read line by line (a 10,000-example page is cut in ~0.2 s).

:func:`parse_doc` runs the snippets through the ordinary shell parser and curl stage;
consecutive bash snippets are parsed as one text (a blank line between them), which
saves the per-call and dialect-detection cost on pages with thousands of examples.
Blocks are cut and parsed in groups, and a long page's groups are shared out to a
second core (:func:`iter_doc`, :mod:`converter.parallel`).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from html.parser import HTMLParser
from typing import Sequence

from . import curl
from .dialect import may_be_windows
from .errors import ConverterError, Diagnostic, Span
from .model import Request

__all__ = ["Snippet", "extract_snippets", "map_span", "map_diagnostic", "map_error", "parse_doc", "iter_doc", "KINDS"]

KINDS = ("markdown", "rst", "html")

# (column in the snippet line, 0-based; page line, 1-based; page column, 0-based): from
# this snippet column on, columns advance one for one on that page line.
Point = tuple[int, int, int]


@dataclass(frozen=True)
class Snippet:
    """Shell text cut from a page; ``line``/``col`` (1-based) is where it starts on the page."""

    text: str
    line: int
    col: int
    shell: str = "auto"  # "powershell" / "cmd" when the block's language says so
    lines: tuple[tuple[Point, ...], ...] = field(default=(), compare=False, repr=False)
    doc: Sequence[str] = field(default=(), compare=False, repr=False)  # the page's lines, shared
    clean: bool = field(default=True, compare=False, repr=False)  # nothing left open at its end


@dataclass
class _Block:
    lines: list[str]
    points: list[tuple[Point, ...]]  # per line, block column → page position
    shell: str = "auto"


# --- mapping spans back to the page ---------------------------------------------------


def _locate(points: tuple[Point, ...], col0: int) -> tuple[int, int]:
    best = points[0]
    for p in points:
        if p[0] > col0:
            break
        best = p
    return best[1], best[2] + col0 - best[0]


def map_span(span: Span | None, snippet: Snippet) -> Span | None:
    """A span in the snippet's own coordinates → the same place on the page.

    The line text becomes the page's line (with its Markdown prefix, HTML tags and
    entities), and the column moves with it, so the caret still points at the word.
    """
    if span is None or not snippet.lines:
        return span
    idx = min(max(span.line - 1, 0), len(snippet.lines) - 1)
    col0 = max(span.col - 1, 0)
    points = snippet.lines[idx]
    line, col = _locate(points, col0)
    length = span.length
    if length > 1:
        # up to the page position of the next character: an entity or a tag at the end
        # of the span is covered whole
        end_line, end_col = _locate(points, col0 + length)
        if end_line == line and end_col > col:
            length = end_col - col
    text = snippet.doc[line - 1] if 0 < line <= len(snippet.doc) else ""
    return Span(line, col + 1, span.source, text, length)


def map_diagnostic(diag: Diagnostic, snippet: Snippet) -> Diagnostic:
    return diag if diag.span is None else replace(diag, span=map_span(diag.span, snippet))


def map_error(exc: ConverterError, snippet: Snippet) -> ConverterError:
    return replace(exc, span=map_span(exc.span, snippet))


# --- keeping the curl commands of a block --------------------------------------------

# A pasted prompt: `$ `, `% `, `❯ `, `user@host:~$ `, `PS> `, `PS C:\dir> `, `C:\dir>`, `> `.
_PROMPT = re.compile(r"[ \t]*(?:(?:[\w.-]+@[\w.-]+(?::[^\s$#>]*)?)?[$%❯][ \t]+|PS(?: [^>\n]*)?>[ \t]*"
                     r"|[A-Za-z]:\\[^>\n]*>[ \t]*|>[ \t]+)")
# Prompts that show the block is a terminal transcript (so unprompted lines are output);
# `> ` alone is not one: curl -v prints `> GET / HTTP/1.1`.
_STRONG_PROMPT = re.compile(r"[ \t]*(?:(?:[\w.-]+@[\w.-]+(?::[^\s$#>]*)?)?[$%❯][ \t]|PS[ >]|[A-Za-z]:\\[^>\n]*>)")
_STRONG_PROMPT_M = re.compile("^" + _STRONG_PROMPT.pattern, re.M)
# A line that starts a curl command: [prompt] [VAR=value …] curl …, or … | curl ….
_START = re.compile(r"(?P<prompt>" + _PROMPT.pattern + r")?"
                    r"(?:[ \t]*(?:[A-Za-z_]\w*=\S*[ \t]+)*(?:\\|/usr(?:/local)?/bin/)?curl(?:\.exe)?(?![^\s;|&)])"
                    r"|.*[|;&][ \t]*curl(?:\.exe)?(?![^\s;|&)]))")
_CURL_WORD = re.compile(r"(?<![\w.-])curl(?:\.exe)?(?![\w-])")
_PS2 = re.compile(r">[ \t]?")

# One line of shell, unquoted state: quoted strings (closed or running to the end of the
# line), escapes (bash `\`, PowerShell `` ` ``, cmd `^`; alone at the end: a continuation),
# here-document operators, comments, PowerShell here-strings.
_SCAN = re.compile(r"""
    (?P<sq>'[^']*(?:'|(?P<sq_open>$)))
  | (?P<ansi>\$'(?:[^'\\]|\\.)*(?:'|(?P<ansi_open>\\?$)))
  | (?P<dq>"(?:[^"\\`]|[\\`].)*(?:"|(?P<dq_open>[\\`]?$)))
  | (?P<herestr><<<)
  | (?P<heredoc><<-?[ \t]*(?P<hq>['"]?)(?P<hd>[A-Za-z_][\w.-]*)(?P=hq))
  | (?P<psdoc>@['"]$)
  | (?P<esc>[\\`^](?P<eol>$)?.?)
  | (?P<comment>(?<![^ \t;|&(])\#.*)
  | [^'"$<@\\`^\#]+ | .
""", re.X)
_SQ_REST = re.compile(r"[^']*'")
_ANSI_REST = re.compile(r"(?:[^'\\]|\\.)*'")
_DQ_REST = re.compile(r"(?:[^\"\\`]|[\\`].)*\"")


# A whole line with nothing open at its end (closed quotes, escapes, no comment, no
# here-document): one match decides most lines; the rest go through the token loop.
_PLAIN = re.compile(r"""(?:[^'"\\`^#<@$\n]++|'[^']*'|"(?:[^"\\`]|[\\`].)*"|[\\`^].|\$(?!')|<(?!<)|@(?!['"][ \t]*$)"""
                    r"|(?<=[^ \t;|&(])\#)*+(?P<cont>[\\`^]?)")


def _scan(line: str, quote: str | None) -> tuple[bool, str | None, list[str]]:
    """(the command goes on, the quote left open, here-document delimiters opened)."""
    if quote is None:
        m = _PLAIN.fullmatch(line)
        if m is not None:
            return bool(m.group("cont")) or line.rstrip().endswith(("|", "&&")), None, []
    pos = 0
    if quote is not None:
        rest = {"'": _SQ_REST, "$'": _ANSI_REST, '"': _DQ_REST}[quote].match(line)
        if rest is None:
            return True, quote, []
        pos = rest.end()
    heredocs: list[str] = []
    tail = ""  # the last token that is not blank or a comment
    for m in _SCAN.finditer(line, pos):
        kind = m.lastgroup
        if kind == "comment":
            break
        if m.group("sq_open") is not None:
            return True, "'", heredocs
        if m.group("ansi_open") is not None:
            return True, "$'", heredocs
        if m.group("dq_open") is not None:
            return True, '"', heredocs
        if kind == "heredoc":
            heredocs.append(m.group("hd"))
        elif kind == "psdoc":
            heredocs.append(m.group(0)[1] + "@")
        elif kind == "esc" and m.group("eol") is not None:
            return True, None, heredocs
        text = m.group(0).rstrip()
        if text:
            tail = text
    return bool(heredocs) or tail.endswith(("|", "&&")), None, heredocs


def _select(lines: list[str]) -> tuple[list[tuple[int, int]], bool]:
    """The (line index, prompt length) of every line that belongs to a curl command, and
    whether the last command ended cleanly (no quote or here-document left open)."""
    transcript = _STRONG_PROMPT_M.search("\n".join(lines)) is not None
    kept: list[tuple[int, int]] = []
    clean = True
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        i += 1
        m = _START.match(line)
        if m is None or (transcript and (m.group("prompt") is None or m.group("prompt").lstrip()[:1] == ">")):
            continue  # output, a comment, another command, prose
        strip = m.end("prompt") if m.group("prompt") is not None else 0
        kept.append((i - 1, strip))
        more, quote, heredocs = _scan(line[strip:], None)
        while (more or heredocs) and i < n:
            line = lines[i]
            strip = 0
            if heredocs:
                if line.strip() == heredocs[0]:
                    heredocs.pop(0)
                    more = bool(heredocs)
            else:
                if transcript and quote is None:
                    ps2 = _PS2.match(line)  # bash's continuation prompt in a transcript
                    strip = ps2.end() if ps2 else 0
                more, quote, heredocs = _scan(line[strip:], quote)
            kept.append((i, strip))
            i += 1
        clean = quote is None and not heredocs
    return kept, clean


def _shift(points: tuple[Point, ...], strip: int) -> tuple[Point, ...]:
    if not strip:
        return points
    line, col = _locate(points, strip)
    return ((0, line, col),) + tuple((c - strip, ln, cl) for c, ln, cl in points if c > strip)


def _snippet(block: _Block, doc: Sequence[str]) -> Snippet | None:
    kept, clean = _select(block.lines)
    if not kept:
        return None
    texts = [block.lines[i][s:] for i, s in kept]
    maps = tuple(_shift(block.points[i], s) for i, s in kept)
    line, col = _locate(maps[0], 0)
    return Snippet("\n".join(texts) + "\n", line, col + 1, block.shell, maps, doc, clean)


_SHELL_HINTS = {"powershell": "powershell", "pwsh": "powershell", "ps1": "powershell", "ps": "powershell",
                "posh": "powershell", "cmd": "cmd", "bat": "cmd", "batch": "cmd", "dos": "cmd", "doscon": "cmd"}


@lru_cache(maxsize=256)
def _shell_hint(info: str) -> str:
    word = info.strip().lstrip("{.").split(None, 1)[0].lower() if info.strip() else ""
    return _SHELL_HINTS.get(re.split(r"[\s,;:{}]", word, maxsplit=1)[0], "auto")


# --- Markdown ----------------------------------------------------------------------------

_QUOTE = re.compile(r" {0,3}>[ ]?")
_FENCE = re.compile(r"([ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?)(`{3,}|~{3,})(.*)")


def _quote_prefix(raw: str, limit: int = 1 << 30) -> tuple[int, int]:
    """(blockquote depth, characters of the prefix) — at most ``limit`` levels stripped."""
    depth = off = 0
    while depth < limit:
        m = _QUOTE.match(raw, off)
        if m is None:
            break
        depth, off = depth + 1, m.end()
    return depth, off


def _ws_prefix(text: str, width: int) -> int:
    """How many leading blanks to remove, at most ``width`` of them."""
    k = 0
    while k < width and k < len(text) and text[k] in " \t":
        k += 1
    return k


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


class _LineAt:
    """1-based line number of an offset; cheap when offsets grow (counts only the gap)."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def __call__(self, pos: int) -> int:
        if pos < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


# An unquoted fence line (a list marker may precede it), matched at a line start; fences
# in blockquotes are left to the line-by-line pass, which runs only on stretches that
# mention curl.
_FENCE_AT = re.compile(r"([ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?)(`{3,}|~{3,})([^\n]*)")
_CLOSERS: dict[str, re.Pattern] = {}


def _fence_line(text: str, pos: int, needle: str, rx: re.Pattern) -> re.Match | None:
    """The first line at or after ``pos`` (a line start) that ``rx`` matches from its start,
    among the lines holding ``needle``: str.find skips the text in C, which is what keeps a
    2 MB page fast (a ``^`` search tries every position)."""
    while True:
        p = text.find(needle, pos)
        if p == -1:
            return None
        m = rx.match(text, text.rfind("\n", 0, p) + 1)
        if m is not None:
            return m
        p = text.find("\n", p)
        if p == -1:
            return None
        pos = p + 1


def _markdown_blocks(text: str, lines: list[str]) -> list[_Block]:
    """Fenced blocks found by searching the whole text; the stretches between them that
    mention curl go through the line-by-line pass for indented and blockquoted blocks."""
    blocks: list[_Block] = []
    line_at = _LineAt(text)
    pos, size = 0, len(text)
    ahead: dict[str, re.Match | None | int] = {"```": -1, "~~~": -1}  # next opening per fence kind

    def next_open() -> re.Match | None:
        best = None
        for needle, m in ahead.items():
            if m == -1 or (m is not None and m.start() < pos):
                m = ahead[needle] = _fence_line(text, pos, needle, _FENCE_AT)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        return best

    while pos <= size:
        m = next_open()
        gap_end = m.start() if m else size
        if text.find("curl", pos, gap_end) != -1:
            _markdown_lines(lines, line_at(pos) - 1, line_at(gap_end) - (1 if m else 0), blocks)
        if m is None:
            break
        fence, info = m.group(2), m.group(3)
        if fence[0] == "`" and "`" in info:
            pos = m.end() + 1  # ```not a fence``` (inline code on a line of its own)
            continue
        key = fence[0] * len(fence)
        close = _CLOSERS.get(key)
        if close is None:
            close = _CLOSERS[key] = re.compile(r"[ \t]*" + re.escape(key) + re.escape(fence[0]) + r"*[ \t]*(?=\n|\Z)")
        body = m.end() + 1
        c = _fence_line(text, body, key, close) if body <= size else None
        body_end = c.start() if c else size
        if body < body_end and text.find("curl", body, body_end) != -1:
            first, width = line_at(body), len(m.group(1))
            rows = text[body:body_end].split("\n")
            if rows[-1] == "":
                rows.pop()
            block = _Block([], [], _shell_hint(info))
            for k, row in enumerate(rows):
                cut = _ws_prefix(row, width) if width else 0
                block.lines.append(row[cut:] if cut else row)
                block.points.append(((0, first + k, cut),))
            blocks.append(block)
        pos = c.end() + 1 if c else size + 1
    return blocks


def _markdown_lines(lines: list[str], i: int, n: int, blocks: list[_Block]) -> None:
    """Lines ``i``..``n`` (no unquoted fence among them): indented and blockquoted blocks."""
    prev_blank = True
    while i < n:
        raw = lines[i]
        depth, off = _quote_prefix(raw) if ">" in raw[:8] else (0, 0)
        rest = raw[off:]
        m = _FENCE.match(rest) if depth and ("`" in rest or "~" in rest) else None
        if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            char, size, width = m.group(2)[0], len(m.group(2)), len(m.group(1))
            close = re.compile(r"[ \t]*" + re.escape(char) + "{" + str(size) + r",}[ \t]*\Z")
            block = _Block([], [], _shell_hint(m.group(3)))
            j = i + 1
            while j < n:
                d2, off2 = _quote_prefix(lines[j], depth)
                if d2 < depth:
                    break  # the blockquote ended, and the block with it
                r2 = lines[j][off2:]
                if close.match(r2):
                    j += 1
                    break
                k = _ws_prefix(r2, width)
                block.lines.append(r2[k:])
                block.points.append(((0, j + 1, off2 + k),))
                j += 1
            blocks.append(block)
            i, prev_blank = j, True
            continue
        if prev_blank and rest.strip() and rest.expandtabs(4).startswith("    "):
            # An indented code block: it runs while lines are blank or indented 4+.
            j = i
            block = _Block([], [])
            while j < n:
                d2, off2 = _quote_prefix(lines[j], depth) if depth else (0, 0)
                r2 = lines[j][off2:]
                if d2 < depth or (r2.strip() and not r2.expandtabs(4).startswith("    ")) \
                        or (j > i and _FENCE.match(r2)):
                    break
                block.lines.append(r2)
                block.points.append(((0, j + 1, off2),))
                j += 1
            while block.lines and not block.lines[-1].strip():
                block.lines.pop()
                block.points.pop()
            cut = min(_indent(t) for t in block.lines if t.strip())
            for k, t in enumerate(block.lines):
                c = min(cut, _indent(t))
                block.lines[k] = t[c:]
                block.points[k] = ((0, block.points[k][0][1], block.points[k][0][2] + c),)
            blocks.append(block)
            i, prev_blank = j, False
            continue
        prev_blank = not rest.strip() or rest.lstrip().startswith("#")
        i += 1


# --- reStructuredText ---------------------------------------------------------------------

_DIRECTIVE = re.compile(r"([ \t]*)\.\.[ \t]+(code-block|code|sourcecode|prompt|parsed-literal)::[ \t]*(.*)")


def _indented_body(lines: list[str], j: int, parent: int) -> tuple[_Block, int]:
    """The lines after ``j`` indented deeper than ``parent`` (blank lines inside kept)."""
    n = len(lines)
    block = _Block([], [])
    while j < n:
        t = lines[j]
        if t.strip() and _indent(t) <= parent:
            break
        block.lines.append(t)
        block.points.append(((0, j + 1, 0),))
        j += 1
    while block.lines and not block.lines[-1].strip():
        block.lines.pop()
        block.points.pop()
    while block.lines and not block.lines[0].strip():
        block.lines.pop(0)
        block.points.pop(0)
    if block.lines:
        cut = min(_indent(t) for t in block.lines if t.strip())
        for k, t in enumerate(block.lines):
            c = min(cut, _indent(t))
            block.lines[k] = t[c:]
            block.points[k] = ((0, block.points[k][0][1], c),)
    return block, j


def _rst_blocks(lines: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        m = _DIRECTIVE.match(line) if ".." in line else None
        if m:
            parent = len(m.group(1))
            j = i + 1
            while j < n and lines[j].strip().startswith(":") and _indent(lines[j]) > parent:
                j += 1  # directive options (:linenos:, :caption: …)
            block, i = _indented_body(lines, j, parent)
            block.shell = _shell_hint(m.group(3))
            blocks.append(block)
            continue
        stripped = line.rstrip()
        if stripped.endswith("::") and not stripped.lstrip().startswith(".."):
            block, j = _indented_body(lines, i + 1, _indent(line))
            if block.lines:
                blocks.append(block)
                i = j
                continue
        i += 1
    return blocks


# --- HTML ----------------------------------------------------------------------------------

_HOSTLIKE = re.compile(r"://|(?<![\w-])(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(?::\d+)?(?:/|\s|$)")


class _PreParser(HTMLParser):
    """Collects the text of ``<pre>`` and stand-alone ``<code>`` elements, each character
    with its page position (tags dropped, entities decoded, ``<br>`` read as a newline)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[str, list[tuple[str, int, int]], str]] = []
        self.tag: str | None = None  # the element being collected
        self.depth = 0
        self.chars: list[tuple[str, int, int]] = []
        self.shell = "auto"

    def _hint(self, attrs) -> None:
        for name, value in attrs:
            if name in ("class", "data-lang", "data-language", "lang") and value and self.shell == "auto":
                for token in value.split():
                    hint = _shell_hint(re.sub(r"^(?:language-|lang-|highlight-source-|highlight-|brush:)", "", token))
                    if hint != "auto":
                        self.shell = hint
                        break

    def handle_starttag(self, tag, attrs):
        if self.tag is None and tag in ("pre", "code"):
            self.tag, self.depth, self.chars, self.shell = tag, 0, [], "auto"
        if self.tag is not None:
            if tag == self.tag:
                self.depth += 1
            if tag in ("pre", "code", "div"):
                self._hint(attrs)
            elif tag == "br":
                self._add("\n")

    def handle_startendtag(self, tag, attrs):
        if self.tag is not None and tag == "br":
            self._add("\n")

    def handle_endtag(self, tag):
        if self.tag is not None and tag == self.tag:
            self.depth -= 1
            if self.depth == 0:
                self.found.append((self.tag, self.chars, self.shell))
                self.tag = None

    def _add(self, text: str) -> None:
        line, col = self.getpos()
        for ch in text:
            self.chars.append((ch, line, col))
            if ch == "\n":
                line, col = line + 1, 0
            else:
                col += 1

    def handle_data(self, data):
        if self.tag is not None:
            self._add(data)

    def _add_at(self, text: str) -> None:
        line, col = self.getpos()
        self.chars.extend((ch, line, col) for ch in text)

    def handle_entityref(self, name):
        if self.tag is not None:
            self._add_at(html.unescape(f"&{name};"))

    def handle_charref(self, name):
        if self.tag is not None:
            self._add_at(html.unescape(f"&#{name};"))


def _html_blocks(text: str) -> list[_Block]:
    parser = _PreParser()
    parser.feed(text)
    parser.close()
    if parser.tag is not None:  # a <pre> left open at the end of the page still counts
        parser.found.append((parser.tag, parser.chars, parser.shell))
    blocks = []
    for tag, chars, shell in parser.found:
        content = "".join(c for c, _, _ in chars)
        if not _CURL_WORD.search(content):
            continue
        if tag == "code" and "\n" not in content.strip() and not _HOSTLIKE.search(content, _CURL_WORD.search(content).end()):
            continue  # inline code naming the tool (`curl -I`), not a command to convert
        block = _Block([], [], shell)
        cur: list[str] = []
        points: list[Point] = []
        last: tuple[int, int] | None = None
        for ch, line, col in chars:
            if ch == "\n":
                block.lines.append("".join(cur))
                block.points.append(tuple(points) or ((0, line, col),))
                cur, points, last = [], [], None
                continue
            if last is None or (line, col) != (last[0], last[1] + 1):
                points.append((len(cur), line, col))
            cur.append(" " if ch == "\xa0" else ch)  # &nbsp; lays out code; it is copied as a space
            last = (line, col)
        if cur:
            block.lines.append("".join(cur))
            block.points.append(tuple(points))
        blocks.append(block)
    return blocks


# --- the public functions -------------------------------------------------------------------


def extract_snippets(text: str, kind: str, source: str = "<stdin>") -> list[Snippet]:
    """Every code block of a page that holds a curl command, cut down to its commands."""
    blocks, doc = _curl_blocks(text, kind)
    return _snippets(blocks, doc)


def _curl_blocks(text: str, kind: str) -> tuple[list[_Block], list[str]]:
    """The code blocks of a page that mention curl, and the page's lines."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r} (one of {', '.join(KINDS)})")
    if text.startswith("\ufeff"):
        text = text[1:]  # an editor shows no column for it
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc = text.split("\n")
    if kind == "markdown":
        blocks = _markdown_blocks(text, doc)
    elif kind == "rst":
        blocks = _rst_blocks(doc)
    else:
        blocks = _html_blocks(text)
    return [b for b in blocks if b.lines and any(_CURL_WORD.search(t) for t in b.lines)], doc


def _snippets(blocks: list[_Block], doc: list[str]) -> list[Snippet]:
    out = []
    for block in blocks:
        snippet = _snippet(block, doc)
        if snippet is not None:
            out.append(snippet)
    return out


def _join(group: list[Snippet]) -> Snippet:
    """Snippets as one text, a blank line between them (so that a trailing ``\\`` cannot
    join two commands), with their maps laid end to end."""
    maps: list[tuple[Point, ...]] = []
    for sn in group:
        maps.extend(sn.lines)
        maps.append(sn.lines[-1])  # the blank separator: nothing is ever reported there
    first = group[0]
    return Snippet("\n".join(sn.text for sn in group), first.line, first.col, "bash", tuple(maps), first.doc)


def _batches(snippets: list[Snippet], shell_kind: str):
    """(dialect, snippets) runs: consecutive bash snippets that close everything they open
    are parsed as one text (one parser call instead of thousands)."""
    run: list[Snippet] = []
    for sn in snippets:
        dialect = shell_kind if shell_kind != "auto" else sn.shell
        if dialect == "auto" and not may_be_windows(sn.text):
            dialect = "bash"
        if dialect == "bash" and sn.clean:
            run.append(sn)
            continue
        if run:
            yield "bash", run
            run = []
        yield dialect, [sn]
    if run:
        yield "bash", run


# Code blocks are cut into snippets and parsed in groups of this many: runs of clean bash
# snippets within a group are parsed as one text (one parser call instead of one per
# snippet), and groups are small enough to share out between two cores
# (converter.parallel) and to confine a run that fails to parse.
_RUN = 64


def iter_doc(text: str, kind: str, source: str = "<stdin>", *, shell_kind: str = "auto",
             files: curl.FileSource | None = None):
    """``(requests, diagnostics)`` per group of code blocks, in page order (see :func:`parse_doc`).

    Groups are independent, so a long page is shared between two cores: a forked child
    takes groups from the end of the page while the caller consumes the first ones."""
    from .api import parse_commands  # api is the public façade; imported late to stay out of its way
    from .parallel import ordered_map

    def parse(sn: Snippet, dialect: str, diags: list) -> list | None:
        try:
            return parse_commands(sn.text, source, dialect)
        except ConverterError as exc:
            diags.append(map_diagnostic(exc.diagnostic(), sn))
            return None

    def add(sn: Snippet, commands: list, requests: list, diags: list) -> None:
        for cmd in commands:
            if not curl.is_curl_command(cmd):
                continue
            try:
                req = curl.request_from_command(cmd, files)
            except ConverterError as exc:
                diags.append(map_diagnostic(exc.diagnostic(), sn))
                continue
            req.span = map_span(req.span, sn)
            if req.auth is not None:
                req.auth.span = map_span(req.auth.span, sn)
            req.diagnostics = [map_diagnostic(d, sn) for d in req.diagnostics]
            diags.extend(req.diagnostics)
            if not any(d.severity == "error" for d in req.diagnostics):
                requests.append(req)

    def group(blocks: list[_Block]) -> tuple[list[Request], list[Diagnostic], int]:
        requests: list[Request] = []
        diags: list[Diagnostic] = []
        snippets = _snippets(blocks, doc)
        for dialect, run in _batches(snippets, shell_kind):
            if len(run) > 1:
                joined = _join(run)
                try:
                    commands = parse_commands(joined.text, source, dialect)
                except ConverterError:
                    pass  # one of them does not parse: take them one by one to say which
                else:
                    add(joined, commands, requests, diags)
                    continue
            for sn in run:
                commands = parse(sn, dialect, diags)
                if commands is not None:
                    add(sn, commands, requests, diags)
        return requests, diags, len(snippets)

    blocks, doc = _curl_blocks(text, kind)
    groups = [blocks[i:i + _RUN] for i in range(0, len(blocks), _RUN)]
    found = 0
    for requests, diags, snippets in ordered_map(group, groups, min_items=_PARALLEL_RUNS):
        found += snippets
        yield requests, diags
    if not found:
        yield [], [Diagnostic("no-curl", "warning", f"no curl command in any code block of this {kind} page",
                              Span(1, 1, source, ""))]


# A page with fewer groups than this (about 2,000 curl blocks) is parsed in one process.
_PARALLEL_RUNS = 32


def parse_doc(text: str, kind: str, source: str = "<stdin>", *, shell_kind: str = "auto",
              files: curl.FileSource | None = None) -> tuple[list[Request], list[Diagnostic]]:
    """A page → its convertible requests (page order) and every diagnostic, all spans on the page.

    A snippet that does not parse, or a command that cannot be converted, adds an error
    diagnostic and no request; the others still convert (the shape of
    ``postman.load_collection``).  A page without any curl command gives a ``no-curl``
    warning and no request."""
    requests: list[Request] = []
    diags: list[Diagnostic] = []
    for reqs, found in iter_doc(text, kind, source, shell_kind=shell_kind, files=files):
        requests.extend(reqs)
        diags.extend(found)
    return requests, diags

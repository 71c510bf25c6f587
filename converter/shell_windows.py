"""Windows shell text → curl words: cmd.exe and PowerShell (same API as ``shell.py``).

Both parsers return ``list[Command]`` whose words are encoded values: literal text,
``model.shell_var(NAME)`` for ``%NAME%`` / ``$env:NAME`` / ``$NAME``, and
``model.template(name)`` for ``{{name}}``.  Nothing is executed and no environment
variable is ever read.

cmd.exe — what ``curl.exe`` receives is the composition of two parsers, and we model both:

1. cmd: ``%NAME%`` expansion (phase 1, before anything else, quotes or not), then the
   caret/quote pass (phase 2): outside double quotes ``^x`` is ``x``, ``^`` + newline
   joins the next line *and escapes its first character* (so Chrome's ``^`` + two
   newlines leaves one literal newline), ``&``/``&&``/``|``/``||``/newline end a command,
   ``<``/``>`` redirect.  Inside quotes only ``"`` and newline are special.  cmd keeps
   the quotes: it hands one command-line *string* to the program.
2. curl.exe's C runtime (UCRT rules, as Microsoft documents "Parsing C command-line
   arguments"): blanks split, ``"`` toggles quoting, ``""`` inside quotes is a literal
   quote, 2n backslashes + ``"`` give n backslashes and a delimiter, 2n+1 give n and a
   literal ``"``, other backslashes are literal; argv[0] only honours quotes.

So Chrome's ``^"^{^\\^"k^\\^":1^}^"`` → cmd → ``"{\\"k\\":1}"`` → UCRT → ``{"k":1}``.
Choices: ``%%`` is read as a batch file's escaped ``%`` (an interactive prompt would keep
both; nobody types ``%%`` there).  Undefined-looking pairs keep their ``%`` and scanning
resumes at the second ``%`` (cmd's command-line behaviour), so ``%20b%20`` stays text; a
name must be an identifier and not two hex digits, so ``%E2%82%AC`` is not a variable.
A quote still open when curl.exe's parser reaches the end is an error (the runtime would
silently take the rest), because it is always a paste accident; so is a curl argument
that opens with a bare ``'`` (bash quoting: cmd would pass the quote on), refused too.

PowerShell — words are the *string values* PowerShell binds, i.e. what curl.exe gets
with ``$PSNativeCommandArgumentPassing`` = ``Standard``/``Windows`` (the default since
PowerShell 7.3): every argument arrives intact, embedded quotes included.  That is
the only mode where the text means what it says (``'{"a":1}'`` is that JSON).  Windows
PowerShell 5.1 re-quotes arguments naively, so curl.exe receives ``{a:1}`` and docs write
``'{\\"a\\":1}'`` to compensate; ``native_args="legacy"`` reproduces that composition
(drop empty arguments, wrap ones with unquoted blanks in quotes, then the UCRT split).
Leniencies (PowerShell itself would fail, the intent is clear): a backtick (or in cmd a
caret) followed by invisible trailing blanks still continues the line; ``$user:`` before a non-name character is
``$user`` + ``:``; a leading ``@`` that is no splat/here-string is literal
(``-d @body.json``).  ``$(…)``, ``(…)`` and ``@(…)`` are refused, never run.

Why hand-written scanners and not pyparsing: both languages are context sensitive
(cmd's phases, PowerShell's "a leading quoted string ends the argument" rule), and
scanners that let compiled regexes jump over runs of ordinary characters (and over
whole ``^x`` runs) only pay Python time per *special* character.  Measured on a 1 MB
JSON body: plainly quoted, 3 ms (cmd) / 20 ms (PowerShell); in Chrome's cmd form,
where nearly every character is caret-escaped, 0.3 s (0.9 s if it is full of ``%``);
in a PowerShell double-quoted string with a backtick before every quote, 0.5 s.
"""
from __future__ import annotations

import bisect
import re

from . import model
from .dialect import CMD_PROMPT as _CMD_PROMPT
from .dialect import detect_shell  # re-exported: detection lives with may_be_windows
from .errors import ConverterError, Span
from .model import Command, Word

__all__ = ["parse_cmd", "parse_powershell", "detect_shell", "split_msvc_args"]

_TEMPLATE_RE = re.compile(r"\{\{([A-Za-z_][A-Za-z0-9_.\-]*)\}\}")
_CURL_NAMES = ("curl", "curl.exe")


class _Source:
    """The text (CRLF normalised to LF; columns unchanged) and offset → Span."""

    def __init__(self, text: str, source: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        self.text = text.replace("\r\n", "\n")
        self.source = source
        self.starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        for ch in model.FORBIDDEN_CHARS:
            k = self.text.find(ch)
            if k >= 0:
                raise ConverterError("bad-character", f"unsupported character U+{ord(ch):04X} in the input", self.span(k))

    def span(self, off: int, end: int | None = None) -> Span:
        off = max(0, min(off, len(self.text)))
        line = bisect.bisect_right(self.starts, off) - 1
        start = self.starts[line]
        stop = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        length = max(1, min(end, stop) - off) if end is not None else 1
        return Span(line + 1, off - start + 1, self.source, self.text[start:stop], length)

    def error(self, code: str, message: str, off: int) -> ConverterError:
        return ConverterError(code, message, self.span(off))


class _Line:
    """A command line assembled from pieces of source, mapping positions back to offsets.

    A piece is ``(text, start, end)`` with ``end`` None for source text copied as is
    (position k of the piece is start + k); other pieces (a token, an escaped
    character, a re-quoted PowerShell argument) stand for the source range start:end.
    A caret run (cmd text with ``^x`` escapes removed) has ``end`` = the raw text, and
    its positions are mapped on demand: only word boundaries ever ask.
    """

    def __init__(self) -> None:
        self.pieces: list[tuple[str, int, int | str | None]] = []
        self._starts: list[int] | None = None

    def add(self, text: str, start: int, end: int | str | None = None) -> None:
        if text:
            self.pieces.append((text, start, end))
            self._starts = None

    def extend(self, other: "_Line") -> None:
        self.pieces.extend(other.pieces)
        self._starts = None

    def text(self) -> str:
        return "".join(p[0] for p in self.pieces)

    def _piece(self, k: int) -> tuple[int, int]:
        if self._starts is None:
            self._starts, pos = [], 0
            for text, _, _ in self.pieces:
                self._starts.append(pos)
                pos += len(text)
        idx = max(0, bisect.bisect_right(self._starts, k) - 1)
        text, start, end = self.pieces[idx]
        rel = min(k - self._starts[idx], len(text) - 1)
        if isinstance(end, str):  # caret run
            a, b = _caret_unit(end, rel)
            return start + a, start + b
        return (start + rel, start + rel + 1) if end is None else (start, end)

    def offset(self, k: int) -> int:
        return self._piece(k)[0]

    def end_offset(self, k: int) -> int:
        """The source offset just after line position k."""
        return self._piece(k)[1]


def _caret_unit(raw: str, k: int) -> tuple[int, int]:
    """The raw range (``x`` or ``^x``) that yields output character k of a caret run.

    ``raw[:r]`` yields ``r - count("^") + count("^^")`` characters: str.count pairs
    carets left to right exactly as cmd does, so a binary search finds the unit in
    C-speed counts instead of mapping a whole (possibly megabyte) run.
    """

    def produced(r: int) -> int:
        return r - raw.count("^", 0, r) + raw.count("^^", 0, r)

    lo, hi = 1, len(raw)
    while lo < hi:
        mid = (lo + hi) // 2
        if produced(mid) > k:
            hi = mid
        else:
            lo = mid + 1
    if lo >= 2 and raw[lo - 2] == "^" and produced(lo - 2) == k:
        return lo - 2, lo
    return lo - 1, lo


def _word(src: _Source, value: str, off: int, end: int) -> Word:
    value = model.map_literals(value, lambda s: _TEMPLATE_RE.sub(lambda m: model.template(m.group(1)), s))
    return Word(value, src.span(off, end))


def _command(words: list[Word], stdin: str | None = None) -> Command:
    first = words[0].value
    if model.is_literal(first) and re.split(r"[\\/]", first)[-1].lower() in _CURL_NAMES:
        words[0] = Word("curl", words[0].span)  # curl.exe, C:\…\curl.exe: the same program
    return Command(words, words[0].span, stdin)


# --- the C runtime's argv rules (curl.exe's side of both shells) ----------------

_CRT_DELIM = re.compile(r'(?<!\\)((?:\\\\)*)"|[ \t]+')  # a maximal even backslash run + quote
_CRT_QDELIM = re.compile(r'(?<!\\)((?:\\\\)*)"')
_CRT_PAIRS = re.compile(r'\\\\(?=\\*")')
_NOT_BLANK = re.compile(r"[^ \t]")


class _OpenQuote(Exception):
    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


def split_msvc_args(line: str, program: bool = False, strict: bool = True) -> list[tuple[str, int, int]]:
    """A Windows command line → ``(value, start, end)`` per argument, UCRT rules.

    ``program=True`` reads the first argument as argv[0] (quotes only, no backslash
    rules).  A quote left open at the end raises ``ValueError`` when ``strict``; the
    runtime itself just ends the last argument there (``strict=False``).
    """
    try:
        return _msvc_split(line, program, strict)
    except _OpenQuote as exc:
        raise ValueError(f"unterminated double quote at index {exc.index}") from None


def _msvc_split(s: str, program: bool, strict: bool = True) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    pos = 0
    if program:  # argv[0]: quotes group, backslashes are plain path characters
        m = _NOT_BLANK.search(s)
        if not m:
            return out
        i = m.start()
        buf, inq, qpos = [], False, -1
        while i < len(s) and (inq or s[i] not in " \t"):
            if s[i] == '"':
                inq, qpos = not inq, i
            else:
                buf.append(s[i])
            i += 1
        if inq and strict:
            raise _OpenQuote(qpos)
        out.append(("".join(buf), m.start(), i))
        pos = i
    # Only delimiter quotes (after an even backslash run) and, outside quotes, blanks
    # need a decision; the text between them is unescaped in bulk.
    buf, start, inq, qpos = [], -1, False, -1
    n = len(s)
    while True:
        m = (_CRT_QDELIM if inq else _CRT_DELIM).search(s, pos)
        a = m.start() if m else n
        if a > pos:
            if start < 0:
                start = pos
            buf.append(_crt_literal(s[pos:a]))
        if not m:
            break
        pos = m.end()
        slashes = m.group(1)
        if slashes is None:  # blanks outside quotes end the argument
            if start >= 0:
                out.append(("".join(buf), start, a))
                buf, start = [], -1
            continue
        if start < 0:
            start = a
        buf.append("\\" * (len(slashes) // 2))
        if inq and s.startswith('"', pos):
            buf.append('"')  # UCRT: "" inside quotes is a quote, still quoted
            pos += 1
            continue
        inq, qpos = not inq, pos - 1
    if inq and strict:
        raise _OpenQuote(qpos)
    if start >= 0:
        out.append(("".join(buf), start, n))
    return out


def _crt_literal(text: str) -> str:
    """Text without delimiters: 2n+1 backslashes + quote are n backslashes + quote."""
    if '"' not in text:
        return text
    return _CRT_PAIRS.sub(r"\\", text).replace('\\"', '"')


def _split_line(src: _Source, line: _Line, program: bool, starts: list[int] | None = None) -> list[Word]:
    """The line's arguments; ``starts`` (if given) receives each one's source offset."""
    s = line.text()
    try:
        parts = _msvc_split(s, program)
    except _OpenQuote as exc:
        raise src.error("unbalanced-quote", "unterminated double quote", line.offset(exc.index)) from None
    offsets = [line.offset(a) for _, a, _ in parts]
    if starts is not None:
        starts.extend(offsets)
    return [_word(src, v, off, line.end_offset(b - 1)) for (v, _, b), off in zip(parts, offsets)]


# --- cmd.exe ----------------------------------------------------------------

# Text and ^x escapes outside quotes; a caret before a line end (even with blanks
# between, which cmd would escape instead: we are lenient, as with PowerShell's
# backtick) or before a % is left to _caret.
_CMD_RUN = re.compile(r'(?:[^\^"&|<>\n\r%]+|\^[^\n\r% \t]|\^[ \t](?![ \t]*(?:\r?\n|\Z)))+')
_CMD_CONT = re.compile(r"[ \t]*\r?(?:\n|\Z)")
_CMD_IN = re.compile(r'["\n\r%]')
_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}\Z")
_CMD_REM = re.compile(r"(?:@[ \t]*)?(?:rem(?=[ \t\n]|\Z)|::)", re.I)


def _percent(t: str, i: int, batch: bool = True, end: int | None = None) -> tuple[str, int]:
    """cmd's phase 1 at a ``%``: (expansion, next index).  A pair never spans lines."""
    if batch and t.startswith("%%", i):
        return "%", i + 2
    j = t.find("%", i + 1, len(t) if end is None else end)
    if j > 0 and t.find("\n", i + 1, j) < 0:
        name = t[i + 1 : j]
        if _VAR_NAME.match(name) and not _HEX2.match(name):
            return model.shell_var(name), j + 1
    return "%", i + 1  # kept; the next % may open a variable (cmd resumes there)


def parse_cmd(text: str, source: str = "<stdin>") -> list[Command]:
    """cmd.exe text (a pasted prompt line or a batch file) → commands."""
    src = _Source(text, source)
    t, n = src.text, len(src.text)
    commands: list[Command] = []
    line, started, quote, i = _Line(), False, False, 0

    def flush() -> None:
        nonlocal line, started
        if started:
            starts: list[int] = []
            words = _split_line(src, line, program=True, starts=starts)
            if words:
                command = _command(words)
                if command.words[0].value == "curl":
                    _refuse_single_quotes(src, starts[1:])
                commands.append(command)
        line, started = _Line(), False

    while i < n:
        if not started and not quote:
            if (i == 0 or t[i - 1] == "\n") and (m := _CMD_PROMPT.match(t, i)):
                i = m.end()
            while i < n and t[i] in " \t":
                i += 1
            if t.startswith("@", i):
                i += 1  # "@curl …": echo suppression, not part of the name
            if m := _CMD_REM.match(t, i):
                j = t.find("\n", m.end())
                i = n if j < 0 else j
                continue
        if not quote and (m := _CMD_RUN.match(t, i)):
            raw = m.group(0)
            # "^^" is a caret, any other "^" escapes the next character (left to right).
            text = "^".join(p.replace("^", "") for p in raw.split("^^")) if "^" in raw else raw
            line.add(text, i, raw if text is not raw else None)
            started = started or bool(text.strip(" \t"))
            i = m.end()
        else:
            m = _CMD_IN.search(t, i) if quote else None
            j = m.start() if m else (n if quote else i)
            if j > i:
                line.add(t[i:j], i)
                started, i = True, j
        if i >= n:
            break
        c = t[i]
        if c == "\r":  # cmd drops every carriage return
            i += 1
        elif c == "%":
            value, k = _percent(t, i)
            line.add(value, i, None if value == "%" else k)
            started, i = True, k
        elif c == "\n":
            quote = False
            flush()
            i += 1
        elif quote or c == '"':
            quote = not quote
            line.add('"', i)
            started, i = True, i + 1
        elif c == "^":
            i = _caret(t, i, line)
            started = started or bool(line.pieces)
        elif c in "&|":
            flush()
            i += 2 if t.startswith(c, i + 1) else 1
        else:
            i = _cmd_redirect(t, i, line)
    flush()
    return commands


def _refuse_single_quotes(src: _Source, starts: list[int]) -> None:
    """A curl argument that opens with a bare ``'`` is bash or PowerShell text.

    cmd.exe and curl.exe's runtime keep single quotes as text, so ``'https://u:p@h/x'``
    reaches curl as a URL starting with a quote (curl rejects it: "bad/illegal format")
    and ``-d 'a b'`` as the two arguments ``'a`` and ``b'``: never what the writer
    meant, and a mangled URL would put its userinfo into the path.  (``^'`` and a
    quote inside double quotes are deliberate and stay text.)
    """
    for off in starts:
        if src.text.startswith("'", off):
            raise src.error(
                "cmd-single-quote",
                "single quotes are not quotes in cmd.exe: curl.exe would receive them as text "
                "(for bash or PowerShell text, use --shell bash or --shell powershell)",
                off,
            )


def _caret(t: str, i: int, line: _Line) -> int:
    """``^`` outside quotes: escape the next character, or join the next line."""
    caret, i = i, i + 1
    if m := _CMD_CONT.match(t, i):
        i = m.end()  # continuation: the next line's first character is itself escaped
        if m.group(0)[-1:] != "\n":
            return i  # a caret at the very end
        if i >= len(t) or t[i] in "%\r":
            return i  # a % was expanded (phase 1) before escaping: nothing to do
        caret = i
    elif t[i] == "%":
        return i
    line.add(t[i], caret, i + 1)
    return i + 1


def _cmd_redirect(t: str, i: int, line: _Line) -> int:
    """Skip ``[n]>[>]target``, ``>&n``, ``<target``; drop a lone handle digit before it."""
    if line.pieces:
        text, off, end = line.pieces[-1]
        if end is None and off + len(text) == i and text[-1].isdigit() and (len(text) == 1 or text[-2] in " \t"):
            line.pieces.pop()  # "2>nul": the handle number is part of the redirection
            line.add(text[:-1], off)
        elif isinstance(end, str) and end[-1:].isdigit() and end[-2:-1] in ("", " ", "\t"):
            line.pieces.pop()
            line.add(text[:-1], off, end[:-1])
    i += 2 if t.startswith(">>", i) else 1
    if t.startswith("&", i) and t[i + 1 : i + 2].isdigit():
        return i + 2
    while i < len(t) and t[i] in " \t":
        i += 1
    quote = False
    while i < len(t) and t[i] != "\n":
        c = t[i]
        if not quote and c in " \t&|<>":
            break
        if c == '"':
            quote = not quote
        elif c == "^" and not quote:
            i += 1
        i += 1
    return i


# --- PowerShell -------------------------------------------------------------

_SQ = "'\u2018\u2019\u201a\u201b"  # PowerShell accepts typographic quotes as quotes
_DQ = '"\u201c\u201d\u201e'
_BLANK = " \t\f\v\u00a0"
_PS_BARE = re.compile(f"[{_BLANK}\n;|&<>`$(){_SQ}{_DQ}]")
_PS_DQ_SPECIAL = re.compile(f"[`${_DQ}]")
_PS_SQ_SPECIAL = re.compile(f"[{_SQ}]")
_PS_HERE_SPECIAL = re.compile("[`$]")
_PS_VAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z_][A-Za-z0-9_]*))?")
_PS_SCOPES = ("env", "global", "script", "local", "private", "using", "variable")
_PS_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_PS_UNICODE = re.compile(r"u\{([0-9A-Fa-f]{1,6})\}")
_PS_REDIR = re.compile(r"[*1-6]?>>?(&[1-6])?")
_PS_HERE = re.compile(f"@([{_SQ}{_DQ}])[ \t]*\n")
_PS_PROMPT = re.compile(r"PS [^\n>]*> ?")
_PS_CONT = re.compile(f"`[{_BLANK}]*(\n|\\Z)")
_IWR_PARAMS = frozenset(
    "-uri -method -headers -body -contenttype -usebasicparsing -outfile -infile -credential "
    "-websession -sessionvariable -useragent -timeoutsec -maximumredirection -form "
    "-skipcertificatecheck -authentication -token -usedefaultcredentials".split()
)
_SUBST_MESSAGE = "command substitution is never executed: write the value literally or as $VARIABLE"


def parse_powershell(text: str, source: str = "<stdin>", *, native_args: str = "standard") -> list[Command]:
    """PowerShell text → commands.  ``native_args``: "standard" (7.3+) or "legacy" (5.1)."""
    if native_args not in ("standard", "legacy"):
        raise ValueError("native_args must be 'standard' or 'legacy'")
    return _PowerShell(_Source(text, source), native_args == "legacy").parse()


class _PowerShell:
    def __init__(self, src: _Source, legacy: bool) -> None:
        self.src, self.t, self.n, self.i, self.legacy = src, src.text, len(src.text), 0, legacy

    def err(self, code: str, message: str, off: int) -> ConverterError:
        return self.src.error(code, message, off)

    def parse(self) -> list[Command]:
        commands: list[Command] = []
        stdin = None
        while True:
            self.skip(newlines=True)
            if self.i >= self.n:
                return commands
            is_command, args, tail = self.element()
            op = self.operator()
            if is_command and args:
                commands.append(self.command(args, tail, stdin))
            # A lone string piped into a native command is written to its stdin, one
            # line per object with Windows' CRLF ("'{…}' | curl.exe --data-binary '@-'").
            stdin = args[0][0] + "\r\n" if not is_command and op == "|" and len(args) == 1 else None

    # -- layout --------------------------------------------------------------
    def skip(self, newlines: bool = False) -> None:
        """Blanks, continuations and comments (and statement breaks when asked)."""
        t = self.t
        while self.i < self.n:
            c = t[self.i]
            if c in _BLANK or (newlines and c in "\n;"):
                self.i += 1
            elif c == "`" and (m := _PS_CONT.match(t, self.i)):
                self.i = m.end()
            elif t.startswith("<#", self.i):
                j = t.find("#>", self.i + 2)
                if j < 0:
                    raise self.err("unterminated-comment", "unterminated <# block comment", self.i)
                self.i = j + 2
            elif c == "#":
                j = t.find("\n", self.i)
                self.i = self.n if j < 0 else j
            elif newlines and (self.i == 0 or t[self.i - 1] == "\n") and (m := _PS_PROMPT.match(t, self.i)):
                self.i = m.end()
            else:
                return

    def operator(self) -> str:
        t, i = self.t, self.i
        if i >= self.n:
            return ""
        for op in ("&&", "||", "|", ";", "\n"):
            if t.startswith(op, i):
                self.i += len(op)
                return op
        if t[i] == "&" and (i + 1 >= self.n or t[i + 1] in _BLANK + "\n;"):
            self.i += 1  # "… &": a background job; the command is the same
            return "&"
        raise self.err("unsupported-syntax", "an unquoted '&' is not allowed in PowerShell: quote the argument", i)

    # -- statements ----------------------------------------------------------
    def element(self) -> tuple[bool, list, object]:
        """One pipeline element: (is a command, [(value, start, end)], --% tail)."""
        t = self.t
        is_command = True
        if (t[self.i] == "&" and not t.startswith("&&", self.i)) or (
            t[self.i] == "." and (self.i + 1 >= self.n or t[self.i + 1] in _BLANK + _SQ + _DQ)
        ):
            self.i += 1  # call operator "& 'C:\…\curl.exe'" / dot-source
            self.skip()
        elif t[self.i] in _SQ + _DQ + "$" or _PS_HERE.match(t, self.i):
            is_command = False  # an expression: a string, a variable, an assignment
        args, tail = [], None
        while True:
            self.skip()
            if self.i >= self.n or t[self.i] in "\n;|&":
                return is_command, args, tail
            if t.startswith("--%", self.i) and (self.i + 3 >= self.n or t[self.i + 3] in _BLANK + "\n"):
                tail = self.stop_parsing()
                continue
            m = _PS_REDIR.match(t, self.i)
            if m:
                self.i = m.end()
                if not m.group(1):
                    self.skip()
                    if self.i >= self.n or t[self.i] in "\n;|&":
                        raise self.err("syntax-error", "missing file name after a redirection", m.start())
                    self.argument()  # the target file: not an argument of the command
                continue
            if t[self.i] == "<":
                raise self.err("unsupported-syntax", "'<' is reserved in PowerShell: quote the argument", self.i)
            args.append(self.argument())

    def stop_parsing(self) -> _Line:
        """``--%``: the rest of the line goes to the program verbatim (``%NAME%`` expanded)."""
        t, i = self.t, self.i + 3
        end = min(k for k in (t.find("\n", i), t.find("|", i), self.n) if k >= 0)
        line = _Line()
        while i < end:
            j = t.find("%", i, end)
            j = end if j < 0 else j
            line.add(t[i:j], i)
            if j < end:
                value, i = _percent(t, j, batch=False, end=end)
                line.add(value, j, None if value == "%" else i)
            else:
                i = end
        self.i = end
        return line

    def command(self, args: list, tail: _Line | None, stdin: str | None) -> Command:
        src = self.src
        words = [_word(src, *args[0])]
        name = words[0].value.lower()
        if self.legacy:
            line = _Line()
            for value, start, end in args[1:]:
                if value:  # Windows PowerShell drops empty arguments altogether
                    line.add(" " + (f'"{value}"' if _needs_quotes(value) else value), start, end)
            if tail is not None:
                line.add(" ", self.i, self.i)
                line.extend(tail)
            if line.pieces:
                words += _split_line(src, line, program=False)
        else:
            words += [_word(src, *a) for a in args[1:]]
            if tail is not None and tail.pieces:
                words += _split_line(src, tail, program=False)
        if name == "curl":  # PowerShell 5.1's alias of Invoke-WebRequest
            for w in words[1:]:
                if w.value.lower() in _IWR_PARAMS:
                    raise ConverterError(
                        "invoke-webrequest",
                        "this is Invoke-WebRequest syntax (PowerShell's 'curl' alias), not curl: use curl.exe options",
                        w.span,
                    )
        return _command(words, stdin)

    # -- arguments -----------------------------------------------------------
    def argument(self) -> tuple[str, int, int]:
        t, start = self.t, self.i
        c = t[start]
        if c in _SQ:
            value = self.single()
        elif c in _DQ:
            value = self.double()
        elif m := _PS_HERE.match(t, start):
            value = self.here(m)
        elif c == "(" or t.startswith("@(", start):
            raise self.err("command-substitution", _SUBST_MESSAGE, start)
        elif c == "{" or t.startswith("@{", start):
            raise self.err("unsupported-syntax", "a script block or hashtable is not a curl argument: quote the value", start)
        else:
            value = self.bareword()
        return value, start, self.i

    def single(self) -> str:
        t, open_at = self.t, self.i
        out, i = [], self.i + 1
        while True:
            m = _PS_SQ_SPECIAL.search(t, i)
            if not m:
                raise self.err("unbalanced-quote", "unterminated single quote", open_at)
            out.append(t[i : m.start()])
            i = m.end()
            if i < self.n and t[i] in _SQ:
                out.append(t[i])  # '' is one quote
                i += 1
                continue
            self.i = i
            return "".join(out)

    def double(self) -> str:
        t, open_at = self.t, self.i
        out, i = [], self.i + 1
        while True:
            m = _PS_DQ_SPECIAL.search(t, i)
            if not m:
                raise self.err("unbalanced-quote", "unterminated double quote", open_at)
            out.append(t[i : m.start()])
            i = m.start()
            c = t[i]
            if c == "`":
                text, i = self.escape(i)
                out.append(text)
            elif c == "$":
                text, i = self.dollar(i)
                out.append(text)
            elif i + 1 < self.n and t[i + 1] in _DQ:
                out.append(t[i + 1])  # "" is one quote
                i += 2
            else:
                self.i = i + 1
                return "".join(out)

    def here(self, m: re.Match) -> str:
        """``@' … '@`` (verbatim) and ``@" … "@`` (expandable); the closer starts a line."""
        t, body = self.t, m.end()
        quotes = _SQ if m.group(1) in _SQ else _DQ
        close = re.compile(f"\n[{quotes}]@").search(t, body - 1)
        if not close:
            raise self.err("unbalanced-quote", "unterminated here-string", m.start())
        end = max(body, close.start())
        self.i = close.end()
        if quotes is _SQ:
            return t[body:end]
        out, i = [], body
        while i < end:
            m = _PS_HERE_SPECIAL.search(t, i, end)
            j = m.start() if m else end
            out.append(t[i:j])
            if j >= end:
                break
            text, i = self.escape(j) if t[j] == "`" else self.dollar(j)
            out.append(text)
        return "".join(out)

    def bareword(self) -> str:
        t, out, i = self.t, [], self.i
        while i < self.n:
            m = _PS_BARE.search(t, i)
            j = m.start() if m else self.n
            out.append(t[i:j])
            i = j
            if i >= self.n:
                break
            c = t[i]
            if c == "`":
                if _PS_CONT.match(t, i):
                    break  # a line continuation is a blank
                text, i = self.escape(i)
                out.append(text)
            elif c == "$":
                text, i = self.dollar(i)
                out.append(text)
            elif c in "()":
                out.append(c)  # inside a word: text (a leading "(" was refused earlier)
                i += 1
            elif c in _SQ or c in _DQ:
                self.i = i  # a quoted part inside a bare word joins the word
                out.append(self.single() if c in _SQ else self.double())
                i = self.i
            else:
                break
        self.i = i
        return "".join(out)

    def escape(self, i: int) -> tuple[str, int]:
        t = self.t
        if i + 1 >= self.n:
            return "", i + 1
        c = t[i + 1]
        if c == "u" and (m := _PS_UNICODE.match(t, i + 1)):
            code = int(m.group(1), 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise self.err("syntax-error", "invalid `u{…} escape: not a Unicode scalar value", i)
            return chr(code), m.end()
        return _PS_ESCAPES.get(c, c), i + 2

    def dollar(self, i: int) -> tuple[str, int]:
        """``$name``, ``$env:NAME``, ``${env:NAME}`` → a shell variable; ``$(`` refused."""
        t = self.t
        nxt = t[i + 1 : i + 2]
        if nxt == "(":
            raise self.err("command-substitution", _SUBST_MESSAGE, i)
        if nxt == "{":
            j = t.find("}", i + 2)
            if j < 0:
                raise self.err("syntax-error", "missing '}' after '${'", i)
            if j == i + 2:
                raise self.err("syntax-error", "empty variable name '${}'", i)
            scope, sep, name = t[i + 2 : j].partition(":")
            return model.shell_var(name if sep and scope.lower() in _PS_SCOPES else t[i + 2 : j]), j + 1
        m = _PS_VAR.match(t, i)
        if not m:
            return "$", i + 1
        if m.group(2) and m.group(1).lower() in _PS_SCOPES:
            return model.shell_var(m.group(2)), m.end()
        return model.shell_var(m.group(1)), m.end(1)


def _needs_quotes(value: str) -> bool:
    """Windows PowerShell 5.1: quote an argument with a blank outside embedded quotes."""
    inside = after_backslash = False
    for c in value:
        if c == '"' and not after_backslash:
            inside = not inside
        elif c.isspace() and not inside:
            return True
        after_backslash = c == "\\"
    return False

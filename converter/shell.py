r"""Shell text (bash-like, as API docs print it) → commands of words.

Nothing is ever executed or read from the environment: ``$VAR`` becomes a
shell-variable token, ``{{name}}`` a template token (see ``model``), and
command substitution is refused.  Words keep the span where they started.

Grammar accepted (pyparsing for the structure; terminals are regular
expressions, so ``word`` and friends match in one step each; text without a
here-document is just ``item*``, read by a plain match loop)::

    script       ::= ( item | heredoc-line )*
    heredoc-line ::= heredoc-op ( inline-item | heredoc-op )* [newline] heredoc-body+
                     -- as bash does, one body per operator, read after the line
    item         ::= prompt | words | newline | operator | comment
                   | here-str-op | error | redirect-op | blanks
    inline-item  ::= item - newline
    prompt       ::= LINE-START [ \t]* ("$" | "%" | ">") " "   -- dropped
    -- a command's words: after leading NAME=value words and reserved words
    -- (if, then, {, !, time, ...), which are dropped
    words        ::= sep* word (sep+ word)*
    sep          ::= [ \t] | "\" newline
    blanks       ::= sep+
    word         ::= piece+            -- not starting with "#", and not digits
                                       -- followed by "<" or ">" (an fd number)
    piece        ::= literal | "\" newline            -- continuation: removed
                   | "'" [^']* "'"                    -- single quotes
                   | '"' dq-char* '"' | '$"' dq-char* '"'
                   | "$'" (ansi-escape | [^'\])* "'"
                   | template | "${" name [op any*] "}" | "${" any* "}"
                   | "$" name | "$" | "\" any
    literal      ::= ( [^ \t\n'"\\$`;&|()<>{] | "{" not starting a template )+
    dq-char      ::= "\" [$`"\\ newline] | template | "${" ... "}" | "$" name | any
    template     ::= "{{" [ \t]* [A-Za-z0-9_.$-]+ [ \t]* "}}"
    ansi-escape  ::= "\" ( [abeEfnrtv\\'"?] | [0-7]{1,3} | "x" hex{1,2}
                   | "u" hex{1,4} | "U" hex{1,8} | "c" char )
    operator     ::= "&&" | "||" | ";;" | "|&" | ";" | "&" | "|" | "(" | ")"
    comment      ::= "#" [^\n]*
    redirect-op  ::= [0-9]* (">>" | ">&" | ">|" | "<>" | "<&" | ">" | "<")
                   | "&>" | "&>>"                     -- its target word is dropped
    here-str-op  ::= [0-9]* "<<<"                      -- next word + "\n" is stdin
    heredoc-op   ::= [0-9]* "<<" ["-"] [ \t]* delimiter-word
    heredoc-body ::= line* delimiter-line   -- <<-: leading tabs stripped; an unquoted
                                            -- delimiter: expanded like dq-char (no \")
    error        ::= "$((" | "$(" | "`" | "$[" | "<(" | ">("   -- never executed
                   | "'" | '"' | "$'" | "${" | "<<"         -- not closed / no delimiter

Meaning: ``$NAME`` / ``${NAME…}`` expand (unquoted, in double quotes and in
bodies of here-documents with an unquoted delimiter) to ``model.shell_var``;
``{{name}}`` anywhere in literal text becomes ``model.template``; positional
and special parameters (``$1``, ``$@``) stay literal.  Leading ``NAME=value``
words, redirections and their targets, comments and a pasted prompt are not
words.  CRLF is read as LF.  Known gaps (bash accepts them): brace, tilde and
glob expansion (kept literal: curl receives such URLs quoted in practice), and
``${…}`` holding a quoted "}" or braces nested more than two deep.
"""
from __future__ import annotations

import re
from bisect import bisect_right

from .errors import ConverterError, Span
from .model import FORBIDDEN_CHARS, Command, Word, shell_var, template

__all__ = ["parse_shell"]

# --- terminals ---------------------------------------------------------------

_S = r"(?:[ \t]|\\\n)*+"  # separators before a token: blanks and continuations
_NAME = r"[A-Za-z_][A-Za-z0-9_]*+"
_TMPL = r"\{\{[ \t]*[A-Za-z0-9_.$-]+[ \t]*\}\}"
_TMPL_NAMED = r"\{\{[ \t]*(?P<tname>[A-Za-z0-9_.$-]+)[ \t]*\}\}"
# ${…} bodies may hold braces two levels deep (``${X:-{{a}}}``).
_NEST = r"(?:[^{}]++|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+"
_BVAR = r"\$\{(?P<bname>" + _NAME + r")(?:[^A-Za-z0-9_{}]" + _NEST + r")?\}"
# a ${…} inside double quotes may hold quotes of its own: "${X:-"a b"}"
_DQ_BODY = r'(?:[^"\\$]++|\\.|\$\{' + _NEST + r'\}|\$)*+'
_DELIM = r"""(?:[^ \t\n;&|()<>'"\\]|'[^']*'|"(?:[^"\\]|\\.)*"|\\.)+"""

# The pieces of an unquoted word, in match order (names used when decoding).
_PIECES = [
    ("blank", r"[ \t]+"),  # only while decoding: ends the word
    ("cont", r"\\\n"),
    ("lit", r"(?:[^ \t\n'\"\\$`;&|()<>{]++|(?!" + _TMPL + r")\{)+"),
    ("sq", r"'[^']*'"),
    ("dq", r'"' + _DQ_BODY + r'"'),
    ("ansi", r"\$'[^'\\]*+(?:\\.[^'\\]*+)*+'"),
    ("locale", r'\$"' + _DQ_BODY + r'"'),
    ("tmpl", _TMPL_NAMED),
    ("bvar", _BVAR),
    ("bother", r"\$\{" + _NEST + r"\}"),
    ("var", r"\$(?P<vname>" + _NAME + ")"),
    ("dollar", r"\$(?![('\"{\[])"),
    ("esc", r"\\."),
    ("bsend", r"\\\Z"),
]
_PIECE_RE = re.compile("|".join(f"(?P<{k}>{p})" for k, p in _PIECES), re.S)
_WORD = (
    r"(?!#)(?![0-9]+[<>])(?>(?:"
    + "|".join(re.sub(r"\(\?P<\w+>", "(?:", p) for k, p in _PIECES[1:])
    + r")+)"
)

# Inside double quotes (and here-document bodies) only these are special.
def _expanding_re(escapable: str) -> re.Pattern:
    return re.compile(
        r"(?P<esc>\\[" + escapable + r"])|(?P<cont>\\\n)|(?P<tmpl>" + _TMPL_NAMED + r")"
        r"|(?P<bvar>" + _BVAR + r")|(?P<var>\$(?P<vname>" + _NAME + r"))"
        r"|(?P<cmd>\$\(\(|\$\(|\$\[|`)|(?P<brace>\$\{)"
        r"|(?P<lit>(?:[^\\$`{]++|\\(?![" + escapable + r"\n])|(?!" + _TMPL + r")\{"
        r"|\$(?![A-Za-z_{(\[]))+)",
        re.S,
    )


_DQ_RE = _expanding_re(r"$`\"\\")
_HEREDOC_RE = _expanding_re(r"$`\\")
_TMPL_RE = re.compile(_TMPL_NAMED)
_DQ_SPECIAL = re.compile(r"[\\$`{]")
_ASSIGN_RE = re.compile(_NAME + r"\+?=")
# bash reserved words that may open a command (only unquoted, in command position)
_RESERVED = frozenset(["!", "{", "}", "if", "then", "elif", "else", "fi", "while", "until", "do",
                       "done", "time"])
_ANSI_RE = re.compile(
    r"\\(?:(?P<simple>[abeEfnrtv\\'\"?])|(?P<oct>[0-7]{1,3})|x(?P<hex>[0-9A-Fa-f]{1,2})"
    r"|u(?P<u4>[0-9A-Fa-f]{1,4})|U(?P<u8>[0-9A-Fa-f]{1,8})|c(?P<ctl>\\\\?|[\x00-\x7f]))"
    r"|(?P<lit>[^\\]+|\\)",
    re.S,
)
_ANSI_SIMPLE = {"a": 7, "b": 8, "e": 27, "E": 27, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11,
                "\\": 92, "'": 39, '"': 34, "?": 63}
_DELIM_PART_RE = re.compile(r"""'([^']*)'|"((?:[^"\\]|\\.)*)"|\\(.)|([^'"\\]+)""", re.S)

_CMDSUB = "command substitution is never executed: write the value literally or as $VARIABLE"
# error-group name -> (code, message); the span is the group's start.
_ERRORS = {
    "arith": ("command-substitution", _CMDSUB),
    "cmdsub": ("command-substitution", _CMDSUB),
    "ansi_open": ("unbalanced-quote", "unterminated $'…' quote"),
    "sq_open": ("unbalanced-quote", "unterminated single quote"),
    "dq_open": ("unbalanced-quote", "unterminated double quote"),
    "brace_open": ("syntax", "unterminated ${…} expansion"),
    "nodelim": ("syntax", "here-document operator without a delimiter word"),
}

# --- the grammar ----------------------------------------------------------------

# Terminals of one item, in MatchFirst order.  They are joined into one regular
# expression per pyparsing element (the group name tells the kind): pyparsing
# pays for every failed alternative with an exception, which made a MatchFirst
# of separate elements ~4x slower on a typical command.
_TERMINALS = [
    ("prompt", r"(?<![^\n])[ \t]*[$%>] "),
    ("words", _S + _WORD + r"(?:(?:[ \t]|\\\n)++" + _WORD + r")*+"),
    ("newline", _S + r"\n"),
    ("operator", _S + r"(?:&&|\|\||;;|\|&|&(?!>)|[;|()])"),
    ("comment", _S + r"#[^\n]*"),
    ("herestring", _S + r"(?P<hsfd>[0-9]*)<<<"),
    ("error", _S + r"(?:(?P<arith>\$\(\()|(?P<cmdsub>\$[(\[]|`|[<>]\()|(?P<ansi_open>\$')"
              r"|(?P<sq_open>')|\$?(?P<dq_open>\")|(?P<brace_open>\$\{)"
              r"|(?P<nodelim>[0-9]*<<(?!-?[ \t]*" + _DELIM + r")))"),
    ("redirect", _S + r"(?P<rd>[0-9]*(?:>>|>&|>\||<>|<&|>|<(?!<))|&>>?)"),
    ("blanks", r"(?:[ \t]|\\\n)++"),
]


def _alternation(kinds: list[tuple[str, str]]) -> re.Pattern:
    return re.compile("|".join(f"(?P<{k}>{p})" for k, p in kinds), re.S)


_ITEM_RE = _alternation(_TERMINALS)
_HEREDOC_AHEAD = re.compile(_S + r"[0-9]*<<")

# A word of unquoted text and quotes that expand nothing (the `lit` piece without "{",
# `sq`, or `dq` without \ $ ` {), after the separators before it and ending at a blank or
# at the end of its ``words`` token (finditer's ``endpos``): what most words are.  Either
# kind of quote, not both, so that dropping the quote characters gives the word's value.
_PLAIN_LIT = r"[^ \t\n'\"\\$`;&|()<>{]++"
_PLAIN_WORD = re.compile(r"(?:[ \t]|\\\n)*+((?:" + _PLAIN_LIT + r"|(')[^']*+')++|(?:" + _PLAIN_LIT
                         + r"|(\")[^\"\\$`{]*+\")++)(?=[ \t]|\Z)")  # groups: the word, a ', a \"
_SEP_RE = re.compile(r"(?:[ \t]|\\\n)*+")
_NEWLINE = re.compile("\n")
# Span and Word are named tuples built once per word: tuple.__new__ skips their
# Python-level constructor (a third of the cost of making one)
_new_tuple = tuple.__new__


class _Body:
    """A here-document body, read after the line of its operator; a token like the matches."""

    lastgroup = "body"
    __slots__ = ("op", "lines", "delim", "quoted", "resume")

    def __init__(self, op: re.Match, lines: list[tuple[int, int]] | None, delim: str, quoted: bool,
                 resume: int) -> None:
        self.op, self.lines, self.delim, self.quoted, self.resume = op, lines, delim, quoted, resume
        # lines: (start, end) offsets of the body's lines; None when the delimiter never came

    def end(self) -> int:
        return self.resume


def _read_body(text: str, pos: int, op: re.Match) -> _Body:
    """The lines of one body from ``pos`` up to its delimiter line, as bash reads them."""
    raw = op.group("delim")
    quoted = any(c in raw for c in "'\"\\")
    delim = "".join(_unquote_delim(p) for p in _DELIM_PART_RE.finditer(raw))
    dash = op.group("dash") == "-"
    lines: list[tuple[int, int]] = []
    logical, pending = "", []  # the logical line being read, and its physical lines
    while pos < len(text):
        nl = text.find("\n", pos)
        stop = len(text) if nl < 0 else nl
        line = text[pos:stop]
        pending.append((pos, stop + 1 if nl >= 0 else stop))
        pos = stop + 1 if nl >= 0 else stop
        if not quoted and nl >= 0 and (len(line) - len(line.rstrip("\\"))) % 2:
            logical += line[:-1]  # unquoted: bash joins "\"-newline before looking for the delimiter
            continue
        logical += line
        if (logical.lstrip("\t") if dash else logical) == delim:
            return _Body(op, lines, delim, quoted, pos)
        lines += pending
        logical, pending = "", []
    return _Body(op, None, delim, quoted, pos)


def _items(text: str) -> list:
    """The script's tokens (re.Match objects, plus a _Body per here-document).

    Without a here-document operator the grammar is ``item*`` and ``item`` is one regular
    expression, so a plain match loop gives exactly the tokens pyparsing would, at a fraction
    of the cost (and without importing pyparsing: ~1/3 of a one-command CLI run)."""
    if "<<" in text:
        return list(_grammar().parse_string(text))
    tokens, pos, end, match = [], 0, len(text), _ITEM_RE.match
    while pos < end:
        m = match(text, pos)
        if m is None:
            break
        tokens.append(m)
        pos = m.end()
    return tokens


_SCRIPT = None


def _grammar():
    """The pyparsing grammar of a script holding here-documents (built on first use)."""
    global _SCRIPT
    if _SCRIPT is None:
        import pyparsing as pp

        def terminal(name: str, kinds: list[tuple[str, str]]) -> pp.Regex:
            # as_match: the token is the re.Match itself (kind = lastgroup, offsets kept)
            return pp.Regex(_alternation(kinds), as_match=True).leave_whitespace().set_name(name)

        class WithBodies(pp.ParseElementEnhance):
            """A line holding here-document operators, followed by their bodies (read in order)."""

            def parseImpl(self, instring, loc, do_actions=True):
                if _HEREDOC_AHEAD.match(instring, loc) is None:  # fail fast: the And below is costly
                    raise pp.ParseException(instring, loc, "expected a here-document operator", self)
                loc, tokens = super().parseImpl(instring, loc, do_actions)
                if loc == len(instring) or instring[loc - 1] == "\n":  # else: stopped on bad input
                    for op in [t for t in tokens if t.lastgroup == "heredoc"]:
                        body = _read_body(instring, loc, op)
                        tokens.append(body)
                        loc = body.resume
                return loc, tokens

        item = pp.Regex(_ITEM_RE, as_match=True).leave_whitespace().set_name("item")
        inline = terminal("inline item", [t for t in _TERMINALS if t[0] != "newline"])
        newline = terminal("newline", [("newline", _S + r"\n")])
        heredoc = terminal("here-document", [
            ("heredoc", _S + r"(?P<hdfd>[0-9]*)<<(?P<dash>-?)[ \t]*(?P<delim>" + _DELIM + ")")])
        _SCRIPT = pp.ZeroOrMore(
            item | WithBodies(heredoc + pp.ZeroOrMore(inline | heredoc) + pp.Optional(newline))
        ).leave_whitespace().parse_with_tabs()
    return _SCRIPT


# --- assembling commands --------------------------------------------------------


class _Cmd:
    __slots__ = ("words", "stdin", "prompted")

    def __init__(self) -> None:
        self.words: list[Word] = []
        self.stdin: str | None = None
        self.prompted = False


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self.lines: dict[int, str] = {}  # line index -> its text, as spans need them
        self.commands: list[_Cmd] = []
        self.cmd = _Cmd()
        self.assigning = True  # still before the command name (assignments, redirects)
        self.target: tuple[str, int] | None = None  # ("redirect"|"herestring", offset)
        self.heredocs: list[_Cmd | None] = []  # owners of bodies still to come (None: not stdin)

    # spans ----------------------------------------------------------------
    def span(self, offset: int, end: int | None = None) -> Span:
        i = bisect_right(self.starts, offset) - 1
        start = self.starts[i]
        line = self.lines.get(i)
        if line is None:
            stop = self.text.find("\n", start)
            line = self.lines[i] = self.text[start:] if stop < 0 else self.text[start:stop]
        stop = start + len(line)
        length = (offset + 1 if end is None else end if end < stop else stop) - offset
        return _new_tuple(Span, (i + 1, offset - start + 1, self.source, line, length if length > 0 else 1))

    def fail(self, code: str, message: str, offset: int, length: int = 1) -> ConverterError:
        return ConverterError(code=code, message=message, span=self.span(offset, offset + length))

    # tokens ---------------------------------------------------------------
    def feed(self, tokens: list) -> None:
        for m in tokens:
            kind = m.lastgroup
            if kind == "words":
                self.words(m.start(), m.end())
            elif kind == "newline" or kind == "operator":
                self.end_command()
            elif kind == "prompt":
                self.cmd.prompted = True  # always at a command start (after a newline)
            elif kind == "redirect":
                at = m.start("rd")
                if (m.group("rd") == ">" and self.cmd.prompted and self.text[at - 1] == "\n"
                        and self.text.startswith(" ", at + 1)):
                    continue  # a pasted continuation prompt ("> ") after "$ cmd \"
                self.need_no_target()
                self.target = ("redirect", at)
            elif kind == "herestring":
                at = m.start("hsfd")
                self.need_no_target()
                self.target = ("herestring" if m.group("hsfd") in ("", "0") else "redirect", at)
            elif kind == "heredoc":
                self.need_no_target()
                self.heredocs.append(self.cmd if m.group("hdfd") in ("", "0") else None)
            elif kind == "body":
                owner = self.heredocs.pop(0)
                if m.lines is None:
                    raise self.fail("syntax", f"here-document delimited by end of input "
                                              f"(wanted '{m.delim}')", m.op.start("hdfd"), 2)
                if owner is not None:
                    owner.stdin = self.heredoc_body(m)
            elif kind == "error":
                name = next(n for n in _ERRORS if m.group(n) is not None)
                code, message = _ERRORS[name]
                start = m.start(name)
                raise self.fail(code, message, start, m.end() - start)
            # comments and blanks: nothing

    def need_no_target(self) -> None:
        """A redirection or here-string operator must be followed by its word."""
        if self.target is not None:
            kind, at = self.target
            what = "here-string" if kind == "herestring" else "redirection"
            raise self.fail("syntax", f"{what} without a word after it", at)

    def end_command(self) -> None:
        self.need_no_target()
        if self.cmd.words:
            self.commands.append(self.cmd)
        self.cmd = _Cmd()
        self.assigning = True

    def finish(self) -> list[Command]:
        self.end_command()
        return [Command(c.words, c.words[0].span, c.stdin) for c in self.commands]

    # words ----------------------------------------------------------------
    def words(self, start: int, end: int) -> None:
        """The words of one ``words`` token.  Most words are plain text and quotes without
        expansions (``-H``, ``'Content-Type: a/b'``, ``"x y"``): one match reads such a word
        whole; any other word is read piece by piece (:meth:`pieces`)."""
        text, pos = self.text, start
        plain, append = _PLAIN_WORD.match, self.cmd.words.append
        while pos < end:
            m = plain(text, pos, end)
            if m is None:
                pos = _SEP_RE.match(text, pos, end).end()
                if pos >= end:
                    return
                pos = self.pieces(pos, end)
                continue
            raw, sq, dq = m.groups()
            wstart, pos = m.start(1), m.end()
            # the quotes are the only characters a plain word drops (its quoted parts
            # cannot hold the other kind's quote character, see _PLAIN_WORD)
            value = raw.replace("'", "") if sq else raw.replace('"', "") if dq else raw
            if self.target is None and not self.assigning:  # an argument: add_word's last line
                if "{{" in value:
                    value = _templates(value)
                append(_new_tuple(Word, (value, self.span(wstart, pos))))
                continue
            # as in pieces: an assignment starts with an unquoted piece (no name
            # character is a quote, so matching the whole word tells the same)
            assignment = (self.assigning and self.target is None and raw[0] not in "'\""
                          and _ASSIGN_RE.match(raw) is not None)
            self.add_word(value, wstart, pos, assignment)

    def pieces(self, start: int, end: int) -> int:
        """One word read piece by piece from ``start`` (no separator there); returns where
        the word ended."""
        text = self.text
        buf: list[str] = []  # the word's parts
        assignment = False
        first = True
        for m in _PIECE_RE.finditer(text, start, end):
            kind = m.lastgroup
            if kind == "blank":
                self.add_word("".join(buf), start, m.start(), assignment)
                return m.end()
            if kind == "cont":
                continue
            if first:
                first = False
                assignment = (self.assigning and kind == "lit" and self.target is None
                              and _ASSIGN_RE.match(m.group()) is not None)
            if kind == "lit":
                buf.append(m.group())
            elif kind == "sq":
                buf.append(m.group()[1:-1])
            elif kind == "dq":
                a, b = m.start() + 1, m.end() - 1
                if _DQ_SPECIAL.search(text, a, b):
                    self.expand(_DQ_RE, a, b, buf)
                else:
                    buf.append(text[a:b])
            elif kind == "var":
                buf.append(shell_var(m.group("vname")))
            elif kind == "bvar":
                buf.append(shell_var(m.group("bname")))
            elif kind == "tmpl":
                buf.append(template(m.group("tname")))
            elif kind == "esc":
                buf.append(m.group()[1])
            elif kind == "ansi":
                buf.append(self.ansi(m.start() + 2, m.end() - 1))
            elif kind == "locale":
                self.expand(_DQ_RE, m.start() + 2, m.end() - 1, buf)
            elif kind == "dollar" or kind == "bsend" or kind == "bother":
                buf.append(m.group())
        self.add_word("".join(buf), start, end, assignment)
        return end

    def add_word(self, value: str, start: int, end: int, assignment: bool) -> None:
        if "{{" in value:
            value = _templates(value)
        if self.target is not None:
            kind, _ = self.target
            self.target = None
            if kind == "herestring":
                self.cmd.stdin = value + "\n"  # bash appends a newline to a here-string
            return
        if assignment:
            return
        if self.assigning and value in _RESERVED and self.text.startswith(value, start) \
                and end - start == len(value):
            return  # "if curl …; then", "{ curl …; }": the command is what follows
        self.assigning = False
        self.cmd.words.append(_new_tuple(Word, (value, self.span(start, end))))

    def expand(self, regex: re.Pattern, start: int, end: int, buf: list[str]) -> None:
        """Decode double-quoted text or a here-document body (offsets kept for errors)."""
        for m in regex.finditer(self.text, start, end):
            kind = m.lastgroup
            if kind == "lit":
                buf.append(m.group())
            elif kind == "var":
                buf.append(shell_var(m.group("vname")))
            elif kind == "bvar":
                buf.append(shell_var(m.group("bname")))
            elif kind == "esc":
                buf.append(m.group()[1])
            elif kind == "tmpl":
                buf.append(template(m.group("tname")))
            elif kind == "cmd":
                raise self.fail("command-substitution", _CMDSUB, m.start(), len(m.group()))
            elif kind == "brace":
                raise self.fail(*_ERRORS["brace_open"], m.start(), 2)
            # cont: removed

    def ansi(self, start: int, end: int) -> str:
        """Decode the body of $'…' as bash does: escapes yield bytes, NUL ends the string."""
        body = self.text[start:end]
        if "\\" not in body:
            return body
        out = bytearray()
        for m in _ANSI_RE.finditer(body):
            kind = m.lastgroup
            if kind == "lit":
                out += m.group().encode("utf-8")
                continue
            if kind == "simple":
                code = _ANSI_SIMPLE[m.group(kind)]
            elif kind == "oct":
                code = int(m.group(kind), 8) & 0xFF  # bash keeps the low byte (\777 is 0xff)
            elif kind == "hex":
                code = int(m.group(kind), 16)
            elif kind == "ctl":
                c = m.group(kind)[0]
                code = 0x7F if c == "?" else ord(c.upper()) & 0x1F
            else:  # \u, \U: a code point, UTF-8 encoded
                code = int(m.group(kind), 16)
                if code:
                    try:
                        out += chr(code).encode("utf-8")
                    except (ValueError, UnicodeEncodeError):
                        raise self.fail("bad-escape", "invalid Unicode escape in $'…' quote",
                                        start + m.start(), len(m.group())) from None
                    continue
            if code == 0:
                break  # bash strings end at NUL: the rest of this quote is dropped
            out.append(code)
        try:
            decoded = out.decode("utf-8")
        except UnicodeDecodeError:
            raise self.fail("bad-escape", "$'…' escapes do not form UTF-8 text", start - 2,
                            end - start + 3) from None
        for mark in FORBIDDEN_CHARS:  # an escape must not forge a placeholder token
            if mark in decoded:
                raise self.fail("bad-character", f"unsupported character U+{ord(mark):04X}", start - 2, end - start + 3)
        return decoded

    # here-documents -------------------------------------------------------
    def heredoc_body(self, body: _Body) -> str:
        ranges = body.lines
        if body.op.group("dash"):  # <<- strips leading tabs; line by line to keep offsets
            ranges = [(a + len(self.text[a:b]) - len(self.text[a:b].lstrip("\t")), b) for a, b in ranges]
        elif ranges:
            ranges = [(ranges[0][0], ranges[-1][1])]
        buf: list[str] = []
        for a, b in ranges:
            if body.quoted:
                buf.append(self.text[a:b])
            else:
                self.expand(_HEREDOC_RE, a, b, buf)
        return _templates("".join(buf))


def _unquote_delim(m: re.Match) -> str:
    if m.group(2) is not None:
        return re.sub(r"\\([$`\"\\\n])", r"\1", m.group(2))
    return next(g for g in m.groups() if g is not None)


def _templates(value: str) -> str:
    """``{{name}}`` left in literal text (quoted or escaped) becomes a template token."""
    if "{{" not in value:
        return value
    return _TMPL_RE.sub(lambda m: template(m.group("tname")), value)


def parse_shell(text: str, source: str = "<stdin>") -> list[Command]:
    """Split shell text into simple commands of words (see the module grammar)."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")  # line numbers and columns are unchanged
    parser = _Parser(text, source)
    found = [at for at in map(text.find, FORBIDDEN_CHARS) if at >= 0]
    if found:
        at = min(found)
        raise parser.fail("bad-character", f"unsupported character U+{ord(text[at]):04X}", at)
    tokens = _items(text)
    parser.feed(tokens)
    end = tokens[-1].end() if tokens else 0
    if end < len(text):  # the terminals cover every character: a bug if reached
        raise parser.fail("syntax", "unexpected character", end)
    return parser.finish()

"""Which shell wrote a text: bash, cmd.exe or PowerShell.

:func:`may_be_windows` is the one cheap test that decides most inputs are bash: every
sign that :func:`detect_shell` weighs for cmd.exe or PowerShell (but ``curl.exe``, which
only breaks ties) contains one of its characters or words, so text with none of them
is bash and the Windows parsers are never imported for it.

:func:`detect_shell` weighs signs.  A misreading is not harmless: read as cmd.exe, a
single-quoted bash URL keeps its quotes (its userinfo ends up in a path); read as
PowerShell, bash's `` `date` `` silently becomes the text ``date``.  So signs are read
narrowly: a caret *continuation* is an odd caret run at a line end (``k=^^`` ends in
an escaped caret), a backtick continuation is no closing backtick of a `` `command` ``
pair, and constructs that one dialect would misread (single-quoted words for cmd,
``\\"`` inside double quotes and `` `command` `` for PowerShell) weigh for the others.
"""
from __future__ import annotations

import re

__all__ = ["may_be_windows", "detect_shell", "CMD_PROMPT"]

# Every sign of cmd.exe or PowerShell, as one pattern: the definition (the tests check
# may_be_windows against it).  Searching it costs ~14 us on a 150-character command (no
# literal prefix, case folding, a dozen alternatives tried at every position), about as
# much as parsing the command, so may_be_windows asks the same question in cheap parts.
_ANY_WINDOWS_SIGN = re.compile(
    r"""[\^`%]|''|""|\$\{?env:|@['"]|<#|--%|^[ \t]*@?(?:rem|::)|^PS |[A-Za-z]:\\|['"][ \t]*\|""", re.M | re.I)
# The alternatives that need a regex, each behind the plain substring it cannot match
# without (re.I kept where the definition has it: it also folds K, s, i to their Unicode
# look-alikes).  `--%` holds a "%", so the character test covers it.
_ENV_SIGN = re.compile(r"\$\{?env:", re.I)
_AT_QUOTE = re.compile(r"@['\"]")
_DRIVE = re.compile(r"[A-Za-z]:\\", re.I)
_QUOTE_PIPE = re.compile(r"['\"][ \t]*\|")
# a line start is the text's start or a "\n": the second form has a literal prefix
_LINE_SIGN = r"[ \t]*@?(?:rem|::)|PS "
_FIRST_LINE_SIGN = re.compile(_LINE_SIGN, re.I)
_NEXT_LINE_SIGN = re.compile(r"\n(?:" + _LINE_SIGN + ")", re.I)


def may_be_windows(text: str) -> bool:
    """Whether ``_ANY_WINDOWS_SIGN`` occurs in ``text`` (same answer, ~10x faster)."""
    return ("^" in text or "`" in text or "%" in text or "''" in text or '""' in text or "<#" in text
            or ("$" in text and _ENV_SIGN.search(text) is not None)
            or ("@" in text and _AT_QUOTE.search(text) is not None)
            or (":\\" in text and _DRIVE.search(text) is not None)
            or ("|" in text and _QUOTE_PIPE.search(text) is not None)
            or _FIRST_LINE_SIGN.match(text) is not None
            or ("\n" in text and _NEXT_LINE_SIGN.search(text) is not None))


# A pasted prompt "C:\Users\me>" counts only when a curl command follows it: a line
# such as 'C:\curl\curl.exe https://x > out.txt' must stay a redirection.  (Shared
# with the cmd parser, which skips the prompt.)
CMD_PROMPT = re.compile(r'[A-Za-z]:\\[^\n<>|"*?]*>(?=[ \t]*@?[ \t]*(?:curl|"[^"\n]*curl))', re.I)

_HEX2 = re.compile(r"[0-9A-Fa-f]{2}\Z")
_SINGLE = re.compile(r"'[^'\n]*'")
_PCT_VAR = re.compile(r"%([A-Za-z_][A-Za-z0-9_]*)%")
_RULES = (  # (shell, weight, pattern): each pattern counts once; more signs in _scores
    ("cmd", 2, re.compile(r"^[ \t]*@?(?:rem(?:[ \t]|$)|::)", re.M | re.I)),
    ("cmd", 3, re.compile(r"^" + CMD_PROMPT.pattern, re.M | re.I)),
    ("cmd", 1, re.compile(r"\^[&|<>%^\\]")),
    ("cmd", 2, re.compile(r'"%"(?<![ \t\n]"%")(?<!\A"%")')),  # Firefox writes % as "%"
    ("powershell", 3, re.compile(r"\$\{?env:", re.I)),
    ("powershell", 3, re.compile(r"@(?<![^\s=(,]@)['\"][ \t]*$", re.M)),  # a here-string opener
    ("powershell", 3, re.compile(r"^PS [^\n>]*>", re.M)),
    ("powershell", 2, re.compile(r"--%(?<![^ \t\n]--%)(?:[ \t]|$)", re.M)),
    ("powershell", 1, re.compile(r"`[0abefnrtv\"$`']")),
    ("powershell", 1, re.compile(r"\bcurl\.exe\b", re.I)),  # Windows' own curl; with a cmd sign cmd still wins
    ("powershell", 2, re.compile(r"^[ \t]*(?:'[^'\n]*'|\"[^\"\n]*\")[ \t]*\|", re.M)),  # 'x' | curl.exe
    ("bash", 3, re.compile(r"\\[ \t]*$", re.M)),
    ("bash", 2, re.compile(r"\$'|<<")),
    ("bash", 1, re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*(?![A-Za-z0-9_:])")),
)
_TIE_ORDER = ("bash", "powershell", "cmd")

_BACKTICK_END = re.compile(r"`[ \t]*$", re.M)
_CARET_END = re.compile(r"\^[ \t]*$", re.M)
_BACKTICK_PAIR = re.compile(r"(?<!`)`([A-Za-z])[\w.-]*(?: [^`\n]*)?`")  # not ``x: an escaped backtick
_PS_ESCAPE_LETTERS = "abefnrtv"  # `a `b `e `f `n `r `t `v (and `u{…}, which no pair matches)
_CARET_QUOTE = re.compile(r'\^(?<![^ \t\n]\^)"')  # Chrome opens every word with ^"
_CURL_EXE = re.compile(r"\bcurl\.exe\b", re.I)
_BLOCK_COMMENT = re.compile(r"<(?<![^ \t\n;]<)#")
_STOP_PARSING_TAIL = re.compile(r"--%(?<![^ \t\n]--%)[^\n]*")
_QUOTE_EVENTS = {  # what can change the state: outside quotes, in '…', in "…"
    "": re.compile(r"""['"\\`\n]"""), "'": re.compile(r"['\n]"), '"': re.compile(r'["\\`\n]')}


def _caret_continuation(text: str) -> bool:
    """An odd caret run at a line end joins lines; ``k=^^`` there is one escaped caret."""
    for m in _CARET_END.finditer(text):
        j = k = m.start()
        while j > 0 and text[j - 1] == "^":
            j -= 1
        if (k - j) % 2 == 0:  # an even run before the last caret: the last one is free
            return True
    return False


def _ps_continuation(text: str) -> bool:
    """A backtick that ends a line and is no closing backtick of a `` `command` `` pair.

    It counts after a blank, a quote or at the line start (how PowerShell docs write
    it), or when it is the odd one out among the line's backticks.
    """
    for m in _BACKTICK_END.finditer(text):
        k = m.start()
        line_start = text.rfind("\n", 0, k) + 1
        if k == line_start or text[k - 1] in " \t'\"" or text.count("`", line_start, k) % 2 == 0:
            return True
    return False


def _bash_backticks(text: str) -> bool:
    """`` `word …` ``: bash's command substitution, not PowerShell escapes.

    A pair whose first letter is no PowerShell escape (`` `date` ``, `` `hostname` ``)
    is bash wherever it appears: PowerShell would silently drop both backticks.  One
    that starts with an escape letter (`` `tb` `` in ``"a`tb`nc"``) is bash only in
    text that calls plain ``curl`` (PowerShell users type ``curl.exe``).
    """
    exe = None
    for m in _BACKTICK_PAIR.finditer(text):
        if m.group(1) not in _PS_ESCAPE_LETTERS:
            return True
        if exe is None:
            exe = _CURL_EXE.search(text) is not None
        if not exe:
            return True
    return False


def _block_comment(text: str) -> bool:
    """A closed ``<# … #>`` that opens a statement or follows a blank (not ``-d '<#if>'``)."""
    m = _BLOCK_COMMENT.search(text)
    return m is not None and text.find("#>", m.end()) >= 0


def _quote_signs(text: str) -> tuple[bool, bool, bool, bool]:
    """(doubled single quote, doubled double quote, single-quoted word, ``\\"`` in double quotes).

    A regex cannot tell ``'it''s'`` from adjacent empty strings (``-d '' -A ''``), nor
    see whether a quote is inside another kind, so this follows the quote state (reset
    at each line end, as in cmd).  A single-quoted word is one whose quote opens at the
    start of a word and closes on the same line: cmd.exe keeps such quotes as text,
    bash and PowerShell strip them.  ``\\"`` inside double quotes is an escaped quote for
    bash and curl.exe's runtime but ends the string in PowerShell; not when a blank
    follows (``"C:\\out\\" -s``: a PowerShell path ending in a backslash).
    """
    single = double = word = escaped_dq = False
    quote, at_word, i, n = "", False, 0, len(text)
    while i < n:
        m = _QUOTE_EVENTS[quote].search(text, i)
        if not m:
            break
        i, c = m.start(), m.group()
        if c == "\n":
            quote = ""
        elif c in "\\`":  # an escape (the single-quote state never stops here)
            if quote and c == "\\" and text.startswith('"', i + 1) and text[i + 2 : i + 3] not in ("", " ", "\t", "\n"):
                escaped_dq = True
            i += 2
            continue
        elif not quote:
            quote, at_word = c, i == 0 or text[i - 1] in " \t\n="
        elif text.startswith(c, i + 1):  # c == quote
            single, double = single or c == "'", double or c == '"'
            i += 2
            continue
        else:
            word = word or (c == "'" and at_word)
            quote = ""
        i += 1
    return single, double, word, escaped_dq


def detect_shell(text: str) -> str:
    """"bash" | "cmd" | "powershell", from signs each dialect leaves (never raises).

    Line ends (`` ^ `` / `` ` `` / ``\\``), ``^"``, ``$env:``, here-strings and pasted
    prompts are strong signs; ``%NAME%`` outside single quotes, ``rem`` lines and
    backtick escapes are weaker.  Text with no sign, or a tie, is read as bash: the
    plain subset (``curl.exe -H "A: b" URL``) parses the same in every dialect.
    """
    if not may_be_windows(text):  # the common case, decided in one scan
        return "bash"
    score = _scores(text)
    best = max(score.values())
    return next(s for s in _TIE_ORDER if score[s] == best) if best else "bash"


def _scores(text: str) -> dict[str, int]:
    """Each dialect's weight of evidence (the tests check :func:`may_be_windows` against it)."""
    text = text.replace("\r\n", "\n")
    score = dict.fromkeys(_TIE_ORDER, 0)
    for shell, weight, pattern in _RULES:
        if pattern.search(text):
            score[shell] += weight
    if _caret_continuation(text):
        score["cmd"] += 3
    if _CARET_QUOTE.search(text):
        score["cmd"] += 3
    elif '^"' in text:  # mid-word only ({^"a^":1}); also bash's "x^" + "…
        score["cmd"] += 1
    if _ps_continuation(text):
        score["powershell"] += 3
    if _block_comment(text):
        score["powershell"] += 3
    if _bash_backticks(text):
        score["bash"] += 2
    unquoted = _SINGLE.sub("''", text)
    if any(not _HEX2.match(m.group(1)) for m in _PCT_VAR.finditer(unquoted)):
        score["cmd"] += 2
    if "--%" in text:  # what follows goes to curl.exe verbatim: not PowerShell quoting
        text = _STOP_PARSING_TAIL.sub("", text)
    single, double, word, escaped_dq = _quote_signs(text)
    if single:  # 'it''s': PowerShell; bash would drop the quote
        score["powershell"] += 2
    if double:  # "say ""hi""": PowerShell and curl.exe's runtime agree, bash differs
        score["powershell"] += 2
        score["cmd"] += 2
    if word:  # 'https://…': quotes for bash and PowerShell, text for cmd
        score["bash"] += 2
        score["powershell"] += 2
    if escaped_dq:  # "{\"a\":1}": bash and curl.exe's runtime agree, PowerShell differs
        score["bash"] += 1
        score["cmd"] += 1
    return score

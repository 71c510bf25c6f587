"""curl rules on token-encoded values that ``curl.py``'s option scan relies on.

Values are token-encoded (``model``): a token's name may hold any character (a
PowerShell ``${a:b}`` variable is named ``a:b``), so every search for a separator
(``:``, ``=``, ``#``, ``?``, ``/``) looks at literal text only: a token is never split.

The rules mirror curl 7.88.1 (checked against the binary with the loopback echo
server, see ``tests/test_curl_edge.py``):

- ``-H``: the name ends at the first ``:``; only without one does ``;`` end it.
  ``Name:`` with a blank value and ``Name;<anything>`` send nothing but remove curl's
  own header of that name; ``Name;`` sends an empty header.  The name is sent as
  written, so a name that is not an HTTP token makes a request servers reject.
- ``-T FILE URL``: when the URL's path is empty or ends in ``/``, curl appends the
  file's base name (after the last ``/``, then the last ``\\``), percent-encoded
  except ``A-Za-z0-9-._~``, before the query; ``-T -`` (standard input) appends nothing.
- ``-d @file`` reads the file with ``fgets`` into a 256-byte buffer and cuts each
  piece at its first CR, LF or NUL: text after a CR on the same line (up to 255
  bytes) is lost, not just the CR.
- A NUL byte cannot travel in a command-line argument at all.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from .errors import ConverterError, Span
from .model import MARK_CLOSE, MARK_OPEN, SHELL_VAR, Command

_TOKEN_RE = re.compile(f"{MARK_OPEN}[^{MARK_CLOSE}]*{MARK_CLOSE}")
# RFC 9110 §5.6.2 token: what a header name may be
HEADER_NAME_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# curl's ISSPACE (C locale): the blanks it skips after a header's colon
CURL_SPACE = " \t\n\v\f\r"


# --- searching literal text only ----------------------------------------------------


def masked(value: str) -> str:
    """``value`` with every token's characters replaced by MARK_OPEN (same length)."""
    if MARK_OPEN not in value:
        return value
    return _TOKEN_RE.sub(lambda m: MARK_OPEN * len(m.group(0)), value)


def find_literal(value: str, chars: str, start: int = 0) -> int:
    """Index of the first of ``chars`` in literal text at or after ``start``, or -1."""
    text = masked(value)
    if len(chars) == 1:  # the usual call: one separator
        return text.find(chars, start)
    best = -1
    for c in chars:
        k = text.find(c, start)
        if k >= 0 and (best < 0 or k < best):
            best = k
    return best


def rfind_literal(value: str, chars: str) -> int:
    """Index of the last of ``chars`` in literal text, or -1."""
    text = masked(value)
    return max(text.rfind(c) for c in chars)


def partition_literal(value: str, chars: str) -> tuple[str, str, str]:
    """``str.partition`` at the first of ``chars`` outside tokens."""
    cut = find_literal(value, chars)
    if cut < 0:
        return value, "", ""
    return value[:cut], value[cut], value[cut + 1 :]


def split_literal(value: str, sep: str) -> list[str]:
    """``str.split(sep)`` (one character) outside tokens."""
    out, start = [], 0
    text = masked(value)
    while True:
        cut = text.find(sep, start)
        if cut < 0:
            out.append(value[start:])
            return out
        out.append(value[start:cut])
        start = cut + 1


# --- NUL bytes ------------------------------------------------------------------------


def _nul_span(span: Span) -> Span:
    """The span of the first NUL on the word's line, if it is there (else the word)."""
    at = span.line_text.find("\0", max(0, span.col - 1))
    return Span(span.line, at + 1, span.source, span.line_text, 1) if at >= 0 else span


NUL_MESSAGE = ("a NUL byte in the command: no shell can pass it to curl (bash drops it while reading, "
               "other shells end the argument there): remove it")


def refuse_nul(cmd: Command) -> None:
    """A NUL in a word or a here-document: refused, since what curl gets depends on the shell.

    bash deletes NUL bytes from its input (``bash < file``) and refuses to run a script
    whose first line holds one; a NUL inside an argument ends it for execve(), so curl
    never sees what follows.  Guessing one of these would convert a corrupted paste.
    """
    for w in cmd.words:
        if "\0" in w.value:
            raise ConverterError("nul-byte", NUL_MESSAGE, _nul_span(w.span))
    if cmd.stdin is not None and "\0" in cmd.stdin:
        raise ConverterError("nul-byte", "a NUL byte in the here-document: bash drops it while reading: remove it",
                             cmd.span)


# --- -d @file -------------------------------------------------------------------------


def file2string(text: str) -> str | None:
    """What ``-d @file`` / ``--data-ascii @file`` send of a file's text (None: not UTF-8 after cutting).

    curl reads the file with ``fgets`` into 256 bytes (255 and a NUL), cuts each piece
    at its first CR and then its first LF, and appends it with ``strlen``: so a CR, LF
    or NUL drops the rest of that piece, which ends at a newline or after 255 bytes.
    """
    data = text.encode("utf-8")
    if not any(b in data for b in (b"\r", b"\0")):
        return text.replace("\n", "")  # the common case: only newlines, which are dropped
    out, pos = [], 0
    while pos < len(data):
        nl = data.find(b"\n", pos, pos + 255)
        end = nl + 1 if nl >= 0 else min(pos + 255, len(data))
        piece = data[pos:end]
        pos = end
        cut = min((k for k in (piece.find(b"\r"), piece.find(b"\n"), piece.find(b"\0")) if k >= 0), default=len(piece))
        out.append(piece[:cut])
    try:
        return b"".join(out).decode("utf-8")
    except UnicodeDecodeError:  # a piece ended inside a multi-byte character
        return None


# --- headers --------------------------------------------------------------------------


def parse_header(raw: str) -> tuple[str, str, str]:
    """One ``-H`` argument → (what, name, value) as curl reads it.

    ``what``: "send" (name, value), "remove" (curl sends nothing and drops its own
    header of that name), "ignored-remove" (``Name;text``: the same, but the text is
    lost), "bad" (no name: nothing sent, nothing removed).
    """
    name, sep, rest = partition_literal(raw, ":")
    if not sep:
        name, sep, rest = partition_literal(raw, ";")
        if not sep or not name:
            return "bad", "", ""
        if rest == "":
            return "send", name, ""  # "Name;" is curl's way to send an empty header
        return ("remove" if rest.strip(CURL_SPACE) == "" else "ignored-remove"), name, ""
    if not name:
        return "bad", "", ""
    value = rest.lstrip(CURL_SPACE)
    return ("send", name, value) if value else ("remove", name, "")


def header_name_problem(name: str) -> str | None:
    """Why a header name (stripped of blanks) is not an HTTP token, or None.

    Names only the offending kind of character: a name is not a secret as a rule,
    but a mistyped header (a key pasted as the name) could be.
    """
    if HEADER_NAME_RE.fullmatch(name):
        return None
    if MARK_OPEN in name:
        return "it comes from a variable, so it cannot be known: write the header name literally"
    bad = next(c for c in name if not HEADER_NAME_RE.fullmatch(c))
    if bad in " \t":
        what = "a space" if bad == " " else "a tab"
    elif not bad.isascii():
        what = "a non-ASCII character"
    elif not bad.isprintable():
        what = "a control character"
    else:
        what = f"the character {bad!r}"
    return f"it holds {what}, which curl sends as written and servers reject"


# --- -T FILE: the file name appended to the URL -------------------------------------------


def upload_name(path: str) -> str:
    """The file's base name as curl takes it: after the last '/', then the last '\\'."""
    cut = rfind_literal(path, "/")
    rest = path[cut + 1 :]
    cut = rfind_literal(rest, "\\")
    return rest[cut + 1 :]


def _path_bounds(url: str) -> tuple[int, int] | None:
    """(start, end) of the URL's path (before any query), or None when unknown.

    Unknown: the scheme or authority comes from a variable and no literal '/' shows
    where the path starts, or the path ends with a shell variable (its value may end in '/').
    """
    text = masked(url)
    end = text.find("?")
    end = len(text) if end < 0 else end
    scheme = text.find("://")
    if scheme >= 0 and MARK_OPEN not in text[:scheme]:
        slash = text.find("/", scheme + 3, end)
        start = end if slash < 0 else slash
    else:
        slash = text.find("/", 0, end)
        if slash < 0:
            return None
        start = slash
    if end > start and text[end - 1] == MARK_OPEN and url[url.rfind(MARK_OPEN, 0, end) + 1] == SHELL_VAR:
        return None  # a {{template}} is text to curl: it ends in '}', not '/'
    return start, end


def append_upload_name(url: str, path: str, span: Span) -> tuple[str, str | None]:
    """curl's ``add_file_name_to_url``: (the URL curl requests, a warning or None).

    A path that comes from a variable may or may not end in '/': the URL is kept as
    written, with a warning (a presigned upload URL in a variable is a common sight).
    """
    if path == "-":
        return url, None  # standard input has no name to add
    bounds = _path_bounds(url)
    if bounds is None:
        return url, ("-T adds the file's name to a URL whose path is empty or ends in '/': this URL's path "
                     "comes from a variable, so it is kept as written")
    start, end = bounds
    url_path = url[start:end]
    if url_path and not url_path.endswith("/"):
        return url, None
    name = upload_name(path)
    if MARK_OPEN in name:
        raise ConverterError("upload-name-unknown", "-T adds the file's name to a URL ending in '/', and this file "
                             "name comes from a variable: write the full URL", span)
    return url[:start] + (url_path or "/") + quote(name, safe="-._~") + url[end:], None

"""converter.shell: bash-like text → commands of words (encoded values, spans)."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from converter.errors import ConverterError, Span
from converter.model import MARK_CLOSE, MARK_OPEN, shell_var as V, template as T
from converter.shell import parse_shell

CMDSUB = "command substitution is never executed: write the value literally or as $VARIABLE"


def values(text: str) -> list[list[str]]:
    return [[w.value for w in c.words] for c in parse_shell(text)]


def one(text: str) -> list[str]:
    commands = values(text)
    assert len(commands) == 1, commands
    return commands[0]


def error(text: str) -> ConverterError:
    with pytest.raises(ConverterError) as info:
        parse_shell(text, "in.sh")
    return info.value


def where(e: ConverterError) -> tuple[int, int]:
    return e.span.line, e.span.col


# --- quoting -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("curl a  b\tc", ["curl", "a", "b", "c"]),
        ("x 'a b' 'it''s'", ["x", "a b", "its"]),
        ("x '$HOME \\n \"q\"'", ["x", '$HOME \\n "q"']),
        ('x "a b" "say \\"hi\\""', ["x", "a b", 'say "hi"']),
        # inside double quotes a backslash escapes only $ ` " \ and newline
        ('x "\\$ \\` \\\\ \\q \\n \\\'"', ["x", "$ ` \\ \\q \\n \\'"]),
        ('x "a\\\nb"', ["x", "ab"]),
        ("x a\\ b \\'q\\' \\$X \\\\", ["x", "a b", "'q'", "$X", "\\"]),
        ("x pre'mid'\"post\"end", ["x", "premidpostend"]),
        ("x '' \"\" ''\"\"", ["x", "", "", ""]),
        ("x 'a\nb'", ["x", "a\nb"]),
        ('x $"locale"', ["x", "locale"]),
        ("x a#b '#c' \\#d #comment", ["x", "a#b", "#c", "#d"]),
        ("x é 'ü' \"→\"", ["x", "é", "ü", "→"]),
        ("x \"it's\" 'say \"x\"'", ["x", "it's", 'say "x"']),
    ],
)
def test_quoting(text, expected):
    assert one(text) == expected


@pytest.mark.parametrize(
    "escape, expected",
    [
        ("\\a", "\a"), ("\\b", "\b"), ("\\e", "\x1b"), ("\\E", "\x1b"), ("\\f", "\f"),
        ("\\n", "\n"), ("\\r", "\r"), ("\\t", "\t"), ("\\v", "\v"), ("\\\\", "\\"),
        ("\\'", "'"), ('\\"', '"'), ("\\?", "?"),
        ("\\101", "A"), ("\\60", "0"), ("\\7", "\x07"), ("\\0101", "\x081"),  # 1-3 octal digits
        ("\\x41", "A"), ("\\x4", "\x04"), ("\\x414", "A4"), ("\\xe2\\x82\\xac", "€"),
        ("\\u00e9", "é"), ("\\u20AC", "€"), ("\\u41", "A"), ("\\U0001F600", "😀"), ("\\U41", "A"),
        ("\\ca", "\x01"), ("\\cZ", "\x1a"), ("\\c?", "\x7f"), ("\\c[", "\x1b"), ("\\c1", "\x11"),
        ("\\c\\\\", "\x1c"),
        ("\\z", "\\z"), ("\\x", "\\x"), ("\\u", "\\u"), ("\\xg", "\\xg"),  # not escapes: kept
        ("a\\0b", "a"), ("a\\x00b", "a"), ("a\\u0000b", "a"),  # NUL ends the string, as in bash
        ("a\\\nb", "a\\\nb"),
    ],
)
def test_ansi_c_escapes(escape, expected):
    assert one(f"x $'{escape}'") == ["x", expected]


def test_ansi_c_nul_ends_only_its_own_quote():
    assert one("x $'a\\0b'c") == ["x", "ac"]


def test_ansi_c_bad_escapes():
    e = error("x $'\\xff'")
    assert (e.code, e.message, where(e)) == ("bad-escape", "$'…' escapes do not form UTF-8 text", (1, 3))
    e = error("x $'\\U110000'")
    assert (e.code, e.message, where(e)) == ("bad-escape", "invalid Unicode escape in $'…' quote", (1, 5))


# --- continuations and line endings -----------------------------------------


def test_backslash_newline_continuation():
    assert one("curl \\\n  -H 'A: b' \\\n  https://x") == ["curl", "-H", "A: b", "https://x"]
    assert one("cu\\\nrl") == ["curl"]  # removed before words are split, as bash does
    assert one("x a\\\n b") == ["x", "a", "b"]


def test_crlf_continuations_and_line_endings():
    text = "curl \\\r\n  -H \"A: b\" \\\r\n  https://x\r\necho 'done'\r\n"
    assert values(text) == [["curl", "-H", "A: b", "https://x"], ["echo", "done"]]
    echo = parse_shell(text)[1].words[1]
    assert (echo.span.line, echo.span.col, echo.span.line_text) == (4, 6, "echo 'done'")


def test_lone_carriage_return_is_literal():
    assert one("x a\rb") == ["x", "a\rb"]


# --- variables ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("x $TOKEN", V("TOKEN")),
        ("x ${TOKEN}", V("TOKEN")),
        ("x ${TOKEN:-default value}", V("TOKEN")),
        ("x ${TOKEN-d} ", V("TOKEN")),
        ("x ${TOKEN:?must be set}", V("TOKEN")),
        ("x ${TOKEN#Bearer }", V("TOKEN")),
        ("x ${TOKEN/a/b}", V("TOKEN")),
        ("x ${TOKEN:-{{fallback}}}", V("TOKEN")),
        ('x "Bearer $TOKEN"', "Bearer " + V("TOKEN")),
        ('x "${A}-$B_2.$c"', V("A") + "-" + V("B_2") + "." + V("c")),
        ("x pre$A'$B'\"$C\"", "pre" + V("A") + "$B" + V("C")),
        ('x "a${B:-"q r"}b"', "a" + V("B") + "b"),
    ],
)
def test_shell_variables_become_tokens(text, expected):
    assert one(text)[1] == expected


def test_environment_is_never_read(monkeypatch):
    monkeypatch.setenv("CONVERTER_SECRET_TEST", "s3cr3t")
    assert one("x $CONVERTER_SECRET_TEST") == ["x", V("CONVERTER_SECRET_TEST")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("x $ a$ $", ["x", "$", "a$", "$"]),
        ("x $1 $@ $? $# $$ $- $*", ["x", "$1", "$@", "$?", "$#", "$$", "$-", "$*"]),
        ('x "$1 $@ a$ $"', ["x", "$1 $@ a$ $"]),
        ("x ${#A} ${!A} ${1}", ["x", "${#A}", "${!A}", "${1}"]),
        ("x $.a $/", ["x", "$.a", "$/"]),
    ],
)
def test_dollar_without_a_name_stays_literal(text, expected):
    assert one(text) == expected


# --- templates ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("x {{name}}", [T("name")]),
        ("x {{ name }}", [T("name")]),  # one word even unquoted
        ("x https://{{host}}/v1/{{ id }}?q={{q}}", ["https://" + T("host") + "/v1/" + T("id") + "?q=" + T("q")]),
        ("x '{{ a.b-c }}' \"{{$guid}}\" {{$timestamp}}", [T("a.b-c"), T("$guid"), T("$timestamp")]),
        ('x "Bearer {{token}} $T"', ["Bearer " + T("token") + " " + V("T")]),
        ("x $'{{n}}' \\{\\{e}}", [T("n"), T("e")]),
        ("x {{a b}} {x} {{}}", ["{{a", "b}}", "{x}", "{{}}"]),
    ],
)
def test_templates(text, expected):
    assert one(text)[1:] == expected


# --- commands: separators, comments, pipelines ----------------------------------


def test_separators_and_pipelines():
    text = "curl a | jq .x; curl b && curl c || echo no & curl d |& cat\ncurl e"
    assert values(text) == [
        ["curl", "a"], ["jq", ".x"], ["curl", "b"], ["curl", "c"], ["echo", "no"],
        ["curl", "d"], ["cat"], ["curl", "e"],
    ]


def test_operator_at_line_end_continues_on_next_line():
    assert values("curl a |\n  jq . &&\n\n  echo ok") == [["curl", "a"], ["jq", "."], ["echo", "ok"]]


def test_comments():
    text = "# a comment 'unbalanced\ncurl x # trailing $(not run)\n  # indented\ncurl y#not-a-comment"
    assert values(text) == [["curl", "x"], ["curl", "y#not-a-comment"]]


def test_comment_swallows_a_trailing_backslash():
    assert values("curl x # note \\\ncurl y") == [["curl", "x"], ["curl", "y"]]


def test_empty_input_and_blank_lines():
    assert parse_shell("") == []
    assert parse_shell("  \n\n \t \\\n ;\n") == []


# --- prompts and assignments -------------------------------------------------


@pytest.mark.parametrize("prompt", ["$ ", "% ", "> ", "  $ ", "\t% "])
def test_pasted_prompt_is_dropped(prompt):
    assert values(f"{prompt}curl https://x\n{prompt}echo hi") == [["curl", "https://x"], ["echo", "hi"]]


def test_prompt_only_at_the_start_of_a_line():
    assert one("echo $ x") == ["echo", "$", "x"]
    assert one("$x y") == [V("x"), "y"]
    assert values("curl a | \n> jq .") == [["curl", "a"], ["jq", "."]]


def test_redirect_at_a_line_start_reads_as_a_prompt():
    # documented trade-off: "> " opening a command line is a pasted prompt
    assert one("> out.json curl x") == ["out.json", "curl", "x"]


def test_redirect_on_a_continuation_line_is_not_a_prompt():
    assert one("curl https://x \\\n  > out.json") == ["curl", "https://x"]
    assert one("curl https://x \\\n> out.json") == ["curl", "https://x"]


def test_continuation_prompt_after_a_pasted_prompt():
    text = "$ curl https://x \\\n> -H 'A: b'\n$ echo done"
    assert values(text) == [["curl", "https://x", "-H", "A: b"], ["echo", "done"]]


def test_leading_assignments_are_dropped():
    assert one("A=1 B='x y' C=\"$D\" E+=z curl https://x") == ["curl", "https://x"]
    assert one("curl A=1 -d B=2") == ["curl", "A=1", "-d", "B=2"]
    assert one("'A=1' curl") == ["A=1", "curl"]  # quoted: a command name, as in bash
    assert values("TOKEN=abc\nA=1; B=2") == []
    assert values("A=1 curl x; B=2 echo y") == [["curl", "x"], ["echo", "y"]]


def test_reserved_words_opening_a_command_are_dropped():
    text = "if curl -f x; then { time curl y; }; else ! echo no; fi"
    assert values(text) == [["curl", "-f", "x"], ["curl", "y"], ["echo", "no"]]
    assert values("'if' a; echo then") == [["if", "a"], ["echo", "then"]]


def test_assignment_span_skipped_command_span_is_command_name():
    cmd = parse_shell("$ A=1 curl x")[0]
    assert (cmd.span.line, cmd.span.col) == (1, 7)
    assert cmd.span == cmd.words[0].span


# --- redirections --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "curl x > out.json",
        "curl x >out.json",
        "curl x 2>&1",
        "curl x 2> err.log",
        "curl x >> 'log file'",
        "curl x < in.txt",
        "curl x &> all.log",
        "curl x &>> all.log",
        "curl x >| f 1>&2 0<in 3<>rw 2>&-",
        ">out.json curl x",
        "2>err.log curl x",
    ],
)
def test_redirections_are_dropped(text):
    assert one(text) == ["curl", "x"]


def test_digits_are_an_fd_only_as_a_whole_word():
    assert one("echo a2>f 2x") == ["echo", "a2", "2x"]


def test_redirection_without_target():
    e = error("curl x >\ncurl y")
    assert (e.code, e.message, where(e)) == ("syntax", "redirection without a word after it", (1, 8))
    e = error("curl x <<<")
    assert (e.code, e.message, where(e)) == ("syntax", "here-string without a word after it", (1, 8))


# --- here-documents and here-strings --------------------------------------------


def test_heredoc_unquoted_expands_variables_as_tokens():
    text = 'curl -d @- https://x <<EOF\n{"key": "$KEY", "id": "${ID:-1}", "d": "\\$5 \\\\ \\q \\"x\\""}\nEOF\n'
    [cmd] = parse_shell(text)
    assert [w.value for w in cmd.words] == ["curl", "-d", "@-", "https://x"]
    assert cmd.stdin == '{"key": "' + V("KEY") + '", "id": "' + V("ID") + '", "d": "$5 \\ \\q \\"x\\""}\n'


@pytest.mark.parametrize("delim", ["'EOF'", '"EOF"', "\\EOF", "E'O'F"])
def test_heredoc_quoted_delimiter_is_literal(delim):
    text = f"cat <<{delim}\n$KEY `date` $(date) \\$ {{{{ t }}}}\nEOF\necho next"
    commands = parse_shell(text)
    assert commands[0].stdin == "$KEY `date` $(date) \\$ " + T("t") + "\n"
    assert [w.value for w in commands[1].words] == ["echo", "next"]


def test_heredoc_dash_strips_leading_tabs():
    text = "cat <<-EOF\n\t\tline $A\n\t  keep spaces\n\tEOF\necho after"
    commands = parse_shell(text)
    assert commands[0].stdin == "line " + V("A") + "\n  keep spaces\n"
    assert values(text)[1] == ["echo", "after"]


def test_heredoc_rest_of_line_and_following_commands():
    text = "cat <<A | curl -d @- x; echo 'same line'\nbody\nA\ncurl y"
    commands = parse_shell(text)
    assert [[w.value for w in c.words] for c in commands] == [
        ["cat"], ["curl", "-d", "@-", "x"], ["echo", "same line"], ["curl", "y"]]
    assert [c.stdin for c in commands] == ["body\n", None, None, None]
    # spans after a here-document body keep counting the real lines
    assert (commands[3].span.line, commands[3].span.col) == (4, 1)


def test_two_heredocs_on_one_line_last_one_is_stdin():
    commands = parse_shell("cat <<A <<'B'\none\nA\ntwo $X\nB\n")
    assert commands[0].stdin == "two $X\n"


def test_heredoc_to_another_fd_is_not_stdin():
    [cmd] = parse_shell("cat 3<<A\none\nA\n")
    assert cmd.stdin is None


def test_heredoc_edge_cases():
    assert parse_shell("cat <<EOF\nEOF")[0].stdin == ""  # delimiter on the last line, no newline
    assert parse_shell("cat <<EOF\n EOF\nEOF\n")[0].stdin == " EOF\n"  # must match the whole line
    # unquoted: bash joins "\"-newline before looking for the delimiter
    assert parse_shell("cat <<EOF\nfoo\\\nEOF\nEOF\n")[0].stdin == "fooEOF\n"
    assert parse_shell("cat <<'EOF'\nfoo\\\nEOF\n")[0].stdin == "foo\\\n"
    crlf = parse_shell("cat <<EOF\r\na $B\r\nEOF\r\necho x\r\n")
    assert crlf[0].stdin == "a " + V("B") + "\n" and len(crlf) == 2


def test_heredoc_unterminated():
    e = error("curl x\ncurl -d @- y <<EOF\n{}\n")
    assert (e.code, e.message, where(e)) == ("syntax", "here-document delimited by end of input (wanted 'EOF')", (2, 14))
    e = error("cat <<'END'")
    assert e.message == "here-document delimited by end of input (wanted 'END')"
    e = error("cat << ")
    assert (e.code, e.message, where(e)) == ("syntax", "here-document operator without a delimiter word", (1, 5))


def test_here_string():
    [cmd] = parse_shell("curl -d @- x <<< '{\"a\": 1}'")
    assert [w.value for w in cmd.words] == ["curl", "-d", "@-", "x"]
    assert cmd.stdin == '{"a": 1}\n'  # bash appends a newline
    assert parse_shell('cat <<<"t=$T"')[0].stdin == "t=" + V("T") + "\n"


# --- command substitution is never executed ---------------------------------------


@pytest.mark.parametrize(
    "text, at, length",
    [
        ("curl $(cat token)", (1, 6), 2),
        ("curl x$(date)y", (1, 7), 2),
        ("curl `date`", (1, 6), 1),
        ('curl "Bearer $(cat t)"', (1, 14), 2),
        ('curl "a `b` c"', (1, 9), 1),
        ("curl $((1 + 2))", (1, 6), 3),
        ('curl "$((1 + 2))"', (1, 7), 3),
        ("curl $[1 + 2]", (1, 6), 2),
        ("curl x \\\n  -d @<(cat f)", (2, 7), 2),
        ("cat <<EOF\nok\n  $(id)\nEOF", (3, 3), 2),
        ("cat <<EOF\n`id`\nEOF", (2, 1), 1),
    ],
)
def test_command_substitution_is_refused(text, at, length):
    e = error(text)
    assert (e.code, e.message, where(e), e.span.length) == ("command-substitution", CMDSUB, at, length)


def test_quoted_command_substitution_text_is_literal():
    assert one("x '$(date)' \"\\$(date)\" '`id`' \\`id\\`") == ["x", "$(date)", "$(date)", "`id`", "`id`"]


# --- syntax errors --------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message, at",
    [
        ("curl 'abc", "unterminated single quote", (1, 6)),
        ("curl x \\\n  -H 'A: b\n\n", "unterminated single quote", (2, 6)),
        ('curl "abc', "unterminated double quote", (1, 6)),
        ("curl a\"'b'", "unterminated double quote", (1, 7)),
        ("curl \"it's", "unterminated double quote", (1, 6)),
        ("curl 'x' \"y\" $'z", "unterminated $'…' quote", (1, 14)),
        ('curl $"abc', "unterminated double quote", (1, 7)),
    ],
)
def test_unbalanced_quotes(text, message, at):
    e = error(text)
    assert (e.code, e.message, where(e)) == ("unbalanced-quote", message, at)
    assert e.span.source == "in.sh"


def test_unterminated_brace_expansion():
    e = error("curl ${TOKEN")
    assert (e.code, e.message, where(e)) == ("syntax", "unterminated ${…} expansion", (1, 6))


@pytest.mark.parametrize("mark", [MARK_OPEN, MARK_CLOSE])
def test_private_marks_are_refused(mark):
    e = error(f"curl x\ncurl 'a{mark}b'")
    assert (e.code, e.message, where(e)) == ("bad-character", f"unsupported character U+{ord(mark):04X}", (2, 8))


def test_error_caret_points_at_the_quote():
    e = error("curl \\\n  -d 'oops")
    assert str(e) == "in.sh:2:6: error: unterminated single quote [unbalanced-quote]\n    -d 'oops\n       ^"


# --- spans ------------------------------------------------------------------------


def test_word_spans():
    text = "$ curl https://x \\\n  -H \"A: $B\" \\\n  --data-raw '{\"a\":\n1}'"
    [cmd] = parse_shell(text, "doc.md")
    got = [(w.span.line, w.span.col, w.span.length) for w in cmd.words]
    assert got == [(1, 3, 4), (1, 8, 9), (2, 3, 2), (2, 6, 7), (3, 3, 10), (3, 14, 6)]
    assert cmd.words[3].span == Span(2, 6, "doc.md", '  -H "A: $B" \\', 7)
    assert cmd.span == cmd.words[0].span


# --- properties -----------------------------------------------------------------

_PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc", "Co")) | st.sampled_from("\n\t")


def _single_quote(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(_PRINTABLE, max_size=12), min_size=1, max_size=8), st.sampled_from([" ", "\t", " \\\n  "]))
def test_single_quoted_words_round_trip(words, sep):
    assume(not any("{{" in w for w in words))  # those are templates, tested above
    quoted = [_single_quote(w) for w in words]
    text = sep.join(quoted)
    [cmd] = parse_shell(text)
    assert [w.value for w in cmd.words] == words
    # each word starts at its opening quote
    offset = 0
    for word, q in zip(cmd.words, quoted):
        before = text[:offset]
        assert (word.span.line, word.span.col) == (before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)
        offset += len(q) + len(sep)


_FUZZ_ATOMS = list(" \t\n\r\\'\"$`;&|()<>{}#=-0123aEOF") + [
    "<<", "<<EOF\n", "\nEOF", "<<-", "\tEOF", "{{a}}", "$'", "${", "\\\n", "$ ", "> ", "A=", "\\x"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_FUZZ_ATOMS), max_size=30).map("".join))
def test_any_text_parses_or_raises_a_converter_error(text):
    try:
        commands = parse_shell(text)
    except ConverterError as e:
        assert e.span is not None and e.span.line >= 1 and e.span.col >= 1
        assert e.message != "unexpected character"  # the grammar covers every character
        return
    lines = text.replace("\r\n", "\n").split("\n")
    for cmd in commands:
        assert cmd.words and cmd.span == cmd.words[0].span
        for w in cmd.words:
            assert w.span.line_text == lines[w.span.line - 1]
            assert 1 <= w.span.col <= len(w.span.line_text)


# --- bash is the judge of quoting --------------------------------------------------

BASH_CASES = [
    "a b c",
    "'a b' \"c d\"",
    "a'b'\"c\"d",
    "'it'\\''s'",
    '"a\\"b"',
    '"\\$x \\` \\\\ \\n \\q \\\'"',
    "a\\ b \\'\\\" \\\\",
    "'' \"\" a''",
    "a\\\nb",
    "a \\\n  b",
    '"a\\\nb"',
    "'a\\\nb'",
    "$'\\a\\b\\e\\E\\f\\n\\r\\t\\v'",
    "$'\\\\ \\' \\\" \\?'",
    "$'\\101\\60\\0101\\7'",
    "$'\\x41\\x4a\\x7e\\xe2\\x82\\xac\\x4'",
    "$'\\u00e9\\u20AC\\U0001F600\\u41'",
    "$'\\ca\\cZ\\c?\\c[\\c\\\\'",
    "$'a\\zb\\x\\u\\c'",
    "$'a\\0b'c",
    "$'a\\\nb'",
    "a#b '#c' #comment",
    "a$ b$ $",
    "\"a'b\" 'a\"b'",
    '$"loc"',
    "ünï 'cødé' \"→\"",
    "a\tb",
    "\\#x x\\#",
    "a 2>/dev/null b 2>>/dev/null c </dev/null",
    "'multi\nline' \"two\nlines\"",
    "x\\\n'y'\"z\"",
]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
@pytest.mark.parametrize("case", BASH_CASES)
def test_words_match_bash(case):
    script = "printf '%s\\0' " + case
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
    out = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, env=env,
                         check=True, timeout=10).stdout
    expected = out.decode("utf-8").split("\0")[:-1]
    [cmd] = parse_shell(script)
    assert [w.value for w in cmd.words[2:]] == expected

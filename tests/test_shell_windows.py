"""cmd.exe and PowerShell input (converter.shell_windows).

The fixture test is differential: each ``fixtures/windows/<case>/`` holds a Windows
input (``cmd.txt`` and/or ``powershell.txt``) and a ``bash.sh`` that sends the same
request.  bash itself is the judge of the expected words: ``curl`` is replaced by a
function that prints its arguments and stdin, and every ``$NAME`` is set to the
marker ``__SV_NAME__``, which is how our shell-variable tokens are rendered.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter import model
from converter.errors import ConverterError
from converter.shell_windows import detect_shell, parse_cmd, parse_powershell, split_msvc_args

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "windows"
INPUTS = {"cmd.txt": parse_cmd, "powershell.txt": parse_powershell}


def values(commands, marker="__SV_{}__"):
    """Each command's words rendered with literal markers: a list of lists of str."""
    return [[model.render(w.value, shell=marker, tmpl="{{{{{}}}}}") for w in c.words] for c in commands]


# Generated data never holds NUL, so a token created by mistake cannot pass unseen.
NO_TOKEN = "\0{}\0"


def one(commands):
    assert len(commands) == 1
    return values(commands)[0]


# --- differential fixtures ------------------------------------------------------

_BASH_VARS = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


# One record per call, written by a single printf (atomic on a pipe even when a
# call runs in the background): words joined by \x1f, then \x1e and stdin, then \x1d.
# Records go to fd 3, saved before the script runs, so its redirections (> log.txt)
# cannot hide them; bash runs in an empty temporary directory.
_PROBE = r"""exec 3>&1
curl(){
  local r=curl a s
  for a in "$@"; do r+=$'\x1f'"$a"; done
  s=$(cat; printf .)
  printf '%s\x1d' "$r"$'\x1e'"${s%.}" >&3
  return "$CURL_STATUS"
}
source "$1"; wait"""


def bash_expectation(script: Path, status: int = 0) -> list[tuple[list[str], str]]:
    """(words, stdin) of every ``curl`` call that bash makes when it runs the script."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "CURL_STATUS": str(status)}
    for name in set(_BASH_VARS.findall(script.read_text(encoding="utf-8"))):
        env[name] = f"__SV_{name}__"
    with tempfile.TemporaryDirectory() as scratch:
        out = subprocess.run(
            ["bash", "--noprofile", "--norc", "-c", _PROBE, "_", str(script.resolve())],
            env=env, cwd=scratch, stdin=subprocess.DEVNULL, capture_output=True, check=True, timeout=30,
        ).stdout.decode("utf-8")
    calls = []
    for record in out.split("\x1d")[:-1]:
        args, _, stdin = record.partition("\x1e")
        calls.append((args.split("\x1f"), stdin))
    return calls


def fixture_cases():
    cases = []
    for case in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for name in INPUTS:
            if (case / name).exists():
                cases.append(pytest.param(case, name, id=f"{case.name}/{name}"))
    return cases


def test_fixture_set_is_complete():
    cases = [p for p in FIXTURES.iterdir() if p.is_dir()]
    assert len(cases) >= 15
    for case in cases:
        assert (case / "bash.sh").exists(), case
        assert any((case / n).exists() for n in INPUTS), case
    assert sum(1 for c in cases if (c / "cmd.txt").exists()) >= 15
    assert sum(1 for c in cases if (c / "powershell.txt").exists()) >= 15


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is the judge")
@pytest.mark.parametrize("case,name", fixture_cases())
def test_windows_input_sends_what_bash_sends(case: Path, name: str):
    expected = bash_expectation(case / "bash.sh")
    assert expected, "bash.sh must call curl"
    text = (case / name).read_bytes().decode("utf-8")
    commands = [c for c in INPUTS[name](text, str(case / name)) if c.words[0].value == "curl"]
    got = [(vals, c.stdin or "") for vals, c in zip(values(commands), commands)]
    assert got == expected


def test_crlf_fixture_really_has_crlf():
    raw = (FIXTURES / "crlf-continuations" / "cmd.txt").read_bytes()
    assert b"^\r\n" in raw and (FIXTURES / "crlf-continuations" / "powershell.txt").read_bytes().count(b"`\r\n") == 2


# --- the C runtime's argv rules -------------------------------------------------


@pytest.mark.parametrize(
    "line,expected",
    [  # Microsoft's "Parsing C command-line arguments" table (UCRT)
        ('"a b c" d e', ["a b c", "d", "e"]),
        (r'"ab\"c" "\\" d', ['ab"c', "\\", "d"]),
        (r'a\\\b d"e f"g h', [r"a\\\b", "de fg", "h"]),
        (r'a\\\"b c d', [r"a\"b", "c", "d"]),
        (r'a\\\\"b c" d e', [r"a\\b c", "d", "e"]),
        ('a"b"" c d', ['ab" c d']),  # ends inside a quote: the runtime accepts it
        ('""  x\t""', ["", "x", ""]),
    ],
)
def test_msvc_split(line, expected):
    assert [v for v, _, _ in split_msvc_args(line, strict=False)] == expected


def test_msvc_program_name_ignores_backslash_rules():
    assert [v for v, _, _ in split_msvc_args(r'"C:\dir\"x y\" z', program=True)] == [r"C:\dir\x", 'y"', "z"]


def test_msvc_open_quote_is_an_error():
    with pytest.raises(ValueError, match="index 2"):
        split_msvc_args('a "b c')


# --- cmd.exe --------------------------------------------------------------------


def test_cmd_composition_of_carets_and_runtime_quotes():
    # cmd strips the carets (the quotes are escaped, so all of it is "outside
    # quotes" for cmd), then curl.exe's runtime reads "{\"key\":\"v\"}".
    assert one(parse_cmd('curl -d ^"^{^\\^"key^\\^":^\\^"v^\\^"^}^" x')) == ["curl", "-d", '{"key":"v"}', "x"]


def test_cmd_half_escaped_chrome_sample_is_an_unbalanced_quote():
    # "{^\^"key…}" as sometimes pasted: cmd keeps the carets inside its own quotes,
    # and the runtime ends inside a quote opened by the last '"'.
    with pytest.raises(ConverterError) as exc:
        parse_cmd('curl "{^\\^"key^\\^":^\\^"v^\\^"}" x')
    err = exc.value
    assert (err.code, err.message) == ("unbalanced-quote", "unterminated double quote")
    assert (err.span.line, err.span.col, err.span.source) == (1, 30, "<stdin>")


def test_cmd_unterminated_quote_span_names_the_quote():
    with pytest.raises(ConverterError) as exc:
        parse_cmd('curl https://x ^\n  -H "Accept: a\n  -d x', source="in.cmd")
    span = exc.value.span
    assert (span.line, span.col, span.source, span.line_text) == (2, 6, "in.cmd", '  -H "Accept: a')
    assert exc.value.code == "unbalanced-quote"


def test_cmd_quote_open_for_cmd_but_closed_for_the_runtime():
    # ^" is escaped for cmd, so cmd's quote opens at the last '"' and '&' is text.
    assert one(parse_cmd('curl ^"a b" & echo')) == ["curl", "a b", "&", "echo"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("curl %TOKEN%", ["curl", "__SV_TOKEN__"]),
        ('curl "x%A%%B%y"', ["curl", "x__SV_A__" "__SV_B__y"]),
        ("curl 100%%", ["curl", "100%"]),  # batch-file escape
        ("curl a%20b%20c", ["curl", "a%20b%20c"]),  # digits: not a name
        ("curl %E2%82%AC%", ["curl", "%E2%82%AC%"]),  # two hex digits: percent-encoding
        ("curl %a b%TOKEN%", ["curl", "%a", "b__SV_TOKEN__"]),  # scanning resumes at the second %
        ("curl ^%^TOKEN^%", ["curl", "%TOKEN%"]),  # Chrome's way to write a literal %TOKEN%
        ("curl ^%TOKEN%", ["curl", "__SV_TOKEN__"]),  # expansion runs before carets
        ("curl 5% and\n curl %x", ["curl", "5%", "and"]),
    ],
)
def test_cmd_percent(text, expected):
    assert values(parse_cmd(text))[0] == expected


def test_cmd_caret_continuation_escapes_the_first_character_of_the_next_line():
    assert values(parse_cmd("curl a^\n&b c")) == [["curl", "a&b", "c"]]
    assert values(parse_cmd("curl -d ^\"a^\n\nb^\" x")) == [["curl", "-d", "a\nb", "x"]]
    assert values(parse_cmd("curl a ^\n^\n  -s")) == [["curl", "a", "^"], ["-s"]]


def test_cmd_caret_with_trailing_blanks_still_continues():
    # cmd itself would escape the blank and end the command there (dropping "-s");
    # trailing blanks are invisible in pasted text, so we read the intent.
    assert values(parse_cmd("curl a ^  \r\n  -s ^\t\n -v ^ ")) == [["curl", "a", "-s", "-v"]]


def test_cmd_caret_inside_quotes_is_text():
    assert values(parse_cmd('curl "a^&b" "^"')) == [["curl", "a^&b", "^"]]


def test_cmd_separators_comments_prompt_and_redirections():
    text = (
        "rem setup & curl not-run\n"
        "C:\\work>curl a & curl b&&curl c||curl d | more\n"
        ":: curl skipped\n"
        "@curl -s e 2>nul 1>out.txt >> \"log file.txt\" 2>&1 < in.txt f\n"
        "echo 12>x\n"
    )
    assert values(parse_cmd(text)) == [
        ["curl", "a"], ["curl", "b"], ["curl", "c"], ["curl", "d"], ["more"],
        ["curl", "-s", "e", "f"],
        ["echo", "12"],  # a handle digit must stand alone
    ]


def test_cmd_prompt_needs_a_curl_command_after_it():
    assert values(parse_cmd("C:\\curl\\curl.exe https://x > out.txt")) == [["curl", "https://x"]]
    assert values(parse_cmd('C:\\Program Files\\me>"C:\\bin\\curl.exe" -s')) == [["curl", "-s"]]
    assert values(parse_cmd("C:\\>echo hi")) == [["C:\\", "hi"]]  # output redirected into a file "echo"


def test_cmd_word_spans():
    cmds = parse_cmd('curl ^"https://x^" ^\r\n  -H "A: b"\r\n')
    spans = [(w.span.line, w.span.col, w.span.length) for w in cmds[0].words]
    assert spans == [(1, 1, 4), (1, 6, 13), (2, 3, 2), (2, 6, 6)]
    assert cmds[0].words[1].span.line_text == 'curl ^"https://x^" ^'
    assert cmds[0].span == cmds[0].words[0].span


def test_cmd_curl_names_are_normalised_and_templates_tokenised():
    cmds = parse_cmd('"C:\\Windows\\System32\\curl.exe" {{url}}/x & CURL.EXE y & wget z')
    assert [c.words[0].value for c in cmds] == ["curl", "curl", "wget"]
    assert cmds[0].words[1].value == model.template("url") + "/x"


def test_forbidden_private_use_character():
    for parse in (parse_cmd, parse_powershell):
        with pytest.raises(ConverterError) as exc:
            parse("curl x\ncurl -d a\ue000b")
        assert exc.value.code == "bad-character"
        assert (exc.value.span.line, exc.value.span.col) == (2, 10)


# Chrome's and Firefox's documented cmd escaping, to check the round trip.
def chrome_cmd(s: str) -> str:
    s = s.replace("\\", "\\\\").replace('"', '\\"')
    s = re.sub(r"[^a-zA-Z0-9\s_\-:=+~'/.',?;()*`]", lambda m: "^" + m.group(0), s)
    s = re.sub(r"%(?=[a-zA-Z0-9_])", "%^", s)
    return '^"' + re.sub(r"\r?\n", "^\n\n", s) + '^"'


def firefox_cmd(s: str) -> str:
    s = s.replace('"', '""').replace("%", '"%"').replace("\\", "\\\\")
    return '"' + re.sub(r"\n", '"^\n\n"', s) + '"'


# Both browsers double every backslash, but curl.exe's runtime only halves a run
# that meets a quote: in Chrome's output only a '"' or the end; in Firefox's also a
# newline or '%', which it writes next to quotes.  Other runs arrive doubled.
def arrives(s: str, halved: str = '"') -> str:
    return re.sub(rf'\\+(?=[^\\{halved}])', lambda m: m.group(0) * 2, s)


_ARG = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ue000\ue001")
    | st.sampled_from(list('\n\t"\\%^&|<>!{}[]$`\' ')),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(_ARG, _ARG)
def test_chrome_cmd_round_trip(a, b):
    text = f"curl {chrome_cmd(a)} ^\n  -d {chrome_cmd(b)}"
    assert values(parse_cmd(text), marker=NO_TOKEN) == [["curl", arrives(a), "-d", arrives(b)]]


@settings(max_examples=300, deadline=None)
@given(_ARG, _ARG)
def test_firefox_cmd_round_trip(a, b):
    text = f"curl {firefox_cmd(a)} ^\n  -d {firefox_cmd(b)}"
    assert values(parse_cmd(text), marker=NO_TOKEN) == [["curl", arrives(a, '"\n%'), "-d", arrives(b, '"\n%')]]


# --- PowerShell -----------------------------------------------------------------


def test_powershell_words_and_variables():
    text = (
        "curl.exe -X POST `\n"
        '  -H "Authorization: Bearer $env:API_TOKEN" `\n'
        "  -d '{\"it''s\": \"$literal\"}' `  \n"  # trailing blanks after the backtick
        '  "https://${env:HOST}/v1?u=$user:$pass&g=$global:G&x=$1&y=$"\n'
    )
    assert one(parse_powershell(text)) == [
        "curl", "-X", "POST", "-H", "Authorization: Bearer __SV_API_TOKEN__",
        "-d", '{"it\'s": "$literal"}', "https://__SV_HOST__/v1?u=__SV_user__:__SV_pass__&g=__SV_G__&x=$1&y=$",
    ]


def test_powershell_escapes():
    text = 'curl.exe "a`tb`n`r`0`a`b`e`f`v`"`$`u{1F680}`q``" x`$y`"z `u{e9}'
    assert one(parse_powershell(text)) == ["curl", 'a\tb\n\r\0\a\b\x1b\f\v"$\U0001F680q`', 'x$y"z', "\u00e9"]


def test_powershell_leading_quoted_string_is_a_whole_argument():
    assert one(parse_powershell("curl.exe 'a'b \"c\"'d' e'f g'h $env:X\"/p q\"")) == [
        "curl", "a", "b", "c", "d", "ef gh", "__SV_X__/p q",
    ]


def test_powershell_here_strings():
    text = "curl.exe -d @'\n$x `n \"q\" ''\n'@ -d @\"\n\"@ -d @\"\n$env:A `t \"\"\n  \"@ inside\n\"@ z"
    assert one(parse_powershell(text)) == ["curl", "-d", '$x `n "q" \'\'', "-d", "", "-d", '__SV_A__ \t ""\n  "@ inside', "z"]


@pytest.mark.parametrize(
    "text,col",
    [
        ('curl.exe -H "X: $(Get-Token)" u', 17),
        ("curl.exe -H X:$(Get-Token) u", 15),
        ("curl.exe (Get-Url)", 10),
        ("curl.exe @(1, 2)", 10),
        ('curl.exe -d @"\n$(whoami)\n"@', 1),
    ],
)
def test_powershell_command_substitution_is_refused(text, col):
    with pytest.raises(ConverterError) as exc:
        parse_powershell(text)
    err = exc.value
    assert err.code == "command-substitution"
    assert err.message == "command substitution is never executed: write the value literally or as $VARIABLE"
    assert (err.span.line, err.span.col) == ((2, col) if "@\"" in text else (1, col))


@pytest.mark.parametrize(
    "text,message,line,col",
    [
        ("curl.exe -H 'X: y\n  https://x", "unterminated single quote", 1, 13),
        ('curl.exe `\n -H "X: y https://x', "unterminated double quote", 2, 5),
        ("curl.exe -d \u201cabc", "unterminated double quote", 1, 13),
        ("curl.exe -d @'\nabc\n '@", "unterminated here-string", 1, 13),
        ("curl.exe --% -d \"abc", "unterminated double quote", 1, 17),
    ],
)
def test_powershell_unbalanced_quotes(text, message, line, col):
    with pytest.raises(ConverterError) as exc:
        parse_powershell(text, source="req.ps1")
    err = exc.value
    assert (err.code, err.message, err.span.line, err.span.col, err.span.source) == (
        "unbalanced-quote", message, line, col, "req.ps1",
    )


def test_powershell_statements_comments_pipes_and_redirections():
    text = (
        "PS C:\\> $body = 'x y'  # assignment, not a command\n"
        "<# block\n comment #> curl.exe a; curl b && & 'C:\\curl\\curl.exe' c || .\\curl.exe d &\n"
        "curl.exe e > out.txt 2>&1 | Out-Null\n"
        "curl.exe f#not-a-comment 3>> log *>&1\n"
    )
    assert values(parse_powershell(text)) == [
        ["curl", "a"], ["curl", "b"], ["curl", "c"], ["curl", "d"], ["curl", "e"], ["Out-Null"], ["curl", "f#not-a-comment"],
    ]


def test_powershell_piped_string_is_stdin():
    cmds = parse_powershell("@'\nline\n'@ | curl.exe -d '@-' u\n'x' ; curl.exe v\n$b | curl.exe w")
    assert [(c.words[-1].value, c.stdin) for c in cmds] == [
        ("u", "line\r\n"), ("v", None), ("w", model.shell_var("b") + "\r\n"),
    ]


@pytest.mark.parametrize(
    "text,code,col",
    [
        ("curl.exe https://x?a=1&b=2", "unsupported-syntax", 23),
        ("curl.exe -d {a}", "unsupported-syntax", 13),
        ("curl.exe -H @{a=1}", "unsupported-syntax", 13),
        ("curl.exe x < in.txt", "unsupported-syntax", 12),
        ("curl.exe x >", "syntax-error", 12),
        ('curl.exe "a`u{110000}"', "syntax-error", 12),
        ('curl.exe "`u{D800}"', "syntax-error", 11),
        ('curl.exe "${env:X"', "syntax-error", 11),
        ("curl.exe a${}", "syntax-error", 11),
        ("curl -Uri https://x -Method Post", "invoke-webrequest", 6),
        ("curl https://x -usebasicparsing", "invoke-webrequest", 16),
    ],
)
def test_powershell_refusals(text, code, col):
    with pytest.raises(ConverterError) as exc:
        parse_powershell(text)
    assert (exc.value.code, exc.value.span.col) == (code, col)


def test_powershell_curl_exe_with_iwr_like_word_is_curl():
    assert one(parse_powershell("curl.exe -d -Body u")) == ["curl", "-d", "-Body", "u"]


def test_powershell_stop_parsing():
    text = 'curl.exe -s --% -d "{\\"a\\": %V%}" -H "X: %%" u | Out-Null\ncurl.exe z'
    assert values(parse_powershell(text)) == [
        ["curl", "-s", "-d", '{"a": __SV_V__}', "-H", "X: %%", "u"], ["Out-Null"], ["curl", "z"],
    ]


def test_powershell_legacy_native_argument_passing():
    text = "curl.exe -d '{\"a\":1}' -d '{\\\"a\\\": 1}' -d '' -d 'a b' -d '{\"a\": 1}' -d x\\ --% -H \"q r\""
    assert one(parse_powershell(text, native_args="legacy")) == [
        "curl", "-d", "{a:1}", "-d", '{"a": 1}', "-d", "-d", "a b", "-d", "{a: 1}", "-d", "x\\", "-H", "q r",
    ]
    assert one(parse_powershell(text))[1:5] == ["-d", '{"a":1}', "-d", '{\\"a\\": 1}']
    with pytest.raises(ValueError):
        parse_powershell("curl.exe", native_args="v5")


def test_powershell_word_spans():
    cmds = parse_powershell("curl.exe `\n  -H 'A: b' `\n  \"https://x\"")
    assert [(w.span.line, w.span.col, w.span.length) for w in cmds[0].words] == [(1, 1, 8), (2, 3, 2), (2, 6, 6), (3, 3, 11)]


@settings(max_examples=300, deadline=None)
@given(_ARG, _ARG)
def test_powershell_quoting_round_trip(a, b):
    single = "'" + re.sub("['\u2018\u2019\u201a\u201b]", lambda m: m.group(0) * 2, a) + "'"
    double = '"' + re.sub('[`$"\u201c\u201d\u201e]', lambda m: "`" + m.group(0), b) + '"'
    assert values(parse_powershell(f"curl.exe {single} `\n -d {double}"), marker=NO_TOKEN) == [["curl", a, "-d", b]]


# --- detection ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,shell",
    [
        ("curl https://x", "bash"),
        ("curl.exe https://x -H 'A: b'", "bash"),  # the plain subset parses the same everywhere
        ("curl 'https://x' \\\n  -H 'A: b'", "bash"),
        ('curl -H "X: $TOKEN" https://x', "bash"),
        ("curl $'a\\tb' https://x", "bash"),
        ('curl "https://x/%TOKEN%" \\\n -s', "bash"),  # a bash continuation outweighs %NAME%
        ("curl 'https://x/?q=%TOKEN%'", "bash"),  # single-quoted: bash text
        ("curl https://x/?q=caf%C3%A9%20x", "bash"),  # percent-encoding is not %NAME%
        ('curl ^"https://x^" ^\n  -H ^"a: b^"', "cmd"),
        ("curl https://x ^\r\n  -s", "cmd"),
        ('curl "https://x/%TOKEN%"', "cmd"),
        ('curl -d "{\\"a\\":1}" https://x ^&^& echo', "cmd"),
        ("rem fetch\ncurl https://x", "cmd"),
        ("C:\\Users\\me>curl https://x", "cmd"),
        ("curl.exe https://x `\n  -s", "powershell"),
        ("curl.exe https://x ` \r\n  -s", "powershell"),
        ('curl.exe -H "Authorization: Bearer $env:TOKEN" https://x', "powershell"),
        ("curl -H \"A: ${env:A}\" https://x", "powershell"),
        ("curl.exe -d @'\n{}\n'@ https://x", "powershell"),
        ("PS C:\\> curl.exe https://x", "powershell"),
        ('curl.exe -d "a`nb" https://x', "powershell"),
        ("curl.exe --% -d %A% https://x", "powershell"),  # --% outweighs %NAME%
        ("", "bash"),
        ("curl.exe -H 'X: it''s' https://x", "powershell"),
        ("curl.exe -H \"X: \"\"hi\"\"\" https://x", "powershell"),
        ("curl -d '' -A '' -H 'x' https://x", "bash"),  # empty strings, not doubling
        ('curl -H "" -d "a\\"" https://x', "bash"),
        ("<# note #>\ncurl.exe https://x", "powershell"),
        ("'{}' | curl.exe -d '@-' https://x", "powershell"),
        ('curl "https://x/?q=100"%"25" --data-raw "{""a"":1}"', "cmd"),  # Firefox, one line
    ],
)
def test_detect_shell(text, shell):
    assert detect_shell(text) == shell


# Inputs that carry no dialect sign and that bash would read differently (curl.exe's
# runtime keeps "\\" before a letter, bash halves it): detection cannot tell.
AMBIGUOUS = {"hand-json-escaped/cmd.txt"}


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is the judge")
def test_detect_on_fixtures(tmp_path):
    for case in sorted(FIXTURES.iterdir()):
        for name, shell in (("cmd.txt", "cmd"), ("powershell.txt", "powershell"), ("bash.sh", "bash")):
            if not (case / name).exists():
                continue
            text = (case / name).read_text(encoding="utf-8")
            detected = detect_shell(text)
            assert detected in (shell, "bash"), (case.name, name, detected)
            if detected != shell and f"{case.name}/{name}" not in AMBIGUOUS:
                # Read as bash, the text must still send the same words.
                script = tmp_path / "as-bash.sh"
                script.write_text("curl.exe(){ curl \"$@\"; }\n" + text, encoding="utf-8")
                mine = [c for c in INPUTS[name](text) if c.words[0].value == "curl"]
                # As sets: bash runs cmd's "a & b" concurrently, and of "b && c || d" only
                # some; curl succeeding once and failing once shows every command.
                ran = {(tuple(w), i) for st in (0, 1) for w, i in bash_expectation(script, st)}
                assert ran == {(tuple(v), c.stdin or "") for v, c in zip(values(mine), mine)}, case.name


# --- speed ----------------------------------------------------------------------


def test_large_bodies_parse_quickly():
    body = '{"k": "v & w %x% \\"q\\""}, ' * 40_000  # ~1 MB
    chrome = "curl https://x ^\n  --data-raw " + chrome_cmd(body)
    ps = "curl.exe https://x `\n  --data-raw '" + body.replace("'", "''") + "'"
    start = time.perf_counter()
    assert values(parse_cmd(chrome), marker=NO_TOKEN)[0][3] == arrives(body)
    assert one(parse_powershell(ps))[3] == body
    assert time.perf_counter() - start < 3.0

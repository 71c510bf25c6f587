"""Shell auto-detection at its edges (converter.dialect) and cmd.exe's single quotes.

A misread dialect is not a cosmetic error: read as cmd.exe, a single-quoted bash URL
keeps its quotes and its userinfo lands in the action's path; read as PowerShell,
bash's `` `date` `` silently becomes the text ``date``.  Each case below was misread
before (the comment says how); the Windows forms that must keep working sit next to
them.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from converter import dialect
from converter.cli import cli
from converter.dialect import detect_shell, may_be_windows
from converter.errors import ConverterError
from converter.shell_windows import parse_cmd

SECRET = "Zk94BR4Npf4hNEcA0GBuiR7iKGq86U3b"
WINDOWS = Path(__file__).resolve().parent.parent / "fixtures" / "windows"


def convert(text: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["convert", "-", *args], input=text, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def the_action(text: str, *args: str) -> tuple[dict, dict]:
    status, out, err = convert(text, *args)
    assert status == 0, err
    doc = yaml.safe_load(out)
    (action,) = doc["actions"]
    (connector,) = doc["connectors"]
    return action, connector


# --- detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,shell",
    [
        # '^^' ends in an escaped caret, not a continuation (was cmd)
        ("curl 'https://bob:pw@x/' -d k=^^", "bash"),
        ("curl https://x -d 'a^^'", "bash"),
        # a lone caret sign does not outweigh single-quoted words (was cmd)
        ("curl 'https://x/?q=a^&b=1' -H 'A: b'", "bash"),
        # an odd caret run at a line end still continues the line
        ("curl https://x -d k=^^^\n  -s", "cmd"),
        ("curl https://x ^\n  -d k=^^", "cmd"),
        ("curl https://x ^  \r\n  -s", "cmd"),
        # the closing backtick of `command` is no continuation (was powershell)
        ("curl https://x -d `date`", "bash"),
        ("curl https://x -H X-Host:`hostname`", "bash"),
        ("curl https://x -d `cat /tmp/body.json`", "bash"),
        # a `command` whose first letter is no PowerShell escape is bash, even with curl.exe
        ("curl.exe https://x -d `date`", "bash"),
        # PowerShell's own forms stay PowerShell
        ("curl.exe https://x `\n  -s", "powershell"),
        ("curl.exe 'https://x' `\n  -s", "powershell"),
        ("curl.exe https://x -s`\n  -H 'a: b'", "powershell"),  # the odd backtick out
        ('curl.exe -H "X-Tab: a`tb`nc" https://x', "powershell"),
        ('curl.exe -d "a ``date`` b" https://x', "powershell"),  # escaped backticks
        # ^" inside a bash double-quoted string is no Chrome quote (was cmd: $TOKEN lost)
        ('curl -H "Authorization: Bearer $TOKEN" -d "re=^" https://x', "bash"),
        ('curl ^"https://x^" -H ^"a: b^"', "cmd"),
        ("curl -d {^\"a^\":1} https://x", "cmd"),  # mid-word only: still a (weak) cmd sign
        # <# inside a quoted bash body is no PowerShell block comment (was powershell)
        ("curl https://x -d '<#list xs as x>${x}</#list>'", "bash"),
        ("<# note #>\ncurl.exe https://x", "powershell"),
        ("curl.exe https://x <# inline #> -s", "powershell"),
        # \" inside double quotes: bash and curl.exe's runtime, never PowerShell (was powershell)
        ('curl.exe https://x -d "{\\"password\\": \\"pw\\", \\"rate\\": \\"5%\\"}"', "bash"),
        ('curl.exe -o "C:\\out\\" https://x `\n  -s', "powershell"),
        # %NAME% beside single-quoted words is a bash placeholder (was cmd)
        ("curl -H 'Accept: a' -H \"X-Id: %ID%\" https://x", "bash"),
        ('curl -H "X-Id: %ID%" https://x', "cmd"),
        # a here-string opener follows a blank; "a@" + newline is text (was powershell)
        ('curl https://x -H "X-Mail: a@"\ncurl https://y', "bash"),
        ("curl.exe -d @'\n{}\n'@ https://x", "powershell"),
        # --% hides what follows from PowerShell's quoting rules
        ('curl.exe -s --% -d "{\\"a\\":1}" https://x', "powershell"),
    ],
)
def test_detect_shell_edges(text: str, shell: str) -> None:
    assert detect_shell(text) == shell


def test_windows_fixtures_keep_their_dialect() -> None:
    """Every fixture with a dialect sign is detected as written; the sign-less ones are
    the plain subset, read as bash (test_shell_windows checks bash sends the same)."""
    plain = {"empty-arguments/cmd.txt", "hand-json-escaped/cmd.txt", "multiple-commands/cmd.txt",
             "multiple-commands/powershell.txt", "percent-encoding/cmd.txt", "redirections/cmd.txt",
             "redirections/powershell.txt", "template-vars/cmd.txt", "template-vars/powershell.txt"}
    seen = 0
    for path in sorted(WINDOWS.glob("*/*")):
        name = f"{path.parent.name}/{path.name}"
        expected = "bash" if path.suffix == ".sh" or name in plain else path.stem
        assert detect_shell(path.read_text(encoding="utf-8")) == expected, name
        seen += 1
    assert seen >= 50


_NO_TRIGGER = st.lists(st.sampled_from(list("ab1 \t\n'\"\\$@#:;=-{}()[]/.,?!*&|<>_") + ["curl ", "curl.exe ", "env:"]),
                       max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(_NO_TRIGGER)
def test_text_without_a_windows_trigger_would_score_bash(text: str) -> None:
    """may_be_windows is a safe short cut: without a trigger, the full weighing agrees
    (curl.exe, the one sign without a trigger, only breaks ties, so it is left out)."""
    if may_be_windows(text):
        return
    score = dialect._scores(text.replace("curl.exe", "curl"))
    assert score["bash"] >= max(score["cmd"], score["powershell"]), (text, score)


def test_detection_of_large_text_is_linear() -> None:
    import time

    texts = ["curl https://x -d " + "`a` " * 100_000, "curl https://x -d " + "^" * 400_001 + "x\n",
             ("curl https://x -d a`\n") * 40_000, "curl https://x -d '" + '{"k": "it\'\'s \\"q\\""}, ' * 40_000 + "'"]
    start = time.perf_counter()
    assert [detect_shell(t) for t in texts] == ["bash", "cmd", "powershell", "powershell"]
    assert time.perf_counter() - start < 5.0  # ~1 s; a quadratic scan takes minutes


# --- cmd.exe and single quotes ---------------------------------------------------------


@pytest.mark.parametrize("text,col", [
    ("curl 'https://bob:pw@x/'", 6),
    ("curl https://x -d 'a b'", 19),
    ("curl https://x ^\n  -H 'A: b'", 6),
    ("@curl --url 'https://x/'", 13),
])
def test_cmd_refuses_a_curl_argument_opening_with_a_single_quote(text: str, col: int) -> None:
    with pytest.raises(ConverterError) as info:
        parse_cmd(text)
    d = info.value.diagnostic()
    assert d.code == "cmd-single-quote"
    assert (d.span.line, d.span.col) == (text[: text.index("'")].count("\n") + 1, col)
    assert "pw" not in d.message


@pytest.mark.parametrize("text,words", [
    ("curl -H \"X: it's\" https://x", ["curl", "-H", "X: it's", "https://x"]),  # inside double quotes
    ("curl -d ^'a^' https://x", ["curl", "-d", "'a'", "https://x"]),  # escaped on purpose
    ("curl -d don't https://x", ["curl", "-d", "don't", "https://x"]),  # not at a word start
    ("curl -d \"'\"a https://x", ["curl", "-d", "'a", "https://x"]),
])
def test_cmd_keeps_deliberate_single_quotes(text: str, words: list[str]) -> None:
    (command,) = parse_cmd(text)
    assert [w.value for w in command.words] == words


def test_cmd_single_quotes_of_other_programs_are_not_curl_business() -> None:
    commands = parse_cmd("echo 'hi' & curl https://x")
    assert [[w.value for w in c.words] for c in commands] == [["echo", "'hi'"], ["curl", "https://x"]]


# --- end to end --------------------------------------------------------------------------


def test_userinfo_with_escaped_caret_body_is_read_as_bash() -> None:
    action, connector = the_action(f"curl 'https://bob:{SECRET}@api.example.com/x' -d k=^^")
    assert action["path"] == "/x" and action["body"] == "k=^^"
    assert connector["basic_auth"]["password"].startswith("<<")


@pytest.mark.parametrize("text,shell", [
    (f"curl 'https://bob:{SECRET}@api.example.com/x' -d k=^^", "cmd"),
    # contradictory text: a caret continuation *and* a single-quoted URL
    (f"curl 'https://bob:{SECRET}@api.example.com/x' ^\n  -d k=1", "cmd"),
    (f"curl 'https://bob:{SECRET}@api.example.com/x' ^\n  -d k=1", "auto"),
])
def test_single_quoted_url_read_as_cmd_is_refused_without_the_secret(text: str, shell: str) -> None:
    status, out, err = convert(text, "--shell", shell)
    assert (status, out) == (3, "")
    assert "[cmd-single-quote]" in err and re.search(r"^<stdin>:1:6: error: ", err, re.M)
    assert SECRET not in err and SECRET[4:20] not in err


@pytest.mark.parametrize("text", ["curl.exe https://api.example.com/x -d `date`",
                                  "curl https://api.example.com/x -d `uuidgen`"])
def test_backticks_with_curl_exe_are_refused_in_auto_mode(text: str) -> None:
    status, out, err = convert(text)
    assert (status, out) == (3, "")
    assert "[command-substitution]" in err


def test_escaped_json_quotes_with_a_percent_keep_the_secret_field() -> None:
    text = ('curl.exe https://api.example.com/x -H "Content-Type: application/json" '
            f'-d "{{\\"password\\": \\"{SECRET}\\", \\"rate\\": \\"5%\\"}}"')
    status, out, err = convert(text)
    assert status == 0, err
    assert SECRET not in out + err
    action = yaml.safe_load(out)["actions"][0]
    assert action["body"] == '{"password": "<<EXAMPLE_PASSWORD>>", "rate": "5%"}'


def test_bearer_variable_beside_a_quoted_caret_stays_a_variable() -> None:
    action, connector = the_action('curl -H "Authorization: Bearer $TOKEN" -d "re=^" https://api.example.com/x')
    assert action["body"] == "re=^"
    assert "<<TOKEN>>" in yaml.safe_dump(connector)


def test_template_body_with_hash_angle_is_bash() -> None:
    action, _ = the_action("curl https://api.example.com/x -d '<#list xs as x>${x}</#list>'")
    assert action["body"] == "<#list xs as x>${x}</#list>"

"""curl semantics at the edges (converter/curl.py, converter/curl_checks.py).

Three layers: the helpers on token-encoded values; the CLI's diagnostics for input
that curl cannot be converted from; and a differential check against the real curl
(7.88.1) through the loopback echo server, for the rules taken from its behaviour:
``-T FILE URL/`` appends the encoded file name, ``-d @file`` cuts lines at CR/NUL,
``-H 'Name;…'`` forms, and the commands curl refuses.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from converter import model
from converter.cli import cli
from converter.curl import _unquote_form_value
from converter.curl_checks import (append_upload_name, file2string, find_literal, header_name_problem, parse_header,
                                   partition_literal, rfind_literal, split_literal, upload_name)
from converter.errors import ConverterError, Span
from tests.echo_server import DEFAULT_IGNORED_HEADERS, compare_request_lists
from tests.test_differential import run_curl

URL = "https://api.example.com"
SPAN = Span(1, 1)
X = model.shell_var("a:b=c#d?e/f;g")  # a PowerShell ${…} name may hold any separator


def convert(text: str | bytes, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["convert", "-", *args], input=text, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def the_action(text: str, *args: str) -> dict:
    status, out, err = convert(text, *args)
    assert status == 0, err
    (action,) = yaml.safe_load(out)["actions"]
    return action


# --- separators are searched in literal text only -------------------------------------------


def test_literal_search_skips_tokens() -> None:
    value = f"k{X}=v:w"
    assert find_literal(value, ":") == len(f"k{X}=v")
    assert find_literal(value, "=:") == len(f"k{X}")
    assert find_literal(X, ":=#?/;") == -1
    assert rfind_literal(f"a/{X}", "/") == 1
    assert partition_literal(f"{X}:{X}", ":") == (X, ":", X)
    assert partition_literal(X, ":") == (X, "", "")
    assert split_literal(f"a;{X};b", ";") == ["a", X, "b"]


def test_form_value_keeps_a_token_whole_inside_quotes() -> None:
    token = model.shell_var('a"b;c')
    assert _unquote_form_value(f'"x{token}";type=text/plain') == (f"x{token}", ";type=text/plain")
    assert _unquote_form_value(f"{token};type=t") == (token, ";type=t")


@pytest.mark.parametrize("shell, text, expected", [
    ("powershell", f'curl {URL}/x --data-urlencode "${{a=b}}"', {"body": "<<A_B>>"}),
    ("powershell", f'curl {URL}/x -F "${{a=b}}=c"', {"form_data": [{"key": "<<A_B>>", "value": "c"}]}),
    ("powershell", f'curl "{URL}/x#${{a#b}}"', {"path": "/x"}),
    ("powershell", f'curl "{URL}/x?q=${{a#b}}"', {"query_params": [{"key": "q", "value": "<<A_B>>"}]}),
])
def test_token_with_separator_in_its_name_is_not_split(shell: str, text: str, expected: dict) -> None:
    status, out, err = convert(text, "--shell", shell)
    assert status == 0, err
    assert "\ue000" not in out + err and "\ue001" not in out + err
    (action,) = yaml.safe_load(out)["actions"]
    assert {k: action.get(k) for k in expected} == expected


# --- bug: NUL bytes ----------------------------------------------------------------------------


def test_nul_byte_in_an_argument_is_refused_at_its_column() -> None:
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "hostile" / "bytes" / "nul_byte.sh"
    status, out, err = convert(fixture.read_bytes())
    assert (status, out) == (3, "")
    assert err.splitlines()[0] == (
        "<stdin>:1:40: error: a NUL byte in the command: no shell can pass it to curl (bash drops it while "
        "reading, other shells end the argument there): remove it [nul-byte]")
    assert err.splitlines()[2] == " " * 41 + "^"


def test_nul_byte_in_a_here_document_is_refused() -> None:
    status, out, err = convert(f"curl {URL}/x --data-binary @- <<EOF\na\0b\nEOF\n", "--shell", "bash")
    assert (status, out) == (3, "") and "[nul-byte]" in err


def test_ansi_nul_escape_still_truncates() -> None:
    assert the_action(f"curl {URL}/x -d $'a\\0b'", "--shell", "bash")["body"] == "a"


# --- bug: option letters from a variable ---------------------------------------------------------


@pytest.mark.parametrize("word, what", [("-sS$X", "letters come"), ("-$X", "letters come"),
                                        ("--$X", "name comes"), ("--data-$X", "name comes")])
def test_option_from_a_variable_is_an_input_error(word: str, what: str) -> None:
    status, out, err = convert(f"curl {word} {URL}/x", "--shell", "bash")
    assert (status, out) == (3, "")
    assert err.splitlines()[0] == (f"<stdin>:1:6: error: the option {what} from a variable, so what curl does "
                                   "cannot be known: write the options literally [variable-option]")
    assert "\ue000" not in err and "\ue001" not in err


def test_value_of_a_bundled_option_may_hold_a_variable() -> None:
    action = the_action(f'curl -sSH"X-Id: $ID" {URL}/x', "--shell", "bash")
    assert action["headers"] == [{"key": "X-Id", "value": "<<ID>>"}]


def test_method_from_a_variable_is_an_input_error() -> None:
    status, _, err = convert(f"curl -X$M {URL}/x", "--shell", "bash")
    assert status == 3
    assert "the method comes from a variable, so it cannot be known: write it literally [variable-method]" in err


# --- bug: header names ----------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("X-A: v", ("send", "X-A", "v")),
    ("X-A:\t\x0b v ", ("send", "X-A", "v ")),  # curl skips C isspace() after the colon
    ("X-A:  ", ("remove", "X-A", "")),
    ("X-A;", ("send", "X-A", "")),
    ("X-A; ", ("remove", "X-A", "")),
    ("X-A;x", ("ignored-remove", "X-A", "")),
    ("X;A: v", ("send", "X;A", "v")),  # the colon decides first
    (":v", ("bad", "", "")),
    (";", ("bad", "", "")),
    ("X-A", ("bad", "", "")),
    (f"{X}: v", ("send", X, "v")),
])
def test_parse_header_like_curl(raw: str, expected: tuple) -> None:
    assert parse_header(raw) == expected


@pytest.mark.parametrize("name, problem", [
    ("X-Api-Key", None),
    ("!#$%&'*+.^_`|~09azAZ-", None),
    ("X Api Key", "it holds a space, which curl sends as written and servers reject"),
    ("X\tA", "it holds a tab, which curl sends as written and servers reject"),
    ("\u00e9", "it holds a non-ASCII character, which curl sends as written and servers reject"),
    ("a\x7fb", "it holds a control character, which curl sends as written and servers reject"),
    ('x"y', "it holds the character '\"', which curl sends as written and servers reject"),
    ("a,b", "it holds the character ',', which curl sends as written and servers reject"),
    (model.template("k"), "it comes from a variable, so it cannot be known: write the header name literally"),
])
def test_header_name_problem(name: str, problem: str | None) -> None:
    assert header_name_problem(name) == problem


@pytest.mark.parametrize("header, problem", [
    ("X Api Key: v", "it holds a space"), ("(x): v", "it holds the character '('"),
    ("{{k}}: v", "it comes from a variable"), ('"$H"', "it comes from a variable"),
    ("X;A: v", "it holds the character ';'"),
])
def test_header_name_not_a_token_names_the_spot(header: str, problem: str) -> None:
    quoted = header if header.startswith('"') else f"'{header}'"
    status, out, err = convert(f"curl {URL}/x -H {quoted}", "--shell", "bash")
    assert (status, out) == (3, "")
    first = err.splitlines()[0]
    assert first.startswith(f"<stdin>:1:35: error: this header name is not an HTTP token: {problem}")
    assert first.endswith("[bad-header-name]")


def test_blanks_around_a_header_name_are_dropped_with_a_warning() -> None:
    status, out, err = convert(f"curl {URL}/x -H 'X-B : v' -H $'X-C\\t: w'", "--shell", "bash")
    assert status == 0
    assert yaml.safe_load(out)["actions"][0]["headers"] == [{"key": "X-B", "value": "v"}, {"key": "X-C", "value": "w"}]
    assert err.count("[header-name-space]") == 2


@pytest.mark.parametrize("option, headers", [
    ("-H 'Content-Type; '", None),  # curl sends none: neither the header nor its own
    ("-H 'Content-Type;x'", None),
    ("-H 'Content-Type:'", None),
    ("-H 'X-E;'", [{"key": "X-E", "value": ""}, {"key": "Content-Type", "value": "application/x-www-form-urlencoded"}]),
])
def test_header_semicolon_forms(option: str, headers: list | None) -> None:
    assert the_action(f"curl {URL}/x -d a=b {option}", "--shell", "bash").get("headers") == headers


# --- bug: the file name -T appends --------------------------------------------------------------


@pytest.mark.parametrize("path, name", [("a/b/c.txt", "c.txt"), ("c\\d.txt", "d.txt"), ("a\\b/c", "c"),
                                        ("dir/", ""), (f"d/{X}", X)])
def test_upload_name(path: str, name: str) -> None:
    assert upload_name(path) == name


@pytest.mark.parametrize("url, path, expected", [
    (f"{URL}/", "#", f"{URL}/%23"),
    (f"{URL}/", "a#b.txt", f"{URL}/a%23b.txt"),
    (f"{URL}/up/?q=1", "dir/a b?.txt", f"{URL}/up/a%20b%3F.txt?q=1"),
    (f"{URL}/up/", "\u00e9%.txt", f"{URL}/up/%C3%A9%25.txt"),
    (URL, "x.txt", f"{URL}/x.txt"),
    (f"{URL}?q", "x.txt", f"{URL}/x.txt?q"),
    (f"{URL}/up", "x.txt", f"{URL}/up"),
    (f"{URL}/up/", "-", f"{URL}/up/"),  # standard input: no name
    (f"https://{model.shell_var('HOST')}/", "x", f"https://{model.shell_var('HOST')}/x"),
    (f"{model.shell_var('BASE')}/up/", "x", f"{model.shell_var('BASE')}/up/x"),
    (f"{URL}/{model.template('p')}", "x", f"{URL}/{model.template('p')}"),
])
def test_append_upload_name(url: str, path: str, expected: str) -> None:
    assert append_upload_name(url, path, SPAN) == (expected, None)


@pytest.mark.parametrize("url", [model.shell_var("URL"), f"{URL}/{model.shell_var('P')}"])
def test_append_upload_name_to_a_variable_path_warns(url: str) -> None:
    new, warning = append_upload_name(url, "x", SPAN)
    assert new == url and warning.startswith("-T adds the file's name to a URL whose path is empty or ends in '/'")


def test_upload_name_from_a_variable_is_an_input_error() -> None:
    with pytest.raises(ConverterError) as info:
        append_upload_name(f"{URL}/up/", model.shell_var("F"), SPAN)
    assert info.value.code == "upload-name-unknown"
    status, out, err = convert(f'curl -T "$F" {URL}/up/', "--shell", "bash")
    assert (status, out) == (3, "") and "[upload-name-unknown]" in err


def test_upload_with_data_is_refused_like_curl() -> None:
    status, out, err = convert(f"curl -T f.txt -d a=b {URL}/x")
    assert (status, out) == (3, "")
    assert ("error: -T uploads with PUT while -d/--json/-F post: curl refuses the command "
            "(one request method only) [method-conflict]") in err


def test_upload_without_read_files_keeps_the_encoded_name_in_the_path() -> None:
    action = the_action(f"curl -T 'dir/a#b.txt' '{URL}/v1/files/?x=1'")
    assert (action["method"], action["path"], action["body_file"]) == ("PUT", "/v1/files/a%23b.txt", "dir/a#b.txt")
    assert action["query_params"] == [{"key": "x", "value": "1"}]


# --- -d @file reads lines like curl's file2string ----------------------------------------------------


@pytest.mark.parametrize("text, sent", [
    ("a\nb\n", "ab"),
    ("a\r\nb\r\n", "ab"),
    ("a\rb\nc\r\nd", "acd"),  # after a CR the rest of the line is lost, not just the CR
    ("a\0b\nc", "ac"),
    ("x" * 300 + "\ry" * 3 + "\nz", "x" * 300 + "z"),  # fgets pieces are 255 bytes
    ("\u00e9" * 200 + "\r", "\u00e9" * 200),  # a piece may end inside a character: joined again
])
def test_file2string(text: str, sent: str) -> None:
    assert file2string(text) == sent


def test_file2string_cut_inside_a_character_is_not_text() -> None:
    # the first 255-byte piece ends inside the first 'é'; its CR drops that first byte
    assert file2string("a" * 253 + "\r\u00e9" + "\u00e9") is None


# --- against the real curl ------------------------------------------------------------------------

FILES = {"#": b"x", "a#b.txt": b"y", "a b?.txt": b"z", "\u00e9%.txt": b"w", "c\\d.txt": b"r",
         "cr.txt": b"a\rb\nc\r\nd", "nul.txt": b"a\0b\nc", "long.txt": b"x" * 300 + b"\ry" * 3 + b"\nz"}

DIFFERENTIAL = [
    "curl -T '#' https://api.example.com/",
    "curl -T 'a#b.txt' https://api.example.com/",
    "curl -T 'sub/a b?.txt' 'https://api.example.com/up/?q=1#frag'",
    "curl -T '\u00e9%.txt' https://api.example.com/up/",
    "curl -T 'a#b.txt' https://api.example.com",
    "curl -T 'c\\d.txt' https://api.example.com/v1/",
    "curl -T 'a#b.txt' https://api.example.com/v1/name",
    "curl -T - https://api.example.com/up/ <<'EOF'\nhello\nEOF",
    "curl https://api.example.com/x -d @cr.txt",
    "curl https://api.example.com/x -d @nul.txt",
    "curl https://api.example.com/x --data-ascii @long.txt",
    "curl https://api.example.com/x --data-binary @cr.txt",
    "curl https://api.example.com/x -d a=b -H 'Content-Type; '",
    "curl https://api.example.com/x -d a=b -H 'Content-Type;x'",
    "curl https://api.example.com/x -d a=b -H 'X-E;' -H 'X-F; ' -H 'X-G:'",
]


@pytest.fixture(scope="module")
def files_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("curl-edge")
    (root / "sub").mkdir()
    for name, data in FILES.items():
        (root / name).write_bytes(data)
    (root / "sub" / "a b?.txt").write_bytes(b"s")
    return root


@pytest.mark.parametrize("command", DIFFERENTIAL)
def test_same_request_as_curl(command: str, echo_server, files_dir: Path) -> None:
    original = run_curl(echo_server, command + "\n", {}, files_dir)
    assert original.returncode == 0 and len(original.requests) == 1, original.stderr
    source = files_dir / "input.sh"
    source.write_text(command + "\n", "utf-8")
    runner = CliRunner()
    converted = runner.invoke(cli, ["convert", str(source), "--read-files", "--shell", "bash"], catch_exceptions=False)
    assert converted.exit_code == 0, converted.stderr
    bundle = files_dir / "bundle.yaml"
    bundle.write_bytes(converted.stdout_bytes)  # click's .stdout turns CRLF into LF
    printed = runner.invoke(cli, ["to-curl", str(bundle)], catch_exceptions=False)
    assert printed.exit_code == 0, printed.stderr
    replayed = run_curl(echo_server, printed.stdout_bytes.decode("utf-8"), {}, files_dir)
    assert replayed.returncode == 0, replayed.stderr
    # `-T -` streams standard input chunked: how bytes travel, not what the request says
    ignored = DEFAULT_IGNORED_HEADERS | {"transfer-encoding"}
    assert compare_request_lists(original.requests, replayed.requests, ignore_headers=ignored) == [], printed.stdout


@pytest.mark.parametrize("options", ["-T a#b.txt -d a=b", "-d a=b -T a#b.txt", "-F k=v -T a#b.txt",
                                     "--json {} -T a#b.txt"])
def test_curl_refuses_upload_with_data(options: str, echo_server, files_dir: Path) -> None:
    command = f"curl {options} https://api.example.com/x"
    run = run_curl(echo_server, command, {}, files_dir)
    assert run.returncode == 2 and run.requests == []
    status, _, err = convert(command)
    assert status == 3 and "[method-conflict]" in err


def test_path_as_is_is_reported_not_kept() -> None:
    # curl --path-as-is would send /x/../y; the action path is /y (dot segments removed)
    result = CliRunner().invoke(cli, ["convert", "-"], input="curl --path-as-is https://a.example.com/x/../y\n")
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout)["actions"][0]["path"] == "/y"
    assert result.stderr == ("<stdin>:1:6: warning: --path-as-is changes the request but is not kept [option-ignored]\n"
                             "  curl --path-as-is https://a.example.com/x/../y\n       ^^^^^^^^^^^^\n")


def test_lower_case_method_is_upper_cased_with_a_warning() -> None:
    result = CliRunner().invoke(cli, ["convert", "-"], input="curl -X post https://a.example.com/y -d a=1\n")
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout)["actions"][0]["method"] == "POST"
    assert result.stderr == ("<stdin>:1:9: warning: curl sends the method as written, not in upper case; the action uses "
                             "POST [method-case]\n  curl -X post https://a.example.com/y -d a=1\n          ^^^^\n")


@pytest.mark.parametrize("option, shown, col", [("-d @", "--data @ needs a file name after the @", 9),
                                                ("--json @", "--json @ needs a file name after the @", 13),
                                                ("-F a=@", "-F @ needs a file name after the @", 9),
                                                ("-F 'a=<'", "-F < needs a file name after the <", 9),
                                                ("-T ''", "-T needs a file name", 9)])
def test_empty_file_name_is_an_input_error(option: str, shown: str, col: int) -> None:
    # found by fuzzing: `-d @` gave an empty body_file, which the schema refuses (exit 5)
    result = CliRunner().invoke(cli, ["convert", "-"], input=f"curl {option} https://a.example.com/x\n")
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr.startswith(f"<stdin>:1:{col}: error: {shown}")
    assert "[no-file-name]" in result.stderr

"""Hostile input (issue 6: "nothing leaks, nothing crashes").

Every test runs the real CLI in-process with ``catch_exceptions=False``, so a traceback
fails the test.  Four promises are checked over a wide table of nasty inputs:

- values that YAML would read as another type, odd Unicode and control characters come
  back from ``yaml.safe_load`` of the output as exactly the strings that went in, and
  every output validates against the schemas;
- nothing in the input is executed, and files are written only inside ``-o DIR``;
- a secret in any position is absent from stdout, stderr and written files;
- bad input (bytes, syntax, size) gets a documented exit status and a ``[code]``
  diagnostic, never a traceback.

Known bugs are kept as ``xfail(strict=True)`` tests, each with "BUG:" in its reason.
"""
from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from click.testing import CliRunner

from converter.cli import cli
from converter.schema import validate_action, validate_bundle, validate_connector

REPO = Path(__file__).resolve().parent.parent
HOSTILE = REPO / "fixtures" / "hostile"
URL = "https://api.example.com"
CODE_RE = re.compile(r"\[[a-z0-9-]+\]")


# --- helpers ------------------------------------------------------------------------------


def run(args: list[str], stdin: str | bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def convert(text: str | bytes, *args: str) -> tuple[int, str, str]:
    return run(["convert", "-", *args], text)


def bundle_of(out: str) -> dict:
    """stdout → the bundle, which must validate."""
    doc = yaml.safe_load(out)
    assert validate_bundle(doc) == [], out
    return doc


def ok(text: str, *args: str) -> dict:
    status, out, err = convert(text, *args)
    assert status == 0, err
    return bundle_of(out)


def the_action(text: str, *args: str) -> dict:
    doc = ok(text, *args)
    assert len(doc["actions"]) == 1, doc
    return doc["actions"][0]


def sq(value: str) -> str:
    """Single-quote for bash."""
    return "'" + value.replace("'", "'\\''") + "'"


def ansi(value: str) -> str:
    """$'…' quoting with every non-ASCII-printable character escaped."""
    out = []
    for ch in value:
        if ch in "\\'":
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        elif ord(ch) < 0x80:  # \xNN is a byte in bash: only ASCII is a character
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "$'" + "".join(out) + "'"


def pairs(items: list[dict] | None) -> list[tuple]:
    return [(i["key"], i.get("value")) for i in items or []]


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def no_tracebacks(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text


# --- 1. values YAML would read as another type --------------------------------------------

AMBIGUOUS = [
    "yes", "Yes", "on", "OFF", "no", "y", "n", "true", "False", "0123", "0o17", "0x1F", "1e3",
    "1_000", "+12", "-.5", ".inf", "-.Inf", ".NaN", "null", "Null", "~", "2026-01-31",
    "2026-01-31T10:00:00Z", "12:30:45", "key: value # x", "- item", "&anchor", "*alias", "!tag",
    "!!str x", "%percent", "@at", "#hash", "? q", "[a, b]", "{a: b}", "|", ">", "<<", "=",
    "'q'", '"dq"', "---", "...", ": x", "a: b: c", "`tick`",
]
# the subset that is a valid HTTP header name (RFC 9110 tchar) and has no "="
TOKENISH = [v for v in AMBIGUOUS if re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", v)]
NAMES = ["yes", "Yes", "on", "ON", "no", "Off", "true", "False", "null", "Null", "NULL", "nan", "inf"]
_URL_SAFE = "-._~:@!$'()*+,;=/?"  # left unencoded in a query or path as written


def _query(value: str) -> str:
    return quote(value, safe=_URL_SAFE)


FIELD_CASES = (
    [("header_value", v) for v in AMBIGUOUS]
    + [("query_value", v) for v in AMBIGUOUS]
    + [("body", v) for v in AMBIGUOUS]
    + [("form_value", v) for v in AMBIGUOUS]
    + [("json_value", v) for v in AMBIGUOUS]
    + [("header_name", v) for v in TOKENISH]
    + [("query_key", v) for v in TOKENISH]
    + [("form_key", v) for v in TOKENISH]
    + [("path_segment", v) for v in AMBIGUOUS]
)


@pytest.mark.parametrize("field, value", FIELD_CASES, ids=[f"{f}-{v}" for f, v in FIELD_CASES])
def test_ambiguous_value_round_trips(field: str, value: str) -> None:
    if field == "header_value":
        a = the_action(f"curl {URL}/v1/x -H {sq('X-Note: ' + value)}")
        assert pairs(a["headers"]) == [("X-Note", value)]
    elif field == "header_name":
        a = the_action(f"curl {URL}/v1/x -H {sq(value + ': v')}")
        assert pairs(a["headers"]) == [(value, "v")]
    elif field == "query_value":
        written = _query(value)
        a = the_action(f"curl {sq(URL + '/v1/x?k=' + written)}")
        assert pairs(a["query_params"]) == [("k", written)]
    elif field == "query_key":
        written = _query(value)
        a = the_action(f"curl {sq(URL + '/v1/x?' + written + '=v')}")
        assert pairs(a["query_params"]) == [(written, "v")]
    elif field == "body":
        a = the_action(f"curl {URL}/v1/x --data-raw {sq(value)}")
        assert a["body"] == value
    elif field == "json_value":
        text = json.dumps({"v": value}, ensure_ascii=False)
        a = the_action(f"curl {URL}/v1/x --json {sq(text)}")
        assert a["body"] == text
    elif field == "form_value":
        a = the_action(f"curl {URL}/v1/x --form-string {sq('k=' + value)}")
        assert a["form_data"] == [{"key": "k", "value": value}]
    elif field == "form_key":
        a = the_action(f"curl {URL}/v1/x --form-string {sq(value + '=v')}")
        assert a["form_data"] == [{"key": value, "value": "v"}]
    elif field == "path_segment":
        written = quote(value, safe="-._~:@!$'()*+,;=")
        a = the_action(f"curl {sq(URL + '/v1/' + written + '/end')}")
        assert a["path"] == f"/v1/{written}/end"
        assert re.fullmatch(r"[a-zA-Z][a-zA-Z0-9_]+", a["name"])
    else:  # pragma: no cover
        raise AssertionError(field)


@pytest.mark.parametrize("name", NAMES)
def test_ambiguous_names_round_trip_in_bundle_and_files(name: str, tmp_path: Path) -> None:
    text = f"curl {URL}/v1/x"
    doc = ok(text, "--connector-name", name, "--action-name", name + "_a")
    assert doc["connectors"][0]["name"] == name and doc["actions"][0]["connector"] == name
    assert doc["actions"][0]["name"] == name + "_a"
    status, _, err = convert(text, "--connector-name", name, "--action-name", name + "_a", "-o", str(tmp_path))
    assert status == 0, err
    assert tree(tmp_path) == ["actions", f"actions/{name}_a.yaml", "connectors", f"connectors/{name}.yaml"]
    conn = yaml.safe_load((tmp_path / "connectors" / f"{name}.yaml").read_text(encoding="utf-8"))
    assert conn["name"] == name and validate_connector(conn) == []
    assert run(["validate", str(tmp_path)])[0] == 0


# --- 2. newlines, Unicode and control characters in every field ----------------------------

UNICODE = {
    "rtl_override": "a\u202eb\u200fc",
    "zero_width": "a\u200bb\u200dc\u2060d",
    "bom_inside": "a\ufeffb",
    "emoji": "\U0001f600\U0001f44d\U0001f3fd\U0001f1f5\U0001f1f9",
    "nel": "a\u0085b",
    "line_separator": "a\u2028b",
    "paragraph_separator": "a\u2029b",
    "newline": "a\nb",
    "cr": "a\rb",
    "tab": "a\tb",
    "combining": "e\u0301\u0327",
    "cjk": "\u65e5\u672c\u8a9e",
    "del": "a\x7fb",
    "c1_csi": "a\x9bb",
    "escape_seq": "a\x1b[31mb",
    "nbsp": "a\u00a0b",
    "bidi_isolate": "\u2066x\u2069",
    "max_code_point": "x\U0010ffff",
    "private_use": "\uf8ff",
    "noncharacter": "a\ufffeb",
    "bell_backspace": "a\x07\x08b",
}
UNI_FIELDS = ["header_value", "body", "form_value", "json_value", "query_value_raw"]
UNI_CASES = [(f, k) for f in UNI_FIELDS for k in UNICODE]


@pytest.mark.parametrize("field, key", UNI_CASES, ids=[f"{f}-{k}" for f, k in UNI_CASES])
def test_unicode_value_round_trips(field: str, key: str) -> None:
    value = UNICODE[key]
    if field == "header_value":
        a = the_action(f"curl {URL}/v1/x -H {ansi('X-Note: ' + value)}")
        assert pairs(a["headers"]) == [("X-Note", value)]
    elif field == "body":
        a = the_action(f"curl {URL}/v1/x --data-raw {ansi(value)}")
        assert a["body"] == value
    elif field == "form_value":
        a = the_action(f"curl {URL}/v1/x --form-string {ansi('k=' + value)}")
        assert a["form_data"] == [{"key": "k", "value": value}]
    elif field == "json_value":
        text = '{"v": "' + value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"}'
        a = the_action(f"curl {URL}/v1/x --json {ansi(text)}")
        assert a["body"] == text
    else:  # raw in the URL's query, as curl sends it (it does not encode the query)
        a = the_action(f"curl {ansi(URL + '/v1/x?k=' + value)}")
        assert pairs(a["query_params"]) == [("k", value)]


EDGES = {"nel": "\u0085", "line_separator": "\u2028", "nbsp": "\u00a0", "zero_width": "\u200b", "bom": "\ufeff",
         "ideographic_space": "\u3000", "file_separator": "\x1c"}


@pytest.mark.parametrize("key", sorted(EDGES))
def test_header_value_keeps_non_ascii_whitespace_at_its_edges(key: str) -> None:
    # curl sends the value bytes as written; only SP/HTAB are optional whitespace in HTTP
    value = EDGES[key] + "v" + EDGES[key]
    a = the_action(f"curl {URL}/v1/x -H {ansi('X-Note: ' + value)}")
    assert pairs(a["headers"]) == [("X-Note", value)]


@pytest.mark.parametrize("key", sorted(UNICODE))
def test_unicode_raw_in_single_quotes_body(key: str) -> None:
    value = UNICODE[key]
    if "\r" in value:
        pytest.skip("a raw CR is read as a line end (CRLF input), by design")
    a = the_action(f"curl {URL}/v1/x --data-raw {sq(value)}")
    assert a["body"] == value


def test_unicode_path_segment_is_kept_or_encoded_like_curl() -> None:
    a = the_action(f"curl {URL}/v1/\u65e5\u672c/x")
    # curl 7.88 sends the path percent-encoded in lower case; as written is fine too
    assert a["path"] in ("/v1/\u65e5\u672c/x", "/v1/%e6%97%a5%e6%9c%ac/x", "/v1/%E6%97%A5%E6%9C%AC/x")


@pytest.mark.regression(reason="FIXED: $'\\ue000…\\ue001' escapes forge a model token (a placeholder) from input")
def test_ansi_escapes_cannot_forge_model_tokens() -> None:
    status, out, err = convert(f"curl {URL}/v1/x -d $'\\ue000<ADMIN_KEY\\ue001'")
    assert "<<ADMIN_KEY>>" not in out
    assert status == 3 and "[bad-character]" in err


def test_raw_private_use_marks_are_refused() -> None:
    status, out, err = convert(f"curl {URL}/v1/x -d '\ue000<ADMIN_KEY\ue001'")
    assert (status, out) == (3, "")
    assert "[bad-character]" in err


CARET_BUG = pytest.mark.regression(reason="FIXED: stderr caret lines copy terminal control characters "
                                                  "(OSC ESC]…BEL, C1 CSI, BEL, BS) from the input")


@pytest.mark.parametrize("ctrl", [pytest.param("\x1b]0;pwned\x07", marks=CARET_BUG),
                                  pytest.param("\x9b31m", marks=CARET_BUG), "\x1b[2J",
                                  pytest.param("\x07\x08", marks=CARET_BUG)])
def test_stderr_carries_no_terminal_control_characters(ctrl: str) -> None:
    status, _, err = convert(f"curl {URL}/v1/x -H 'X-A: {ctrl}' --no-such-option\n")
    assert status == 0 and "[unknown-option]" in err
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", err), repr(err)


@pytest.mark.regression(reason="FIXED: a raw NUL byte is kept in the body; bash drops it and curl cannot send it")
def test_raw_nul_byte_is_refused_or_dropped() -> None:
    status, out, err = convert((HOSTILE / "bytes" / "nul_byte.sh").read_bytes())
    if status == 0:
        assert bundle_of(out)["actions"][0]["body"] == "ab"
    else:
        assert (status, out) == (3, "") and CODE_RE.search(err)


def test_ansi_nul_escape_truncates_like_bash() -> None:
    assert the_action(f"curl {URL}/v1/x -d $'a\\0b'")["body"] == "a"


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\U0000d800", "\\U7fffffff"])
def test_ansi_escape_of_a_surrogate_is_an_input_error(escape: str) -> None:
    status, out, err = convert(f"curl {URL}/v1/x -d $'{escape}'")
    assert (status, out) == (3, "")
    assert "[bad-escape]" in err


# --- 3. bytes, sizes, structure -------------------------------------------------------------

INVALID_UTF8 = {
    "invalid_ff_line2.sh": (2, 10),
    "invalid_truncated_end.sh": (1, 42),
    "invalid_overlong_slash.sh": (1, 33),
    "invalid_encoded_surrogate.sh": (1, 39),
    "invalid_latin1_line3.sh": (3, 36),
    "invalid_cp1252_quotes.sh": (1, 38),
}


@pytest.mark.parametrize("name", sorted(INVALID_UTF8))
def test_invalid_utf8_is_exit_3_with_line_and_column(name: str) -> None:
    """(The file name part is checked by test_diagnostic_names_the_input_file.)"""
    line, col = INVALID_UTF8[name]
    path = HOSTILE / "bytes" / name
    status, out, err = run(["convert", str(path)])
    assert (status, out) == (3, "")
    assert f":{line}:{col}: error: the input is not UTF-8 text" in err, err
    assert err.rstrip().endswith("[invalid-utf8]")
    # the same through stdin
    status, _, err = convert(path.read_bytes())
    assert status == 3 and err.startswith(f"<stdin>:{line}:{col}: error:")


@pytest.mark.parametrize("name", ["short.sh", "api_endpoints.sh", "api_v2_endpoints_2026.sh"])
def test_diagnostic_names_the_input_file(name: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # a relative name: pytest's own tmp path looks random too
    Path(name).write_bytes(b"curl https://api.example.com/v1/\xff\n")
    status, _, err = run(["convert", name])
    assert status == 3
    assert err.startswith(f"{name}:1:33: error: the input is not UTF-8 text (byte 0xff) [invalid-utf8]"), err


@pytest.mark.parametrize("name", ["bom.sh", "bom_crlf.sh"])
def test_bom_is_ignored(name: str) -> None:
    a = the_action((HOSTILE / "bytes" / name).read_bytes())
    assert (a["name"], a["path"]) == ("get_models", "/v1/models")
    if name == "bom_crlf.sh":
        assert pairs(a["headers"]) == [("X-Yes", "yes")]


@pytest.mark.parametrize("name", ["empty.sh", "only_whitespace.sh", pytest.param("bom_only.sh", marks=pytest.mark.regression(
    reason="FIXED: a file holding only a BOM is reported as [not-curl] (with a caret line) not [empty-input]"))])
def test_empty_input_is_exit_3(name: str) -> None:
    status, out, err = convert((HOSTILE / "bytes" / name).read_bytes())
    assert (status, out) == (3, "")
    assert "[empty-input]" in err


def test_comments_only_is_not_curl() -> None:
    status, out, err = convert((HOSTILE / "bytes" / "only_comments.sh").read_bytes())
    assert (status, out) == (3, "")
    assert "[not-curl]" in err or "[empty-input]" in err


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_json_nested_10k_levels(opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    body = opener * 10_000 + ("1" if opener != "[" else "") + closer * 10_000
    a = the_action(f"curl {URL}/v1/x --json {sq(body)}")
    assert a["body"] == body


@pytest.mark.parametrize("depth", [
    150, pytest.param(300, marks=pytest.mark.regression(reason="FIXED: secret fields nested deeper than 200 levels "
                                                                       "are not replaced")),
    pytest.param(10_000, marks=pytest.mark.regression(reason="FIXED: secret fields in JSON too deep for json.loads "
                                                                     "are not replaced")),
])
def test_json_nested_deep_with_secret_inside(depth: int) -> None:
    secret = "Qw3Er5Ty7Ui9Op1As3Df"
    body = '{"a":' * depth + '{"password": "' + secret + '"}' + "}" * depth
    status, out, err = convert(f"curl {URL}/v1/x --json {sq(body)}")
    assert status == 0, err
    assert secret not in out and secret not in err
    assert bundle_of(out)["actions"][0]["body"].endswith('{"password": "<<EXAMPLE_PASSWORD>>"}' + "}" * depth)


def test_huge_json_body_5mb() -> None:
    doc = {"items": [{"id": i, "name": f"item {i}", "flags": ["yes", "0123", "~"]} for i in range(90_000)]}
    body = json.dumps(doc)
    assert len(body) > 5_000_000
    a = the_action(f"curl {URL}/v1/bulk --json {sq(body)}")
    assert a["body"] == body


@pytest.mark.regression(reason="FIXED: JSON bodies with many secret fields take quadratic time: 10,000 "
                                       "password fields (400 KB) take over a minute (8,000: 34 s)")
def test_json_body_with_many_secret_fields_finishes() -> None:
    body = json.dumps({"items": [{"id": i, "password": f"pw{i:010d}"} for i in range(10_000)]})
    try:
        proc = _timed_cli(f"curl {URL}/v1/bulk --json {sq(body)}", timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("did not finish within 20 s")
    assert proc.returncode == 0 and b"pw0000000042" not in proc.stdout


@pytest.mark.regression(reason="FIXED: duplicate JSON keys: only the last value of a secret field is replaced, the first leaks")
@pytest.mark.parametrize("other", ["short", "Ab8Lm2Np4Rs6Tv8Wx5Yz"])
def test_duplicate_json_keys_leak_no_secret(other: str) -> None:
    secret = "Zq8Lm2Np4Rs6Tv8Wx5Yz"
    status, out, err = convert(f"curl {URL}/v1/x --json '{{\"password\": \"{secret}\", \"password\": \"{other}\"}}'")
    assert status == 0
    assert secret not in out + err and other not in out


@pytest.mark.regression(reason="FIXED: a secret field written with JSON escapes (key or value) is not replaced and leaks")
@pytest.mark.parametrize("body", [
    '{"password": "Zq8Lm2Np\\/4Rs6Tv8Wx5Yz"}',
    '{"password": "Zq8Lm2Np4Rs6Tv8Wx5Y\\u007a"}',
])
def test_json_escapes_do_not_hide_secret_fields(body: str) -> None:
    status, out, err = convert(f"curl {URL}/v1/x --json {sq(body)}")
    assert status == 0
    decoded = json.loads(body)
    for text in (decoded[next(iter(decoded))], "Zq8Lm2Np", "4Rs6Tv8Wx5Y"):
        assert text not in out and text not in err


def test_json_escaped_key_of_secret_field() -> None:
    body = '{"pass\\u0077ord": "Zq8Lm2Np4Rs6Tv8Wx5Yz"}'
    status, out, err = convert(f"curl {URL}/v1/x --json {sq(body)}")
    assert status == 0 and "Zq8Lm2Np4Rs6Tv8Wx5Yz" not in out + err


def test_duplicate_json_keys_non_secret_body_kept() -> None:
    body = '{"a": "yes", "a": "no"}'
    assert the_action(f"curl {URL}/v1/x --json {sq(body)}")["body"] == body


@pytest.mark.parametrize("body", ['{"a": NaN}', '{"a": Infinity, "b": -Infinity}', "[NaN]", '{"a": 1e999}'])
def test_nan_in_json_body_is_kept_as_text(body: str) -> None:
    assert the_action(f"curl {URL}/v1/x --json {sq(body)}")["body"] == body


@pytest.mark.regression(reason="FIXED: a JSON body json.loads refuses (an integer of 4301+ digits) skips the "
                                       "secret-field pass: the password leaks")
def test_json_body_with_5000_digit_integer() -> None:
    body = '{"n": ' + "7" * 5000 + ', "password": "Zq8Lm2Np4Rs6Tv8Wx5Yz"}'
    status, out, err = convert(f"curl {URL}/v1/x --json {sq(body)}")
    assert status == 0, err
    assert "Zq8Lm2Np4Rs6Tv8Wx5Yz" not in out + err


@pytest.mark.regression(reason="FIXED: dot segments stay in the path; curl sends /etc/passwd (it removes /../ and /./)")
def test_dot_segments_are_removed_like_curl() -> None:
    a = the_action(f"curl '{URL}/a/../../etc/./passwd/%2e%2e/x'")
    assert a["path"] == "/etc/passwd/%2e%2e/x"


@pytest.mark.parametrize("text, code", [
    ("curl 'https://api.example.com/x", "unbalanced-quote"),
    ('curl "https://api.example.com/x', "unbalanced-quote"),
    ("curl https://api.example.com/x -d $'abc", "unbalanced-quote"),
    ('curl https://api.example.com/x -H "X: ${A', None),
    ("curl https://api.example.com/x -d @- <<EOF\nabc\n", None),
    ("curl https://api.example.com/x -d 'a'\"b", "unbalanced-quote"),
    ("curl https://api.example.com/x \\", None),
])
def test_unbalanced_quotes_and_syntax_errors(text: str, code: str | None) -> None:
    status, out, err = convert(text)
    assert (status, out) == (3, "")
    assert CODE_RE.search(err) and (code is None or f"[{code}]" in err), err
    assert re.search(r"^<stdin>:\d+:\d+: error: ", err, re.M)


def _timed_cli(text: str, *args: str, timeout: float = 150) -> subprocess.CompletedProcess:
    """The real entry point in a child process, so a hang fails after ``timeout``."""
    return subprocess.run([sys.executable, "-m", "converter", "convert", "-", *args], input=text.encode(),
                          capture_output=True, timeout=timeout, cwd=REPO)


MEGA = 1_000_000
ONE_MB = {
    "long_header": f"curl {URL}/x -H 'X-Big: {'a' * MEGA}'",
    "long_url_path": f"curl '{URL}/{'seg/' * (MEGA // 4)}'",
    "many_headers": f"curl {URL}/x " + " ".join(f"-H 'X-{i}: v'" for i in range(MEGA // 14)),
    "long_query": f"curl '{URL}/x?" + "&".join(f"k{i}=v" for i in range(MEGA // 8)) + "'",
    "random_looking": f"curl {URL}/x -d '{'aB3' * (MEGA // 3)}'",
    "escapes": f"curl {URL}/x -d " + "a\\ " * (MEGA // 3),
    "many_commands": "; ".join(f"curl {URL}/x{i}" for i in range(MEGA // 36)),
    "unterminated_quote": f"curl {URL}/x -d '{'a' * MEGA}",
}


@pytest.mark.parametrize("key", sorted(ONE_MB))
def test_one_megabyte_single_line_finishes(key: str) -> None:
    text = ONE_MB[key]
    assert len(text) >= 950_000 and "\n" not in text
    proc = _timed_cli(text)
    err = proc.stderr.decode()
    no_tracebacks(err)
    if key == "unterminated_quote":
        assert proc.returncode == 3 and "[unbalanced-quote]" in err and proc.stdout == b""
        return
    assert proc.returncode == 0, err[:500]
    doc = bundle_of(proc.stdout.decode())
    assert len(doc["actions"]) == (MEGA // 36 if key == "many_commands" else 1)


# --- 4. hostile names and -o DIR --------------------------------------------------------------

BAD_NAMES = ["../../x", "/etc/passwd", "a/b", "..", "x" * 65, "\u00e9t\u00e9", "a b", "a\nb", "_x", "1abc",
             "a.yaml", "nul\0x", "x", ""]


@pytest.mark.parametrize("option", ["--connector-name", "--action-name"])
@pytest.mark.parametrize("name", BAD_NAMES, ids=[repr(n)[:20] for n in BAD_NAMES])
def test_bad_names_are_usage_errors_and_write_nothing(option: str, name: str, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    status, out, err = convert(f"curl {URL}/v1/x", "-o", str(out_dir), option, name)
    if name == "":  # an empty option means "not given": the default name is used
        assert status == 0
        return
    assert (status, out) == (2, "")
    assert "[bad-name]" in err
    assert not out_dir.exists() and tree(tmp_path) == []


@pytest.mark.parametrize("name", ["CON", "nul", "aux", "PRN", "com1", "LPT9", "x" * 64])
def test_reserved_and_long_names_stay_inside_dir(name: str, tmp_path: Path) -> None:
    status, _, err = convert(f"curl {URL}/v1/x", "-o", str(tmp_path), "--connector-name", name, "--action-name", name)
    assert status == 0, err
    assert tree(tmp_path) == ["actions", f"actions/{name}.yaml", "connectors", f"connectors/{name}.yaml"]


@pytest.mark.parametrize("url, files", [
    ("https://nul/../../etc/passwd", None),
    ("https://con/%2e%2e%2f%2e%2e%2fetc%2fpasswd", None),
    ("https://api.example.com/" + "a" * 300, None),
    ("https://api.example.com/" + "/".join(["..%2f"] * 40), None),
    ("https://\u00fcml\u00e4ut.example.com/\u65e5\u672c/\u00e9", None),
    ("https://xn--mlut-qoa2a.example.com/x", None),
    ("https://127.0.0.1:8080/..", None),
    ("https://[::1]/x", None),
])
def test_derived_names_never_escape_dir(url: str, files, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    status, _, err = convert(f"curl {sq(url)}", "-o", str(out_dir))
    assert status in (0, 3), err
    assert tree(tmp_path) == (["out"] + [f"out/{p}" for p in tree(out_dir)] if out_dir.exists() else [])
    for p in out_dir.rglob("*.yaml") if out_dir.exists() else []:
        assert p.parent.parent == out_dir and p.parent.name in ("actions", "connectors")
        assert re.fullmatch(r"[a-zA-Z][a-zA-Z0-9_]{1,63}\.yaml", p.name), p.name
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
        assert (validate_action if p.parent.name == "actions" else validate_connector)(doc) == []


def test_many_commands_with_same_derived_name_get_unique_files(tmp_path: Path) -> None:
    text = "\n".join(f"curl {URL}/v1/items/{i}" for i in range(30))
    status, _, err = convert(text, "-o", str(tmp_path))
    assert status == 0, err
    names = [p.name for p in (tmp_path / "actions").iterdir()]
    assert len(names) == 30 and len(set(names)) == 30


# --- 5. nothing is executed ------------------------------------------------------------------

SUBST = [
    # (id, command with {M} for the marker path, shell, expected status, expected diagnostic code)
    ("url_unquoted", "curl https://api.example.com/$(touch {M})", "bash", 3, "command-substitution"),
    ("url_dquoted", 'curl "https://api.example.com/$(touch {M})"', "bash", 3, "command-substitution"),
    ("header_dquoted", 'curl https://api.example.com/x -H "X-A: $(touch {M})"', "bash", 3, "command-substitution"),
    ("header_backticks", 'curl https://api.example.com/x -H "X-A: `touch {M}`"', "bash", 3, None),
    ("data_backticks_unquoted", "curl https://api.example.com/x -d `touch {M}`", "bash", 3, None),
    ("user_dquoted", 'curl -u "bob:$(touch {M})" https://api.example.com/x', "bash", 3, "command-substitution"),
    ("method", "curl -X $(touch {M}) https://api.example.com/x", "bash", 3, "command-substitution"),
    ("nested", 'curl https://api.example.com/x -d "$(echo $(touch {M}))"', "bash", 3, "command-substitution"),
    ("arith_wrapping", "curl https://api.example.com/x -d $(( $(touch {M}) ))", "bash", 3, None),
    ("heredoc_unquoted", "curl https://api.example.com/x -d @- <<EOF\n$(touch {M})\nEOF", "bash", 3, None),
    ("here_string", 'curl https://api.example.com/x -d @- <<< "$(touch {M})"', "bash", 3, None),
    ("var_default_is_opaque", 'curl https://api.example.com/x -H "X: ${{A:-$(touch {M})}}"', "bash", 0, None),
    ("process_subst", "curl https://api.example.com/x -d @<(touch {M})", "bash", 3, None),
    ("before_curl_assign", "A=$(touch {M}) curl https://api.example.com/x", "bash", 3, None),
    ("prefix_command", "$(touch {M}) https://api.example.com/x", "bash", 3, None),
    ("oauth2_bearer", 'curl --oauth2-bearer "$(touch {M})" https://api.example.com/x', "bash", 3, None),
    ("form", 'curl https://api.example.com/x -F "f=$(touch {M})"', "bash", 3, None),
    ("cookie", "curl https://api.example.com/x -b `touch {M}`", "bash", 3, None),
    ("dollar_bracket", "curl https://api.example.com/x -d $[ $(touch {M}) ]", "bash", 3, None),
    ("powershell_subexpr", 'curl.exe https://api.example.com/x -H "X-A: $(New-Item {M})"', "powershell", 3, None),
    ("powershell_backtick_is_escape", "curl.exe https://api.example.com/x -H 'X: `$(touch {M})'", "powershell", 0, None),
]
LITERAL_SUBST = [
    # single quotes and $'…' keep the text literally: exit 0, the text is data
    ("single_quoted", "curl https://api.example.com/x --data-raw '$(touch {M})'", "$(touch {M})"),
    ("single_quoted_backticks", "curl https://api.example.com/x --data-raw '`touch {M}`'", "`touch {M}`"),
    ("ansi_c", "curl https://api.example.com/x --data-raw $'$(touch {M})'", "$(touch {M})"),
    ("escaped_dollar", "curl https://api.example.com/x --data-raw \\$\\(touch\\ {M}\\)", "$(touch {M})"),
]
TAILS = [
    # a second command is never run, whatever it is
    ("after_semicolon", "curl https://api.example.com/x; touch {M}"),
    ("after_and", "curl https://api.example.com/x && touch {M}"),
    ("after_pipe", "curl https://api.example.com/x | sh -c 'touch {M}'"),
    ("eval_line", "eval 'touch {M}'\ncurl https://api.example.com/x"),
    ("cmd_ampersand", "curl https://api.example.com/x & touch {M}"),
    ("background", "touch {M} &\ncurl https://api.example.com/x"),
]


@pytest.fixture
def no_exec(monkeypatch):
    """Any attempt to start a process fails the test loudly."""
    def boom(*a, **k):
        raise AssertionError("the converter tried to run a process")
    for name in ("system", "popen", "execv", "execve", "execvp", "spawnv", "posix_spawn"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, boom)
    monkeypatch.setattr(subprocess, "Popen", boom)


@pytest.mark.parametrize("sid, text, shell, status, code", SUBST, ids=[s[0] for s in SUBST])
def test_command_substitution_is_never_executed(sid, text, shell, status, code, tmp_path, no_exec) -> None:
    marker = tmp_path / f"PWNED_{sid}"
    got, out, err = convert(text.format(M=marker), "--shell", shell)
    assert not marker.exists()
    assert got == status, err
    if status == 3:
        assert out == "" and CODE_RE.search(err)
        if code:
            assert f"[{code}]" in err
    else:
        bundle_of(out)


@pytest.mark.parametrize("sid, text, literal", LITERAL_SUBST, ids=[s[0] for s in LITERAL_SUBST])
def test_quoted_substitution_is_literal_data(sid, text, literal, tmp_path, no_exec) -> None:
    marker = tmp_path / f"PWNED_{sid}"
    a = the_action(text.format(M=marker))
    assert not marker.exists()
    assert a["body"] == literal.format(M=marker)


@pytest.mark.parametrize("sid, text", TAILS, ids=[t[0] for t in TAILS])
def test_other_commands_are_never_run(sid, text, tmp_path, no_exec) -> None:
    marker = tmp_path / f"PWNED_{sid}"
    status, out, err = convert(text.format(M=marker))
    assert not marker.exists()
    assert status == 0, err
    assert [a["path"] for a in bundle_of(out)["actions"]] == ["/x"]


@pytest.mark.regression(reason="FIXED: unquoted backticks make auto-detection pick PowerShell: `date` silently "
                                       "becomes the body 'date' (bash would run it): exit 0, no diagnostic")
@pytest.mark.parametrize("text", ["curl https://api.example.com/x -d `date`",
                                  "curl https://api.example.com/x -H X-Host:`hostname`"])
def test_unquoted_backticks_are_refused_in_auto_mode(text: str, no_exec) -> None:
    status, out, err = convert(text)
    assert (status, out) == (3, "")
    assert "[command-substitution]" in err


def test_command_substitution_reading_a_file_is_refused(tmp_path, no_exec) -> None:
    secret_file = tmp_path / "hostname"
    secret_file.write_text("Zq8Lm2Np4Rs6Tv8Wx5Yz-file-content\n")
    status, out, err = convert(f'curl https://api.example.com/x -d "$(< {secret_file})"')
    assert (status, out) == (3, "")
    assert "file-content" not in err


def test_environment_is_never_read(monkeypatch) -> None:
    monkeypatch.setenv("HOSTILE_TOKEN", "Env8Lm2Np4Rs6Tv8Wx5Yz")
    status, out, err = convert('curl https://api.example.com/x -H "Authorization: Bearer $HOSTILE_TOKEN"')
    assert status == 0
    assert "Env8Lm2Np4Rs6Tv8Wx5Yz" not in out + err
    assert bundle_of(out)["connectors"][0]["api_key_auth"]["api_key"] == "<<HOSTILE_TOKEN>>"


@pytest.mark.parametrize("command", ["validate", "to-curl"])
def test_yaml_python_tags_are_never_constructed(command, tmp_path, no_exec) -> None:
    marker = tmp_path / "PWNED_yaml"
    doc = tmp_path / "evil.yaml"
    doc.write_text(f'connectors: !!python/object/apply:os.system ["touch {marker}"]\nactions: []\n')
    status, out, err = run([command, str(doc)])
    assert not marker.exists()
    assert status in (1, 3) and "Traceback" not in err


@pytest.mark.regression(reason="FIXED: validate walks YAML aliases exponentially: a 1 KB alias bomb takes minutes")
def test_validate_alias_bomb_finishes(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    doc = tmp_path / "bomb.yaml"
    doc.write_text("\n".join(lines) + "\nconnectors: *a9\nactions: *a9\n")
    try:
        proc = subprocess.run([sys.executable, "-m", "converter", "validate", str(doc)], capture_output=True, timeout=8)
    except subprocess.TimeoutExpired:
        pytest.fail("validate did not finish within 8 s")
    assert proc.returncode == 1


def test_to_curl_alias_bomb_finishes(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    doc = tmp_path / "bomb.yaml"
    doc.write_text("\n".join(lines) + "\nconnectors: *a9\nactions: *a9\n")
    proc = subprocess.run([sys.executable, "-m", "converter", "to-curl", str(doc)], capture_output=True, timeout=30)
    assert proc.returncode == 3 and b"[bad-definitions]" in proc.stderr


# --- 6. -o DIR that cannot be written ---------------------------------------------------------

TWO = f"curl {URL}/v1/a\ncurl {URL}/v1/b -H 'X-Api-Key: Zq8Lm2Np4Rs6Tv8Wx5Yz'\n"


def _in_child_as_nobody(fn) -> int:
    """Run ``fn`` in a forked child with uid/gid 65534 (root ignores directory modes)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        code = 99
        try:
            os.setgid(65534)
            os.setuid(65534)
            code = fn()
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@pytest.fixture
def world_readable_tmp():
    """A temporary directory the unprivileged child can reach (pytest's tmp_path is 0700)."""
    import shutil
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="c2c-hostile-"))
    path.chmod(0o755)
    yield path
    for p in [path, *path.rglob("*")]:
        if p.is_dir():
            p.chmod(0o755)
    shutil.rmtree(path)


def test_output_into_read_only_directory(world_readable_tmp: Path) -> None:
    tmp_path = world_readable_tmp
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    run(["convert", "-", "-o", str(tmp_path / "warm")], TWO)  # import everything before dropping privileges

    def attempt() -> int:
        status, out, err = convert(TWO, "-o", str(ro / "defs"))
        return status if "Traceback" not in err and "Zq8Lm2Np4Rs6Tv8Wx5Yz" not in err else 98

    status = _in_child_as_nobody(attempt) if os.geteuid() == 0 else attempt()
    assert status == 2
    assert tree(ro) == []
    ro.chmod(0o755)


def test_output_half_writable_leaves_nothing(tmp_path: Path) -> None:
    # connectors/ can be written, actions/ cannot (a file is in the way): all or nothing
    (tmp_path / "actions").write_text("not a directory")
    status, out, err = convert(TWO, "-o", str(tmp_path))
    assert status == 2 and "[write-failed]" in err
    assert tree(tmp_path) == ["actions"]


def test_output_dir_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    status, out, err = convert(TWO, "-o", str(target))
    assert status == 2 and (CODE_RE.search(err) or "Invalid value for '-o'" in err), err
    assert target.read_text() == "x"


def test_existing_files_are_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "get_a.yaml").write_text("keep me\n")
    status, out, err = convert(TWO, "-o", str(tmp_path))
    assert status == 4 and "[exists]" in err
    assert (tmp_path / "actions" / "get_a.yaml").read_text() == "keep me\n"
    assert tree(tmp_path) == ["actions", "actions/get_a.yaml"]


# --- 7. a secret in every position ------------------------------------------------------------

S = "Zq8Lm2Np4Rs6Tv8Wx5Yz3Kc"  # random-looking, no known format: found by position only
GHP = "ghp_" + "R8kPq2Lx7Vn4Mz9Tb3Wc6Yd1Hf5Js0Ga2Ke4"
SKP = "sk-proj-" + "Tq7Wm3Kx9Pz2Rb5Nc8Vd1Lf4Hg6Js0Ya3Ue7Ko9Xi2"
XOXB = "xoxb-2301894560-5821937465-Rk8Pq2Lx7Vn4Mz9Tb3Wc6Yd1"
STRIPE = "sk_live_" + "51Hq8Lm2Np4Rs6Tv8Wx5Yz3Kc7Bd9Fg"
TELEGRAM = "123456789:AAHq8Lm2Np4Rs6Tv8Wx5Yz3Kc7Bd9Fg1Jhk"
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
       "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
PEM = ("-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAq8Lm2Np4Rs6Tv8Wx5Yz3Kc7Bd9Fg1Jh\\n"
       "Tq7Wm3Kx9Pz2Rb5Nc8Vd1Lf4Hg6Js0Ya3Ue7Ko9Xi2\\n-----END RSA PRIVATE KEY-----")
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYz8Lm2Np4Rs"
OKTA = "00AQeyRW3eDIJ9587-JKb3NTfZ_gD66OUPlweablLt"
BASIC = base64.b64encode(f"bob:{S}".encode()).decode()

PCT_BUG = pytest.mark.regression(reason="FIXED: a known-format token right after a percent-escape "
                                                "(%20ghp_…) is not found: it reaches the output")
FORM_BUG = pytest.mark.regression(reason="FIXED: form-encoded text outside values (every key, a pair without "
                                                 "'=') is never scanned for known token formats")
SECRETS = [
    # (id, command, secrets that must not appear)
    ("bearer", f"curl {URL}/x -H 'Authorization: Bearer {S}'", [S]),
    ("bearer_lowercase_scheme", f"curl {URL}/x -H 'authorization: bearer {S}'", [S]),
    ("basic_header", f"curl {URL}/x -H 'Authorization: Basic {BASIC}'", [BASIC, S]),
    ("token_token", f"curl {URL}/x -H 'Authorization: Token token=\"{S}\"'", [S]),
    ("raw_authorization", f"curl {URL}/x -H 'Authorization: {S}'", [S]),
    ("aws_sigv4_header", f"curl {URL}/x -H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260131/"
                         f"us-east-1/s3/aws4_request, SignedHeaders=host, Signature={S}'", [S]),
    ("proxy_authorization", f"curl {URL}/x -H 'Proxy-Authorization: Bearer {S}'", [S]),
    ("x_api_key", f"curl {URL}/x -H 'X-Api-Key: {S}'", [S]),
    ("api_key_lower", f"curl {URL}/x -H 'api-key: {S}'", [S]),
    ("custom_secret_header", f"curl {URL}/x -H 'X-Acme-Client-Secret: {S}'", [S]),
    ("two_credential_headers", f"curl {URL}/x -H 'DD-API-KEY: {S}' -H 'DD-APPLICATION-KEY: {S[::-1]}'", [S, S[::-1]]),
    ("known_format_other_header", f"curl {URL}/x -H 'X-Debug: {XOXB}'", [XOXB]),
    ("cookie_header", f"curl {URL}/x -H 'Cookie: theme=dark; session={S}'", [S]),
    ("cookie_option", f"curl {URL}/x -b 'sessionid={S}'", [S]),
    ("cookie_option_two", f"curl {URL}/x -b 'theme=dark' -b 'csrftoken={S}'", [S]),
    ("query_api_key", f"curl '{URL}/x?api_key={S}&q=1'", [S]),
    ("query_access_token", f"curl '{URL}/x?access_token={S}'", [S]),
    ("query_known_format", f"curl '{URL}/x?q={GHP}'", [GHP]),
    ("query_presigned", f"curl '{URL}/x?X-Amz-Credential=AKIDEXAMPLE&X-Amz-Signature={S}'", [S]),
    ("url_option", f"curl --url '{URL}/x?token={S}'", [S]),
    ("json_nested", f"curl {URL}/x --json '{{\"a\": {{\"b\": [{{\"password\": \"{S}\"}}]}}}}'", [S]),
    ("json_known_format_text", f"curl {URL}/x --json '{{\"note\": \"use {SKP} here\"}}'", [SKP]),
    ("json_private_key", f"curl {URL}/x --json '{{\"key\": \"{PEM}\"}}'", ["q8Lm2Np4Rs6Tv8Wx5Yz3Kc7Bd9Fg1Jh"]),
    ("json_aws_secret", f"curl {URL}/x --json '{{\"aws_secret_access_key\": \"{AWS_SECRET}\"}}'", [AWS_SECRET]),
    ("json_top_level_string", f"curl {URL}/x --json '\"{GHP}\"'", [GHP]),
    ("form_body", f"curl {URL}/x -d 'username=bob&password={S}'", [S]),
    ("form_urlencode", f"curl {URL}/x --data-urlencode 'client_secret={S}'", [S]),
    ("form_get", f"curl -G {URL}/x -d 'api_key={S}'", [S]),
    pytest.param("data_binary_known", f"curl {URL}/x --data-binary 'blob {STRIPE} end'", [STRIPE], marks=FORM_BUG),
    ("text_plain_known", f"curl {URL}/x -H 'Content-Type: text/plain' -d 'blob {GHP} end'", [GHP]),
    pytest.param("form_pair_without_equals", f"curl {URL}/x -d 'a=1&{GHP}'", [GHP], marks=FORM_BUG),
    pytest.param("form_key_known", f"curl {URL}/x -d '{GHP}=1'", [GHP], marks=FORM_BUG),
    pytest.param("query_key_known", f"curl '{URL}/x?{GHP}'", [GHP], marks=FORM_BUG),
    pytest.param("multipart_name_known", f"curl {URL}/x -F '{GHP}=1'", [GHP], marks=FORM_BUG),
    pytest.param("json_without_content_type", f"curl {URL}/x -d '{{\"a\": 1, \"password\": \"{S}\"}}'", [S],
                 marks=pytest.mark.regression(reason="FIXED: a JSON body sent with -d and no JSON Content-Type: "
                                                             "secret-named fields are not replaced")),
    pytest.param("query_percent_before_token", f"curl '{URL}/x?text=hello%20{GHP}'", [GHP], marks=PCT_BUG),
    pytest.param("form_percent_before_token", f"curl {URL}/x -d 'msg=hi%20{GHP}'", [GHP], marks=PCT_BUG),
    pytest.param("path_percent_before_token", f"curl '{URL}/x/%2F{GHP}'", [GHP], marks=PCT_BUG),
    pytest.param("okta_token_repeated_in_value", f"curl {URL}/x -H 'X-Note: SSWS {OKTA} {OKTA}'", [OKTA],
                 marks=pytest.mark.regression(reason="FIXED: a token found only by its context (SSWS …) and "
                                                             "repeated in the same value: the repeat stays (exit 5)")),
    pytest.param("secret_param_after_same_value", f"curl -H 'Authorization: Bearer {S}' "
                 f"'{URL}/x?q=Zk9U8omfkoiceA&_token=Zk9U8omfkoiceA'", [S, "Zk9U8omfkoiceA"],
                 marks=pytest.mark.regression(reason="FIXED: a secret query parameter whose value also sits "
                                                             "in an earlier parameter: the earlier one stays (exit 5)")),
    pytest.param("username_repeated_in_form_text", f"curl -u bJVORNIS_{S} {URL}/x -d 'bJVORNIS_{S}'", [S],
                 marks=FORM_BUG),
    pytest.param("json_without_content_type_known", f"curl {URL}/x -d '{{\"a\": \"{GHP}\"}}'", [GHP], marks=FORM_BUG),
    ("multipart", f"curl {URL}/x -F 'password={S}'", [S]),
    ("multipart_typed", f"curl {URL}/x -F 'client_secret={S};type=text/plain'", [S]),
    ("multipart_string", f"curl {URL}/x --form-string 'token={S}'", [S]),
    ("multipart_known_format", f"curl {URL}/x -F 'data={STRIPE}'", [STRIPE]),
    ("path_telegram", f"curl https://api.telegram.org/bot{TELEGRAM}/getMe", [TELEGRAM]),
    ("path_known_format", f"curl {URL}/v1/keys/{GHP}/x", [GHP]),
    ("userinfo", f"curl 'https://bob:{S}@api.example.com/x'", [S]),
    ("userinfo_token_only", f"curl 'https://{GHP}@api.example.com/x'", [GHP]),
    ("userinfo_percent", f"curl 'https://bob:p%40ss{S}@api.example.com/x'", [S]),
    ("user_option", f"curl -u 'bob:{S}' {URL}/x", [S]),
    ("user_option_key_only", f"curl -u '{STRIPE}:' {URL}/x", [STRIPE]),
    ("user_option_equals", f"curl --user=bob:{S} {URL}/x", [S]),
    ("oauth2_bearer", f"curl --oauth2-bearer {S} {URL}/x", [S]),
    ("fragment_token", f"curl '{URL}/cb#token={S}'", [S]),
    ("fragment_access_token", f"curl '{URL}/cb#access_token={GHP}&x=1'", [GHP]),
    ("proxy_userinfo", f"curl -x http://pu:{S}@proxy.local:8080 {URL}/x", [S]),
    ("proxy_user", f"curl --proxy-user pu:{S} -x http://proxy.local:8080 {URL}/x", [S]),
    ("referer_known_format", f"curl -e '{URL}/r?k={GHP}' {URL}/x", [GHP]),
    ("jwt_no_scheme", f"curl {URL}/x -H 'X-Auth-Token: {JWT}'", [JWT]),
    ("ansi_c_quoted", f"curl {URL}/x -H $'Authorization: Bearer {S}'", [S]),
    ("continuation_split", f"curl {URL}/x -H \"Authorization: Bearer {S[:10]}\\\n{S[10:]}\"", [S]),
    ("heredoc_body", f"curl {URL}/x -H 'Content-Type: application/json' -d @- <<EOF\n"
                     f"{{\"password\": \"{S}\"}}\nEOF", [S]),
    ("second_command", f"curl {URL}/a\ncurl {URL}/b -H 'X-Api-Key: {S}'", [S]),
    ("two_commands_same_key", f"curl {URL}/a -H 'X-Api-Key: {S}'\ncurl {URL}/b -H 'X-Api-Key: {S}'", [S]),
]
# lines with an error or warning: the caret line shows the input line, which holds a secret
SECRETS_IN_ERRORS = [
    ("head_method", f"curl -X HEAD {URL}/x -H 'X-Api-Key: {S}'", [S], 3),
    ("trace_method", f"curl {URL}/x -X TRACE -H 'Authorization: Bearer {S}'", [S], 3),
    ("unterminated", f"curl {URL}/x -H \"Authorization: Bearer {S}", [S], 3),
    ("unknown_option", f"curl {URL}/x --no-such-thing -H 'X-Api-Key: {S}'", [S], 0),
    ("cmd_subst_same_line", f"curl {URL}/x -H 'X-Api-Key: {S}' -d \"$(date)\"", [S], 3),
    ("backtick_same_line", f"curl {URL}/x -u bob:{S} -d \"`date`\"", [S], 3),
    ("not_curl", f"wget --header 'Authorization: Bearer {S}' {URL}/x", [S], 3),
    ("digest", f"curl --digest -u bob:{S} {URL}/x", [S], 3),
    ("proxy_warning", f"curl -x http://pu:{S}@proxy.local:8080 {URL}/x", [S], 0),
    ("known_format_in_bad_line", f"curl {URL}/x -d '{SKP}' -X HEAD", [SKP], 3),
]


def _leaks(secret: str, text: str, window: int = 7) -> bool:
    """Whether the secret, or any 7-character run of it, is in ``text`` (a mask shows 6 at most)."""
    return secret in text or any(secret[i:i + window] in text for i in range(len(secret) - window + 1))


def _with_ids(rows: list) -> list:
    """Table rows (tuples or pytest.param) → pytest.param with the row's first value as id."""
    out = []
    for row in rows:
        values, marks = (row.values, row.marks) if hasattr(row, "marks") else (row, ())
        out.append(pytest.param(*values, marks=marks, id=values[0]))
    return out


@pytest.mark.parametrize("sid, text, secrets", _with_ids(SECRETS))
def test_secret_absent_everywhere(sid: str, text: str, secrets: list[str], tmp_path: Path) -> None:
    status, out, err = convert(text)
    assert status == 0, err
    bundle_of(out)
    status2, out2, err2 = convert(text, "-o", str(tmp_path))
    assert status2 == 0, err2
    written = "".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.yaml"))
    assert written
    for secret in secrets:
        for where, blob in (("stdout", out), ("stderr", err), ("stderr -o", err2), ("files", written)):
            assert not _leaks(secret, blob), f"{sid}: secret in {where}"


# FIXED (was exit 5): a literal credential that is also ordinary text elsewhere.  "password"
# is the credential only where -u gives it: the path word, JSON key and host stay as written.
@pytest.mark.regression(reason="FIXED: a literal secret that is also ordinary text elsewhere "
                               "(-u admin:password and a /password/ path, JSON key or host): exit 5")
@pytest.mark.parametrize("text, where, kept", [
    (f"curl -u admin:password {URL}/v1/password/reset", ("actions", 0, "path"), "/v1/password/reset"),
    (f"curl -u admin:password {URL}/v1/x --json '{{\"password\": \"n\"}}'", ("actions", 0, "body"),
     '{"password": "<<EXAMPLE_PASSWORD_2>>"}'),  # the key stays; its value is a secret field's
    (f"curl -u admin:password {URL}/v1/x\ncurl https://password.example.com/y", ("connectors", 1, "base_url"),
     "https://password.example.com"),
])
def test_common_word_credential_is_replaced_only_where_it_is_the_credential(text, where, kept) -> None:
    status, out, err = convert(text)
    assert status == 0, err
    doc = bundle_of(out)
    kind, index, key = where
    assert doc[kind][index][key] == kept
    auth = doc["connectors"][0]["basic_auth"]
    assert (auth["username"], auth["password"]) == ("<<EXAMPLE_USERNAME>>", "<<EXAMPLE_PASSWORD>>")
    assert "admin" not in out + err


@pytest.mark.parametrize("sid, text, secrets, status", SECRETS_IN_ERRORS, ids=[s[0] for s in SECRETS_IN_ERRORS])
def test_secret_absent_from_diagnostics(sid: str, text: str, secrets: list[str], status: int) -> None:
    got, out, err = convert(text)
    assert got == status, err
    assert CODE_RE.search(err)
    for secret in secrets:
        assert not _leaks(secret, out + err), f"{sid}: secret on stderr"


def test_fragment_is_not_sent() -> None:
    a = the_action(f"curl '{URL}/cb#token={S}'")
    assert a["path"] == "/cb" and "query_params" not in a


# --- 8. Postman collections ------------------------------------------------------------------

SCHEMA_V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def _postman():
    mod = pytest.importorskip("converter.postman")
    if not hasattr(mod, "convert_collection"):
        pytest.skip("converter.postman.convert_collection is not available")
    return mod


def _collection(items: list, **extra) -> str:
    doc = {"info": {"name": "Hostile", "schema": SCHEMA_V21}, "item": items}
    doc.update(extra)
    return json.dumps(doc, ensure_ascii=False)


def _postman_outputs(text: str) -> tuple[dict, str, str]:
    """(bundle, dumped YAML, diagnostics text) of a collection, bundle validated."""
    from converter.yamlio import dump_yaml

    result = _postman().convert_collection(text, "hostile.json")
    bundle = result.bundle()
    assert validate_bundle(bundle) == []
    dumped = dump_yaml(bundle)
    assert yaml.safe_load(dumped) == bundle
    diags = "\n".join(d.format(with_caret=False) for d in result.diagnostics)
    return bundle, dumped, diags


@pytest.mark.parametrize("value", AMBIGUOUS[:30] + list(UNICODE.values())[:12],
                         ids=[repr(v)[:24] for v in AMBIGUOUS[:30] + list(UNICODE.values())[:12]])
def test_postman_ambiguous_values_round_trip(value: str) -> None:
    item = {"name": "Item", "request": {
        "method": "POST",
        "url": {"raw": f"{URL}/v1/x?k=v", "protocol": "https", "host": ["api", "example", "com"],
                "path": ["v1", "x"], "query": [{"key": "k", "value": "v"}]},
        "header": [{"key": "X-Note", "value": value}],
        "body": {"mode": "formdata", "formdata": [{"key": "f", "value": value, "type": "text"}]},
    }}
    bundle, _, _ = _postman_outputs(_collection([item]))
    action = bundle["actions"][0]
    assert ("X-Note", value) in pairs(action["headers"])
    assert action["form_data"] == [{"key": "f", "value": value}]


def test_postman_50000_items() -> None:
    items = [{"name": f"Item {i}", "request": {"method": "GET", "url": f"{URL}/v1/things/{i}"}} for i in range(50_000)]
    result = _postman().convert_collection(_collection(items), "big.json")
    names = [a["name"] for a in result.actions]
    assert len(names) == 50_000 and len(set(names)) == 50_000
    assert len(result.connectors) == 1
    assert validate_action(result.actions[-1]) == []


@pytest.mark.parametrize("text, code", [
    ("", "bad-json"),
    ("{nope", "bad-json"),
    ("[]", "not-postman"),
    ('{"info": {"name": "T", "schema": "%s"}, "item": [%s]}' % (SCHEMA_V21, "[" * 10_000 + "]" * 10_000),
     "json-too-deep"),
    ('{"info": {"name": NaN, "schema": "%s"}, "item": []}' % SCHEMA_V21, "bad-collection"),
    ('{"info": {"name": "\\ud800", "schema": "%s"}, "item": []}' % SCHEMA_V21, None),
    ('\ufeff{"info": {"name": "T", "schema": "%s"}, "item": []}' % SCHEMA_V21, None),
])
def test_postman_bad_documents_are_converter_errors(text: str, code: str | None) -> None:
    from converter.errors import ConverterError

    with pytest.raises(ConverterError) as info:
        _postman().convert_collection(text, "c.json")
    assert code is None or info.value.code == code


@pytest.mark.regression(reason="FIXED: a Postman collection with an integer of 4301+ digits raises ValueError")
def test_postman_huge_integer_is_a_converter_error() -> None:
    from converter.errors import ConverterError

    text = '{"info": {"name": %s, "schema": "%s"}, "item": []}' % ("1" * 5000, SCHEMA_V21)
    with pytest.raises(ConverterError):
        _postman().convert_collection(text, "c.json")


@pytest.mark.parametrize("shape", ["str_items", "null_request", "numbers", "weird_url", "weird_headers"])
def test_postman_wrong_types_never_crash(shape: str) -> None:
    from converter.errors import ConverterError

    items = {
        "str_items": ["x", 1, None, {"name": "ok", "request": {"method": "GET", "url": f"{URL}/ok"}}],
        "null_request": [{"name": "a", "request": None}, {"name": "ok", "request": f"{URL}/ok"}],
        "numbers": [{"name": 5, "request": {"method": 7, "url": 3}}, {"name": "ok", "request": f"{URL}/ok"}],
        "weird_url": [{"name": "a", "request": {"method": "GET", "url": {"host": 5, "path": [None, 3, {"x": 1}],
                                                                           "query": "q"}}},
                      {"name": "ok", "request": f"{URL}/ok"}],
        "weird_headers": [{"name": "ok", "request": {"method": "GET", "url": f"{URL}/ok",
                                                     "header": [{"key": None, "value": 5}, 3, "x", {}]}}],
    }[shape]
    try:
        bundle, _, diags = _postman_outputs(_collection(items))
    except ConverterError as exc:
        assert exc.code
        return
    assert [a["path"] for a in bundle["actions"]][-1] == "/ok"


POSTMAN_SECRETS = [
    ("bearer", {"auth": {"type": "bearer", "bearer": [{"key": "token", "value": S}]}}),
    ("apikey_header", {"auth": {"type": "apikey", "apikey": [{"key": "key", "value": "X-Api-Key"},
                                                             {"key": "value", "value": S}]}}),
    ("apikey_query", {"auth": {"type": "apikey", "apikey": [{"key": "key", "value": "api_key"},
                                                            {"key": "value", "value": S},
                                                            {"key": "in", "value": "query"}]}}),
    ("basic", {"auth": {"type": "basic", "basic": [{"key": "username", "value": "bob"},
                                                   {"key": "password", "value": S}]}}),
    ("header", {"header": [{"key": "Authorization", "value": f"Bearer {S}"}]}),
    ("disabled_header", {"header": [{"key": "X-Api-Key", "value": S, "disabled": True}]}),
    ("query", {"url": f"{URL}/x?access_token={S}"}),
    ("raw_json", {"method": "POST", "body": {"mode": "raw", "raw": json.dumps({"a": {"password": S}}),
                                             "options": {"raw": {"language": "json"}}}}),
    ("urlencoded", {"method": "POST", "body": {"mode": "urlencoded",
                                               "urlencoded": [{"key": "client_secret", "value": S}]}}),
    ("formdata", {"method": "POST", "body": {"mode": "formdata", "formdata": [{"key": "password", "value": S}]}}),
    ("variable", {"url": f"{URL}/x?api_key={{{{key}}}}", "_variable": [{"key": "key", "value": S}]}),
    ("known_format_description", {"description": f"use {GHP}"}),
    ("path_known_format", {"url": f"{URL}/keys/{GHP}"}),
]


@pytest.mark.parametrize("sid, request_extra", POSTMAN_SECRETS, ids=[p[0] for p in POSTMAN_SECRETS])
def test_postman_secret_absent(sid: str, request_extra: dict) -> None:
    req = {"method": "GET", "url": f"{URL}/x"}
    extra = dict(request_extra)
    variables = extra.pop("_variable", None)
    req.update(extra)
    text = _collection([{"name": "Item", "request": req}], **({"variable": variables} if variables else {}))
    bundle, dumped, diags = _postman_outputs(text)
    for secret in (S, GHP):
        assert not _leaks(secret, dumped), f"{sid}: secret in output"
        assert not _leaks(secret, diags), f"{sid}: secret in diagnostics"


# --- 9. to-curl and validate on hostile definitions -------------------------------------------

INJECT = [
    "$(touch {M})", "`touch {M}`", "'; touch {M}; '", '"; touch {M}; "', "\\'; touch {M} #", "\n touch {M}\n",
    "$'\\x41'; touch {M}", "!!; touch {M}", "${{IFS}}touch${{IFS}}{M}", "<(touch {M})", "|| touch {M}",
    "<<A>>$(touch {M})", "{{{{{{x}}}}}}$(touch {M})", "%0a;touch {M}", "\\\n$(touch {M})",
]
INJECT_FIELDS = ["header_value", "header_key", "query_value", "query_key", "body", "form_value", "path", "arg_example"]
INJECT_CASES = [(f, i) for f in INJECT_FIELDS for i in range(len(INJECT))]


def _bundle_with(field: str, value: str) -> dict:
    action = {"name": "post_x", "connector": "example", "method": "POST", "path": "/x"}
    if field == "header_value":
        action["headers"] = [{"key": "X-A", "value": value}]
    elif field == "header_key":
        action["headers"] = [{"key": value, "value": "v"}]
    elif field == "query_value":
        action["query_params"] = [{"key": "q", "value": value}]
    elif field == "query_key":
        action["query_params"] = [{"key": value, "value": "v"}]
    elif field == "body":
        action["body"] = value
    elif field == "form_value":
        action["form_data"] = [{"key": "f", "value": value}]
    elif field == "path":
        action["path"] = "/x/" + value
    else:
        action["path"] = "/x/{{{id}}}"
        action["input_args"] = [{"name": "id", "type": "string", "required": True, "example_value": value}]
    connector = {"name": "example", "base_url": URL, "auth_config": "api_key_auth",
                 "api_key_auth": {"auth_type": "header_auth", "header_auth_key": "Authorization",
                                  "header_auth_value_pattern": "Bearer %s", "api_key": "<<EXAMPLE_API_KEY>>"}}
    return {"connectors": [connector], "actions": [action]}


@pytest.mark.parametrize("field, index", INJECT_CASES, ids=[f"{f}-{i}" for f, i in INJECT_CASES])
def test_to_curl_output_is_safe_to_paste(field: str, index: int, tmp_path: Path) -> None:
    """The rendered command, run by bash with curl replaced by a recorder, runs nothing else."""
    import shutil

    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    marker = tmp_path / "PWNED"
    value = INJECT[index].format(M=marker)
    doc = tmp_path / "bundle.yaml"
    doc.write_text(yaml.safe_dump(_bundle_with(field, value), allow_unicode=True), encoding="utf-8")
    status, out, err = run(["to-curl", str(doc)])
    if status == 3:  # refused (a line break in a header, an argument without a value): a clear error
        assert out == "" and re.search(r"\[(unrenderable|missing-arg)\]", err), err
        return
    assert status == 0, err
    args_file = tmp_path / "args"
    script = f'curl() {{ printf "%s\\0" "$@" > {sq(str(args_file))}; }}\nset +H\n{out}'
    proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, timeout=30,
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "EXAMPLE_API_KEY": "k"})
    assert not marker.exists(), out
    assert proc.returncode == 0, proc.stderr
    args = args_file.read_bytes().decode("utf-8").split("\0")
    assert args[-1] == "" and "Authorization: Bearer k" in args
    if field in ("header_value", "body", "form_value") and "<<" not in value:  # one argument, unchanged
        assert any(value in a for a in args), (value, args)


# --- 10. bugs found by the property tests and the fuzzer ---------------------------------------


@pytest.mark.regression(reason="FIXED: the caret line of a command that fails (exit 3) shows its secrets when "
                                       "its quoting defeats the stderr masking heuristics")
@pytest.mark.parametrize("text", [
    "curl -X HEAD '-u' 'bob:Zk90000000000000' https://api.example.com/x",
    "curl -X HEAD -H X-Api-Key:\\ Zk9azMoWLjloFU2Kt https://api.example.com/x",
    "curl -X OPTIONS -H Authorization:\\ Bearer\\ Zk90000000000000 https://api.example.com/x",
])
def test_secret_of_failed_command_absent_from_stderr(text: str) -> None:
    status, out, err = convert(text)
    assert status == 3 and CODE_RE.search(err)
    assert "Zk90000000000000" not in out + err and "Zk9azMoWLjloFU2Kt" not in out + err


@pytest.mark.regression(reason="FIXED: a single-quoted URL read as cmd.exe text (auto-detected from a '^') "
                                       "keeps its quote: the userinfo password lands in the action's path and name")
@pytest.mark.parametrize("shell", ["auto", "cmd"])
def test_cmd_misdetection_leaks_userinfo(shell: str) -> None:
    secret = "Zk94BR4Npf4hNEcA0GBuiR7iKGq86U3b"
    status, out, err = convert(f"curl 'https://bob:{secret}@api.example.com/x' -d k=^^", "--shell", shell)
    assert secret not in out + err


@pytest.mark.regression(reason="FIXED: a password with an unencoded '/', '#' or '?' in URL userinfo is "
                                       "accepted (curl rejects the non-numeric port): its halves land in base_url/path")
@pytest.mark.parametrize("sep", ["/", "#", "?"])
def test_userinfo_password_with_delimiter_is_not_split_into_output(sep: str) -> None:
    status, out, err = convert(f"curl 'https://bob:Zk9azMoW{sep}LjloFU2Kt@api.example.com/x'")
    assert "zk9azmow" not in out.lower() and "LjloFU2Kt" not in out + err


HOST_WS_BUG = pytest.mark.regression(reason="FIXED: Unicode whitespace in the host (U+2028, NEL) gives "
                                                    "exit 5 (schema failure: a converter bug) instead of exit 3")


@pytest.mark.parametrize("text", ["curl \r", "curl \rx\n", "curl $'https://api.exa\\tmple.com/x'",
                                  "curl 'https://api.exa mple.com/x'",
                                  pytest.param("curl $'https://api.example.com\\u2028/x'", marks=HOST_WS_BUG),
                                  pytest.param("curl \u0085", marks=HOST_WS_BUG)])
def test_whitespace_in_host_is_an_input_error(text: str) -> None:
    status, out, err = convert(text, "--shell", "bash")
    assert status == 3 and CODE_RE.search(err), err


@pytest.mark.regression(reason="FIXED: a header name that is not an HTTP token (space, non-ASCII, quote, "
                                       "parenthesis, {{var}}) gives exit 5 (schema failure) instead of a diagnostic")
@pytest.mark.parametrize("name", ["X Api Key", "\u00e9", 'x"y', "{{k}}", "(x)", "a,b"])
def test_header_name_not_a_token_is_an_input_error(name: str) -> None:
    status, out, err = convert(f"curl {URL}/x -H {sq(name + ': v')}")
    assert status in (0, 3) and status != 5, err
    if status == 3:
        assert CODE_RE.search(err)


@pytest.mark.regression(reason="FIXED: a Postman apikey auth whose key is not an HTTP token ('X Api Key', '', "
                                       "[], 'a:b') yields a connector that fails its schema")
@pytest.mark.parametrize("key", ["X Api Key", " ", "a:b", "\u00e9", [], {}])
def test_postman_apikey_name_not_a_token(key) -> None:
    auth = {"type": "apikey", "apikey": [{"key": "key", "value": key}, {"key": "value", "value": S}]}
    text = _collection([{"name": "a", "request": {"method": "GET", "url": f"{URL}/x", "auth": auth}}])
    result = _postman().convert_collection(text, "c.json")
    assert not result.actions or validate_bundle(result.bundle()) == []


@pytest.mark.regression(reason="FIXED: a credential mixing a shell variable with literal text or another "
                                       "variable gives exit 5 (the api_key/username/password is not one placeholder)")
@pytest.mark.parametrize("option", ['-H "Authorization: Bearer ${TOKEN}x"', '-H "Authorization: Bearer abc$TOKEN"',
                                    '-H "Authorization: Bearer $A$B"', '-H "X-Api-Key: pre-$KEY"',
                                    '-u "$U:x$P"', '--oauth2-bearer "x$T"'])
def test_credential_mixing_variables_and_text(option: str) -> None:
    status, out, err = convert(f"curl {URL}/x {option}")
    assert status in (0, 3), err


@pytest.mark.regression(reason="FIXED: a Postman oauth2 auth without clientSecret / authUrl yields a connector "
                                       "that fails its schema (exit 5 once the CLI reads collections)")
@pytest.mark.parametrize("grant", ["authorization_code", "client_credentials"])
def test_postman_incomplete_oauth2(grant: str) -> None:
    entries = [{"key": "grant_type", "value": grant}, {"key": "accessTokenUrl", "value": "https://auth.example.com/token"},
               {"key": "clientId", "value": "abc"}]
    text = _collection([{"name": "a", "request": {"method": "GET", "url": f"{URL}/x"}}],
                       auth={"type": "oauth2", "oauth2": entries})
    result = _postman().convert_collection(text, "c.json")
    assert not result.actions or validate_bundle(result.bundle()) == []


@pytest.mark.regression(reason="FIXED: a Postman oauth2 token URL that is a variable or relative "
                                       "({{tokenUrl}}, /oauth/token) yields a connector that fails its schema")
@pytest.mark.parametrize("token_url", ["{{tokenUrl}}", "/oauth/token"])
def test_postman_oauth2_token_url_not_absolute(token_url: str) -> None:
    entries = [{"key": "grant_type", "value": "client_credentials"}, {"key": "accessTokenUrl", "value": token_url},
               {"key": "clientId", "value": "abc"}, {"key": "clientSecret", "value": S}]
    text = _collection([{"name": "a", "request": {"method": "GET", "url": f"{URL}/x"}}],
                       auth={"type": "oauth2", "oauth2": entries})
    result = _postman().convert_collection(text, "c.json")
    assert not result.actions or validate_bundle(result.bundle()) == []


@pytest.mark.regression(reason="FIXED: a Postman variable whose name holds '&' ({{&}}) in a query is split "
                                       "inside its token: the private-use token marks reach the output")
def test_postman_variable_name_with_ampersand() -> None:
    _, dumped, diags = _postman_outputs(_collection([{"name": "a", "request": {"method": "GET",
                                                                               "url": f"{URL}/x?{{{{&}}}}"}}]))
    assert "\ue000" not in dumped and "\ue001" not in dumped


@pytest.mark.regression(reason="FIXED: a shell variable inside bundled short options (-sS$X) is split "
                                       "character by character: token marks reach the diagnostics")
def test_variable_in_bundled_short_options() -> None:
    status, out, err = convert(f"curl -sS$X {URL}/x", "--shell", "bash")
    assert "\ue000" not in out + err and "\ue001" not in out + err


@pytest.mark.regression(reason="FIXED: -F with an empty field name (-F =v) gives exit 5 (schema failure)")
def test_form_part_with_empty_name() -> None:
    status, out, err = convert(f"curl {URL}/x -F =v")
    assert status in (0, 3), err


@pytest.mark.regression(reason="FIXED: -T FILE with a URL ending in '/' appends the file name unencoded: "
                                       "a '#' in it gives exit 5 (schema failure)")
@pytest.mark.parametrize("name", ["#", "a#b.txt"])
def test_upload_file_name_with_hash(name: str) -> None:
    status, out, err = convert(f"curl -T {sq(name)} {URL}/")
    assert status in (0, 3), err


@pytest.mark.regression(reason="FIXED: a Postman url.path given as a string holding '?query' keeps a secret "
                                       "that the query parameters replace (and drops/garbles the query)")
def test_postman_path_string_with_query() -> None:
    url = {"protocol": "https", "host": ["api", "example", "com"], "path": "users/6b6b6b6b?atoken=6b6b6b6b&",
           "query": [{"key": "q", "value": "1"}]}
    text = _collection([{"name": "a", "request": {"method": "GET", "url": url}}],
                       auth={"type": "bearer", "bearer": [{"key": "token", "value": S}]})
    _, dumped, _ = _postman_outputs(text)
    assert "6b6b6b6b" not in dumped

"""Edge cases of URL splitting, auth detection and secret replacement (issue 6 follow-ups).

- dot segments: the action's path is what curl sends (``/a/../b`` → ``/b``), checked
  against the real curl on the loopback echo server;
- URLs curl refuses (a raw ``/``, ``?``, ``#`` or ``@`` in a password, a port that is no
  number or too big, whitespace in the host or path) are input errors, never a split
  URL whose halves reach the output;
- a credential mixing variables and text is one placeholder (with a warning);
- what counts as "the secret": a password that is an ordinary word is replaced where it
  is the credential, not where it is the word; distinctive secrets are replaced wherever
  they repeat, whatever the order in which they were found (same value, same request,
  later request).
"""
from __future__ import annotations

import random
import shutil
import string
import subprocess

import pytest
import yaml
from click.testing import CliRunner

from converter.cli import cli
from converter.emit import remove_dot_segments
from converter.schema import validate_bundle
from converter.secrets import Placeholders, SecretIndex, is_distinctive

URL = "https://api.example.com"
S = "Zq8Lm2Np4Rs6Tv8Wx5Yz3Kc"  # random-looking: a secret by position only
OKTA = "00AQeyRW3eDIJ9587-JKb3NTfZ_gD66OUPlweablLt"


def convert(text: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["convert", "-", "--shell", "bash", *args], input=text, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def bundle(text: str, *args: str) -> tuple[dict, str]:
    status, out, err = convert(text, *args)
    assert status == 0, err
    doc = yaml.safe_load(out)
    assert validate_bundle(doc) == []
    return doc, err


def action(text: str) -> dict:
    doc, _ = bundle(text)
    (a,) = doc["actions"]
    return a


# --- dot segments ------------------------------------------------------------------------

# (as written, as curl 7.88.1 sends it): every row checked by test_dot_segments_match_curl
DOTS = [
    ("/a/../../etc/./passwd/%2e%2e/x", "/etc/passwd/%2e%2e/x"),
    ("/a/b/..", "/a/"),
    ("/a/b/.", "/a/b/"),
    ("/a/b/../", "/a/"),
    ("/..", "/"),
    ("/.", "/"),
    ("/a/..b/.c/...", "/a/..b/.c/..."),
    ("/a/./", "/a/"),
    ("/a//../b", "/a/b"),
    ("/a/.%2e/b", "/a/.%2e/b"),
    ("/a/%2E%2E/b", "/a/%2E%2E/b"),
    ("/./a", "/a"),
    ("/a/b/../../../..", "/"),
    ("/a/b/./..", "/a/"),
    ("/a/./b/../../c/./d.", "/c/d."),
    ("/v1/x", "/v1/x"),
]


@pytest.mark.parametrize("written, sent", DOTS)
def test_remove_dot_segments(written: str, sent: str) -> None:
    assert remove_dot_segments(written) == sent


def test_dot_segments_leave_the_query_alone() -> None:
    a = action(f"curl '{URL}/a/b/../c/.?next=/x/../y&dot=.'")
    assert a["path"] == "/a/c/"
    assert a["query_params"] == [{"key": "next", "value": "/x/../y"}, {"key": "dot", "value": "."}]


def test_dot_segments_keep_variables() -> None:
    a = action(f'curl "{URL}/v1/$ORG/../teams/./{{{{team}}}}/.."')
    assert a["path"] == "/v1/teams/"
    a = action(f'curl "{URL}/v1/$ORG/./x"')
    assert a["path"] == "/v1/<<ORG>>/x"


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_dot_segments_match_curl(echo_server) -> None:
    urls = [f"{URL}{written}?q=1" for written, _ in DOTS]
    echo_server.clear()
    proc = subprocess.run(["curl", "-q", "--connect-to", f"::127.0.0.1:{echo_server.port}", "-k", "-sS",
                           "--max-time", "10", *urls], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    sent = [r.target for r in echo_server.requests()]
    ours = [action(f"curl '{u}'")["path"] + "?q=1" for u in urls]
    assert ours == sent == [s + "?q=1" for _, s in DOTS]


# --- URLs curl refuses ----------------------------------------------------------------------

@pytest.mark.parametrize("url, message", [
    ("https://bob:Zk9azMoW/LjloFU2Kt@api.example.com/x", "port is not a number (a '/', '?' or '#' in a password"),
    ("https://bob:Zk9azMoW#LjloFU2Kt@api.example.com/x", "the URL's port is not a number"),  # fragment cut first
    ("https://bob:Zk9azMoW?LjloFU2Kt@api.example.com/x", "port is not a number (a '/', '?' or '#' in a password"),
    ("https://bob@x.com:Zk9azMoWLjloFU2Kt@api.example.com/x", "an '@' in the URL's user name or password"),
    ("https://bob:Zk9azMoW@LjloFU2Kt@api.example.com/x", "an '@' in the URL's user name or password"),
    ("https://api.example.com:99999/x", "port is out of range"),
    ("https://api.example.com:8o8o/x", "the URL's port is not a number [bad-url]"),
    ("https://[::1]x/y", "the URL's host is not a valid host name"),
])
def test_urls_curl_refuses_are_input_errors(url: str, message: str) -> None:
    status, out, err = convert(f"curl '{url}'")
    assert (status, out) == (3, "")
    assert message in err and "[bad-url]" in err
    for half in ("Zk9azMoW", "LjloFU2Kt"):
        assert half not in err and half.lower() not in err.lower()


@pytest.mark.parametrize("port, base_url", [("0443", "https://api.example.com"), ("8080", "https://api.example.com:8080"),
                                            ("", "https://api.example.com"), ("00080", "https://api.example.com:80")])
def test_ports_are_read_as_numbers(port: str, base_url: str) -> None:
    doc, _ = bundle(f"curl '{URL}:{port}/x'")
    assert doc["connectors"][0]["base_url"] == base_url


def test_numeric_port_before_slash_is_a_port_like_curl() -> None:
    """`bob:123/x@…`: curl connects to host bob, port 123, and sends the rest as the path."""
    doc, _ = bundle("curl 'https://bob:123/x@api.example.com/y'")
    assert doc["connectors"][0]["base_url"] == "https://bob:123"
    assert doc["actions"][0]["path"] == "/x@api.example.com/y"


@pytest.mark.parametrize("text", [
    "curl $'https://api.example.com\\u2029/x'", "curl $'https://api.exa\\u00a0mple.com/x'",
    "curl $'https://api.example.com\\u3000/x'", "curl $'https://api.exa\\x1cmple.com/x'",
    "curl $'https://api.example.com\\ufeff/x'", "curl $'https://api.exa\\u0085mple.com/x'",
])
def test_unicode_whitespace_in_host_is_an_input_error(text: str) -> None:
    status, out, err = convert(text)
    assert (status, out) == (3, "") and "[bad-url]" in err


@pytest.mark.parametrize("path", ["/x y", "/x\\ty", "/x\\x01y", "/x\\x7fy", "/a\\rb"])
def test_space_or_control_in_path_is_an_input_error(path: str) -> None:
    """curl 7.88.1 refuses these URLs (exit 3): nothing is sent."""
    status, out, err = convert(f"curl $'{URL}{path}'")
    assert (status, out) == (3, "")
    assert "a space or a control character, which curl refuses" in err


def test_non_ascii_space_in_path_is_kept() -> None:
    """NBSP is no junk to curl: it sends it (percent-encoded)."""
    assert action(f"curl $'{URL}/x\\u00a0y'")["path"] == "/x\u00a0y"


# --- credentials mixing variables and text -----------------------------------------------

@pytest.mark.parametrize("option, field, shown", [
    ('-H "Authorization: Bearer ${TOKEN}x"', "api_key", "$TOKEN + ***"),
    ('-H "Authorization: Bearer abc$TOKEN"', "api_key", "*** + $TOKEN"),
    ('-H "Authorization: Bearer $A$B"', "api_key", "$A + $B"),
    ('-H "X-Api-Key: pre-$KEY"', "api_key", "*** + $KEY"),
    ('--oauth2-bearer "x$T"', "api_key", "*** + $T"),
    ('-u "$U:x$P"', "password", "*** + $P"),
])
def test_mixed_credential_is_one_placeholder(option: str, field: str, shown: str) -> None:
    doc, err = bundle(f"curl {URL}/x {option}")
    (conn,) = doc["connectors"]
    auth = conn[conn["auth_config"]]
    role = "API_KEY" if field == "api_key" else "PASSWORD"
    assert auth[field] == f"<<EXAMPLE_{role}>>"
    assert f": {shown}\n" in err
    assert "[combined-credential]" in err and f"<<EXAMPLE_{role}>> stands for all of it" in err
    if field == "password":
        assert auth["username"] == "<<U>>"


def test_mixed_credential_literal_part_is_a_secret_elsewhere() -> None:
    doc, err = bundle(f'curl {URL}/x -H "Authorization: Bearer {S}$SUFFIX" -d "note={S}"')
    assert doc["connectors"][0]["api_key_auth"]["api_key"] == "<<EXAMPLE_API_KEY>>"
    assert doc["actions"][0]["body"] == "note=<<EXAMPLE_API_KEY_PART>>"
    assert S not in yaml.safe_dump(doc) + err


def test_same_mixed_credential_shares_its_connector() -> None:
    doc, _ = bundle(f'curl {URL}/a -H "X-Api-Key: pre-$KEY"\ncurl {URL}/b -H "X-Api-Key: pre-$KEY"')
    assert len(doc["connectors"]) == 1 and len(doc["actions"]) == 2


def test_mixed_value_in_an_ordinary_header_keeps_its_variables() -> None:
    a = action(f'curl {URL}/x -H "Authorization: Bearer $T" -H "X-Api-Token: {S}-$SUFFIX"')
    assert a["headers"] == [{"key": "X-Api-Token", "value": "<<EXAMPLE_X_API_TOKEN>><<SUFFIX>>"}]


# --- what counts as the secret -------------------------------------------------------------

@pytest.mark.parametrize("secret, distinctive", [
    ("password", False), ("PASSWORD", False), ("new_password", False), ("resetPassword", False),
    ("changeit", False), ("correct horse battery", False), ("clientId", False), ("userIP", False),
    ("admin", False), ("Zk9", False),  # short
    ("password1", True), ("qzXkLmPwRt", True), ("qzxklmpwrt", True), ("correcthorsebatterystaple", True),
    ("p@ssword", True), (S, True), (OKTA, True), ("abIdCdEf", True),
])
def test_is_distinctive(secret: str, distinctive: bool) -> None:
    assert is_distinctive(secret) is distinctive


def test_word_password_stays_a_word_in_the_path() -> None:
    doc, err = bundle(f"curl -u admin:password {URL}/v1/password/reset")
    assert doc["connectors"][0]["basic_auth"] == {"username": "<<EXAMPLE_USERNAME>>", "password": "<<EXAMPLE_PASSWORD>>"}
    assert doc["actions"][0]["path"] == "/v1/password/reset"
    assert doc["actions"][0]["name"] == "get_password_reset"
    assert "admin:password" not in yaml.safe_dump(doc) + err


def test_word_password_stays_a_word_as_a_json_key() -> None:
    doc, _ = bundle(f"curl -u admin:password {URL}/v1/x --json '{{\"password\": \"n\", \"note\": \"password\"}}'")
    assert doc["actions"][0]["body"] == '{"password": "<<EXAMPLE_PASSWORD_2>>", "note": "password"}'


def test_word_password_stays_a_word_in_a_host() -> None:
    doc, _ = bundle(f"curl -u admin:password {URL}/v1/x\ncurl https://password.example.com/y")
    assert [c["base_url"] for c in doc["connectors"]] == [URL, "https://password.example.com"]


def test_distinctive_password_is_replaced_everywhere() -> None:
    a = action(f"curl -u admin:{S} {URL}/v1/{S}/x --json '{{\"{S}\": \"{S}\"}}'")
    assert a["path"] == "/v1/<<EXAMPLE_PASSWORD>>/x"
    assert a["body"] == '{"<<EXAMPLE_PASSWORD>>": "<<EXAMPLE_PASSWORD>>"}'


def test_context_token_repeated_in_the_same_value() -> None:
    a = action(f"curl {URL}/x -H 'X-Note: SSWS {OKTA} and again {OKTA}'")
    assert a["headers"] == [{"key": "X-Note", "value": "SSWS <<EXAMPLE_X_NOTE>> and again <<EXAMPLE_X_NOTE>>"}]


def test_context_token_in_a_later_value_of_the_same_request() -> None:
    """The path is written before the headers: the token is found in the header, by its
    `SSWS` context, and the path written earlier is redone."""
    a = action(f"curl {URL}/v1/{OKTA}/x -H 'X-Note: SSWS {OKTA}'")
    assert a["path"] == "/v1/<<EXAMPLE_X_NOTE>>/x"
    assert a["name"] == "get_x"


def test_secret_param_after_the_same_value() -> None:
    a = action(f"curl -H 'Authorization: Bearer {S}' '{URL}/x?q=Zk9U8omfkoiceA&_token=Zk9U8omfkoiceA'")
    assert a["query_params"] == [{"key": "q", "value": "<<EXAMPLE_TOKEN>>"},
                                 {"key": "_token", "value": "<<EXAMPLE_TOKEN>>"}]


def test_secret_of_a_later_request_is_replaced_in_an_earlier_one() -> None:
    doc, err = bundle(f"curl '{URL}/users/Zk9U8omfkoiceA?q=Zk9U8omfkoiceA' -d 'x=Zk9U8omfkoiceA'\n"
                      f"curl {URL}/y -H 'X-Api-Key: Zk9U8omfkoiceA'")
    first = doc["actions"][0]
    assert first["path"] == "/users/<<EXAMPLE_API_KEY>>"
    assert first["query_params"] == [{"key": "q", "value": "<<EXAMPLE_API_KEY>>"}]
    assert first["body"] == "x=<<EXAMPLE_API_KEY>>"
    assert "placeholder <<EXAMPLE_API_KEY>> from action post_users (the secret of a later request)" in err
    assert "Zk9U8omfkoiceA" not in yaml.safe_dump(doc) + err


def test_secret_of_a_later_request_renames_an_action_named_after_it() -> None:
    doc, _ = bundle("curl https://api.example.com/v1/items/zkqvbnmxtrw\n"
                    "curl https://api.example.com/v1/y -u bob:zkqvbnmxtrw")
    first = doc["actions"][0]
    assert first["path"] == "/v1/items/<<EXAMPLE_PASSWORD>>"
    assert "zkqvbnmxtrw" not in first["name"] and first["name"].startswith("get_items")


def test_secret_that_is_also_the_host_withholds_the_connector() -> None:
    """A secret that is also the host cannot be replaced: nothing of it is written (exit 3)."""
    status, out, err = convert("curl -u bob:zk9secret1234 https://zk9secret1234.example.com/x")
    assert (status, out) == (3, "") and "[secret-in-host]" in err and "zk9secret1234" not in err


def test_leak_guard_still_refuses_a_distinctive_secret() -> None:
    """Defence in depth: a secret some pass missed stops the run before anything is written."""
    from converter.api import convert_text
    from converter.cli import _render_documents
    from converter.errors import ConverterError

    result = convert_text("curl -u bob:zk9secret1234 https://api.example.com/x")
    result.actions[0]["description"] = "a pass that forgot zk9secret1234"
    for per_file in (True, False):
        with pytest.raises(ConverterError) as info:
            _render_documents(result, per_file)
        assert (info.value.code, int(info.value.status)) == ("secret-leak", 5)


# --- the index -------------------------------------------------------------------------------

def test_secret_index_finds_what_a_scan_finds() -> None:
    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits + "_-"
    secrets = ["".join(rng.choice(alphabet) for _ in range(rng.randint(8, 40))) for _ in range(300)]
    index = SecretIndex(secrets)
    for _ in range(200):
        picked = rng.sample(secrets, rng.randint(0, 3))
        filler = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(len(picked) + 1)]
        text = filler[0] + "".join(p + f for p, f in zip(picked, filler[1:]))
        since = rng.choice([0, 150, 290])
        expected = {s for s in secrets[since:] if s in text}
        found = index.find(text, since)
        assert set(found) == expected and len(found) == len(expected)


def test_placeholders_index_catches_up_with_direct_additions() -> None:
    """`postman.register_placeholders` adds to ``by_secret`` directly."""
    ph = Placeholders()
    ph.literal(S, "X_API_KEY", "header")
    ph.by_secret["Zk9U8omfkoiceA"] = "POSTMAN_VAR"
    assert ph.guarded() == [S, "Zk9U8omfkoiceA"]
    assert ph.scan("a Zk9U8omfkoiceA b", "X", "body") == "a \ue000<POSTMAN_VAR\ue001 b"


def test_many_secrets_keep_their_names_in_order() -> None:
    ph = Placeholders()
    keys = [f"Zk9{i:05d}abcdefgh" for i in range(40)]
    names = [ph.literal(k, "A_API_KEY", "header") for k in keys]
    assert names[:3] == ["\ue000<A_API_KEY\ue001", "\ue000<A_API_KEY_2\ue001", "\ue000<A_API_KEY_3\ue001"]
    assert ph.scan(" ".join(keys[::-1]), "X", "body").count("\ue000<A_API_KEY") == 40


# --- caret lines: -u values in every shell's quoting are masked ---------------------------

@pytest.mark.parametrize("line", [
    "curl -u $'user:Zk90000000000000' https://x", 'curl -u ^"user:Zk90000000000000^" https://x',
    'curl -u "user:Zk90000000000000"', "curl '-u' 'user:Zk90000000000000'", "curl -uuser:Zk90000000000000",
    'curl --user `"user:Zk90000000000000`"', "curl --proxy-user $'a:Zk90000000000000'",
])
def test_redact_masks_user_option_values_in_any_quoting(line: str) -> None:
    from converter.redact import redact

    shown = redact(line)
    assert "Zk9000000" not in shown and "0000000000" not in shown and "\u2026" in shown


def test_secret_spelled_only_by_yaml_around_a_value_is_not_a_leak() -> None:
    # the password " application/json" (leading blank) is in no field; "value: application/json"
    # spells it in the YAML text (found by fuzzing: the guard used to refuse to write, exit 5)
    result = CliRunner().invoke(cli, ["convert", "-"], input="curl -u 'pe: application/json' -H 'Content-Type: "
                                                          "application/json' https://api.example.com/x -d '{}'\n")
    assert result.exit_code == 0, result.stderr
    doc = yaml.safe_load(result.stdout)
    assert doc["connectors"][0]["basic_auth"]["password"] == "<<EXAMPLE_PASSWORD>>"
    assert doc["actions"][0]["headers"] == [{"key": "Content-Type", "value": "application/json"}]


def test_secret_in_a_host_withholds_that_connector() -> None:
    # the token of the second command is part of the first one's host: a base URL cannot hold a
    # placeholder, so that connector and its action are withheld (exit 3), the rest is written
    text = ("curl https://abc123def456ghi.example.com/v1/x\n"
            "curl -H 'Authorization: Token token=abc123def456ghi' https://api.other.example/v1/y\n")
    result = CliRunner().invoke(cli, ["convert", "-"], input=text)
    assert result.exit_code == 3
    doc = yaml.safe_load(result.stdout)
    assert [c["name"] for c in doc["connectors"]] == ["other"]
    assert [a["path"] for a in doc["actions"]] == ["/v1/y"]
    assert "abc123def456ghi" not in result.stdout + result.stderr
    assert ("error: connector example: a credential of this input is part of its base URL or auth settings, which "
            "cannot hold a placeholder: the connector and its actions are not written [secret-in-host]") in result.stderr


def test_second_credential_in_an_authorization_value_makes_it_one_secret() -> None:
    # "Token token=a<first> Token token=<second>": the pattern around the first credential
    # would keep the second (found by fuzzing); the whole value becomes the one secret
    text = ("curl -H 'Authorization: Token token=Zk9firstsecret01 Token token=Zk9secondsecret2' https://api.example.com/x\n"
            "curl -H 'X-Api-Key: Zk9secondsecret2' https://api.other.example/y\n")
    result = CliRunner().invoke(cli, ["convert", "-"], input=text)
    assert result.exit_code == 0, result.stderr
    doc = yaml.safe_load(result.stdout)
    assert doc["connectors"][0]["api_key_auth"]["header_auth_value_pattern"] == "%s"
    assert "Zk9first" not in result.stdout + result.stderr and "Zk9second" not in result.stdout + result.stderr


def test_secret_starting_the_path_is_an_input_error_without_an_orphan_connector() -> None:
    # found by fuzzing: a password beginning with "/" replaced the path's first slash (exit 5)
    text = "curl -u bob:/Zk9p4ssw0rdXy https://a.example.com/x\ncurl https://b.example.com/Zk9p4ssw0rdXy/y\n"
    result = CliRunner().invoke(cli, ["convert", "-"], input=text)
    assert result.exit_code == 3
    doc = yaml.safe_load(result.stdout)
    assert [c["name"] for c in doc["connectors"]] == ["example"] and [a["path"] for a in doc["actions"]] == ["/x"]
    assert result.stderr.startswith("<stdin>:2:1: error: a credential of this input starts the URL path, which "
                                    "cannot begin with a placeholder [secret-in-path]")
    assert "Zk9p4ssw0rd" not in result.stdout + result.stderr


def test_later_secret_starting_an_earlier_path_withholds_that_action() -> None:
    # found by fuzzing: the patch of a later-revealed secret took an earlier path's first slash
    text = "curl https://a.example.com/Zk9p4ssw0rdXy/y\ncurl -u bob:/Zk9p4ssw0rdXy https://b.example.com/x\n"
    result = CliRunner().invoke(cli, ["convert", "-"], input=text)
    assert result.exit_code == 3
    doc = yaml.safe_load(result.stdout)
    assert [c["base_url"] for c in doc["connectors"]] == ["https://b.example.com"]
    assert [a["path"] for a in doc["actions"]] == ["/x"]
    assert ("error: action get_y: a credential of this input starts its URL path, which cannot begin with a "
            "placeholder: the action is not written [secret-in-path]") in result.stderr
    assert "Zk9p4ssw0rd" not in result.stdout + result.stderr


@pytest.mark.parametrize("text", [
    "curl -u bob:Zk9Secret1234 https://zk9secret1234.com/x\n",
    "curl https://Zk9Secret1234.example.org/x\ncurl -u bob:Zk9Secret1234 https://a.example.com/y\n",
])
def test_secret_in_a_host_in_another_letter_case_is_withheld_and_masked(text: str) -> None:
    # hosts are lower-cased, and connector and placeholder names are made from them
    result = CliRunner().invoke(cli, ["convert", "-"], input=text)
    assert result.exit_code == 3 and "[secret-in-host]" in result.stderr
    assert "zk9secret1234" not in (result.stdout + result.stderr).lower()

"""Tests for converter.to_curl: the rendered commands are run with bash and real curl
against a local echo server that records the raw request bytes."""
from __future__ import annotations

import base64
import dataclasses
import os
import pathlib
import shutil
import socketserver
import subprocess
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.errors import ConverterError
from converter.to_curl import load_definitions, render_action, render_all
from tests.worked_example import BUNDLE_TEXT, GET_MODELS, OPENAI

pytestmark = pytest.mark.skipif(
    shutil.which("curl") is None or shutil.which("bash") is None, reason="needs bash and curl"
)


# --- a recording echo server ------------------------------------------------------------


@dataclasses.dataclass
class Received:
    method: str
    target: str  # path + query exactly as sent
    headers: list[tuple[str, str]]  # (name, raw text after the colon)
    body: bytes

    def values(self, name: str) -> list[str]:
        """Values of a header; curl writes `K: v`, so one leading space is the separator."""
        out = []
        for key, raw in self.headers:
            if key.lower() == name.lower():
                out.append(raw[1:] if raw.startswith(" ") else raw)
        return out

    def value(self, name: str) -> str:
        found = self.values(name)
        assert len(found) == 1, (name, self.headers)
        return found[0]

    def names(self) -> list[str]:
        return [k for k, _ in self.headers]

    def parts(self) -> list[dict]:
        """The multipart parts: name, filename, content_type, data."""
        ctype = self.value("Content-Type")
        assert ctype.startswith("multipart/form-data; boundary="), ctype
        delim = b"--" + ctype.split("boundary=", 1)[1].encode()
        chunks = self.body.split(b"\r\n" + delim)
        assert self.body.startswith(delim) and chunks[-1].startswith(b"--")
        out = []
        for chunk in chunks[:-1]:
            chunk = chunk[len(delim) + 2 :] if chunk.startswith(delim) else chunk[2:]
            head, _, data = chunk.partition(b"\r\n\r\n")
            part = {"name": None, "filename": None, "content_type": None, "data": data}
            for line in head.decode().split("\r\n"):
                key, _, val = line.partition(": ")
                if key.lower() == "content-type":
                    part["content_type"] = val
                elif key.lower() == "content-disposition":
                    for item in val.split("; ")[1:]:
                        k, _, v = item.partition("=")
                        part[k] = v[1:-1]
            out.append(part)
        return out


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("utf-8", "surrogateescape").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = []
        for line in lines[1:]:
            key, _, raw = line.partition(":")
            headers.append((key, raw))
        length = 0
        for key, raw in headers:
            if key.lower() == "content-length":
                length = int(raw)
            if key.lower() == "expect":
                self.request.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        while len(body) < length:
            chunk = self.request.recv(65536)
            if not chunk:
                break
            body += chunk
        self.server.received.append(Received(method, target, headers, body))
        self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Echo:
    def __init__(self, workdir: pathlib.Path):
        self.srv = _Server(("127.0.0.1", 0), _Handler)
        self.srv.received = []
        self.base = f"http://127.0.0.1:{self.srv.server_address[1]}"
        self.workdir = workdir
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def run(self, command: str, env: dict[str, str] | None = None, cwd=None) -> list[Received]:
        """Run a rendered command with bash; the requests the server got meanwhile."""
        start = len(self.srv.received)
        # A minimal environment: no proxies, no ~/.curlrc.
        full_env = {"PATH": os.environ["PATH"], "HOME": str(self.workdir)}
        full_env.update(env or {})
        proc = subprocess.run(
            ["bash", "-c", command], env=full_env, cwd=cwd or self.workdir, capture_output=True, timeout=30
        )
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
        return self.srv.received[start:]

    def one(self, command: str, env: dict[str, str] | None = None, cwd=None) -> Received:
        got = self.run(command, env, cwd)
        assert len(got) == 1, got
        return got[0]


@pytest.fixture(scope="module")
def echo(tmp_path_factory):
    server = Echo(tmp_path_factory.mktemp("echo"))
    yield server
    server.srv.shutdown()
    server.srv.server_close()


def conn(base: str, **extra) -> dict:
    return {"name": "local", "base_url": base, "auth_config": "no_auth", **extra}


def act(method: str = "GET", path: str = "/x", **extra) -> dict:
    return {"name": "do_it", "connector": "local", "method": method, "path": path, **extra}


def hdrs(*pairs) -> list[dict]:
    return [{"key": k, "value": v} for k, v in pairs]


# --- exact text ---------------------------------------------------------------------------




def test_worked_example_text():
    assert render_action(OPENAI, GET_MODELS, {}) == (
        "curl 'https://api.openai.com/v1/models' \\\n  -H 'Authorization: Bearer '\"${OPENAI_API_KEY}\""
    )


def test_full_text_layout_and_determinism():
    c = conn("https://h.example")
    a = act(
        "PUT",
        "/items/{{{id}}}",
        headers=hdrs(("Accept", "application/json"), ("X-Empty", "")),
        query_params=[{"key": "q", "value": "it's"}, {"key": "flag", "value": None}],
        body='{"a": 1}',
        input_args=[{"name": "id", "type": "string", "required": True, "example_value": 7}],
    )
    expected = (
        "curl 'https://h.example/items/7?q=it'\\''s&flag' \\\n"
        "  -X PUT \\\n"
        "  -H 'Accept: application/json' \\\n"
        "  -H 'X-Empty;' \\\n"
        "  -H 'Content-Type:' \\\n"
        "  --data-binary '{\"a\": 1}'"
    )
    assert render_action(c, a, {}) == expected
    assert render_action(c, a, {}) == render_action(c, a, {})
    assert render_all([c], [a, a], None, {}) == [expected, expected]


def test_plain_get_has_no_options():
    assert render_action(conn("https://h.example"), act(), {}) == "curl 'https://h.example/x'"


def test_worked_example_runs(echo):
    c = dict(OPENAI, base_url=echo.base)
    got = echo.one(render_action(c, GET_MODELS, {}), {"OPENAI_API_KEY": "sk-test'$x"})
    assert (got.method, got.target) == ("GET", "/v1/models")
    assert got.value("Authorization") == "Bearer sk-test'$x"
    assert got.body == b""


# --- method ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, body, has_x",
    [
        ("GET", None, False),
        ("POST", "a=1", False),
        ("POST", None, True),
        ("GET", "a=1", True),
        ("PUT", "a=1", True),
        ("PATCH", None, True),
        ("DELETE", None, True),
        ("delete", None, True),
    ],
)
def test_method(echo, method, body, has_x):
    a = act(method, body=body)
    text = render_action(conn(echo.base), a, {})
    assert (f"-X {method.upper()}" in text) is has_x
    assert "-I" not in text.split() and "-G" not in text.split()
    got = echo.one(text)
    assert got.method == method.upper()
    assert got.body == (body or "").encode()


def test_form_infers_post_and_other_methods_use_x(echo):
    form = [{"key": "a", "value": "1"}]
    text = render_action(conn(echo.base), act("POST", form_data=form), {})
    assert "-X" not in text and echo.one(text).method == "POST"
    text = render_action(conn(echo.base), act("PUT", form_data=form), {})
    assert "-X PUT" in text and echo.one(text).method == "PUT"


def test_bad_method_is_an_error():
    with pytest.raises(ConverterError) as e:
        render_action(conn("https://h"), act("GET /x"), {})
    assert e.value.code == "bad-definitions"


# --- URL -----------------------------------------------------------------------------------


def test_query_verbatim_order_repeats_and_bare_keys(echo):
    a = act(
        "GET",
        "/p%2Fq/r",
        query_params=[
            {"key": "a", "value": "%20x+y"},
            {"key": "a", "value": "2"},
            {"key": "bare", "value": None},
            {"key": "e", "value": ""},
            {"key": "n", "value": 5},
            {"key": "t", "value": True},
        ],
    )
    text = render_action(conn(echo.base), a, {})
    assert "-g" not in text.split()
    assert echo.one(text).target == "/p%2Fq/r?a=%20x+y&a=2&bare&e=&n=5&t=true"


@pytest.mark.parametrize("target", ["/a?x[]=1", "/a?x={y}", "/a[0]"])
def test_glob_characters_add_g(echo, target):
    path, _, query = target.partition("?")
    params = [{"key": query.split("=")[0], "value": query.split("=")[1]}] if query else []
    text = render_action(conn(echo.base), act(path=path, query_params=params), {})
    assert text.splitlines()[1] == "  -g"
    assert echo.one(text).target == target


def test_placeholder_in_url_expands_and_adds_g(echo):
    a = act(path="/u/<<USER_ID>>", query_params=[{"key": "k", "value": "<<KEY>>"}])
    text = render_action(conn(echo.base), a, {})
    assert text.startswith("curl '" + echo.base + "/u/'\"${USER_ID}\"'?k='\"${KEY}\" \\\n  -g")
    got = echo.one(text, {"USER_ID": "a[1]", "KEY": "v{2}"})
    assert got.target == "/u/a[1]?k=v{2}"


# --- headers -------------------------------------------------------------------------------


def test_headers_in_order_and_empty_values(echo):
    a = act(headers=hdrs(("X-B", "2"), ("X-A", "1"), ("X-Empty", ""), ("X-None", None), ("X-Ws", "  \t")))
    text = render_action(conn(echo.base), a, {})
    assert "-H 'X-Empty;'" in text and "-H 'X-None;'" in text and "-H 'X-Ws;'" in text
    got = echo.one(text)
    custom = [(k, v) for k, v in got.headers if k.startswith("X-")]
    assert custom == [("X-B", " 2"), ("X-A", " 1"), ("X-Empty", ""), ("X-None", ""), ("X-Ws", "")]


def test_header_overrides_curl_default(echo):
    got = echo.one(render_action(conn(echo.base), act(headers=hdrs(("Accept", "text/csv"))), {}))
    assert got.values("Accept") == ["text/csv"]


@pytest.mark.parametrize("key, value", [("X-A", "a\r\nEvil: 1"), ("X-A", "a\nb"), ("Bad:Key", "v"), ("", "v")])
def test_unsendable_headers_are_errors(key, value):
    with pytest.raises(ConverterError) as e:
        render_action(conn("https://h"), act(headers=hdrs((key, value))), {})
    assert e.value.code == "unrenderable"
    assert value not in e.value.message


# --- body ----------------------------------------------------------------------------------


def test_body_without_content_type_is_sent_without_one(echo):
    text = render_action(conn(echo.base), act("POST", body="a=1&b=2"), {})
    assert "  -H 'Content-Type:' \\\n  --data-binary 'a=1&b=2'" in text
    got = echo.one(text)
    assert got.values("Content-Type") == [] and got.body == b"a=1&b=2"


def test_body_keeps_the_action_content_type(echo):
    a = act("POST", body='{"x":1}', headers=hdrs(("content-type", "application/json")))
    text = render_action(conn(echo.base), a, {})
    assert "'Content-Type:'" not in text
    got = echo.one(text)
    assert got.values("Content-Type") == ["application/json"] and got.body == b'{"x":1}'


def test_body_starting_with_at_is_not_a_file(echo, tmp_path):
    (tmp_path / "secret.txt").write_text("FILE CONTENT")
    text = render_action(conn(echo.base), act("POST", body="@secret.txt"), {})
    assert "--data-raw '@secret.txt'" in text
    assert echo.one(text, cwd=tmp_path).body == b"@secret.txt"


def test_body_starting_with_placeholder_uses_data_raw(echo, tmp_path):
    (tmp_path / "f").write_text("FILE CONTENT")
    text = render_action(conn(echo.base), act("POST", body="<<BODY>>&x=1"), {})
    assert "--data-raw \"${BODY}\"'&x=1'" in text
    assert echo.one(text, {"BODY": "@f"}, cwd=tmp_path).body == b"@f&x=1"


def test_body_bytes_exact_with_newlines_and_quotes(echo):
    body = "line1\r\nline2\n'\"$HOME `x` \\ !\n\n"
    got = echo.one(render_action(conn(echo.base), act("POST", body=body), {}))
    assert got.body == body.encode()


def test_empty_body_is_a_post(echo):
    text = render_action(conn(echo.base), act("POST", body=""), {})
    assert text.endswith("--data-binary ''")
    got = echo.one(text)
    assert got.method == "POST" and got.body == b"" and got.value("Content-Length") == "0"


def test_body_file(echo, tmp_path):
    (tmp_path / "my data.bin").write_bytes(b"raw\r\nbytes\n")
    text = render_action(conn(echo.base), act("PUT", body_file="my data.bin"), {})
    assert text.endswith("--data-binary '@my data.bin'") and "-X PUT" in text
    got = echo.one(text, cwd=tmp_path)
    assert got.body == b"raw\r\nbytes\n" and got.values("Content-Type") == []


def test_nul_in_body_is_an_error():
    with pytest.raises(ConverterError) as e:
        render_action(conn("https://h"), act("POST", body="a\0b"), {})
    assert e.value.code == "unrenderable"


def test_two_bodies_is_an_error():
    with pytest.raises(ConverterError) as e:
        render_action(conn("https://h"), act("POST", body="a", body_file="f"), {})
    assert e.value.code == "bad-definitions"


# --- multipart -----------------------------------------------------------------------------


def test_form_text_parts(echo):
    values = ["plain", "", "a;b", " lead", "trail ", '"quoted"', "@file", "<file", "multi\nline\r\n", "x,y", "(", ")"]
    form = [{"key": f"k{i}", "value": v} for i, v in enumerate(values)]
    text = render_action(conn(echo.base), act("POST", form_data=form), {})
    assert "  -F 'k0=plain'" in text and "  -F 'k1='" in text and "  -F 'k9=x,y'" in text
    assert "  --form-string 'k2=a;b'" in text and "  --form-string 'k6=@file'" in text
    assert "  --form-string 'k10=('" in text
    got = echo.one(text)
    assert [(p["name"], p["data"]) for p in got.parts()] == [(f"k{i}", v.encode()) for i, v in enumerate(values)]
    assert all(p["filename"] is None for p in got.parts())
    assert got.value("Content-Type").startswith("multipart/form-data; boundary=")


def test_form_file_parts(echo, tmp_path):
    (tmp_path / "a.txt").write_bytes(b"AAA")
    (tmp_path / "b;c,d.csv").write_bytes(b"1,2\n")
    (tmp_path / 'q"u\\o.bin').write_bytes(b"\x00\xff")
    form = [
        {"key": "f1", "file": "a.txt", "content_type": "text/plain; charset=utf-8"},
        {"key": "f2", "file": "b;c,d.csv", "content_type": "text/csv"},
        {"key": "f3", "file": 'q"u\\o.bin'},
    ]
    text = render_action(conn(echo.base), act("POST", form_data=form), {})
    assert "  -F 'f1=@a.txt;type=text/plain; charset=utf-8'" in text
    assert "  -F 'f2=@\"b;c,d.csv\";type=text/csv'" in text
    got = echo.one(text, cwd=tmp_path)
    parts = got.parts()
    assert [(p["name"], p["filename"], p["content_type"], p["data"]) for p in parts] == [
        ("f1", "a.txt", "text/plain; charset=utf-8", b"AAA"),
        ("f2", "b;c,d.csv", "text/csv", b"1,2\n"),
        # curl escapes '"' in the disposition header as %22 (it would for the original too)
        ("f3", "q%22u\\o.bin", "application/octet-stream", b"\x00\xff"),
    ]


@pytest.mark.parametrize("value", ['a;"b"\\c', " x;type=y ", "a\nb\r\n c ", "", "\\"])
def test_form_text_part_with_content_type(echo, value):
    form = [{"key": "meta", "value": value, "content_type": "application/json"}]
    text = render_action(conn(echo.base), act("POST", form_data=form), {})
    got = echo.one(text)
    assert [(p["name"], p["content_type"], p["data"]) for p in got.parts()] == [
        ("meta", "application/json", value.encode())
    ]


def test_url_starting_with_dash_uses_url_option():
    assert render_action(conn("<<BASE>>"), act(), {}).startswith('curl "${BASE}"\'/x\'')
    assert render_action(conn("-odd"), act(), {}) == "curl --url '-odd/x'"


def test_form_user_multipart_content_type_gets_a_boundary(echo):
    a = act("POST", form_data=[{"key": "a", "value": "1"}], headers=hdrs(("Content-Type", "multipart/form-data")))
    got = echo.one(render_action(conn(echo.base), a, {}))
    assert got.value("Content-Type").startswith("multipart/form-data; boundary=")
    assert got.parts()[0]["data"] == b"1"


def test_form_placeholder_value(echo):
    a = act("POST", form_data=[{"key": "token", "value": "<<TOKEN>>"}])
    text = render_action(conn(echo.base), a, {})
    assert "  --form-string 'token='\"${TOKEN}\"" in text
    assert echo.one(text, {"TOKEN": "@x;y"}).parts()[0]["data"] == b"@x;y"


def test_form_key_with_equals_is_an_error():
    with pytest.raises(ConverterError) as e:
        render_action(conn("https://h"), act("POST", form_data=[{"key": "a=b", "value": "1"}]), {})
    assert e.value.code == "unrenderable"


# --- auth ----------------------------------------------------------------------------------


def test_header_auth_comes_before_action_headers(echo):
    c = conn(
        echo.base,
        auth_config="api_key_auth",
        api_key_auth={
            "auth_type": "header_auth",
            "header_auth_key": "X-Api-Key",
            "header_auth_value_pattern": "Token token=%s 100%%",
            "api_key": "<<K>>",
        },
    )
    text = render_action(c, act(headers=hdrs(("X-Other", "1"))), {})
    got = echo.one(text, {"K": "s3cr3t"})
    assert [n for n in got.names() if n.startswith("X-")] == ["X-Api-Key", "X-Other"]
    assert got.value("X-Api-Key") == "Token token=s3cr3t 100%"


def test_header_auth_default_pattern(echo):
    c = conn(
        echo.base,
        auth_config="api_key_auth",
        api_key_auth={"auth_type": "header_auth", "header_auth_key": "X-Key", "api_key": "<<K>>"},
    )
    assert echo.one(render_action(c, act(), {}), {"K": "v"}).value("X-Key") == "v"


def test_param_auth_is_appended_after_action_query(echo):
    c = conn(
        echo.base,
        auth_config="api_key_auth",
        api_key_auth={"auth_type": "param_auth", "param_auth_param_name": "api_key", "api_key": "<<K>>"},
    )
    text = render_action(c, act(query_params=[{"key": "a", "value": "1"}]), {})
    assert echo.one(text, {"K": "abc"}).target == "/x?a=1&api_key=abc"
    assert echo.one(render_action(c, act(), {}), {"K": "abc"}).target == "/x?api_key=abc"


def test_basic_auth(echo):
    c = conn(echo.base, auth_config="basic_auth", basic_auth={"username": "<<U>>", "password": "<<P>>"})
    text = render_action(c, act(), {})
    assert '  -u "${U}"\':\'"${P}"' in text
    got = echo.one(text, {"U": "me", "P": "p:a ss"})
    assert got.value("Authorization") == "Basic " + base64.b64encode(b"me:p:a ss").decode()


def test_oauth2_default_token_placeholder(echo):
    c = {
        "name": "service_now",
        "base_url": echo.base,
        "auth_config": "oauth2",
        "oauth2": {"grant_type": "client_credentials", "token_url": "https://x.example/oauth\n/token"},
    }
    text = render_action(c, act(connector="service_now"), {})
    lines = text.splitlines()
    assert lines[0] == "# oauth2: fetch a token from https://x.example/oauth /token first"
    assert "  -H 'Authorization: Bearer '\"${SERVICE_NOW_ACCESS_TOKEN}\"" in lines
    assert echo.one(text, {"SERVICE_NOW_ACCESS_TOKEN": "tok"}).value("Authorization") == "Bearer tok"


def test_oauth2_explicit_token_placeholder(echo):
    c = conn(echo.base, auth_config="oauth2", oauth2={"token_url": "https://t", "access_token": "<<MY_TOKEN>>"})
    text = render_action(c, act(headers=hdrs(("X-A", "1"))), {})
    got = echo.one(text, {"MY_TOKEN": "t2"})
    assert got.value("Authorization") == "Bearer t2"
    assert got.names().index("Authorization") < got.names().index("X-A")


def test_no_auth_adds_nothing():
    assert render_action(conn("https://h"), act(), {}) == render_action(
        {"name": "local", "base_url": "https://h"}, act(), {}
    )


def test_unknown_auth_config_is_an_error():
    with pytest.raises(ConverterError) as e:
        render_action(conn("https://h", auth_config="aws_sig"), act(), {})
    assert e.value.code == "unsupported-auth"


# --- input args --------------------------------------------------------------------------


def test_args_override_examples_and_are_literal(echo):
    a = act(
        "POST",
        "/items/{{{id}}}",
        headers=hdrs(("X-Who", "{{{ who }}}")),
        body='{"n": "{{{name}}}"}',
        input_args=[
            {"name": "id", "type": "string", "required": True, "example_value": "ex"},
            {"name": "who", "type": "string", "required": True, "example_value": "me"},
            {"name": "name", "type": "string", "required": True},
        ],
    )
    text = render_action(conn(echo.base), a, {"id": "42", "name": "<<NOT_A_VAR>> it's $HOME"})
    got = echo.one(text, {"NOT_A_VAR": "expanded"})
    assert got.target == "/items/42"
    assert got.value("X-Who") == "me"
    assert got.body == b'{"n": "<<NOT_A_VAR>> it\'s $HOME"}'


def test_missing_arg_is_an_error():
    a = act(path="/items/{{{id}}}", input_args=[{"name": "id", "type": "string", "required": True}])
    with pytest.raises(ConverterError) as e:
        render_action(conn("https://h"), a, {})
    assert e.value.code == "missing-arg"
    assert e.value.message == "action 'do_it' needs --arg id=…"


# --- render_all ----------------------------------------------------------------------------


def test_render_all_selects_by_name():
    c = conn("https://h")
    a1, a2 = act(name="a1", path="/1"), act(name="a2", path="/2")
    assert render_all([c], [a1, a2], "a2", {}) == ["curl 'https://h/2'"]
    assert render_all([c], [a1, a2], None, {}) == ["curl 'https://h/1'", "curl 'https://h/2'"]


def test_render_all_unknown_action():
    with pytest.raises(ConverterError) as e:
        render_all([conn("https://h")], [act(name="b_x"), act(name="a_y")], "zz", {})
    assert e.value.code == "unknown-action"
    assert e.value.message == "no action named 'zz' (available: a_y, b_x)"


def test_render_all_unknown_connector():
    with pytest.raises(ConverterError) as e:
        render_all([conn("https://h")], [act(connector="other")], None, {})
    assert e.value.code == "unknown-connector"
    assert "'other'" in e.value.message


# --- loading -------------------------------------------------------------------------------




def test_load_bundle(tmp_path):
    f = tmp_path / "bundle.yaml"
    f.write_text(BUNDLE_TEXT)
    connectors, actions = load_definitions(f)
    assert connectors == [OPENAI] and actions == [GET_MODELS]
    assert render_all(connectors, actions, None, {}) == [render_action(OPENAI, GET_MODELS, {})]


def test_load_directory_sorted_by_file_name(tmp_path):
    (tmp_path / "connectors").mkdir()
    (tmp_path / "actions").mkdir()
    (tmp_path / "connectors" / "openai.yaml").write_text("name: openai\nbase_url: https://a\n")
    (tmp_path / "actions" / "b.yaml").write_text("name: b\nconnector: openai\nmethod: GET\npath: /b\n")
    (tmp_path / "actions" / "a.yaml").write_text("name: a\nconnector: openai\nmethod: GET\npath: /a\n")
    (tmp_path / "actions" / "notes.txt").write_text("ignored: [")
    connectors, actions = load_definitions(tmp_path)
    assert [c["name"] for c in connectors] == ["openai"]
    assert [a["name"] for a in actions] == ["a", "b"]


def test_load_bad_yaml_names_file_not_content(tmp_path):
    f = tmp_path / "bundle.yaml"
    f.write_text("connectors:\n- name: x\n  api_key: sk-SECRETVALUE: [\n")
    with pytest.raises(ConverterError) as e:
        load_definitions(f)
    assert e.value.code == "bad-definitions"
    assert str(f) in e.value.message and "SECRET" not in str(e.value)
    assert "line 3" in e.value.message


@pytest.mark.parametrize(
    "content", ["- just a list\n", "connectors: 3\nactions: []\n", "actions:\n- sk-SECRETVALUE\n", "other: 1\n"]
)
def test_load_wrong_shapes(tmp_path, content):
    f = tmp_path / "bundle.yaml"
    f.write_text(content)
    with pytest.raises(ConverterError) as e:
        load_definitions(f)
    assert e.value.code == "bad-definitions" and str(f) in e.value.message and "SECRET" not in e.value.message


def test_load_directory_errors(tmp_path):
    with pytest.raises(ConverterError) as e:
        load_definitions(tmp_path)
    assert e.value.code == "bad-definitions"
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "a.yaml").write_text("- sk-SECRETVALUE\n")
    with pytest.raises(ConverterError) as e:
        load_definitions(tmp_path)
    assert "a.yaml" in e.value.message and "SECRET" not in e.value.message
    with pytest.raises(ConverterError) as e:
        load_definitions(tmp_path / "missing.yaml")
    assert e.value.code == "bad-definitions" and "missing.yaml" in e.value.message


# --- shell quoting properties ----------------------------------------------------------------

# Text bash can carry in an argument or the environment: no NUL (and no lone surrogates,
# which have no UTF-8 encoding).
_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
_HEADER_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n"), max_size=40)
_CURL_SPACE = " \t\n\v\f\r"
_PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _with_vars(lit: st.SearchStrategy, var_value: st.SearchStrategy):
    """Lists of literal / placeholder segments, plus the env the placeholders need."""
    segment = st.one_of(lit.map(lambda t: ("lit", t)), var_value.map(lambda v: ("var", v)))
    return st.lists(segment, max_size=4)


def _assemble(segments) -> tuple[str, dict[str, str], str]:
    text, env, expected = "", {}, ""
    for i, (kind, value) in enumerate(segments):
        if kind == "lit":
            text += value
        else:
            env[f"V{i}"] = value
            text += f"<<V{i}>>"
        expected += value
    return text, env, expected


@_PROPERTY
@given(_with_vars(_HEADER_TEXT, _HEADER_TEXT.filter(lambda s: s.strip(_CURL_SPACE))))
def test_property_header_values_round_trip(echo, segments):
    value, env, expected = _assemble(segments)
    got = echo.one(render_action(conn(echo.base), act(headers=hdrs(("X-Prop", value))), {}), env)
    # A value of curl-whitespace only can only be sent empty (`X-Prop;`).
    assert got.values("X-Prop") == [expected if expected.strip(_CURL_SPACE) else ""]


@_PROPERTY
@given(_with_vars(_TEXT, _TEXT.filter(bool)))
def test_property_bodies_round_trip(echo, segments):
    body, env, expected = _assemble(segments)
    got = echo.one(render_action(conn(echo.base), act("POST", body=body), {}), env)
    assert got.body == expected.encode()
    assert got.values("Content-Type") == []


@_PROPERTY
@given(st.lists(_TEXT, min_size=1, max_size=3))
def test_property_form_text_values_round_trip(echo, values):
    form = [{"key": f"k{i}", "value": v} for i, v in enumerate(values)]
    got = echo.one(render_action(conn(echo.base), act("POST", form_data=form), {}))
    assert [p["data"] for p in got.parts()] == [v.encode() for v in values]


@_PROPERTY
@given(_TEXT)
def test_property_rendering_is_deterministic(text):
    a = act("POST", headers=hdrs(("X", text.replace("\r", "").replace("\n", "").replace("\0", ""))))
    a["body"] = text.replace("\0", "")
    assert render_action(conn("https://h"), a, {}) == render_action(conn("https://h"), dict(a), {})

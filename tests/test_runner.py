"""converter.runner: dotenv parsing, the request built from definitions (exact headers,
target and body bytes), the masked dry-run view, response printing, and sending to
the loopback echo server (errors as messages, never a traceback or a secret).
Whether the runner sends what to-curl sends is tests/test_roundtrip_postman.py."""
from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from converter.errors import ConverterError, ExitStatus
from converter.runner import (
    USER_AGENT, Response, build_request, definitions_dir, format_dry_run, format_response, load_env,
    parse_env_file, select_action, send,
)

SECRET = "sk-proj-0123456789abcdefghijklmnopqrstuvWXYZ"


def conn(**auth) -> dict:
    c = {"name": "acme", "base_url": "https://api.acme.com"}
    c.update(auth or {"auth_config": "no_auth"})
    return c


def act(**fields) -> dict:
    a = {"name": "get_things", "connector": "acme", "method": "GET", "path": "/v1/things"}
    a.update(fields)
    return a


BEARER = {"auth_config": "api_key_auth", "api_key_auth": {
    "auth_type": "header_auth", "header_auth_key": "Authorization", "header_auth_value_pattern": "Bearer %s",
    "api_key": "<<ACME_API_KEY>>"}}


# --- dotenv ---------------------------------------------------------------------------------------


def test_env_file_syntax():
    text = (
        "# comment\n"
        "\n"
        "PLAIN=value\n"
        "export EXPORTED = spaced value  # trailing comment\n"
        "HASH=a#b\n"
        "SINGLE='lit $X \\n # not a comment'\n"
        'DOUBLE="tab\\there \\"q\\" back\\\\slash"  # comment\n'
        'MULTI="line one\nline two"\n'
        "EMPTY=\n"
        "EMPTY_QUOTED=''\n"
        "  INDENTED=yes\r\n"
        "dotted.name=1\n"
        "PLAIN=second wins\n"
    )
    assert parse_env_file(text) == {
        "PLAIN": "second wins", "EXPORTED": "spaced value", "HASH": "a#b", "SINGLE": "lit $X \\n # not a comment",
        "DOUBLE": 'tab\there "q" back\\slash', "MULTI": "line one\nline two", "EMPTY": "", "EMPTY_QUOTED": "",
        "INDENTED": "yes", "dotted.name": "1",
    }


@pytest.mark.parametrize("text,message", [
    ("OK=1\nnot a pair with hunter2\n", ".env:2: expected KEY=VALUE"),
    ("A=1\n\nB='hunter2\n", ".env:3: unterminated 'quoted value"),
    ('A="x"\nB="hunter2" trailing\n', ".env:2: text after the closing quote"),
    ("1BAD=hunter2\n", ".env:1: expected KEY=VALUE"),
])
def test_env_file_errors_name_the_line_not_the_value(text, message):
    with pytest.raises(ConverterError) as info:
        parse_env_file(text, ".env")
    assert info.value.message == message and info.value.status == ExitStatus.USAGE
    assert "hunter2" not in str(info.value)


def test_line_numbers_count_multi_line_values():
    with pytest.raises(ConverterError) as info:
        parse_env_file('A="1\n2\n3"\nbad\n')
    assert info.value.message.endswith(":4: expected KEY=VALUE")


def test_load_env_file_wins_over_the_environment(tmp_path):
    (tmp_path / ".env").write_text("ACME_API_KEY=from-file\n", "utf-8")
    env = load_env(tmp_path / ".env", base={"ACME_API_KEY": "from-env", "OTHER": "kept"})
    assert env == {"ACME_API_KEY": "from-file", "OTHER": "kept"}
    assert load_env(None, base={"X": "1"}) == {"X": "1"}
    with pytest.raises(ConverterError) as info:
        load_env(tmp_path / "missing.env", base={})
    assert info.value.code == "unreadable" and info.value.status == ExitStatus.USAGE


# --- choosing ------------------------------------------------------------------------------------


def test_select_action():
    connectors = [conn()]
    assert select_action(connectors, [act()], None) == (connectors[0], act())
    assert select_action(connectors, [act(), act(name="b")], "b")[1]["name"] == "b"
    with pytest.raises(ConverterError) as info:
        select_action(connectors, [act(), act(name="b")], None)
    assert info.value.message == "name the action to run with --action (available: b, get_things)"
    with pytest.raises(ConverterError) as info:
        select_action(connectors, [act()], "nope")
    assert info.value.message == "no action named 'nope' (available: get_things)"
    with pytest.raises(ConverterError) as info:
        select_action(connectors, [act(connector="zzz")], None)
    assert info.value.code == "unknown-connector"


def test_definitions_dir(tmp_path):
    (tmp_path / "bundle.yaml").write_text("actions: []\n", "utf-8")
    assert definitions_dir(tmp_path) == tmp_path
    assert definitions_dir(tmp_path / "bundle.yaml") == tmp_path


# --- building --------------------------------------------------------------------------------------


def test_bearer_header_defaults_and_order():
    p = build_request(conn(**BEARER), act(headers=[{"key": "X-Trace", "value": "1"}]), {}, {"ACME_API_KEY": SECRET})
    assert (p.method, p.url, p.target, p.body, p.missing) == (
        "GET", "https://api.acme.com/v1/things", "/v1/things", None, [])
    assert p.headers == [("User-Agent", USER_AGENT), ("Accept", "*/*"), ("Authorization", f"Bearer {SECRET}"),
                         ("X-Trace", "1")]


def test_action_headers_replace_defaults_and_keep_duplicates():
    p = build_request(conn(), act(headers=[{"key": "accept", "value": "application/json"},
                                           {"key": "User-Agent", "value": "mine/1"},
                                           {"key": "X-Dup", "value": "a"}, {"key": "X-Dup", "value": "b"},
                                           {"key": "X-Blank", "value": "   "}, {"key": "X-None", "value": None}]),
                      {}, {})
    assert p.headers == [("accept", "application/json"), ("User-Agent", "mine/1"), ("X-Dup", "a"), ("X-Dup", "b"),
                         ("X-Blank", ""), ("X-None", "")]


def test_param_auth_goes_after_the_query():
    c = conn(auth_config="api_key_auth", api_key_auth={"auth_type": "param_auth", "param_auth_param_name": "key",
                                                       "api_key": "<<ACME_API_KEY>>"})
    p = build_request(c, act(query_params=[{"key": "a", "value": "1"}, {"key": "flag", "value": None}]), {},
                      {"ACME_API_KEY": "k1"})
    assert p.target == "/v1/things?a=1&flag&key=k1"


def test_basic_auth_first_and_oauth2_bearer_placeholder():
    c = conn(auth_config="basic_auth", basic_auth={"username": "<<ACME_USERNAME>>", "password": "<<ACME_PASSWORD>>"})
    p = build_request(c, act(), {}, {"ACME_USERNAME": "ann", "ACME_PASSWORD": "pässword"})
    assert p.headers[0] == ("Authorization", "Basic YW5uOnDDpHNzd29yZA==")  # UTF-8, like curl -u
    c = conn(auth_config="oauth2", oauth2={"grant_type": "client_credentials", "token_url": "https://x/t"})
    p = build_request(c, act(), {}, {})
    assert p.missing == ["ACME_ACCESS_TOKEN"]
    assert ("Authorization", "Bearer <<ACME_ACCESS_TOKEN>>") in p.headers


def test_arguments_from_args_then_examples():
    a = act(path="/users/{{{id}}}", query_params=[{"key": "fields", "value": "{{{fields}}}"}],
            input_args=[{"name": "id", "type": "integer", "example_value": 42},
                        {"name": "fields", "type": "string", "example_value": "a,b"}])
    assert build_request(conn(), a, {}, {}).target == "/users/42?fields=a,b"
    assert build_request(conn(), a, {"id": "7"}, {}).target == "/users/7?fields=a,b"
    with pytest.raises(ConverterError) as info:
        build_request(conn(), act(path="/u/{{{id}}}"), {}, {})
    assert info.value.code == "missing-arg"


def test_target_dot_segments_encoding_and_fragment():
    c = {"name": "acme", "base_url": "HTTPS://api.acme.com:8443/base", "auth_config": "no_auth"}
    p = build_request(c, act(path="/./a/../café/x y", query_params=[{"key": "q", "value": "é\"{x}|%41#frag"}]), {}, {})
    assert p.url == "https://api.acme.com:8443/base/caf%C3%A9/x%20y?q=%C3%A9\"{x}|%41"
    assert p.target == "/base/caf%C3%A9/x%20y?q=%C3%A9\"{x}|%41"
    assert build_request({**c, "base_url": "http://h"}, act(path=""), {}, {}).target == "/"
    with pytest.raises(ConverterError) as info:
        build_request({**c, "base_url": "ftp://h"}, act(), {}, {})
    assert info.value.code == "unsendable"


def test_missing_placeholders_are_listed_and_sending_refuses():
    a = act(headers=[{"key": "X-Other", "value": "<<ZED_TOKEN>>"}])
    p = build_request(conn(**BEARER), a, {}, {})
    assert p.missing == ["ACME_API_KEY", "ZED_TOKEN"]
    with pytest.raises(ConverterError) as info:
        send(p, timeout=1)
    assert info.value.code == "missing-placeholder"
    assert info.value.message == ("fill these placeholders first: ACME_API_KEY, ZED_TOKEN "
                                  "(environment variables or --env-file)")


def test_a_line_break_from_a_filled_value_is_refused_without_the_value():
    with pytest.raises(ConverterError) as info:
        build_request(conn(**BEARER), act(), {}, {"ACME_API_KEY": "abc\r\nX-Injected: hunter2"})
    assert info.value.code == "unsendable"
    assert "hunter2" not in str(info.value) and "<<ACME_API_KEY>>" in info.value.message


def test_text_body_bytes():
    a = act(method="POST", headers=[{"key": "Content-Type", "value": "application/json"}],
            body='{"k": "<<ACME_API_KEY>>", "u": "ü"}')
    p = build_request(conn(), a, {}, {"ACME_API_KEY": "v"})
    assert p.body == '{"k": "v", "u": "ü"}'.encode("utf-8")
    assert ("Content-Type", "application/json") in p.headers


def test_body_file_is_read_inside_the_definitions_dir_only(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "blob.bin").write_bytes(b"\x00\x01\r\n\xff")
    (tmp_path.parent / "outside.txt").write_text("secret", "utf-8")
    p = build_request(conn(), act(method="PUT", body_file="data/blob.bin"), {}, {}, base_dir=tmp_path)
    assert p.body == b"\x00\x01\r\n\xff" and p.body_source == "data/blob.bin"
    assert not any(k.lower() == "content-type" for k, _ in p.headers)
    for name, code in (("../outside.txt", "file-outside"), (str(tmp_path.parent / "outside.txt"), "file-outside"),
                       ("data/none.bin", "missing-file")):
        with pytest.raises(ConverterError) as info:
            build_request(conn(), act(method="PUT", body_file=name), {}, {}, base_dir=tmp_path)
        assert info.value.code == code


def test_multipart_bytes_like_curl(tmp_path):
    (tmp_path / "report.PDF").write_bytes(b"%PDF")
    (tmp_path / "data.jsonl").write_bytes(b"{}\n")
    a = act(method="POST", headers=[{"key": "Content-Type", "value": "multipart/form-data"}], form_data=[
        {"key": "purpose", "value": "fine-tune"},
        {"key": 'odd"name', "value": "<<ACME_API_KEY>>"},
        {"key": "meta", "value": '{"a":1}', "content_type": "application/json"},
        {"key": "doc", "file": "report.PDF"},
        {"key": "data", "file": "data.jsonl", "filename": 'we"ird.txt'},
        {"key": "raw", "file": "data.jsonl"},
        {"key": "inline", "value": "hi", "filename": "hi.png"},
    ])
    p = build_request(conn(), a, {}, {"ACME_API_KEY": "k"}, base_dir=tmp_path, boundary="BOUNDARY")
    assert ("Content-Type", "multipart/form-data; boundary=BOUNDARY") in p.headers
    assert p.body == (
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine-tune\r\n'
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="odd%22name"\r\n\r\nk\r\n'
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n{"a":1}\r\n'
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="doc"; filename="report.PDF"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF\r\n"
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="data"; filename="we%22ird.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n{}\n\r\n"
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="raw"; filename="data.jsonl"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n{}\n\r\n"
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="inline"; filename="hi.png"\r\n'
        b"Content-Type: image/png\r\n\r\nhi\r\n"
        b"--BOUNDARY--\r\n")


def test_multipart_other_type_is_attachment_and_default_type_is_added():
    a = act(method="POST", headers=[{"key": "content-type", "value": "multipart/mixed"}],
            form_data=[{"key": "a", "value": "1"}])
    p = build_request(conn(), a, {}, {}, boundary="B")
    assert p.headers[-1] == ("content-type", "multipart/mixed; boundary=B")
    assert p.body == b'--B\r\nContent-Disposition: attachment; name="a"\r\n\r\n1\r\n--B--\r\n'
    p = build_request(conn(), act(method="POST", form_data=[{"key": "a", "value": "1"}]), {}, {})
    ctype = dict(p.headers)["Content-Type"]
    assert ctype.startswith("multipart/form-data; boundary=" + "-" * 24) and len(ctype) == 30 + 24 + 16


def test_more_than_one_body_is_an_error():
    with pytest.raises(ConverterError) as info:
        build_request(conn(), act(body="a", body_file="b"), {}, {})
    assert info.value.code == "bad-definitions"


# --- dry run ---------------------------------------------------------------------------------------


def test_dry_run_masks_every_filled_placeholder(tmp_path):
    (tmp_path / "up.txt").write_bytes(b"12345")
    c = conn(auth_config="basic_auth", basic_auth={"username": "<<ACME_USERNAME>>", "password": "<<ACME_PASSWORD>>"})
    env = {"ACME_USERNAME": "ann@example.com", "ACME_PASSWORD": SECRET, "ACME_TOKEN": "tok-0123456789abcdef"}
    a = act(method="POST", path="/v1/./x/../things", query_params=[{"key": "t", "value": "<<ACME_TOKEN>>"}],
            headers=[{"key": "X-Key", "value": "Key <<ACME_TOKEN>>"}, {"key": "X-Other", "value": "<<ZED>>"}],
            body='{"password": "<<ACME_PASSWORD>>"}')
    text = format_dry_run(build_request(c, a, {}, env))
    assert text == (
        "POST https://api.acme.com/v1/things?t=tok…ef\n"
        "Authorization: Basic base64(<<ACME_USERNAME>>:<<ACME_PASSWORD>>)\n"
        f"User-Agent: {USER_AGENT}\n"
        "Accept: */*\n"
        "X-Key: Key tok…ef\n"
        "X-Other: <<ZED>>\n"
        "\n"
        '{"password": "sk-…XYZ"}\n'
        "\n"
        "not sendable yet: fill ZED (environment variables or --env-file)")
    for value in env.values():
        assert value not in text
    p = build_request(conn(), act(method="POST", form_data=[{"key": "f", "file": "up.txt"},
                                                          {"key": "k", "value": "<<ACME_TOKEN>>"}]),
                      {}, env, base_dir=tmp_path, boundary="B")
    assert format_dry_run(p).endswith(
        "Content-Type: multipart/form-data; boundary=B\n\npart f=@up.txt (5 bytes, text/plain)\npart k=tok…ef")
    p = build_request(conn(), act(method="PUT", body_file="up.txt"), {}, {}, base_dir=tmp_path)
    assert format_dry_run(p).endswith("\n\n(5 bytes from up.txt)")
    assert format_dry_run(build_request(conn(), act(), {}, {})).endswith("\n\n(no body)")


# --- printing responses ------------------------------------------------------------------------------


def response(body: bytes, ctype: str | None = "application/json", size: int | None = None, secrets=()) -> Response:
    headers = [("Content-Type", ctype)] if ctype else []
    return Response(200, "OK", "HTTP/1.1", headers + [("X-Id", "1")], body,
                    len(body) if size is None else size, 12.4, list(secrets))


def test_format_response_pretty_prints_json():
    assert format_response(response(b'{"a":[1,2],"b":"\xc3\xa9"}')) == (
        'HTTP/1.1 200 OK\n(12 ms)\nContent-Type: application/json\nX-Id: 1\n\n'
        '{\n  "a": [\n    1,\n    2\n  ],\n  "b": "é"\n}')
    # JSON without a JSON content type is still recognised; invalid JSON is shown as it is.
    assert format_response(response(b"[1]", "text/plain")).endswith("\n\n[\n  1\n]")
    assert format_response(response(b"{oops", "application/json")).endswith("\n\n{oops")


def test_format_response_truncates_with_a_note():
    text = format_response(response(b"x" * 50 + "é".encode() * 10, "text/plain"), max_body=40)
    assert text.endswith("\n\n" + "x" * 40 + "\n… (30 more bytes)")
    # Bytes never read (over the in-memory cap) are counted too.
    text = format_response(response(b"abc", "text/plain", size=1003), max_body=40)
    assert text.endswith("\n\nabc\n… (1000 more bytes)")


def test_format_response_binary_empty_and_echoed_secrets():
    assert format_response(response(b"\x89PNG\x00\xff", "image/png")).endswith("\n\n(6 bytes of binary data, image/png)")
    assert format_response(response(b"", None)).endswith("X-Id: 1\n\n(empty body)")
    text = format_response(response(('{"echo": "Bearer %s"}' % SECRET).encode(), secrets=[SECRET]))
    assert SECRET not in text and '"echo": "Bearer sk-…XYZ"' in text


# --- sending ----------------------------------------------------------------------------------------


def local(port: int, scheme: str = "http") -> dict:
    return {"name": "acme", "base_url": f"{scheme}://127.0.0.1:{port}", "auth_config": "no_auth"}


def test_send_over_http_and_https(echo_server):
    a = act(method="POST", headers=[{"key": "X-Key", "value": "<<ACME_API_KEY>>"}], body="hello")
    for scheme in ("http", "https"):
        echo_server.clear()
        resp = send(build_request(local(echo_server.port, scheme), a, {}, {"ACME_API_KEY": SECRET}),
                    timeout=5, verify=False)
        assert (resp.status_code, resp.reason, resp.http_version, resp.body, resp.size) == (
            200, "OK", "HTTP/1.1", b"ok\n", 3)
        assert resp.elapsed_ms > 0 and ("Content-Type", "text/plain") in resp.headers
        [req] = echo_server.requests()
        assert (req.method, req.target, req.body, req.tls) == ("POST", "/v1/things", b"hello", scheme == "https")
        assert req.headers == [("Host", f"127.0.0.1:{echo_server.port}"), ("User-Agent", USER_AGENT),
                               ("Accept", "*/*"), ("X-Key", SECRET), ("Content-Length", "5")]


def test_send_verifies_certificates_by_default(echo_server):
    with pytest.raises(ConverterError) as info:
        send(build_request(local(echo_server.port, "https"), act(), {}, {}), timeout=5)
    assert info.value.code == "tls"
    assert info.value.message.startswith(f"could not connect to 127.0.0.1:{echo_server.port}: TLS certificate not trusted")
    with pytest.raises(ConverterError) as info:
        send(build_request(local(echo_server.port, "https"), act(), {}, {}), timeout=5, verify="/nonexistent/ca.pem")
    assert info.value.code == "bad-cacert"


def test_send_raw_target_is_kept(echo_server):
    a = act(path="/a%2Fb/{x}", query_params=[{"key": "q", "value": "%41+b|c"}, {"key": "k", "value": None}])
    echo_server.clear()
    send(build_request(local(echo_server.port), a, {}, {}), timeout=5)
    assert echo_server.requests()[0].target == "/a%2Fb/{x}?q=%41+b|c&k"


def test_connection_refused_is_a_message():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with pytest.raises(ConverterError) as info:
        send(build_request(local(port), act(headers=[{"key": "X-Key", "value": SECRET}]), {}, {}), timeout=5)
    assert info.value.code == "connect-failed"
    assert info.value.message == f"could not connect to 127.0.0.1:{port}: connection refused"


def test_timeout_is_a_message():
    server = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    port = server.getsockname()[1]
    try:
        with pytest.raises(ConverterError) as info:
            send(build_request(local(port), act(), {}, {}), timeout=0.3)
        assert info.value.code == "timeout"
        assert info.value.message == f"timed out after 0.3 s (waiting for 127.0.0.1:{port})"
    finally:
        server.close()


def test_server_closing_the_connection_is_a_message():
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve():
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"garbage\r\n\r\n")
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with pytest.raises(ConverterError) as info:
            send(build_request(local(port), act(), {}, {}), timeout=5)
        assert info.value.code == "bad-response"
        assert info.value.message == f"127.0.0.1:{port} closed the connection or sent a malformed response"
    finally:
        thread.join(5)
        server.close()

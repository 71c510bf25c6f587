"""curl fidelity: the real curl binary judges what a command sends.

For every entry of fixtures/corpus/*.sh (format: fixtures/corpus/README.md):

- self-check: the command, run twice with the real curl against the echo server,
  is accepted (exit 0) and sends the same request both times;
- differential: `convert` → bundle → `to-curl` → the command printed by the
  converter, run with curl, sends the same request as the original (compared by
  tests.echo_server.compare_requests, header order "semantic": see there);
  entries with `# expect-diagnostic: code` must instead make `convert` name [code].

The converter runs in-process through click's CliRunner (a subprocess per call
would cost ~0.3 s × 2 × entries); set DIFFERENTIAL_CLI=subprocess to run
`python -m converter` instead.  A summary line is printed at the end of the run.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.echo_server import (
    EchoServer,
    RecordedRequest,
    compare_request_lists,
    compare_requests,
    normalize_request,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "fixtures" / "corpus"
FILES_DIR = CORPUS_DIR / "files"
MIN_ENTRIES = 160

# -- the corpus --------------------------------------------------------------

DIRECTIVES = {"env", "secret", "expect-diagnostic", "args", "line-endings"}
_DIRECTIVE = re.compile(r"#\s*([a-z][a-z-]*):\s?(.*)$")
_ID = re.compile(r"[a-z0-9][a-z0-9-]*$")
_NAME_VALUE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)


class CorpusError(Exception):
    pass


@dataclass
class Entry:
    id: str
    where: str  # file:line of the `###` line
    command: str  # bash text, LF line ends, ends with a newline
    env: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    expect: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    crlf: bool = False

    def converter_text(self) -> bytes:
        """The entry as the converter gets it (CRLF when the entry asks for it)."""
        text = self.command.replace("\n", "\r\n") if self.crlf else self.command
        return text.encode("utf-8")

    def known_values(self) -> dict[str, str]:
        return {**self.env, **self.secrets}

    def __repr__(self) -> str:  # pytest prints parameters: never the secrets
        return f"Entry({self.id!r} at {self.where})"


def _apply_directive(entry: Entry, key: str, value: str, where: str) -> None:
    if key in ("env", "secret"):
        match = _NAME_VALUE.match(value)
        if not match:
            raise CorpusError(f"{where}: `# {key}:` wants NAME=value")
        target = entry.env if key == "env" else entry.secrets
        target[match.group(1)] = match.group(2)
    elif key == "expect-diagnostic":
        entry.expect.append(value.strip())
    elif key == "args":
        entry.args.extend(shlex.split(value))
    elif key == "line-endings":
        if value.strip() not in ("crlf", "lf"):
            raise CorpusError(f"{where}: line-endings is crlf or lf")
        entry.crlf = value.strip() == "crlf"


def parse_corpus_file(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    current: Entry | None = None
    body: list[str] = []
    in_header = False

    def finish() -> None:
        if current is None:
            return
        while body and not body[-1].strip():
            body.pop()
        if not body:
            raise CorpusError(f"{current.where}: entry {current.id!r} has no command")
        current.command = "\n".join(body) + "\n"
        entries.append(current)

    for lineno, line in enumerate(path.read_text("utf-8").split("\n"), 1):
        where = f"{path.name}:{lineno}"
        if line.startswith("###"):
            finish()
            entry_id = line[3:].strip()
            if not _ID.match(entry_id):
                raise CorpusError(f"{where}: bad entry id {entry_id!r}")
            current, body, in_header = Entry(entry_id, where, ""), [], True
            continue
        if current is None:
            continue  # file notes before the first entry
        if in_header and line.startswith("#"):
            match = _DIRECTIVE.match(line)
            if match and match.group(1) in DIRECTIVES:
                _apply_directive(current, match.group(1), match.group(2), where)
            elif match and " " not in match.group(1):
                raise CorpusError(f"{where}: unknown directive {match.group(1)!r}")
            continue  # otherwise a note
        if in_header and not line.strip() and not body:
            continue
        in_header = False
        body.append(line)
    finish()
    return entries


def load_corpus(directory: Path = CORPUS_DIR) -> list[Entry]:
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.sh")):
        for entry in parse_corpus_file(path):
            if entry.id in seen:
                raise CorpusError(f"{entry.where}: id {entry.id!r} already used at {seen[entry.id]}")
            seen[entry.id] = entry.where
            entries.append(entry)
    return entries


ENTRIES = load_corpus()
ENTRY_IDS = [e.id for e in ENTRIES]

# -- running curl ------------------------------------------------------------------

# `-q` (must come first) ignores any ~/.curlrc; `--connect-to ::127.0.0.1:PORT`
# sends every host and port to the echo server; `-k` accepts its certificate.
_CURL_FUNCTION = (
    'curl() {{ command curl -q --connect-to ::127.0.0.1:{port} -k -sS -o /dev/null '
    '--max-time 10 "$@"; }}\n'
)


@dataclass
class CurlRun:
    returncode: int
    stderr: str
    requests: list[RecordedRequest]


def run_curl(server: EchoServer, script: str, env: dict[str, str], cwd: Path) -> CurlRun:
    """Run bash text in which `curl` goes to the echo server; return what it sent."""
    server.clear()
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd),
                "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", **env}
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", _CURL_FUNCTION.format(port=server.port) + script],
        cwd=cwd, env=full_env, stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
    )
    return CurlRun(proc.returncode, proc.stderr.decode("utf-8", "replace"), server.requests())


def curl_version() -> str:
    out = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout
    return out.split()[1] if out else "?"


@pytest.fixture(scope="session")
def workspace(tmp_path_factory) -> Path:
    """A copy of fixtures/corpus/files where entries are written and run.

    The converter reads @files only inside the input's own directory, so each
    entry file must sit beside the data files it names.
    """
    ws = tmp_path_factory.mktemp("corpus-ws")
    shutil.copytree(FILES_DIR, ws, dirs_exist_ok=True)
    return ws


_ORIGINAL: dict[str, CurlRun] = {}


def original_run(entry: Entry, server: EchoServer, ws: Path) -> CurlRun:
    # bash runs the LF form: with CRLF, `\` would escape the CR, not the newline.
    if entry.id not in _ORIGINAL:
        _ORIGINAL[entry.id] = run_curl(server, entry.command, entry.env, ws)
    return _ORIGINAL[entry.id]


# -- running the converter ------------------------------------------------------------

def _converter_import_error() -> str | None:
    try:
        import converter.cli  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return f"{type(exc).__name__}: {exc}"
    return None


CONVERTER_MISSING = _converter_import_error()
needs_converter = pytest.mark.skipif(
    CONVERTER_MISSING is not None,
    reason=f"converter.cli is not importable yet ({CONVERTER_MISSING})",
)


def run_cli(args: list[str]) -> tuple[int, bytes, str]:
    """(exit status, stdout bytes, stderr text) of `python -m converter ARGS`."""
    from converter import cli

    if os.environ.get("DIFFERENTIAL_CLI") == "subprocess":
        proc = subprocess.run([sys.executable, "-m", "converter", *args], cwd=ROOT,
                              capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
        return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")
    from click.testing import CliRunner

    result = CliRunner().invoke(cli.cli, args, catch_exceptions=True)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(*result.exc_info))
        stderr += "\n[traceback, last lines] " + trace[-2500:]
    return result.exit_code, result.stdout_bytes, stderr


_CONVERTED: dict[str, tuple[int, bytes, str]] = {}


def convert_entry(entry: Entry, ws: Path) -> tuple[int, bytes, str]:
    if entry.id not in _CONVERTED:
        src = ws / f"entry-{entry.id}.sh"
        src.write_bytes(entry.converter_text())
        _CONVERTED[entry.id] = run_cli(["convert", str(src), *entry.args])
    return _CONVERTED[entry.id]


def fail(entry: Entry, message: str) -> None:
    """Fail with a masked message (pytest's assertion rewriting would show raw values)."""
    pytest.fail(mask(message, entry), pytrace=False)


def auth_query_keys(bundle: bytes) -> list[str]:
    """The connectors' `param_auth` parameter names: the platform places those."""
    try:
        doc = yaml.safe_load(bundle) or {}
    except yaml.YAMLError:
        return []
    keys = []
    for connector in doc.get("connectors") or []:
        auth = connector.get("api_key_auth") or {}
        if auth.get("auth_type") == "param_auth" and auth.get("param_auth_param_name"):
            keys.append(str(auth["param_auth_param_name"]))
    return keys


def mask(text: str, entry: Entry) -> str:
    """Failure messages name secrets, never show them (longest values first)."""
    for name, value in sorted(entry.known_values().items(), key=lambda kv: -len(kv[1])):
        if len(value) >= 4:
            text = text.replace(value, f"‹{name}›")
    return text


_PLACEHOLDER = re.compile(r"<<([A-Z][A-Z0-9_]*)>>")
# Values that FORMAT.md says must be replaced wherever they appear.
_TOKEN_FORMAT = re.compile(
    r"^(sk-(proj-|ant-)?[A-Za-z0-9_-]{20,}|sk_(test|live)_[A-Za-z0-9]{16,}|ghp_[A-Za-z0-9]{36}"
    r"|xox[abp]-[A-Za-z0-9-]{10,}|AIza[A-Za-z0-9_-]{35}|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$"
)

# -- the summary ---------------------------------------------------------------------

SELF_RESULTS: dict[str, bool] = {}
DIFF_RESULTS: dict[str, str] = {}  # id -> identical | identical-strict | diagnostic | different | error


class _SummaryPlugin:
    def pytest_terminal_summary(self, terminalreporter) -> None:
        write = terminalreporter.write_line
        if SELF_RESULTS:
            ok = sum(SELF_RESULTS.values())
            write(f"self-check: {ok}/{len(SELF_RESULTS)} corpus commands accepted by "
                  f"curl {curl_version()} and reproducible")
        if CONVERTER_MISSING is not None:
            write(f"differential: not run, converter.cli is not importable ({CONVERTER_MISSING})")
        elif DIFF_RESULTS:
            values = list(DIFF_RESULTS.values())
            strict = values.count("identical-strict")
            same = values.count("identical") + strict
            write(f"differential: {same}/{len(values)} identical ({strict} also in header order), "
                  f"{values.count('diagnostic')} with named diagnostics, "
                  f"{values.count('different')} different, {values.count('error')} converter errors")


@pytest.fixture(scope="module", autouse=True)
def _summary(request):
    manager = request.config.pluginmanager
    if not manager.has_plugin("differential-summary"):
        manager.register(_SummaryPlugin(), "differential-summary")


# -- corpus sanity ---------------------------------------------------------------------

def _all_words() -> set[str]:
    words: set[str] = set()
    for entry in ENTRIES:
        lexer = shlex.shlex(entry.command.replace("\\\n", " "), posix=True, punctuation_chars=False)
        lexer.whitespace_split = True
        lexer.commenters = ""
        try:
            words.update(lexer)
        except ValueError:
            pass  # $'…' confuses shlex; those entries are covered by substrings below
    return words


REQUIRED_OPTIONS = [
    "-X", "--request", "-H", "--header", "-d", "--data", "--data-raw", "--data-binary",
    "--data-ascii", "--data-urlencode", "--json", "-F", "--form", "--form-string", "-G",
    "--get", "-u", "--user", "--basic", "--oauth2-bearer", "-A", "--user-agent", "-e",
    "--referer", "-b", "--cookie", "--url", "--url-query", "-I", "--head", "-T",
    "--upload-file", "--digest", "--ntlm", "--aws-sigv4", "--", "-g",
]
REQUIRED_SPELLINGS = [
    "$'", "\\\n", "-XPOST", "-H'", "-dfoo", "-sSL", "-sSX POST", "--data-bin ", "${",
    "'X-Empty;'", "@note.txt", "'msg@note.txt'", "--data-urlencode '=", "--url-query '+", ";type=",
    ";filename=", "-G ", "https://frank:", ":8443/", "http://", "?expand&", "tag=red&tag=",
]


def test_corpus_is_large_and_well_formed():
    assert len(ENTRIES) >= MIN_ENTRIES
    assert len(set(ENTRY_IDS)) == len(ENTRY_IDS)
    # A checkout that rewrote line ends would silently weaken the -d @file cases.
    assert b"\r\n" in (FILES_DIR / "crlf.txt").read_bytes()
    codes = {c for e in ENTRIES for c in e.expect}
    assert {"unsupported-auth", "multiple-urls", "unsupported-method"} <= codes
    assert any(e.crlf for e in ENTRIES) and any(e.env for e in ENTRIES)
    assert any(e.secrets for e in ENTRIES) and any("--read-files" in e.args for e in ENTRIES)


def test_corpus_covers_request_shaping_options():
    words = _all_words()
    missing = [o for o in REQUIRED_OPTIONS if o not in words]
    text = "".join(e.command for e in ENTRIES)
    missing += [s for s in REQUIRED_SPELLINGS if s not in text]
    assert not missing


def test_corpus_parser_rejects_typos(tmp_path):
    (tmp_path / "a.sh").write_text("### one\n# expect-diagnostics: x\ncurl https://a.example.com\n")
    with pytest.raises(CorpusError, match="unknown directive"):
        load_corpus(tmp_path)
    (tmp_path / "a.sh").write_text("### one\ncurl a\n### one\ncurl b\n")
    with pytest.raises(CorpusError, match="already used"):
        load_corpus(tmp_path)


def test_corpus_parser_reads_directives(tmp_path):
    (tmp_path / "a.sh").write_text(
        "notes\n### x-1\n# env: A=1=2\n# secret: B=\n# why this case\n# args: --read-files\n"
        "# line-endings: crlf\n\ncurl \\\n  -d a https://a.example.com\n\n### x-2\ncurl b\n")
    first, second = load_corpus(tmp_path)
    assert (first.id, first.env, first.secrets, first.args) == ("x-1", {"A": "1=2"}, {"B": ""}, ["--read-files"])
    assert first.command == "curl \\\n  -d a https://a.example.com\n"
    assert first.converter_text() == b"curl \\\r\n  -d a https://a.example.com\r\n"
    assert (second.command, second.crlf) == ("curl b\n", False)


# -- the echo server and the comparison ----------------------------------------------------

def _raw_exchange(server: EchoServer, chunks: list[bytes], tls: bool = False) -> bytes:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        sock = ctx.wrap_socket(sock, server_hostname="api.example.com")
    with sock:
        received = b""
        for chunk in chunks:
            sock.sendall(chunk)
            if chunk.endswith(b"\r\n\r\n") and b"100-continue" in chunk:
                received += sock.recv(100)  # wait for the interim response
        while data := sock.recv(4096):
            received += data
    return received


def test_echo_server_records_chunked_body_and_expect(echo_server):
    echo_server.clear()
    head = (b"POST /up?a=1&b HTTP/1.1\r\nHost: x.example.com\r\nX-Two:  spaced \r\nX-Empty:\r\n"
            b"Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n")
    reply = _raw_exchange(echo_server, [head, b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nT: x\r\n\r\n"])
    assert reply.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")
    (req,) = echo_server.requests()
    assert (req.method, req.target, req.body, req.tls) == ("POST", "/up?a=1&b", b"hello world", False)
    assert req.headers[1:3] == [("X-Two", "spaced "), ("X-Empty", "")]


def test_echo_server_speaks_tls_on_the_same_port(echo_server):
    echo_server.clear()
    reply = _raw_exchange(echo_server, [b"PUT /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"], tls=True)
    assert reply.endswith(b"\r\n\r\nok\n")
    (req,) = echo_server.requests()
    assert (req.method, req.body, req.tls) == ("PUT", b"abc", True)


def _req(target="/", headers=(), body=b"", tls=True, method="GET"):
    return RecordedRequest(method, target, "HTTP/1.1", list(headers), body, tls)


def test_compare_normalizes_boundary_query_and_host():
    a = _req("/a%7E?q=caf%C3%A9&x&y=", [("Host", "API.example.com:443"),
             ("Content-Type", "multipart/form-data; boundary=----abc123")], b"------abc123\r\nx")
    b = _req("/a~?q=café&x&y=", [("host", "api.example.com"),
             ("content-type", "multipart/form-data; boundary=----zz9")], b"------zz9\r\nx")
    assert compare_requests(a, b) == []
    assert normalize_request(a)["query"] == [("q", "café"), ("x", None), ("y", "")]
    assert compare_requests(_req("/?q=a+b"), _req("/?q=a%20b")) == [
        "query: expected [('q', 'a+b')], got [('q', 'a b')]"]
    assert compare_requests(_req(tls=True), _req(tls=False))[0].startswith("scheme:")
    assert compare_requests(_req("/p?"), _req("/p")) == []


def test_compare_curl_defaults_and_movable_auth_param():
    plain = _req("/w?q=1&key=k", [("User-Agent", "curl/7.88.1"), ("Accept", "*/*")])
    bare = _req("/w?key=k&q=1")
    assert compare_requests(plain, bare, movable_query_keys=["key"]) == []
    assert compare_requests(plain, bare) == [
        "query: expected [('q', '1'), ('key', 'k')], got [('key', 'k'), ('q', '1')]"]
    assert compare_requests(plain, bare, movable_query_keys=["key"], ignore_curl_defaults=False) != []
    assert compare_requests(_req("/w?key=a"), _req("/w?key=b"), movable_query_keys=["key"]) == [
        "query (auth parameters): expected [('key', 'a')], got [('key', 'b')]"]
    assert compare_requests(_req(headers=[("User-Agent", "")]), _req()) == [
        "header user-agent: expected [''], got None"]


def test_compare_header_order_semantic_vs_strict():
    a = _req(headers=[("Authorization", "Bearer t"), ("User-Agent", "u"), ("X-A", "1"), ("X-A", "2")])
    b = _req(headers=[("User-Agent", "u"), ("X-A", "1"), ("authorization", "Bearer t"), ("X-A", "2")])
    assert compare_requests(a, b) == []
    assert compare_requests(a, b, header_order="strict") != []
    c = _req(headers=[("User-Agent", "u"), ("X-A", "2"), ("X-A", "1"), ("Authorization", "Bearer t")])
    assert compare_requests(a, c) == ["header x-a: expected ['1', '2'], got ['2', '1']"]
    assert compare_request_lists([a], [a, a]) == ["request count: expected 1, got 2"]


# -- the corpus against curl ---------------------------------------------------------------

@pytest.mark.parametrize("entry", ENTRIES, ids=ENTRY_IDS)
def test_self_check(entry, echo_server, workspace):
    """The judge itself: curl accepts the command and sends the same request twice."""
    SELF_RESULTS[entry.id] = False
    first = original_run(entry, echo_server, workspace)
    second = run_curl(echo_server, entry.command, entry.env, workspace)
    for run in (first, second):
        if run.returncode != 0:
            fail(entry, f"curl exit {run.returncode}: {run.stderr}")
    assert first.requests, "curl sent nothing"
    if not entry.expect:
        # Named-diagnostic cases may be time-dependent (--aws-sigv4 signs a timestamp).
        assert len(first.requests) == 1
        diffs = compare_request_lists(first.requests, second.requests, header_order="strict",
                                      ignore_curl_defaults=False)
        if diffs:
            fail(entry, "\n".join(diffs))
    SELF_RESULTS[entry.id] = True


@needs_converter
@pytest.mark.parametrize("entry", ENTRIES, ids=ENTRY_IDS)
def test_differential(entry, echo_server, workspace):
    DIFF_RESULTS[entry.id] = "error"
    status, bundle, stderr = convert_entry(entry, workspace)
    if entry.expect:
        missing = [c for c in entry.expect if f"[{c}]" not in stderr]
        if status not in (0, 3) or missing:
            fail(entry, f"convert exit {status}, diagnostics not named: {missing}\n{stderr}")
        DIFF_RESULTS[entry.id] = "diagnostic"
        return
    if status != 0:
        fail(entry, f"convert exit {status}\n{stderr}")
    bundle_path = workspace / f"entry-{entry.id}.bundle.yaml"
    bundle_path.write_bytes(bundle)
    status, command, stderr = run_cli(["to-curl", str(bundle_path)])
    if status != 0:
        fail(entry, f"to-curl exit {status}\n{stderr}")
    command_text = command.decode("utf-8")

    original = original_run(entry, echo_server, workspace)
    assert original.returncode == 0, "the original command fails with curl (see test_self_check)"
    values = entry.known_values()
    replayed = run_curl(echo_server, command_text, values, workspace)
    unknown = sorted(set(_PLACEHOLDER.findall(bundle.decode("utf-8", "replace"))) - set(values))
    context = (f"\nto-curl printed:\n{command_text}\nplaceholders without a `# secret:` "
               f"value in the corpus: {unknown}\ncurl exit {replayed.returncode}: {replayed.stderr}")
    DIFF_RESULTS[entry.id] = "different"
    if replayed.returncode != 0:
        fail(entry, context)
    movable = auth_query_keys(bundle)
    diffs = compare_request_lists(original.requests, replayed.requests, movable_query_keys=movable)
    if diffs:
        fail(entry, "\n".join(diffs) + context)
    strict = not compare_request_lists(original.requests, replayed.requests, header_order="strict",
                                       movable_query_keys=movable)
    DIFF_RESULTS[entry.id] = "identical-strict" if strict else "identical"


TOKEN_ENTRIES = [e for e in ENTRIES if any(_TOKEN_FORMAT.match(v) for v in e.secrets.values())]


@needs_converter
@pytest.mark.parametrize("entry", TOKEN_ENTRIES, ids=[e.id for e in TOKEN_ENTRIES])
def test_known_token_formats_never_reach_the_output(entry, workspace):
    """FORMAT.md: a value matching a known token format is replaced wherever it appears."""
    _, bundle, stderr = convert_entry(entry, workspace)
    leaked = [name for name, value in entry.secrets.items()
              if _TOKEN_FORMAT.match(value) and (value.encode() in bundle or value in stderr)]
    assert not leaked

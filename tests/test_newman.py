"""Postman fidelity: newman (the Postman runtime) judges what a converted collection sends.

For every case of fixtures/postman/<case>/ (collection.json, optional environment.json
or globals.json, meta.json, data files):

1. newman runs the collection against the loopback echo server and the requests are
   recorded, in item order;
2. the collection is converted, each action is rendered with ``to-curl`` (placeholders
   filled with the original secret values, so credentials are compared too; input
   arguments from their example values) and run with the real curl;
3. the two requests of every item are compared: method, scheme, host, path, query
   pairs, headers, body bytes (multipart boundary normalised).  An item listed in
   meta.json ``expect`` must instead carry those diagnostics; an item whose conversion
   failed must have an error diagnostic listed there.

How newman reaches the echo server: a ``--require`` preload (``_REDIRECT_JS``) sends
every TCP connection to 127.0.0.1:PORT while the URL, the Host header and the TLS
server name stay the collection's own.  Rewriting the URLs instead would change what
is compared (Host, ports, variables that hold the base URL); curl gets the same
treatment with ``--connect-to ::127.0.0.1:PORT``.

Headers left out of the comparison, each for a reason:

- ``User-Agent``: ``PostmanRuntime/…`` vs ``curl/…`` (a user-set value is compared);
- ``Postman-Token``: a random id newman adds to every request;
- ``Cache-Control: no-cache``, ``Accept-Encoding: gzip, deflate, br`` and
  ``Connection: keep-alive``: newman's transport defaults, only when newman sent them
  with exactly these values (a value the collection sets is compared);
- ``Host`` and ``Content-Length`` (echo_server's defaults): the authority is compared
  as ``host``, and the length follows from the body, which is compared byte for byte.

``Accept`` is compared: both newman and curl send ``*/*`` unless the request sets one.

Query parameters are compared per name, in order within a name, like headers (RFC 9110
semantics do not apply to queries, but no API reads meaning into the order of
*different* names): a credential that becomes the connector's ``param_auth`` is sent
last, while a hand-written ``?access_token=…&channel=…`` had it first.

One input difference: newman 6 ignores ``"enabled": false`` in environment files (its
variable lists only know ``disabled``), while the Postman app, and the converter, leave
such entries out.  The harness hands newman a copy without the disabled entries.

Skipped with a clear reason when ``node_modules/.bin/newman`` is missing: run
``npm ci`` at the repository root (package.json pins newman).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from converter import model
from converter.emit import Emitter
from converter.postman import PostmanLoader
from converter.postman_input import PATH_KEY, json_path, v1_to_v2
from converter.to_curl import render_action
from tests.echo_server import EchoServer, RecordedRequest, compare_requests

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "postman"
NEWMAN = ROOT / "node_modules" / ".bin" / "newman"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "collection.json").is_file()) if CORPUS.is_dir() else []

_REDIRECT_JS = """\
// tests/test_newman.py: every outgoing TCP connection goes to the echo server.
const net = require('net');
const port = Number(process.env.ECHO_PORT);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const opts = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (opts && typeof opts === 'object') {
    opts.host = '127.0.0.1'; opts.port = port; delete opts.path; delete opts.lookup;
  }
  return connect.apply(this, args);
};
"""

# Header lines newman adds by itself, with the values it uses (see the docstring).
_NEWMAN_DEFAULTS = {"cache-control": "no-cache", "accept-encoding": "gzip, deflate, br", "connection": "keep-alive"}


def _strip_defaults(req: RecordedRequest, newman: bool) -> RecordedRequest:
    headers = []
    for name, value in req.headers:
        low = name.lower()
        if low == "postman-token" and newman:
            continue
        if low == "user-agent" and value.startswith(("PostmanRuntime/", "curl/")):
            continue
        if newman and _NEWMAN_DEFAULTS.get(low) == value:
            continue
        headers.append((name, value))
    path, sep, query = req.target.partition("?")
    if sep:
        pairs = sorted(query.split("&"), key=lambda p: p.partition("=")[0])  # stable: order within a name kept
        path = f"{path}?{'&'.join(pairs)}"
    return RecordedRequest(req.method, path, req.version, headers, req.body, req.tls)


class Case:
    def __init__(self, name: str):
        self.dir = CORPUS / name
        self.text = (self.dir / "collection.json").read_text("utf-8")
        self.meta = json.loads((self.dir / "meta.json").read_text("utf-8")) if (self.dir / "meta.json").exists() else {}
        self.env_file = next((self.dir / f for f in ("environment.json", "globals.json") if (self.dir / f).exists()), None)
        self.env_text = self.env_file.read_text("utf-8") if self.env_file else None

    def items(self) -> list[str]:
        """JSON paths of the requests in the order newman runs them (depth first; v1: folders first)."""
        doc = json.loads(self.text)
        out: list[str] = []
        if "requests" in doc and "item" not in doc:
            doc = v1_to_v2(doc)

        def walk(items, path):
            for i, item in enumerate(items):
                here = tuple(item[PATH_KEY]) if PATH_KEY in item else path + (i,)
                if isinstance(item.get("item"), list):
                    walk(item["item"], here + ("item",))
                else:
                    out.append(json_path(here))

        walk(doc["item"], ("item",))
        return out


def _newman_requests(case: Case, server: EchoServer, redirect: Path) -> list[RecordedRequest]:
    cmd = [str(NEWMAN), "run", str(case.dir / "collection.json"), "--insecure", "--silent",
           "--working-dir", str(case.dir), "--timeout-request", "10000"]
    if case.env_file is not None:
        env_doc = json.loads(case.env_text)
        env_doc["values"] = [v for v in env_doc.get("values", []) if v.get("enabled") is not False]
        env_copy = redirect.parent / f"{case.dir.name}-{case.env_file.name}"
        env_copy.write_text(json.dumps(env_doc), "utf-8")
        cmd += ["-g" if case.env_file.name == "globals.json" else "-e", str(env_copy)]
    for key, value in case.meta.get("vars", {}).items():
        cmd += ["--env-var", f"{key}={value}"]
    # No proxy: newman honours *_proxy variables, and the echo server speaks neither CONNECT nor absolute-form.
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(ECHO_PORT=str(server.port), NODE_OPTIONS=f"--require {redirect}")
    server.clear()
    proc = subprocess.run(cmd, cwd=case.dir, env=env, capture_output=True, text=True, timeout=120)
    requests = server.requests()
    assert not server.errors, server.errors
    assert requests or proc.returncode == 0, f"newman sent nothing: {proc.stdout[-2000:]} {proc.stderr[-2000:]}"
    return [_strip_defaults(r, newman=True) for r in requests]


def _curl_requests(case: Case, server, commands: list[str], secrets: dict[str, str]) -> list[RecordedRequest]:
    opts = f"curl -sS -o /dev/null -k --connect-to ::127.0.0.1:{server.port} "
    script = "set -e\n" + "\n".join(re.sub(r"^curl ", opts, c, flags=re.M) for c in commands) + "\n"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **secrets}
    server.clear()
    proc = subprocess.run(["bash", "-c", script], cwd=case.dir, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"curl failed: {proc.stderr[-2000:]}"
    assert not server.errors, server.errors
    return [_strip_defaults(r, newman=False) for r in server.requests()]


def _starts(message: str, path: str) -> bool:
    return message.startswith(path + ":") or message.startswith(path + " (")


@pytest.fixture(scope="session")
def newman_runs(tmp_path_factory) -> dict[str, Future]:
    """newman for every case, two to four at a time, each against its own echo server (newman
    takes ~1 s to start and ~35 ms per request: run one after the other, the corpus
    would take most of the time budget)."""
    if not NEWMAN.exists():
        return {}
    redirect = tmp_path_factory.mktemp("newman") / "redirect.js"
    redirect.write_text(_REDIRECT_JS, "utf-8")

    def run(name: str) -> list[RecordedRequest]:
        with EchoServer() as server:
            return _newman_requests(Case(name), server, redirect)

    pool = ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2)))
    # The largest collection first: it is the one that sets the wall time.
    order = sorted(CASES, key=lambda n: -(CORPUS / n / "collection.json").stat().st_size)
    futures = {name: pool.submit(run, name) for name in order}
    pool.shutdown(wait=False)
    return futures


@pytest.mark.skipif(not NEWMAN.exists(), reason="newman is not installed: run `npm ci` at the repository root")
@pytest.mark.parametrize("name", CASES)
def test_collection_matches_newman(name, echo_server, newman_runs):
    case = Case(name)
    loader = PostmanLoader(case.text, "collection.json", environment=case.env_text,
                           variables=case.meta.get("vars"))
    requests = loader.load()
    errors = [d for d in loader.diagnostics if d.severity == "error"]
    expect: dict[str, list[str]] = case.meta.get("expect", {})

    items = case.items()
    assert set(expect) <= set(items), f"meta.json names unknown items: {sorted(set(expect) - set(items))}"
    skipped = [p for p in items if any(_starts(d.message, p) for d in errors)]
    kept = [p for p in items if p not in skipped]
    assert len(kept) == len(requests), (kept, len(requests))
    for path in skipped:
        assert path in expect, f"{path}: not converted ({[d.code for d in errors if _starts(d.message, path)]})"

    em = Emitter()
    actions = {}
    for path, req in zip(kept, requests):
        actions[path] = em.add(req)
    connectors = {c["name"]: c for c in em.connectors}
    for path, codes in expect.items():
        found = {d.code for d in loader.diagnostics + em.diagnostics if _starts(d.message, path)}
        assert set(codes) <= found, f"{path}: expected {codes}, got {sorted(found)}"

    secrets = {ph: value for value, ph in em.ph.by_secret.items()}
    for ph in loader.placeholder_vars:
        value = loader.secret_value(ph)
        if value is not None:
            secrets[ph] = value
    secrets.update(case.meta.get("env", {}))

    compared = [p for p in items if p not in expect]
    commands = [render_action(connectors[actions[p]["connector"]], actions[p], {}) for p in compared]
    newman = newman_runs[name].result(timeout=300)
    assert len(newman) == len(items), f"newman sent {len(newman)} requests for {len(items)} items"
    by_item = dict(zip(items, newman))
    curl = _curl_requests(case, echo_server, commands, secrets)
    assert len(curl) == len(compared)
    diffs = []
    for path, got in zip(compared, curl):
        for d in compare_requests(by_item[path], got):
            diffs.append(f"{path} ({actions[path]['name']}): {d}")
    assert not diffs, "\n".join(diffs)
    # Nothing placeholder-shaped leaked into a command as a literal token mark.
    assert not any(model.MARK_OPEN in c for c in commands)

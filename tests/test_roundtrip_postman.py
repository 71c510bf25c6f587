"""Round trips on the loopback echo server (tests/echo_server.py).

(a) curl → ``python -m converter convert`` → :func:`converter.to_postman.to_postman` →
    newman must send the same request as the original curl command.
(b) ``run`` (:mod:`converter.runner`, over HTTPS to the echo server's self-signed
    certificate) must send the same request as ``to-curl``'s command run with the
    real curl, for every action of fixtures/cases/*/expected.yaml.

"The same request" is tests.echo_server.compare_requests (method, scheme, host,
path, query pairs, headers per name, body bytes with the multipart boundary
normalised), minus each client's own defaults, which the definitions do not say:

- newman: ``User-Agent: PostmanRuntime/…``, ``Postman-Token``, and ``Cache-Control:
  no-cache``, ``Accept-Encoding: gzip, deflate, br``, ``Connection: keep-alive``
  when they carry exactly these values;
- the runner: ``User-Agent: curl2connector/…`` (curl's ``curl/…`` and ``Accept: */*``
  are dropped by compare_requests itself; the runner sends the same ``Accept``).

Both sides keep the real hosts: curl gets ``--connect-to ::127.0.0.1:PORT``, newman a
``--require`` preload that sends every socket to the echo server; for (b) the base
URLs are pointed at ``https://127.0.0.1:PORT`` on both sides.  (a) is skipped when
``node_modules/.bin/newman`` is missing (``npm ci`` installs it).
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from converter.errors import ConverterError
from converter.to_curl import load_definitions, render_action
from converter.to_postman import to_postman
from tests.echo_server import RecordedRequest, compare_requests

ROOT = Path(__file__).resolve().parent.parent
NEWMAN = ROOT / "node_modules" / ".bin" / "newman"
CASES_DIR = ROOT / "fixtures" / "cases"
CORPUS_DIR = ROOT / "fixtures" / "corpus"

_PRELOAD_JS = """\
// Every TCP connection of this process goes to 127.0.0.1:$ECHO_PORT; URLs, Host
// headers and TLS server names stay as the collection has them.
const net = require('net');
const port = Number(process.env.ECHO_PORT);
const original = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (options && typeof options === 'object') {
    options.host = '127.0.0.1';
    options.port = port;
    delete options.path;
    delete options.lookup;
  }
  return original.apply(this, args);
};
"""
_NEWMAN_DEFAULTS = {"cache-control": "no-cache", "accept-encoding": "gzip, deflate, br", "connection": "keep-alive"}
_OWN_AGENTS = ("PostmanRuntime/", "curl/", "curl2connector/")


def strip_client_defaults(req: RecordedRequest) -> RecordedRequest:
    headers = []
    for name, value in req.headers:
        low = name.lower()
        if low == "postman-token" or (low == "user-agent" and value.startswith(_OWN_AGENTS)):
            continue
        if _NEWMAN_DEFAULTS.get(low) == value:
            continue
        headers.append((name, value))
    return RecordedRequest(req.method, req.target, req.version, headers, req.body, req.tls)


def run_curl_script(server, script: str, env: dict[str, str], cwd: Path) -> list[RecordedRequest]:
    """bash text in which every `curl` goes to the echo server; the requests it sent."""
    prelude = f"curl() {{ command curl -q -sS -o /dev/null -k --max-time 10 --connect-to ::127.0.0.1:{server.port} \"$@\"; }}\n"
    server.clear()
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd), "LC_ALL": "C.UTF-8", **env}
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-c", prelude + script], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"curl failed: {proc.stderr[-2000:]}"
    assert not server.errors, server.errors
    return server.requests()


# --- (a) curl → definitions → Postman → newman -------------------------------------------------
#
# id, curl command, values: every shell variable, literal secret (by the placeholder the
# converter gives it) and template argument ({{name}} in the command) with its value.
# An argument's value is substituted into the original command before curl runs it,
# which is what the definition's {{{name}}} means.

FILES = {
    "mydata.jsonl": b'{"prompt": "a", "completion": "b"}\n{"prompt": "c", "completion": "d"}\n',
    "invoice.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    "photo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(40)),
    "notes.txt": "plain text, ünïcode\r\nsecond line\n".encode("utf-8"),
    "payload.bin": bytes(range(256)) * 4,
}

COMMANDS: list[tuple[str, str, dict[str, str]]] = [
    ("bearer-env-get", """curl https://api.openai.com/v1/models \\
  -H "Authorization: Bearer $OPENAI_API_KEY\"""", {"OPENAI_API_KEY": "sk-test-abcdefghijklmnopqrstuvwxyz0123456789ABCD"}),
    ("bearer-json-post", """curl https://api.mistral.ai/v1/chat/completions \\
  -H "Content-Type: application/json" -H "Accept: application/json" \\
  -H "Authorization: Bearer $MISTRAL_API_KEY" \\
  -d '{"model": "mistral-small-latest", "messages": [{"role": "user", "content": "Héllo \\"there\\""}]}'""",
     {"MISTRAL_API_KEY": "mistral0123456789abcdefghijklmn"}),
    ("header-key-json", """curl https://api.anthropic.com/v1/messages \\
  --header "x-api-key: $ANTHROPIC_API_KEY" \\
  --header "anthropic-version: 2023-06-01" \\
  --header "content-type: application/json" \\
  --data '{"model": "claude-sonnet-4-5", "max_tokens": 1024, "messages": [{"role": "user", "content": "Hello"}]}'""",
     {"ANTHROPIC_API_KEY": "sk-ant-api03-" + "x" * 40}),
    ("token-pattern", """curl -H "Authorization: Token token=$PAGERDUTY_TOKEN" \\
  -H "Accept: application/vnd.pagerduty+json;version=2" \\
  "https://api.pagerduty.com/incidents?statuses[]=triggered&statuses[]=acknowledged&limit=25" -g""",
     {"PAGERDUTY_TOKEN": "y_NbAkKc66ryYTWUXYEu"}),
    ("lowercase-bearer", """curl --request POST --url https://api.cohere.com/v2/chat \\
  --header 'accept: application/json' --header 'content-type: application/json' \\
  --header "Authorization: bearer $CO_API_KEY" \\
  --data '{"model": "command-r", "messages": []}'""", {"CO_API_KEY": "co-0123456789abcdefghij0123456789"}),
    ("param-auth-middle", """curl --request POST \\
  --url "https://api.trello.com/1/cards?idList=5abbe4b7ddc1b351ef961414&key=$TRELLO_KEY&token=$TRELLO_TOKEN&name=Fix%20login%20bug&pos=top" \\
  --header 'Accept: application/json'""",
     {"TRELLO_KEY": "7d41735f9e6cf302b30f4795981d943d", "TRELLO_TOKEN": "ATTA578473a6003a6183082e57a3f8d96e5712611ab"}),
    ("param-auth-literal", """curl "https://maps.googleapis.com/maps/api/geocode/json?address=1600+Amphitheatre+Parkway,+Mountain+View,+CA&key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY\"""",
     {"GOOGLEAPIS_API_KEY": "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"}),
    ("basic-user-repeated-query", """curl -u "$JIRA_USER:$JIRA_TOKEN" -H 'Accept: application/json' \\
  'https://acme.atlassian.net/rest/api/3/search?jql=project%20%3D%20HSP&fields=summary&fields=status&expand'""",
     {"JIRA_USER": "jsmith@acme-corp.com", "JIRA_TOKEN": "ATATT3xFfGF0hTmg89M9vdBX8JJ2ZapzoiPDEnUmiTYvv20w"}),
    ("basic-form-body", """curl https://api.stripe.com/v1/customers \\
  -u "$STRIPE_SECRET_KEY:" \\
  -d name="Jenny Rosen" \\
  --data-urlencode email=jenny.rosen@example.com \\
  -d "metadata[order_id]=6735\"""", {"STRIPE_SECRET_KEY": "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "STRIPE_PASSWORD": ""}),
    ("basic-header-literal", """curl -X GET 'https://acme.freshdesk.com/api/v2/tickets?per_page=5' \\
  -H 'Authorization: Basic ZnJlc2hfYWdlbnQ6czNjcjN0LXBhc3N3b3Jk' -H 'Accept: application/json'""",
     {"FRESHDESK_USERNAME": "fresh_agent", "FRESHDESK_PASSWORD": "s3cr3t-password"}),
    ("multipart-file", """curl https://api.openai.com/v1/files \\
  -H "Authorization: Bearer $OPENAI_API_KEY" \\
  -F purpose="fine-tune" \\
  -F file="@mydata.jsonl\"""", {"OPENAI_API_KEY": "sk-test-abcdefghijklmnopqrstuvwxyz0123456789ABCD"}),
    ("multipart-mixed-parts", """curl -s --user "api:$MAILGUN_API_KEY" \\
  https://api.mailgun.net/v3/sandbox1f2e3d4c5b6a.mailgun.org/messages \\
  -F from='Excited User <mailgun@sandbox1f2e3d4c5b6a.mailgun.org>' \\
  -F to=alice@example.com -F to=bob@example.com \\
  -F subject='Hello' \\
  --form-string html='<html><body><p>Hi @everyone</p></body></html>' \\
  -F attachment=@invoice.pdf -F inline=@photo.png -F notes=@notes.txt""",
     {"MAILGUN_USERNAME": "api", "MAILGUN_API_KEY": "50fc79bcd337fe9316783d4f72863811-e08f39a5-25ee5666"}),
    ("body-file-put", """curl -X PUT "https://storage.example.com/upload/v1/objects/data.bin" \\
  -H "X-Api-Key: $STORAGE_KEY" \\
  -H "Content-Type: application/octet-stream" \\
  --data-binary @payload.bin""", {"STORAGE_KEY": "stor-0123456789abcdef0123"}),
    ("delete-no-body", """curl -X DELETE "https://api.digitalocean.com/v2/droplets/3164494" \\
  -H "Authorization: Bearer $DIGITALOCEAN_TOKEN" -H "X-Request-Id: 42\"""",
     {"DIGITALOCEAN_TOKEN": "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}),
    ("template-args-patch", """curl --globoff -X PATCH 'https://acme.service-now.com/api/now/table/incident/{{sys_id}}?sysparm_fields={{fields}}&sysparm_display_value=true' \\
  -H 'Accept: application/json' -H 'Content-Type: application/json' \\
  -H 'Authorization: Bearer {{access_token}}' \\
  --data '{"short_description": "{{summary}}", "urgency": "2"}'""",
     # {{access_token}} is a credential, so a placeholder: filled under both names.
     {"ACCESS_TOKEN": "snow-token-0123456789abcdef", "access_token": "snow-token-0123456789abcdef", "sys_id": "9d385017c611228701d22104cc95c371",
      "fields": "number,short_description", "summary": "Printer on fire"}),
    ("body-without-type", """curl -X POST https://hooks.example.com/services/ingest \\
  -H "X-Signature: $HOOK_SIGNATURE" -H 'Content-Type:' \\
  --data-binary 'raw text body, no type'""", {"HOOK_SIGNATURE": "sig-0123456789abcdef0123"}),
]


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict:
    """All commands in one file, converted once by the command line; the collection exported."""
    work = tmp_path_factory.mktemp("roundtrip")
    for name, data in FILES.items():
        (work / name).write_bytes(data)
    (work / "input.sh").write_text("\n\n".join(cmd for _, cmd, _ in COMMANDS) + "\n", "utf-8")
    proc = subprocess.run([sys.executable, "-m", "converter", "convert", "input.sh"], cwd=work,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    bundle = yaml.safe_load(proc.stdout)
    assert len(bundle["actions"]) == len(COMMANDS), [a["name"] for a in bundle["actions"]]
    collection = to_postman(bundle["connectors"], bundle["actions"], name="roundtrip")
    (work / "collection.json").write_text(json.dumps(collection, indent=2), "utf-8")
    return {"work": work, "bundle": bundle, "collection": collection}


def _newman_order(collection: dict) -> list[str]:
    return [item["name"] for folder in collection["item"] for item in folder["item"]]


@pytest.fixture(scope="module")
def newman_requests(converted) -> dict[str, RecordedRequest]:
    """What newman sent for each request item, by action name (one newman run)."""
    from tests.echo_server import EchoServer

    work = converted["work"]
    preload = work / "preload.js"
    preload.write_text(_PRELOAD_JS, "utf-8")
    values: dict[str, str] = {}
    for _, _, v in COMMANDS:
        values.update(v)
    cmd = [str(NEWMAN), "run", str(work / "collection.json"), "--insecure", "--silent",
           "--working-dir", str(work), "--timeout-request", "10000"]
    for key, value in values.items():
        cmd += ["--env-var", f"{key}={value}"]
    with EchoServer() as server:
        env = {**os.environ, "ECHO_PORT": str(server.port), "NODE_OPTIONS": f"--require {preload}"}
        proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=180)
        sent = server.requests()
        assert not server.errors, server.errors
    order = _newman_order(converted["collection"])
    assert len(sent) == len(order), f"newman sent {len(sent)} of {len(order)}: {proc.stdout[-3000:]} {proc.stderr[-2000:]}"
    return dict(zip(order, sent))


def _movable(bundle: dict, action: dict) -> set[str]:
    conn = next(c for c in bundle["connectors"] if c["name"] == action["connector"])
    cfg = conn.get("api_key_auth") or {}
    return {cfg["param_auth_param_name"]} if cfg.get("auth_type") == "param_auth" else set()


@pytest.mark.skipif(not NEWMAN.exists(), reason="newman is not installed: run `npm ci` at the repository root")
@pytest.mark.parametrize("index", range(len(COMMANDS)), ids=[c[0] for c in COMMANDS])
def test_newman_sends_what_curl_sends(index, converted, newman_requests, echo_server):
    case_id, command, values = COMMANDS[index]
    action = converted["bundle"]["actions"][index]
    for name, value in values.items():  # template arguments: what {{{name}}} stands for
        command = command.replace("{{" + name + "}}", value)
    original = run_curl_script(echo_server, command, values, converted["work"])
    assert len(original) == 1
    diffs = compare_requests(strip_client_defaults(original[0]),
                             strip_client_defaults(newman_requests[action["name"]]),
                             movable_query_keys=_movable(converted["bundle"], action))
    assert not diffs, f"{case_id} ({action['name']}):\n" + "\n".join(diffs)


def test_collection_names_every_placeholder_and_argument(converted):
    variables = {v["key"]: v["value"] for v in converted["collection"]["variable"]}
    text = yaml.safe_dump(converted["bundle"])
    placeholders = set(re.findall(r"<<([A-Z][A-Z0-9_]*)>>", text))
    assert placeholders <= set(variables)
    assert all(variables[name] == "" for name in placeholders)
    for name in ("sys_id", "fields", "summary"):
        assert name in variables
    # No secret value of the inputs is in the export.
    dumped = json.dumps(converted["collection"])
    for _, _, vals in COMMANDS:
        for key, value in vals.items():
            if key.isupper() and len(value) >= 8:
                assert value not in dumped, key


# --- (b) run vs to-curl over HTTPS ---------------------------------------------------------------
#
# Sources of definitions: every fixtures/cases/*/expected.yaml, and every convertible entry of
# the curl corpus (fixtures/corpus, converted in-process), whose edge cases (odd headers,
# forms, file names, encodings) are where the runner could part from curl.  One bash run
# per group sends all of its to-curl commands; the runner then sends the same actions.


Group = tuple[str, list[dict], list[dict], dict[str, str]]  # label, connectors, actions, placeholder values


def _local(connector: dict, port: int) -> dict:
    """The connector pointed at the echo server, keeping any path prefix of its base URL."""
    m = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://[^/]*(.*)", connector["base_url"])
    return {**connector, "base_url": f"https://127.0.0.1:{port}" + (m.group(1) if m else "")}


def _fill_values(text: str, known: dict[str, str] | None = None) -> dict[str, str]:
    """A value for every placeholder: the known one, else a distinct made-up one."""
    names = sorted(set(re.findall(r"<<([A-Z][A-Z0-9_]*)>>", text)))
    return {n: (known or {}).get(n, f"value-of-{n.lower()}-0123456789") for n in names}


def _case_group(case: str) -> tuple[list[dict], list[dict], dict[str, str], Path]:
    path = CASES_DIR / case / "expected.yaml"
    connectors, actions = load_definitions(path)
    return connectors, actions, _fill_values(path.read_text("utf-8")), path.parent


def _corpus_group(corpus_file: str, workspace: Path) -> list[Group]:
    from converter.api import convert_text
    from tests.test_differential import parse_corpus_file

    out = []
    for entry in parse_corpus_file(CORPUS_DIR / corpus_file):
        if entry.expect:
            continue
        opts = {k: v for k, v in zip(entry.args, entry.args[1:]) if k in ("--base-url", "--shell")}
        try:
            result = convert_text(entry.converter_text().decode("utf-8"), base_dir=workspace,
                                  read_files="--read-files" in entry.args, base_url=opts.get("--base-url"),
                                  shell_kind=opts.get("--shell", "auto"))
        except ConverterError:
            continue
        text = yaml.safe_dump(result.bundle())
        out.append((entry.id, result.connectors, result.actions, _fill_values(text, entry.known_values())))
    return out


def _check_groups(server, groups: list[Group], base_dir: Path) -> tuple[list[str], int]:
    """Differences between to-curl + curl and the runner for every action of the groups
    (one bash run for all the curl commands, each in a subshell with its own values)."""
    from converter.runner import build_request, send

    ready, diffs, script = [], [], []
    for label, connectors, actions, env in groups:
        by_name = {c["name"]: _local(c, server.port) for c in connectors}
        for action in actions:
            connector = by_name[action["connector"]]
            args = {a["name"]: f"arg-{a['name']}" for a in action.get("input_args") or [] if "example_value" not in a}
            where = f"{label} {action['name']}"
            try:
                command = render_action(connector, action, args)
            except ConverterError as exc:  # to-curl refuses: the runner must refuse too
                try:
                    build_request(connector, action, args, env, base_dir=base_dir)
                    diffs.append(f"{where}: to-curl refuses ({exc.code}), the runner accepts")
                except ConverterError:
                    pass
                continue
            files = [p.get("file") for p in action.get("form_data") or [] if p.get("file")] + [action.get("body_file")]
            if any(f and not (base_dir / f).is_file() for f in files):
                continue  # the file the action sends is not there: nothing to compare
            ready.append((where, connector, action, args, env))
            exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
            script.append(f"( {'export ' + exports + '; ' if exports else ''}{command}\n)")
    by_curl = run_curl_script(server, "\n".join(script), {}, base_dir) if ready else []
    assert len(by_curl) == len(ready)
    for (where, connector, action, args, env), expected in zip(ready, by_curl):
        prepared = build_request(connector, action, args, env, base_dir=base_dir)
        server.clear()
        response = send(prepared, timeout=10, verify=False)
        got = server.requests()
        if response.status_code != 200 or response.body != b"ok\n" or len(got) != 1 or not got[0].tls:
            diffs.append(f"{where}: not one HTTPS request answered 200 ({response.status_code}, {len(got)})")
            continue
        diffs += [f"{where}: {d}" for d in compare_requests(strip_client_defaults(expected), strip_client_defaults(got[0]))]
    return diffs, len(ready)


CASE_NAMES = sorted(p.parent.name for p in CASES_DIR.glob("*/expected.yaml"))
CORPUS_FILES = sorted(p.name for p in CORPUS_DIR.glob("*.sh")) if CORPUS_DIR.is_dir() else []


@pytest.mark.parametrize("case", CASE_NAMES)
def test_run_sends_what_to_curl_sends_cases(case, echo_server):
    connectors, actions, env, base_dir = _case_group(case)
    diffs, compared = _check_groups(echo_server, [(case, connectors, actions, env)], base_dir)
    assert not diffs, "\n".join(diffs)


@pytest.fixture(scope="module")
def corpus_workspace(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("run-corpus")
    shutil.copytree(CORPUS_DIR / "files", ws, dirs_exist_ok=True)
    return ws


@pytest.mark.parametrize("corpus_file", CORPUS_FILES)
def test_run_sends_what_to_curl_sends_corpus(corpus_file, echo_server, corpus_workspace):
    diffs, total = _check_groups(echo_server, _corpus_group(corpus_file, corpus_workspace), corpus_workspace)
    assert not diffs, "\n".join(diffs)
    if corpus_file != "unsupported.sh":
        assert total > 0, "nothing was compared"

"""Big inputs through the CLI: wall time and peak memory of `convert FILE -o DIR`.

    python bench/bulk.py [--requests 10000] [--snippets 10000] [--keep] [--profile]

Generates, in a temporary directory, a Postman v2.1 collection of N requests and a
Markdown page with N curl snippets (both deterministic), then runs
`python -m converter convert FILE -o OUT` on each: read, detect, convert, validate every
document, write every file.  Wall time is measured around the child process; peak RSS is
the child's own (os.wait4).  The bytecode of the package is cached the way an installed
package has it (see bench/cli.py); `--no-bytecode` compiles from source on every run.

Every request differs (path, query or body), so nothing is de-duplicated away: the run
writes about N action files plus one file per connector.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

RESOURCES = ["users", "teams", "projects", "invoices", "orders", "items", "events", "files", "webhooks", "reports"]
# (folder auth, hosts): folders differ in auth and host, so runs get several connectors
FOLDER_AUTHS = [
    {"type": "bearer", "bearer": [{"key": "token", "value": "{{bigToken}}"}]},
    {"type": "apikey", "apikey": [{"key": "key", "value": "X-Api-Key"}, {"key": "value", "value": "{{bigKey}}"},
                                  {"key": "in", "value": "header"}]},
    {"type": "basic", "basic": [{"key": "username", "value": "{{bigUser}}"},
                                {"key": "password", "value": "{{bigPassword}}"}]},
    {"type": "noauth"},
]


def _request(i: int) -> dict:
    """The i-th request: one of five shapes, each with something unique to i."""
    res = RESOURCES[i % len(RESOURCES)]
    n = i // len(RESOURCES)
    shape = i % 5
    url_base = "{{baseUrl}}"
    if shape == 0:
        return {"method": "GET", "url": {
            "raw": f"{url_base}/{res}/v{n}?page={n}&per_page={{{{perPage}}}}", "host": [url_base],
            "path": [res, f"v{n}"], "query": [{"key": "page", "value": str(n)}, {"key": "per_page", "value": "{{perPage}}"}]}}
    if shape == 1:
        return {"method": "GET", "header": [{"key": "Accept", "value": "application/json"}], "url": {
            "raw": f"{url_base}/{res}/{n}/details/:id", "host": [url_base], "path": [res, str(n), "details", ":id"],
            "variable": [{"key": "id", "value": str(1000 + n)}]}}
    if shape == 2:
        body = json.dumps({"name": f"{res} {n}", "owner": "{{owner}}", "tags": ["a", "b"], "limit": n}, indent=2)
        return {"method": "POST", "header": [{"key": "Content-Type", "value": "application/json"}],
                "body": {"mode": "raw", "raw": body, "options": {"raw": {"language": "json"}}},
                "url": {"raw": f"{url_base}/{res}/batch{n}", "host": [url_base], "path": [res, f"batch{n}"]}}
    if shape == 3:
        return {"method": "PATCH", "body": {"mode": "urlencoded", "urlencoded": [
            {"key": "status", "value": "active"}, {"key": "note", "value": f"note {n}"}]},
            "url": {"raw": f"{url_base}/{res}/{n}/status", "host": [url_base], "path": [res, str(n), "status"]}}
    return {"method": "DELETE", "header": [{"key": "X-Request-Id", "value": f"req-{n}"}],
            "url": {"raw": f"{url_base}/{res}/{n}/archive", "host": [url_base], "path": [res, str(n), "archive"]}}


def generate_collection(n: int, path: Path, folders: int = 20) -> None:
    per_folder = -(-n // folders)
    items = []
    for f in range(folders):
        start, stop = f * per_folder, min(n, (f + 1) * per_folder)
        if start >= stop:
            break
        requests = [{"name": f"Request {i}", "request": _request(i)} for i in range(start, stop)]
        folder = {"name": f"Folder {f}", "item": requests, "auth": FOLDER_AUTHS[f % len(FOLDER_AUTHS)]}
        items.append(folder)
    collection = {
        "info": {"name": f"Generated API ({n} requests)",
                 "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [{"key": "baseUrl", "value": "https://api.bigco.test/v1"}, {"key": "perPage", "value": "50"},
                     {"key": "owner", "value": "u_42"}, {"key": "bigToken", "value": "{{envToken}}"},
                     {"key": "bigKey", "value": "{{envKey}}"}, {"key": "bigUser", "value": "svc-bigco"},
                     {"key": "bigPassword", "value": "{{envPassword}}"}],
        "item": items,
    }
    path.write_text(json.dumps(collection, indent=1), encoding="utf-8")


def _snippet(i: int) -> str:
    """The i-th docs example, in the styles docs use (prompts, continuations, output)."""
    res = RESOURCES[i % len(RESOURCES)]
    n = i // len(RESOURCES)
    host = ["https://api.example.com", "https://api.other.example", "https://eu.example.io"][i % 3]
    shape = i % 5
    if shape == 0:
        return (f"### List {res} {n}\n\nReturns page {n}.\n\n```bash\n$ curl \"{host}/v1/{res}?page={n}\" \\\n"
                f"    -H \"Authorization: Bearer $API_TOKEN\"\n```\n\n```json\n{{\"data\": [], \"page\": {n}}}\n```\n")
    if shape == 1:
        return (f"### Create {res} {n}\n\n```shell\ncurl -X POST {host}/v1/{res}/batch{n} \\\n"
                f"  -H \"Authorization: Bearer $API_TOKEN\" \\\n  -H 'Content-Type: application/json' \\\n"
                f"  -d '{{\n    \"name\": \"{res} {n}\",\n    \"limit\": {n}\n  }}'\n```\n")
    if shape == 2:
        return (f"### Update {res} {n}\n\n```sh\ncurl -X PATCH '{host}/v1/{res}/{n}' \\\n"
                f"  -u \"$API_USER:$API_PASSWORD\" \\\n  --data-urlencode 'note=changed {n}'\n```\n")
    if shape == 3:
        return (f"### Delete {res} {n}\n\n```console\n$ curl -X DELETE {host}/v1/{res}/{n}/archive "
                f"-H 'X-Api-Key: {{{{api_key}}}}'\nHTTP/1.1 204 No Content\n```\n")
    return (f"### Get {res} {n}\n\n    curl {host}/v1/{res}/{n}/details?expand=owner "
            f"-H \"Authorization: Bearer $API_TOKEN\"\n")


def generate_markdown(n: int, path: Path) -> None:
    parts = ["# Generated API reference\n\nEvery example below is a curl command.\n"]
    parts.extend(_snippet(i) for i in range(n))
    path.write_text("\n".join(parts), encoding="utf-8")


def run_cli(argv: list[str], env: dict[str, str]) -> tuple[float, int, int, str]:
    """(wall seconds, peak RSS in MB, exit status, stderr tail) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    tail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
    return wall, usage.ru_maxrss // 1024, proc.returncode, "\n".join(tail)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=10_000, help="requests in the Postman collection")
    ap.add_argument("--snippets", type=int, default=10_000, help="curl snippets in the Markdown page")
    ap.add_argument("--runs", type=int, default=3, help="runs per input (the best wall is reported)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory and print its path")
    ap.add_argument("--no-bytecode", action="store_true", help="compile every module from source on every run")
    ap.add_argument("--profile", action="store_true", help="run each input once under cProfile instead")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="c2c-bulk-"))
    env = dict(os.environ)
    if args.no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    inputs = []
    if args.requests:
        collection = tmp / "generated.postman_collection.json"
        generate_collection(args.requests, collection)
        inputs.append((f"Postman collection, {args.requests} requests", collection))
    if args.snippets:
        page = tmp / "generated.md"
        generate_markdown(args.snippets, page)
        inputs.append((f"Markdown page, {args.snippets} snippets", page))

    print("load average %.2f %.2f %.2f" % os.getloadavg())
    subprocess.run([sys.executable, "-m", "converter", "--version"], cwd=REPO, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fills the bytecode cache
    for label, path in inputs:
        size = path.stat().st_size / 1e6
        if args.profile:
            out = tmp / f"profile-{path.stem}"
            argv = [sys.executable, "-m", "cProfile", "-s", "cumtime", "-m", "converter", "convert", str(path),
                    "-o", str(out)]
            proc = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True)
            print(f"== {label} ({size:.1f} MB), exit {proc.returncode}")
            print("\n".join(proc.stdout.splitlines()[:45]))
            continue
        best = None
        for r in range(args.runs):
            out = tmp / f"out-{path.stem}-{r}"
            wall, rss, status, tail = run_cli(
                [sys.executable, "-m", "converter", "convert", str(path), "-o", str(out)], env)
            files = sum(1 for _ in out.rglob("*.yaml")) if out.exists() else 0
            if best is None or wall < best[0]:
                best = (wall, rss, status, files, tail)
        wall, rss, status, files, tail = best
        print(f"{label:38s} ({size:5.1f} MB): wall {wall:5.2f} s  peak RSS {rss:4d} MB  "
              f"exit {status}  {files} files written")
        if status != 0:
            print("  stderr: " + tail.replace("\n", "\n          "))
    print("load average %.2f %.2f %.2f" % os.getloadavg())
    if args.keep:
        print(f"kept {tmp}")
    else:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Big inputs through the CLI: wall time and peak memory of `convert FILE -o DIR`.

    python bench/bulk.py [--requests 10000] [--snippets 10000] [--runs 3] [--jobs 2,1] [--dir DIR] [--keep] [--profile]

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


def run_cli(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, int, str]:
    """(wall seconds, CPU seconds, peak RSS in MB, exit status, stderr tail) of one child
    process; CPU and peak RSS include the process it forks to share work (os.wait4 counts
    the children it waited for)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    tail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, proc.returncode, "\n".join(tail)


def disk_floor(root: Path, files: int) -> float:
    """Seconds to create ``files`` small files in a new directory: what the disk alone
    costs a run that writes that many (it varies a lot on shared virtual disks)."""
    target = Path(tempfile.mkdtemp(prefix="floor-", dir=root))
    data = b"name: x\n" * 40
    start = time.perf_counter()
    for i in range(files):
        fd = os.open(target / f"f{i}.yaml", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.write(fd, data)
        os.close(fd)
    return time.perf_counter() - start


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def parallel_speedup() -> float:
    """How much faster two CPU-bound processes finish than one doing both jobs (2.0: two
    real cores free; 1.0: the second core is busy or not really there)."""
    n = 2_000_000
    start = time.perf_counter()
    _spin(n)
    _spin(n)
    alone = time.perf_counter() - start
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        _spin(n)
        os._exit(0)
    _spin(n)
    os.waitpid(pid, 0)
    return alone / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=10_000, help="requests in the Postman collection")
    ap.add_argument("--snippets", type=int, default=10_000, help="curl snippets in the Markdown page")
    ap.add_argument("--runs", type=int, default=3, help="runs per input (the best wall is reported)")
    ap.add_argument("--jobs", default="2,1",
                    help="CURL2CONNECTOR_JOBS values to compare (1: one process; 2: share out to a second core)")
    ap.add_argument("--dir", default=None,
                    help="where inputs and outputs go (default: the system's temporary directory); "
                         "/dev/shm takes the disk out of the figures")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory and print its path")
    ap.add_argument("--no-bytecode", action="store_true", help="compile every module from source on every run")
    ap.add_argument("--profile", action="store_true", help="run each input once under cProfile instead")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="c2c-bulk-", dir=args.dir))
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

    print("load average %.2f %.2f %.2f; two processes run %.1fx as fast as one (2.0: two free cores)"
          % (*os.getloadavg(), parallel_speedup()))
    subprocess.run([sys.executable, "-m", "converter", "--version"], cwd=REPO, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fills the bytecode cache
    for label, path in inputs:
        size = path.stat().st_size / 1e6
        if args.profile:
            out = tmp / f"profile-{path.stem}"
            argv = [sys.executable, "-m", "cProfile", "-s", "cumtime", "-m", "converter", "convert", str(path),
                    "-o", str(out)]
            proc = subprocess.run(argv, cwd=REPO, env=dict(env, CURL2CONNECTOR_JOBS="1"), capture_output=True, text=True)
            print(f"== {label} ({size:.1f} MB), exit {proc.returncode}")
            print("\n".join(proc.stdout.splitlines()[:45]))
            continue
        print(f"{label} ({size:.1f} MB):")
        for jobs in args.jobs.split(","):
            best, walls = None, []
            for r in range(args.runs):
                out = tmp / f"out-{path.stem}-{jobs}-{r}"
                wall, cpu, rss, status, tail = run_cli(
                    [sys.executable, "-m", "converter", "convert", str(path), "-o", str(out)],
                    dict(env, CURL2CONNECTOR_JOBS=jobs.strip()))
                walls.append(wall)
                files = sum(1 for _ in out.rglob("*.yaml")) if out.exists() else 0
                if best is None or wall < best[0]:
                    best = (wall, cpu, rss, status, files, tail)
            wall, cpu, rss, status, files, tail = best
            # once per row, not per run: creating files is what slows this disk down
            floor = disk_floor(tmp, files)
            print(f"  jobs={jobs.strip()}: wall {wall:5.2f} s (best of {args.runs}; all {min(walls):.2f}-{max(walls):.2f} s)  "
                  f"CPU {cpu:5.2f} s  peak RSS {rss:4d} MB  exit {status}  {files} files written; "
                  f"creating {files} files alone, right after: {floor:.2f} s")
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

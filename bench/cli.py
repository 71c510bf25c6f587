"""Wall time of one command through the CLI, hyperfine-style: N runs, min and median.

    python bench/cli.py [--runs 20] [--input examples/openai.sh]

Times `python -m converter convert FILE` and the `curl2connector` console script (the one
installed next to this interpreter, not a pyenv shim, whose bash wrapper adds ~100 ms),
plus `python -c pass` as the floor: what the interpreter and site-packages cost before
any of our code runs.  Output goes to /dev/null; each run must exit 0.

Bytecode: an installed package has its .pyc files (pip compiles them), so the runs use a
bytecode cache in a temporary directory (PYTHONPYCACHEPREFIX; the repository gets no
__pycache__).  With PYTHONDONTWRITEBYTECODE=1 set, as in some sandboxes, every module of
the package would be compiled from source on every run; `--no-bytecode` measures that.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def console_script() -> str | None:
    here = Path(sysconfig.get_path("scripts")) / "curl2connector"
    if here.exists():
        return str(here)
    return shutil.which("curl2connector")


def time_runs(argv: list[str], runs: int, env: dict[str, str], warmup: int = 2) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of each run; CPU time is less sensitive to
    what else the machine is doing, so it is reported too."""
    walls, cpus = [], []
    for i in range(warmup + runs):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}")
        if i >= warmup:  # the first runs fill the page cache and write .pyc files
            walls.append(wall)
            cpus.append(usage.ru_utime + usage.ru_stime)
    return walls, cpus


def import_times(argv: list[str], runs: int, env: dict[str, str]) -> None:
    """Self and cumulative import time per module, the least over the runs (noise only adds)."""
    import re

    line = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
    best: dict[str, list[int]] = {}
    depth: dict[str, int] = {}
    for _ in range(runs + 1):
        proc = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True)
        for m in map(line.match, proc.stderr.splitlines()):
            if m:
                own, total, name = int(m.group(1)), int(m.group(2)), m.group(4)
                depth[name] = len(m.group(3))
                prev = best.setdefault(name, [own, total])
                prev[0], prev[1] = min(prev[0], own), min(prev[1], total)
    top = sorted((n for n in best if depth[n] == 1), key=lambda n: -best[n][1])
    print("top-level imports, cumulative ms:")
    for name in top[:12]:
        print(f"  {best[name][1] / 1000:6.1f}  {name}")
    ours = sorted((n for n in best if n.startswith("converter")), key=lambda n: -best[n][0])
    print("converter modules, self ms (their own code, not their imports):")
    for name in ours:
        print(f"  {best[name][0] / 1000:6.1f}  {name}")
    print(f"sum of top-level imports: {sum(best[n][1] for n in top) / 1000:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--input", default="examples/openai.sh")
    ap.add_argument("--no-bytecode", action="store_true", help="compile every module from source on every run")
    ap.add_argument("--imports", action="store_true",
                    help="instead: import time per module (python -X importtime, least of the runs)")
    args = ap.parse_args()

    env = dict(os.environ)
    cache = tempfile.TemporaryDirectory(prefix="c2c-pycache-")
    if args.no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache.name

    cases = [
        ("python -c pass (floor)", [sys.executable, "-c", "pass"]),
        ("python -m converter convert", [sys.executable, "-m", "converter", "convert", args.input]),
    ]
    script = console_script()
    if script:
        cases.append(("curl2connector convert", [script, "convert", args.input]))
    if args.imports:
        import_times([sys.executable, "-X", "importtime", "-m", "converter", "convert", args.input], args.runs, env)
        cache.cleanup()
        return
    mode = "no bytecode cache" if args.no_bytecode else "bytecode cached"
    print(f"{args.runs} runs each, input {args.input}, {mode}; load average %.2f %.2f %.2f" % os.getloadavg())
    for label, argv in cases:
        walls, cpus = time_runs(argv, args.runs, env)
        print(f"{label:30s} wall min {min(walls) * 1000:5.0f} ms  median {statistics.median(walls) * 1000:5.0f} ms"
              f"   cpu min {min(cpus) * 1000:5.0f} ms  median {statistics.median(cpus) * 1000:5.0f} ms")
    print("load average %.2f %.2f %.2f" % os.getloadavg())
    cache.cleanup()


if __name__ == "__main__":
    main()

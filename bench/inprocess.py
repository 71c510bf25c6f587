"""In-process throughput: curl commands/s through parse, emit, validate and dump,
side by side with npm curlconverter (its JSON output) on the same commands.

    python bench/inprocess.py [--seconds 3] [--no-node] [--profile]

Ours: ``convert_text(cmd)`` → ``result.bundle()`` → ``validate_bundle`` → ``dump_yaml``.
Theirs: ``toJsonString(cmd)`` in node (bench/curlconverter_bench.mjs), same commands,
run right after ours so both see the same machine load.  Each side first runs one warm-up
pass (regex compilation, JIT), then whole passes over the list until the time is up.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.commands import all_commands, convertible  # noqa: E402


def pipeline():
    from converter.api import convert_text
    from converter.schema import validate_bundle
    from converter.yamlio import dump_yaml

    def one(cmd: str) -> str:
        bundle = convert_text(cmd).bundle()
        errors = validate_bundle(bundle)
        if errors:
            raise AssertionError(errors)
        return dump_yaml(bundle)

    return one


def time_ours(commands: list[str], seconds: float) -> tuple[float, int]:
    one = pipeline()
    for cmd in commands:  # warm-up pass
        one(cmd)
    done = 0
    start = time.perf_counter()
    while True:
        for cmd in commands:
            one(cmd)
        done += len(commands)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed, done


def time_theirs(commands: list[str], seconds: float) -> dict | None:
    node = shutil.which("node")
    script = HERE / "curlconverter_bench.mjs"
    if node is None or not (HERE.parent / "node_modules" / "curlconverter").is_dir():
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(commands, fh, ensure_ascii=False)
        path = fh.name
    try:
        proc = subprocess.run([node, str(script), path, str(seconds)], capture_output=True, text=True,
                              cwd=HERE.parent, check=True)
    finally:
        os.unlink(path)
    return json.loads(proc.stdout)


def load_line() -> str:
    try:
        return "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:  # pragma: no cover
        return "load average unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="timed run per side (default 3)")
    ap.add_argument("--no-node", action="store_true", help="skip curlconverter")
    ap.add_argument("--profile", action="store_true", help="cProfile our side instead of timing it")
    args = ap.parse_args()

    commands = convertible(all_commands())
    print(f"{len(commands)} commands (fixtures/corpus entries and fixtures/cases inputs); {load_line()}")
    if args.profile:
        import cProfile
        import pstats

        one = pipeline()
        for cmd in commands:
            one(cmd)
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(5):
            for cmd in commands:
                one(cmd)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
        return
    ours, n = time_ours(commands, args.seconds)
    print(f"curl2connector: {ours:8.0f} commands/s  ({n} conversions: parse, emit, validate, dump YAML)")
    theirs = None if args.no_node else time_theirs(commands, args.seconds)
    if theirs is None:
        if not args.no_node:
            print("curlconverter: not installed (npm install at the repository root)")
    else:
        rate = theirs["per_second"]
        failed = f", {theirs['failed']} commands it rejects timed too" if theirs["failed"] else ""
        print(f"curlconverter:  {rate:8.0f} commands/s  ({theirs['done']} toJsonString calls{failed})")
        print(f"ratio ours/theirs: {ours / rate:.2f}")
    print(load_line())


if __name__ == "__main__":
    main()

"""Bounded fuzzing of the converter: ``python bench/fuzz.py --seconds N [--target shell|postman|all]``.

Prints one line per target::

    fuzz: shell: 48213 inputs, 0 crashes (3 known-bug hits)

and exits 1 when a new crash was found.  Crashing inputs (anything but ``ConverterError``
escaping, or a broken invariant, see ``tests/fuzz_targets.py``) are saved with their
traceback in ``--crash-dir`` (default ``bench/fuzz-crashes/``); replay one with
``--replay FILE``.  Inputs slower than ``--slow`` seconds count as crashes too.

Engines: ``atheris`` (coverage-guided libFuzzer, ``pip install atheris``; each target runs
in a child process) or ``hypothesis`` (always available; ``--seed`` makes a run
repeatable).  ``--engine auto`` picks atheris when it imports.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


class _Slow(Exception):
    """An input took longer than the per-input limit."""


class Tally:
    """Counts inputs and crashes; saves each distinct crash once."""

    def __init__(self, target: str, crash_dir: Path, keep: int = 50) -> None:
        self.target, self.crash_dir, self.keep = target, crash_dir, keep
        self.inputs = self.crashes = 0
        self.known: dict[str, int] = {}
        self.signatures: set[str] = set()

    def record(self, data: bytes, exc: BaseException) -> None:
        from tests.fuzz_targets import classify

        bug = classify(exc)
        if bug:
            self.known[bug] = self.known.get(bug, 0) + 1
            return
        self.crashes += 1
        tb = traceback.extract_tb(exc.__traceback__)
        where = f"{tb[-1].filename}:{tb[-1].lineno}" if tb else "?"
        signature = f"{type(exc).__name__} at {where}"
        if signature in self.signatures or len(self.signatures) >= self.keep:
            return
        self.signatures.add(signature)
        self.crash_dir.mkdir(parents=True, exist_ok=True)
        name = f"{self.target}-{hashlib.sha1(data).hexdigest()[:12]}"
        (self.crash_dir / f"{name}.bin").write_bytes(data)
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        (self.crash_dir / f"{name}.txt").write_text(f"{signature}\n\n{text}", encoding="utf-8")
        print(f"fuzz: {self.target}: new crash {signature} -> {self.crash_dir / name}.bin", file=sys.stderr, flush=True)

    def line(self) -> str:
        hits = ", ".join(f"{k} {v}" for k, v in sorted(self.known.items()))
        known = f" (known-bug hits: {hits})" if hits else ""
        return f"fuzz: {self.target}: {self.inputs} inputs, {self.crashes} crashes{known}"

    def as_json(self) -> str:
        return json.dumps({"inputs": self.inputs, "crashes": self.crashes, "known": self.known})


def _run_one(target, data: bytes, tally: Tally, slow: float, use_alarm: bool) -> None:
    tally.inputs += 1
    if use_alarm:
        signal.setitimer(signal.ITIMER_REAL, slow)
    try:
        target(data)
    except Exception as exc:  # every exception is data here: a crash to record
        tally.record(data, exc)
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)


def _alarm(signum, frame):
    raise _Slow("input slower than the per-input limit")


# --- hypothesis engine ----------------------------------------------------------------------


def run_hypothesis(name: str, seconds: float, crash_dir: Path, slow: float, seed: int | None) -> Tally:
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import seed as hypothesis_seed

    from tests.fuzz_targets import TARGETS, hypothesis_inputs

    tally = Tally(name, crash_dir)
    target = TARGETS[name]
    deadline = time.monotonic() + seconds
    signal.signal(signal.SIGALRM, _alarm)

    class TimeUp(Exception):
        pass

    @settings(max_examples=10**9, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet, report_multiple_bugs=False)
    @given(hypothesis_inputs(name))
    def loop(data: bytes) -> None:
        if time.monotonic() > deadline:
            raise TimeUp
        _run_one(target, data, tally, slow, True)

    if seed is not None:
        loop = hypothesis_seed(seed)(loop)
    try:
        loop()
    except TimeUp:  # the budget is spent (hypothesis re-raises it as the "failure")
        pass
    return tally


# --- atheris engine -------------------------------------------------------------------------


def _atheris_child(name: str, seconds: float, crash_dir: Path, slow: float, seed: int | None,
                   status_file: Path, artifacts: Path) -> None:
    """Runs inside the child process: libFuzzer owns it until the time is up."""
    import atheris

    with atheris.instrument_imports(include=["converter"]):
        from tests.fuzz_targets import TARGETS, seeds

    tally = Tally(name, crash_dir)
    target = TARGETS[name]
    corpus = artifacts.parent / "corpus"  # inside the parent's work dir, which it removes
    corpus.mkdir(exist_ok=True)
    for i, data in enumerate(seeds(name)):
        (corpus / f"seed-{i:04d}").write_bytes(data)
    deadline = time.monotonic() + seconds
    last_write = 0.0

    def one(data: bytes) -> None:
        nonlocal last_write
        now = time.monotonic()
        if now > deadline:
            status_file.write_text(tally.as_json())
            os._exit(0)
        if now - last_write > 1:  # the parent still gets numbers if libFuzzer kills us
            status_file.write_text(tally.as_json())
            last_write = now
        _run_one(target, data, tally, slow, False)

    args = [sys.argv[0], "-max_len=65536", f"-timeout={max(1, int(slow))}", "-rss_limit_mb=4096",
            f"-artifact_prefix={artifacts}/{name}-libfuzzer-", str(corpus)]
    if seed is not None:
        args.insert(1, f"-seed={seed + 1}")
    atheris.Setup(args, one)
    atheris.Fuzz()


def run_atheris(name: str, seconds: float, crash_dir: Path, slow: float, seed: int | None) -> Tally:
    import shutil

    work = Path(tempfile.mkdtemp(prefix=f"c2c-fuzz-{name}-"))
    status_file, artifacts, log = work / "status.json", work / "artifacts", work / "libfuzzer.log"
    artifacts.mkdir()
    cmd = [sys.executable, __file__, "--child", name, "--seconds", str(seconds), "--crash-dir", str(crash_dir),
           "--slow", str(slow), "--status-file", str(status_file), "--artifacts", str(artifacts)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    with open(log, "wb") as fh:
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, timeout=seconds + 120 + slow)
    tally = Tally(name, crash_dir)
    try:
        numbers = json.loads(status_file.read_text() or "{}")
    except ValueError:
        numbers = {}
    tally.inputs, tally.crashes = numbers.get("inputs", 0), numbers.get("crashes", 0)
    tally.known = numbers.get("known", {})
    if proc.returncode != 0:  # libFuzzer stopped the run: a timeout, out of memory or a native crash
        tally.crashes += 1
        crash_dir.mkdir(parents=True, exist_ok=True)
        for f in [log, *artifacts.iterdir()]:
            shutil.copy(f, crash_dir / f"{name}-{f.name}")
        print(f"fuzz: {name}: libFuzzer stopped the run (exit {proc.returncode}), see {crash_dir}/{name}-*",
              file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    return tally


def _has_atheris() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def replay(path: Path, target: str) -> int:
    from tests.fuzz_targets import TARGETS

    data = path.read_bytes()
    name = target if target != "all" else path.name.split("-", 1)[0]
    TARGETS[name](data)  # let the traceback show
    print(f"fuzz: {name}: {path} passes")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="budget per target (default 60)")
    parser.add_argument("--target", choices=["shell", "postman", "all"], default="all")
    parser.add_argument("--engine", choices=["auto", "atheris", "hypothesis"], default="auto")
    parser.add_argument("--crash-dir", type=Path, default=REPO / "bench" / "fuzz-crashes")
    parser.add_argument("--slow", type=float, default=10, help="per-input limit in seconds (default 10)")
    parser.add_argument("--seed", type=int, default=None, help="make the run repeatable")
    parser.add_argument("--replay", type=Path, help="run one saved input and show its traceback")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--status-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--artifacts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.replay:
        return replay(args.replay, args.target)
    if args.child:
        _atheris_child(args.child, args.seconds, args.crash_dir, args.slow, args.seed, args.status_file, args.artifacts)
        return 0
    engine = args.engine
    if engine == "auto":
        engine = "atheris" if _has_atheris() else "hypothesis"
    names = ["shell", "postman"] if args.target == "all" else [args.target]
    run = run_atheris if engine == "atheris" else run_hypothesis
    crashed = False
    for name in names:
        tally = run(name, args.seconds, args.crash_dir, args.slow, args.seed)
        print(tally.line() + f" [{engine}, {args.seconds:g} s]", flush=True)
        crashed = crashed or tally.crashes > 0
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())

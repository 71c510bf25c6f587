"""The benchmark scripts still run and report what the README quotes from them (tiny sizes;
no figure is asserted: speed is measured, not tested)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _bench(*args: str) -> str:
    out = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_bulk_bench_converts_both_inputs_both_ways(tmp_path):
    out = _bench("bench/bulk.py", "--requests", "40", "--snippets", "40", "--runs", "1", "--jobs", "2,1",
                 "--dir", str(tmp_path))
    assert re.search(r"two processes run [0-9.]+x as fast as one", out)
    rows = re.findall(r"jobs=(\d): wall +[0-9.]+ s .* exit (\d+) +(\d+) files written; creating \d+ files alone", out)
    # Postman: 40 actions + 4 connectors; Markdown: 40 actions + 9 connectors
    assert rows == [("2", "0", "44"), ("1", "0", "44"), ("2", "0", "49"), ("1", "0", "49")], out
    assert list(tmp_path.iterdir()) == []  # the bench cleans up after itself


def test_inprocess_bench_reports_commands_per_second():
    out = _bench("bench/inprocess.py", "--seconds", "0.2", "--no-node")
    assert re.search(r"curl2connector: +\d+ commands/s", out), out


def test_cli_bench_reports_the_floor_and_the_tool():
    out = _bench("bench/cli.py", "--runs", "2")
    assert "python -c pass (floor)" in out and re.search(r"curl2connector convert +wall min +\d+ ms", out), out

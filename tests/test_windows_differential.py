"""Windows input judged by curl: each cmd.exe / PowerShell fixture, once converted and
rendered with ``to-curl``, must send what its bash equivalent sends with the real curl.

fixtures/windows/<case>/ holds ``bash.sh`` plus ``cmd.txt`` and/or ``powershell.txt``.
Every shell variable gets a test value, under its own name for bash and under its
placeholder name for the rendered command.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from converter.secret_catalog import placeholder_name
from tests.echo_server import DEFAULT_IGNORED_HEADERS, compare_request_lists
from tests.test_differential import run_cli, run_curl

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "windows"
CASES = [(case, variant) for case in sorted(p for p in ROOT.iterdir() if (p / "bash.sh").exists())
         for variant in ("cmd.txt", "powershell.txt") if (case / variant).exists()]
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


@pytest.mark.parametrize("case, variant", CASES, ids=[f"{c.name}-{v.split('.')[0]}" for c, v in CASES])
def test_windows_input_sends_what_bash_sends(case: Path, variant: str, echo_server, tmp_path: Path) -> None:
    bash = (case / "bash.sh").read_text(encoding="utf-8")
    names = sorted(set(_VAR.findall(bash)))
    env = {n: f"value-{n.lower()}" for n in names}
    shell = variant.split(".")[0]
    status, bundle, stderr = run_cli(["convert", str(case / variant), "--shell", shell])
    if status == 3 and re.search(r"\[(variable-host|unsupported-[a-z]+|multiple-urls)\]", stderr):
        pytest.skip("the input carries a named diagnostic: " + re.findall(r"\[[a-z-]+\]", stderr)[0])
    assert status == 0, stderr
    bundle_path = tmp_path / "bundle.yaml"
    bundle_path.write_bytes(bundle)
    status, command, stderr = run_cli(["to-curl", str(bundle_path)])
    assert status == 0, stderr

    original = run_curl(echo_server, bash, env, tmp_path)
    assert original.returncode == 0, original.stderr
    replay_env = {placeholder_name(n): v for n, v in env.items()}
    replayed = run_curl(echo_server, command.decode("utf-8"), replay_env, tmp_path)
    assert replayed.returncode == 0, replayed.stderr
    # --compressed only asks for compression (curl adds Accept-Encoding); the converter
    # ignores it on purpose, as the platform's HTTP client negotiates that itself.
    ignored = set(DEFAULT_IGNORED_HEADERS) | {"accept-encoding"}
    assert compare_request_lists(original.requests, replayed.requests, ignore_headers=ignored) == []

"""`scan`: every golden case's listed secrets are reported (masked), cases without
secrets report nothing, and the secrets themselves never reach the output."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from converter.cli import cli
from converter.secret_catalog import mask

REPO = Path(__file__).resolve().parent.parent
CASES = sorted(p for p in (REPO / "fixtures" / "cases").iterdir() if p.is_dir())


def _secrets(case: Path) -> list[str]:
    return [str(s) for s in (yaml.safe_load((case / "case.yaml").read_text()) or {}).get("secrets") or []]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_scan_reports_exactly_the_literal_secrets(case: Path, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    src = str(next(case.glob("input.*")).relative_to(REPO))
    result = CliRunner().invoke(cli, ["scan", src], catch_exceptions=False)
    written = [s for s in _secrets(case) if s in (case / Path(src).name).read_text()]
    for secret in _secrets(case):
        assert secret not in result.stdout + result.stderr
    if written:
        assert result.exit_code == 1, result.stderr
        for secret in written:
            assert f": {mask(secret)}" in result.stdout, f"{case.name}: a literal secret was not reported"
        assert all(line.startswith(src + ":") for line in result.stdout.splitlines())
    else:
        # a case whose input holds no literal secret: scanning it reports nothing (no false positive)
        assert result.exit_code == 0, result.stdout
        assert result.stdout == ""


def test_scan_finds_tokens_where_the_converter_never_looks(tmp_path: Path) -> None:
    doc = tmp_path / "guide.md"
    key = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6l"
    doc.write_text(f"# Guide\n\nSet the key:\n\n    export OPENAI_API_KEY={key}\n\nThen call the API.\n")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stdout == f"{doc}:5:27: openai_project_key token: {mask(key)}\n"
    assert key not in result.stdout + result.stderr

"""Golden cases: fixtures/cases/<name>/ and fixtures/errors/<name>/.

A case directory holds ``input.*`` and ``case.yaml`` (``args``, ``secrets``, ``status``,
``command``); its expected outputs are ``expected.yaml`` (stdout) and ``expected.stderr``.
A golden file's presence switches its assertion on; ``pytest --update-golden``
rewrites them from the current behaviour (review the diff before committing).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from converter.cli import cli
from converter.schema import validate_action, validate_bundle, validate_connector

REPO = Path(__file__).resolve().parent.parent
ROOT = REPO / "fixtures"
CASES = sorted(p for p in (ROOT / "cases").iterdir() if p.is_dir())
ERRORS = sorted(p for p in (ROOT / "errors").iterdir() if p.is_dir())


def _meta(case: Path) -> dict:
    meta_file = case / "case.yaml"
    return yaml.safe_load(meta_file.read_text(encoding="utf-8")) or {} if meta_file.exists() else {}


def _input(case: Path) -> str:
    """The input file, relative to the repository (so messages name stable paths)."""
    found = sorted(case.glob("input.*"))
    assert found, f"{case.name}: no input.* file"
    return str(found[0].relative_to(REPO))


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    monkeypatch.chdir(REPO)


def run_cli(args: list[str], stdin: str | None = None):
    result = CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _golden(case: Path, name: str, actual: str, update: bool) -> None:
    path = case / name
    if update:
        path.write_text(actual, encoding="utf-8")
        return
    if path.exists():
        assert actual == path.read_text(encoding="utf-8"), f"{case.name}/{name} differs (run pytest --update-golden and review)"


def _assert_no_secret(case: Path, secrets: list[str], *texts: str) -> None:
    for secret in secrets:
        for text in texts:
            assert secret not in text, f"{case.name}: a secret of the case leaked"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path, update_golden: bool, tmp_path: Path) -> None:
    meta = _meta(case)
    args = [str(a) for a in meta.get("args", [])]
    secrets = [str(s) for s in meta.get("secrets", [])]
    src = _input(case)
    status, out, err = run_cli(["convert", src, *args])
    assert status == meta.get("status", 0), err
    _golden(case, "expected.yaml", out, update_golden)
    _golden(case, "expected.stderr", err, update_golden)
    _assert_no_secret(case, secrets, out, err)

    bundle = yaml.safe_load(out)
    assert validate_bundle(bundle) == []
    # deterministic: a second run gives the same bytes
    assert run_cli(["convert", src, *args])[1] == out

    # the per-file layout holds the same documents, each valid, none leaking
    status2, _, err2 = run_cli(["convert", src, *args, "-o", str(tmp_path / "out")])
    assert status2 == status
    written = sorted((tmp_path / "out").rglob("*.yaml"))
    assert len(written) == len(bundle["connectors"]) + len(bundle["actions"])
    for f in written:
        text = f.read_text(encoding="utf-8")
        _assert_no_secret(case, secrets, text, err2)
        doc = yaml.safe_load(text)
        check = validate_connector if f.parent.name == "connectors" else validate_action
        assert check(doc) == [], f.name
        assert doc in bundle[f.parent.name]


@pytest.mark.parametrize("case", ERRORS, ids=[c.name for c in ERRORS])
def test_error(case: Path, update_golden: bool) -> None:
    meta = _meta(case)
    command = meta.get("command", "convert")
    args = [str(a) for a in meta.get("args", [])]
    status, out, err = run_cli([command, _input(case), *args])
    assert status == meta["status"], err
    assert out == ""
    _golden(case, "expected.stderr", err, update_golden)
    _assert_no_secret(case, [str(s) for s in meta.get("secrets", [])], out, err)

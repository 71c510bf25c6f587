"""Bulk runs: many inputs of mixed kinds into one coherent, stable set of files."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from converter.cli import cli

REPO = Path(__file__).resolve().parent.parent
FIX = REPO / "fixtures"

OPENAI = 'curl https://api.openai.com/v1/models -H "Authorization: Bearer $OPENAI_API_KEY"\n'
OPENAI_CHAT = ("curl https://api.openai.com/v1/chat/completions -H \"Authorization: Bearer $OPENAI_API_KEY\" "
               "-H 'Content-Type: application/json' -d '{\"model\": \"gpt-4o\"}'\n")
FILES = 'curl https://api.openai.com/v1/files -H "Authorization: Bearer $OPENAI_API_KEY"'
DOC = f"# OpenAI\n\nList files:\n\n```console\n$ {FILES}\n{{\"data\": []}}\n```\n"


def run(*args: str, stdin: str | None = None):
    result = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def snippets(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "nested").mkdir(parents=True)
    (src / "models.sh").write_text(OPENAI)
    (src / "nested" / "chat.sh").write_text(OPENAI_CHAT)
    (src / "nested" / "again.sh").write_text(OPENAI)  # the same request again: written once
    (src / "guide.md").write_text(DOC)
    (src / "notes.txt").write_text("nothing to see here\n")  # no curl: skipped in a directory walk
    (src / ".hidden").mkdir()
    (src / ".hidden" / "x.sh").write_text("curl https://hidden.example.com/x\n")
    return src


def test_directory_of_mixed_inputs_shares_one_connector(snippets: Path, tmp_path: Path) -> None:
    out = tmp_path / "defs"
    status, _, err = run("convert", str(snippets), "-o", str(out))
    assert status == 0, err
    assert sorted(tree(out)) == ["actions/get_files.yaml", "actions/get_models.yaml",
                                 "actions/post_chat_completions.yaml", "connectors/openai.yaml"]
    assert "5 inputs, 3 actions, 1 connectors" in err


def test_same_inputs_give_the_same_bytes(snippets: Path, tmp_path: Path) -> None:
    run("convert", str(snippets), "-o", str(tmp_path / "a"))
    run("convert", str(snippets), "-o", str(tmp_path / "b"))
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_include_and_exclude_globs(snippets: Path) -> None:
    status, out, _ = run("convert", str(snippets), "--include", "*.sh", "--exclude", "nested/*")
    assert status == 0
    assert out.count("- name: get_models") == 1 and "post_chat_completions" not in out
    status, out, _ = run("convert", str(snippets), "--include", "*.md")
    assert "- name: get_files" in out and "get_models" not in out


def test_check_reports_a_unified_diff_and_writes_nothing(snippets: Path, tmp_path: Path) -> None:
    out = tmp_path / "defs"
    run("convert", str(snippets), "-o", str(out))
    assert run("convert", str(snippets), "-o", str(out), "--check")[0] == 0
    (snippets / "models.sh").write_text(OPENAI.replace("/v1/models", "/v1/models?limit=5"))
    (snippets / "nested" / "again.sh").write_text(OPENAI.replace("/v1/models", "/v1/models?limit=5"))
    before = tree(out)
    status, diff, _ = run("convert", str(snippets), "-o", str(out), "--check")
    assert status == 1
    assert tree(out) == before
    assert diff.startswith("--- a/actions/get_models.yaml\n+++ b/actions/get_models.yaml\n")
    assert "+query_params:\n+- key: limit\n+  value: '5'\n" in diff


def test_existing_files_change_only_with_force(snippets: Path, tmp_path: Path) -> None:
    out = tmp_path / "defs"
    run("convert", str(snippets), "-o", str(out))
    for f in ("models.sh", "nested/again.sh"):
        (snippets / f).write_text(OPENAI.replace("/v1/models", "/v1/models?limit=5"))
    before = tree(out)
    status, _, err = run("convert", str(snippets), "-o", str(out))
    assert status == 4 and "already exist and differ (use --force): actions/get_models.yaml" in err
    assert tree(out) == before  # all or nothing
    stale = out / "actions" / "gone.yaml"
    stale.write_text("name: gone\n")
    assert run("convert", str(snippets), "-o", str(out), "--force")[0] == 0
    assert "limit" in (out / "actions" / "get_models.yaml").read_text()
    assert not stale.exists()  # --force removes definitions no input produces any more


def test_writing_leaves_no_staging_directory_and_fails_whole(snippets: Path, tmp_path: Path) -> None:
    out = tmp_path / "defs"
    assert run("convert", str(snippets), "-o", str(out))[0] == 0
    assert sorted(p.name for p in out.iterdir()) == ["actions", "connectors"]
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "actions").write_text("not a directory\n")
    status, _, err = run("convert", str(snippets), "-o", str(blocked))
    assert status == 2 and "[write-failed]" in err and "actions is not a directory" in err
    assert sorted(p.name for p in blocked.iterdir()) == ["actions"]  # nothing half-written


def test_one_bad_input_does_not_stop_the_others(snippets: Path, tmp_path: Path) -> None:
    (snippets / "broken.sh").write_text('curl https://api.example.com/x -H "unterminated\n')
    (snippets / "head.sh").write_text("curl -I https://api.example.com/health\n")
    status, out, err = run("convert", str(snippets))
    assert status == 3
    assert "get_models" in out and "post_chat_completions" in out
    assert f"{snippets / 'broken.sh'}:1:35: error: unterminated double quote [unbalanced-quote]" in err
    assert "[unsupported-method]" in err
    assert "2 input(s) with errors" in err
    # --fail-fast stops at the first failing input (files are taken in sorted order)
    status, out, err = run("convert", str(snippets), "--fail-fast")
    assert status == 3 and "[unsupported-method]" not in err


def test_docs_messages_name_the_pages_own_lines(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# API\n\nSome text.\n\n```bash\ncurl -X OPTIONS https://api.example.com/v1/x\n```\n")
    status, _, err = run("convert", str(page))
    assert status == 3
    assert err.startswith(f"{page}:6:9: error: method OPTIONS is not supported")


def test_stdin_and_files_together(snippets: Path) -> None:
    status, out, _ = run("convert", "-", str(snippets / "nested" / "chat.sh"), stdin=OPENAI)
    assert status == 0
    assert "get_models" in out and "post_chat_completions" in out


def test_json_report(snippets: Path, tmp_path: Path) -> None:
    status, _, err = run("convert", str(snippets), "-o", str(tmp_path / "d"), "--report", "json")
    report = json.loads(err)
    assert report["status"] == 0
    assert report["connectors"] == ["openai"]
    assert report["actions"] == ["get_files", "get_models", "post_chat_completions"]
    assert sorted(report["files"]) == ["actions/get_files.yaml", "actions/get_models.yaml",
                                       "actions/post_chat_completions.yaml", "connectors/openai.yaml"]
    assert {i["kind"] for i in report["inputs"]} >= {"curl", "markdown"}
    assert report["placeholders"][0] == {"name": "OPENAI_API_KEY", "from": "header Authorization",
                                         "masked": "$OPENAI_API_KEY"}


def test_postman_har_and_docs_in_one_run(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(FIX / "postman" / "bodies_raw" / "collection.json", src / "shop.postman_collection.json")
    shutil.copy(FIX / "har" / "login_form.har", src / "login.har")
    shutil.copy(FIX / "docs" / "charges.html", src / "charges.html")
    status, out, err = run("convert", str(src), "--report", "json")
    kinds = sorted(i["kind"] for i in json.loads(err)["inputs"])
    assert kinds == ["har", "html", "postman"]
    assert out.startswith("connectors:\n")


def test_strict_fails_on_literal_secrets(tmp_path: Path) -> None:
    f = tmp_path / "k.sh"
    f.write_text("curl https://api.openai.com/v1/models -H 'Authorization: Bearer "
                 "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6l'\n")
    assert run("convert", str(f))[0] == 0
    status, _, err = run("convert", str(f), "--strict")
    assert status == 3 and "1 literal secret(s) in the input (--strict) [literal-secret]" in err

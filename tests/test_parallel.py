"""converter.parallel: the forked ordered map gives exactly what ``map`` gives, in order,
with the same exceptions at the same place, whatever happens to the child; and bulk runs
that use it write the same bytes and the same messages as a one-process run."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter import parallel

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


REAL_THREAD_CHECK = parallel._other_threads


@pytest.fixture(autouse=True)
def two_jobs(monkeypatch):
    monkeypatch.setenv("CURL2CONNECTOR_JOBS", "2")
    # other test modules leave server threads running (the echo server): these tests
    # fork anyway (the children only convert); test_no_fork_while_other_threads_run
    # checks the real rule
    monkeypatch.setattr(parallel, "_other_threads", lambda: False)


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def square(x: int) -> int:
    return x * x


def test_same_results_in_order():
    items = list(range(2000))
    assert list(parallel.ordered_map(square, items, min_items=1)) == [x * x for x in items]
    assert no_children_left()


def test_results_that_refer_to_themselves_come_back_whole():
    """A result holding the same object twice pickles a back-reference; each of the child's
    results must resolve its own (loaded as one stream, they pointed into earlier results)."""
    def f(x):
        name = f"item-{x}"
        return name, [name, {"again": name}], x

    items = list(range(3000))
    assert list(parallel.ordered_map(f, items, min_items=1)) == [f(x) for x in items]
    assert parallel.last_run["child"] > 0


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(max_size=20), max_size=60))
def test_any_list_maps_like_map(items):
    assert list(parallel.ordered_map(str.upper, items, min_items=1)) == [s.upper() for s in items]


def test_the_child_does_part_of_the_work():
    parent = os.getpid()
    # each result says which process made it: both must have worked on a long list
    made = list(parallel.ordered_map(lambda _x: os.getpid() == parent, range(4000), min_items=1))
    assert True in made and False in made
    # the parent works from the front, the child from the back
    assert made[0] is True and made[-1] is False


def test_the_parent_keeps_claiming_until_the_two_meet():
    """Both sides cost the same per item, so this process covers a fair share of a long
    list of cheap items (about half).  A counter read while the other process was
    rewriting it (struct.pack_into zero-fills first) once made it stop after 1-2%."""
    parent = os.getpid()
    shares = []
    for _ in range(3):  # one run may lose its core for a while: the best of three counts
        made = list(parallel.ordered_map(lambda _x: os.getpid() == parent, range(100_000), min_items=1))
        shares.append(made.count(True) / len(made))
    assert max(shares) > 0.2, shares


def test_one_job_stays_in_this_process(monkeypatch):
    monkeypatch.setenv("CURL2CONNECTOR_JOBS", "1")
    parent = os.getpid()
    assert all(parallel.ordered_map(lambda _x: os.getpid() == parent, range(1000), min_items=1))


def test_short_lists_stay_in_this_process():
    parent = os.getpid()
    assert all(parallel.ordered_map(lambda _x: os.getpid() == parent, range(100), min_items=101))


@pytest.mark.parametrize("bad", [3, 1990])
def test_an_exception_is_raised_here_in_order(bad):
    """Whether the failing item falls to this process or the child, the caller sees the
    results before it, then the exception, as with map."""
    seen = []

    def f(x):
        if x == bad:
            raise ValueError(f"item {x}")
        return x

    with pytest.raises(ValueError, match=f"item {bad}"):
        for r in parallel.ordered_map(f, range(2000), min_items=1):
            seen.append(r)
    assert seen == list(range(bad))
    assert no_children_left()


def test_unpicklable_results_are_computed_here():
    parent = os.getpid()
    out = list(parallel.ordered_map(lambda x: (lambda: x) if os.getpid() != parent else (lambda: x),
                                    range(1000), min_items=1))
    assert [f() for f in out] == list(range(1000))
    assert no_children_left()


def test_a_killed_child_costs_nothing_but_time():
    parent = os.getpid()

    def f(x):
        if os.getpid() != parent and x == 900:
            os.kill(os.getpid(), signal.SIGKILL)
        return x + 1

    assert list(parallel.ordered_map(f, range(1000), min_items=1)) == list(range(1, 1001))
    assert no_children_left()


def test_stopping_early_reaps_the_child():
    gen = parallel.ordered_map(square, range(100_000), min_items=1)
    assert next(gen) == 0
    gen.close()
    assert no_children_left()


# --- bulk runs: byte-identical with one or two processes -----------------------------------

def _page(n: int) -> str:
    """A long docs page with trouble mixed in: a snippet that does not parse, a command curl
    cannot convert, a PowerShell block, and duplicates (so diagnostics interleave)."""
    sys.path.insert(0, str(REPO))
    from bench.bulk import _snippet

    parts = ["# Big page\n"]
    for i in range(n):
        parts.append(_snippet(i))
        if i % 500 == 7:
            parts.append("```bash\ncurl 'https://api.example.com/v1/open\n```\n")  # unclosed quote
        if i % 700 == 11:
            parts.append("```bash\ncurl -X BREW https://api.example.com/v1/pot\n```\n")
        if i % 900 == 13:
            parts.append("```powershell\ncurl.exe https://api.example.com/v1/ps `\n  -H \"X-Api-Key: $env:KEY\"\n```\n")
        if i % 400 == 5:
            parts.append(_snippet(i))
    return "\n".join(parts)


def _run(args: list[str], jobs: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, CURL2CONNECTOR_JOBS=jobs)
    return subprocess.run([sys.executable, "-m", "converter", *args], cwd=REPO, env=env,
                          capture_output=True, text=True)


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.yaml"))}


def test_a_long_page_converts_the_same_with_two_processes(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(_page(3000), encoding="utf-8")
    one = _run(["convert", str(page), "-o", str(tmp_path / "one")], "1")
    two = _run(["convert", str(page), "-o", str(tmp_path / "two")], "2")
    assert one.returncode == two.returncode == 3  # the broken snippets are input errors
    assert "unterminated single quote" in one.stderr and "page.md:94:6:" in one.stderr
    # the same messages in the same order (the last line names the output directory)
    assert one.stderr.splitlines()[-1].startswith("wrote 30")
    assert two.stderr.splitlines()[:-1] == one.stderr.splitlines()[:-1]
    a, b = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert len(a) > 3000 and a == b
    report_one = _run(["convert", str(page), "--report", "json"], "1")
    report_two = _run(["convert", str(page), "--report", "json"], "2")
    assert report_one.stdout == report_two.stdout and report_one.stderr == report_two.stderr


# --- every corpus case, shared out as far as it goes ----------------------------------------

@pytest.fixture
def share_everything(monkeypatch):
    from converter import docs, postman

    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr(postman, "PARALLEL_ITEMS", 1)
    monkeypatch.setattr(docs, "_PARALLEL_RUNS", 1)


def _postman_outcome(name: str) -> tuple:
    from tests.test_postman import convert_case, diagnostics_text, report_text

    from converter.yamlio import dump_yaml

    try:
        result = convert_case(name)
    except Exception as exc:  # noqa: BLE001 - the same failure must happen both ways
        return ("raised", type(exc).__name__, str(exc))
    return dump_yaml(result.bundle()), diagnostics_text(result), report_text(result)


def test_every_postman_case_loads_the_same_shared_out(share_everything, monkeypatch):
    from tests.test_postman import CASES

    child_items = 0
    for name in CASES:
        monkeypatch.setenv("CURL2CONNECTOR_JOBS", "1")
        alone = _postman_outcome(name)
        monkeypatch.setenv("CURL2CONNECTOR_JOBS", "2")
        parallel.last_run["child"] = 0
        shared = _postman_outcome(name)
        child_items += parallel.last_run["child"]
        assert shared == alone, name
    assert child_items > 0  # the child's requests came back through the pipe (spans and all)
    assert no_children_left()


def test_every_docs_page_parses_the_same_shared_out(share_everything, monkeypatch):
    from converter.docs import parse_doc

    for page in sorted((REPO / "fixtures" / "docs").iterdir()):
        kind = {".md": "markdown", ".rst": "rst", ".html": "html"}[page.suffix]
        text = page.read_text(encoding="utf-8")
        monkeypatch.setenv("CURL2CONNECTOR_JOBS", "1")
        alone = parse_doc(text, kind, page.name)
        monkeypatch.setenv("CURL2CONNECTOR_JOBS", "2")
        shared = parse_doc(text, kind, page.name)
        assert [repr(r) for r in shared[0]] == [repr(r) for r in alone[0]], page.name
        assert [d.format() for d in shared[1]] == [d.format() for d in alone[1]], page.name


def test_no_fork_while_other_threads_run(monkeypatch):
    import threading

    monkeypatch.setattr(parallel, "_other_threads", REAL_THREAD_CHECK)
    before = threading.active_count()
    parent, release = os.getpid(), threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert parallel.workers() == 1
        assert all(parallel.ordered_map(lambda _x: os.getpid() == parent, range(1000), min_items=1))
    finally:
        release.set()
        other.join()
    if before == 1:  # (threads other test modules left behind keep it at 1)
        assert parallel.workers() == 2

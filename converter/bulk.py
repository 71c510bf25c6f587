"""Many inputs, one coherent set of definitions.

Inputs (files, directories, stdin) are read by the CLI and handed here as
:class:`Input` records; each is detected by content (curl text, Markdown / reST /
HTML docs, Postman collection, HAR) and converted into one shared
:class:`~converter.emit.Emitter`, so requests with the same base URL and auth
share a connector and names stay unique across the run.  One bad input does not
stop the others (unless ``fail_fast``); its errors are reported with locations.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import api
from .emit import Emitter, Result
from .errors import ConverterError

# Extensions looked at when walking a directory (content decides the kind).
WALK_SUFFIXES = {".sh", ".bash", ".zsh", ".curl", ".txt", ".md", ".markdown", ".mdx", ".rst", ".html", ".htm",
                 ".json", ".har", ".ps1", ".bat", ".cmd", ".postman_collection"}
_SKIP_DIRS = {".git", "node_modules", "__pycache__", ".venv", "venv", ".tox"}


@dataclass
class Input:
    source: str  # as shown in messages
    text: str
    base_dir: Path
    filename: str | None = None


@dataclass
class InputReport:
    source: str
    kind: str
    actions: int = 0
    errors: int = 0
    warnings: int = 0


@dataclass
class Options:
    shell_kind: str = "auto"
    read_files: bool = False
    connector_name: str | None = None
    action_name: str | None = None
    base_url: str | None = None
    environment: str | None = None  # Postman environment / globals export (text)
    environment_source: str = "<environment>"
    variables: dict[str, str] = field(default_factory=dict)
    fail_fast: bool = False


def walk(paths: Iterable[str], include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> list[str]:
    """Files named directly, plus the files of directories (recursive, sorted, filtered)."""
    out: list[str] = []
    for path in paths:
        p = Path(path)
        if path == "-" or not p.is_dir():
            out.append(path)
            continue
        found = []
        for f in p.rglob("*"):
            rel = f.relative_to(p).as_posix()
            if any(part in _SKIP_DIRS or part.startswith(".") for part in f.relative_to(p).parts):
                continue
            if not f.is_file():
                continue
            if include:
                if not any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(f.name, g) for g in include):
                    continue
            elif f.suffix.lower() not in WALK_SUFFIXES:
                continue
            if any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(f.name, g) for g in exclude):
                continue
            found.append(f)
        out.extend(str(f) for f in sorted(found))
    return out


def _detect(inp: Input) -> str:
    try:
        from .detect import detect_kind
    except ImportError:  # pragma: no cover
        return "curl"
    return detect_kind(inp.text, inp.filename)


def _convert_one(inp: Input, kind: str, em: Emitter, opts: Options, explicit: bool) -> None:
    """Convert one input into the shared emitter; raises ConverterError when it is unusable."""
    if kind in ("markdown", "rst", "html", "postman", "har"):
        if kind == "postman":
            from .postman import convert_collection

            convert_collection(inp.text, inp.source, environment=opts.environment, variables=opts.variables,
                               environment_source=opts.environment_source, emitter=em)
            return
        if kind == "har":
            from .har import load_har

            requests, diags = load_har(inp.text, inp.source)
            em.diagnostics.extend(diags)
            _add_all(em, requests)
            return
        from .curl import FileSource
        from .docs import iter_doc

        files = FileSource(inp.base_dir) if opts.read_files else None
        # Each group of code blocks is emitted as soon as it is parsed (later groups are
        # parsed meanwhile by a second core, see converter.parallel); the page's own
        # diagnostics are listed before the emitter's, as when the page is parsed first.
        start, page = len(em.diagnostics), []
        for requests, diags in iter_doc(inp.text, kind, inp.source, shell_kind=opts.shell_kind, files=files):
            page.extend(diags)
            _add_all(em, requests)
        em.diagnostics[start:start] = page
        return
    if kind == "unknown" and not explicit:
        return
    api.convert_text(inp.text, source=inp.source, shell_kind=opts.shell_kind, read_files=opts.read_files,
                     base_dir=inp.base_dir, emitter=em)


def _add_all(em: Emitter, requests) -> None:
    for req in requests:
        if any(d.severity == "error" for d in req.diagnostics):
            continue
        try:
            em.add(req)
        except ConverterError as exc:
            em.diagnostics.append(exc.diagnostic())


def convert_inputs(inputs: Iterable[Input], opts: Options, *, explicit: set[str] | None = None,
                   progress: Callable[[Input], None] | None = None) -> tuple[Result, list[InputReport]]:
    """Every input into one emitter; per-input reports say what each contributed."""
    em = Emitter(opts.connector_name, opts.action_name, opts.base_url)
    reports: list[InputReport] = []
    for inp in inputs:
        kind = _detect(inp)
        report = InputReport(inp.source, kind)
        n_actions, n_diags = len(em.actions), len(em.diagnostics)
        try:
            _convert_one(inp, kind, em, opts, explicit is None or inp.source in explicit)
        except ConverterError as exc:
            em.diagnostics.append(exc.diagnostic())
        new = em.diagnostics[n_diags:]
        report.actions = len(em.actions) - n_actions
        report.errors = sum(d.severity == "error" for d in new)
        report.warnings = sum(d.severity == "warning" for d in new)
        reports.append(report)
        if progress:
            progress(inp)
        if opts.fail_fast and report.errors:
            break
    return em.result(), reports

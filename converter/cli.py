"""The command line: gathers options, calls the pure stages, owns files and streams.

Exit statuses are :class:`converter.errors.ExitStatus` (documented in the README).
Everything printed to stderr goes through :func:`converter.redact.redact`.
"""
from __future__ import annotations

import gc
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import click

from . import __version__
from .errors import ConverterError, Diagnostic, ExitStatus, Span
from .redact import redact
from .secret_catalog import mask
from .secrets import MIN_KNOWN_LENGTH, SecretIndex

EXAMPLES = """
\b
Examples:
  curl2connector convert docs/openai.sh
  pbpaste | curl2connector convert -            # one command from the clipboard
  curl2connector convert api.sh -o defs/        # defs/connectors/*.yaml, defs/actions/*.yaml
  curl2connector validate defs/
  curl2connector to-curl defs/ --action get_models
"""


class _Out:
    """stderr writer that masks every line with the run's known secrets."""

    def __init__(self) -> None:
        self._index = SecretIndex()

    def set_known(self, secrets: list[str]) -> None:
        # an index (a run with 10,000 secrets prints 10,000 report lines: trying every secret
        # on every line was quadratic), of lower-cased secrets: a host, and the connector and
        # placeholder names made from it, show a secret in another letter case
        self._index = SecretIndex(s.lower() for s in secrets)

    def err(self, text: str, heuristics: bool = True) -> None:
        for secret in sorted(self._index.find(text.lower()), key=len, reverse=True):
            # already-masked text (heuristics off) shows no part of it; an input line its ends
            text = re.sub(re.escape(secret), lambda m: mask(m.group()) if heuristics else "***", text,
                          flags=re.IGNORECASE)
        if heuristics:
            text = redact(text)
        click.echo(text, err=True)

    def diagnostic(self, d: Diagnostic) -> None:
        """Our own message as written (it never quotes input), the quoted input line masked."""
        head, _, caret = d.format().partition("\n")
        self.err(head, heuristics=False)
        if caret:
            self.err(caret)


def _print_diagnostics(out: _Out, diags: list[Diagnostic], cap: int = 50) -> None:
    for d in diags[:cap]:
        out.diagnostic(d)
    if len(diags) > cap:
        out.err(f"… and {len(diags) - cap} more")


def _read_input(path: str) -> tuple[str, str, Path]:
    if path == "-":
        data, source, base = sys.stdin.buffer.read(), "<stdin>", Path.cwd()
    else:
        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise ConverterError("unreadable", f"cannot read {path}: {exc.strerror}", None, ExitStatus.USAGE) from None
        source, base = path, p.parent
    try:
        return data.decode("utf-8"), source, base
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ConverterError("invalid-utf8", f"the input is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                             Span(line, col, source)) from None


def _fail(out: _Out, exc: ConverterError) -> None:
    out.diagnostic(exc.diagnostic())
    sys.exit(int(exc.status))


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXAMPLES)
@click.version_option(__version__, prog_name="curl2connector")
def cli() -> None:
    """Turn curl commands from API docs into validated connector and action definitions.

    Every credential is replaced by a <<PLACEHOLDER>>; the placeholders created are
    reported on stderr, masked.
    """


@cli.command(epilog=EXAMPLES)
@click.argument("inputs", nargs=-1, metavar="[INPUT...]")
@click.option("-o", "--output", "output_dir", type=click.Path(file_okay=False), help="Write DIR/connectors/*.yaml and DIR/actions/*.yaml instead of a bundle on stdout.")
@click.option("--force", is_flag=True, help="Overwrite existing files in the output directory (and remove stale ones).")
@click.option("--check", is_flag=True, help="With -o: write nothing; exit 1 with a unified diff when DIR differs from what would be written.")
@click.option("--connector-name", help="Name of the connector (default: from the API's domain).")
@click.option("--action-name", help="Name of the (first) action (default: method + path words).")
@click.option("--base-url", help="Scheme and host for commands whose host is a variable (https://${yourOktaDomain}/…).")
@click.option("--read-files", is_flag=True, help="Read files named by -d @file, -F k=@file, -T (only inside the input's directory).")
@click.option("--shell", "shell_kind", type=click.Choice(["auto", "bash", "cmd", "powershell"]), default="auto", show_default=True, help="Shell dialect of curl text.")
@click.option("--environment", "environment", type=click.Path(exists=True, dir_okay=False), help="Postman environment or globals export for collections.")
@click.option("--var", "var_pairs", multiple=True, metavar="NAME=VALUE", help="Postman variable (beats collection and environment; repeatable).")
@click.option("--include", multiple=True, metavar="GLOB", help="Only these files of a directory (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip these files of a directory (repeatable).")
@click.option("--fail-fast", is_flag=True, help="Stop at the first input that fails.")
@click.option("--strict", is_flag=True, help="Exit 3 when the input holds a literal secret (a CI gate for docs).")
@click.option("--report", "report_format", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Format of the report on stderr.")
def convert(inputs, output_dir, force, check, connector_name, action_name, base_url, read_files, shell_kind,
            environment, var_pairs, include, exclude, fail_fast, strict, report_format):
    """Convert curl commands, docs pages, Postman collections and HAR files (files,
    directories, or - for stdin) into connector and action definitions."""
    from . import bulk
    from .naming import checked_name

    out = _Out()
    try:
        if connector_name:
            checked_name(connector_name, "connector")
        if action_name:
            checked_name(action_name, "action")
        if base_url and not re.fullmatch(r"https?://[^/?#@\s]+/?", base_url):
            raise ConverterError("bad-base-url", "--base-url must be scheme://host[:port], e.g. https://acme.okta.com",
                                 None, ExitStatus.USAGE)
        if check and not output_dir:
            raise ConverterError("usage", "--check compares with a directory: give -o DIR", None, ExitStatus.USAGE)
        opts = bulk.Options(shell_kind=shell_kind, read_files=read_files, connector_name=connector_name,
                            action_name=action_name, base_url=base_url, variables=_pairs(var_pairs, "--var"),
                            fail_fast=fail_fast)
        if environment:
            opts.environment, opts.environment_source, _ = _read_input(environment)
        paths = bulk.walk(inputs or ("-",), include, exclude)
        if not paths:
            raise ConverterError("no-input", "no input files found", None, ExitStatus.USAGE)
        explicit = {p for p in inputs if p == "-" or not Path(p).is_dir()} | ({"<stdin>"} if "-" in inputs or not inputs else set())
        result, reports = _convert_paths(paths, opts, explicit, out)
        out.set_known([s for s in result.placeholders.by_secret if len(s) >= MIN_KNOWN_LENGTH])
        files = _render_documents(result, output_dir is not None) if result.actions else {}
    except ConverterError as exc:
        _fail(out, exc)
        return
    errors = sum(d.severity == "error" for d in result.diagnostics)
    status = ExitStatus.INPUT_ERROR if errors or not result.actions else ExitStatus.OK
    if strict and result.placeholders.by_secret:
        result.diagnostics.append(Diagnostic("literal-secret", "error", f"{len(result.placeholders.by_secret)} literal secret(s) in the input (--strict)"))
        status = ExitStatus.INPUT_ERROR
    written: list[str] = []
    try:
        if check:
            diff = _diff_tree(Path(output_dir), files)
            if diff:
                click.echo(diff, nl=False)
                status = status or ExitStatus.INVALID
        elif files and output_dir is None:
            click.echo(files["-"], nl=False)
        elif files:
            written = _write_tree(Path(output_dir), files, force)
    except ConverterError as exc:
        _fail(out, exc)
    if report_format == "json":
        _json_report(out, result, reports, written, status)
    else:
        _print_diagnostics(out, result.diagnostics)
        for c in result.placeholders.created:
            out.err(f"placeholder <<{c.name}>> from {c.where}: {c.masked}", heuristics=False)
        if written:
            out.err(f"wrote {len(written)} file(s) to {output_dir}")
        if len(reports) > 1:
            failed = [r for r in reports if r.errors]
            out.err(f"{len(reports)} inputs, {len(result.actions)} actions, {len(result.connectors)} connectors"
                    + (f"; {len(failed)} input(s) with errors: " + ", ".join(r.source for r in failed[:10]) if failed else ""))
    sys.exit(int(status))


def _pairs(pairs: tuple[str, ...], option: str) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq or not name:
            raise ConverterError("bad-arg", f"{option} needs NAME=VALUE (got {name[:30]!r})", None, ExitStatus.USAGE)
        out[name] = value
    return out


def _convert_paths(paths: list[str], opts, explicit: set[str], out: "_Out"):
    """Read every input and convert them together; unreadable ones become errors."""
    from . import bulk

    inputs: list[bulk.Input] = []
    unreadable: list[Diagnostic] = []
    for path in paths:
        try:
            text, source, base = _read_input(path)
        except ConverterError as exc:
            if exc.status == ExitStatus.USAGE and len(paths) == 1:
                raise
            unreadable.append(exc.diagnostic())
            continue
        inputs.append(bulk.Input(source, text, base, None if path == "-" else Path(path).name))
    explicit = explicit | {"<stdin>"}
    if sys.stderr.isatty() and len(inputs) > 20:
        with click.progressbar(length=len(inputs), label="converting", file=sys.stderr) as bar:
            result, reports = bulk.convert_inputs(inputs, opts, explicit=explicit, progress=lambda _i: bar.update(1))
    else:
        result, reports = bulk.convert_inputs(inputs, opts, explicit=explicit)
    result.diagnostics[:0] = unreadable
    return result, reports


def _json_report(out: "_Out", result, reports, written: list[str], status: int) -> None:
    import json

    doc = {
        "status": int(status),
        "inputs": [vars(r) for r in reports],
        "connectors": [c["name"] for c in result.connectors],
        "actions": [a["name"] for a in result.actions],
        "files": written,
        "placeholders": [{"name": c.name, "from": c.where, "masked": c.masked} for c in result.placeholders.created],
        "diagnostics": [{"code": d.code, "severity": d.severity, "message": d.message,
                         "location": d.span.location() if d.span else None} for d in result.diagnostics],
    }
    out.err(json.dumps(doc, indent=2, ensure_ascii=False), heuristics=False)


def _render_documents(result, per_file: bool) -> dict[str, str]:
    """Validate every document, dump it, and prove no literal secret survived."""
    from .schema import validate_action, validate_bundle, validate_connector
    from .yamlio import dump_yaml

    files: dict[str, str] = {}
    if per_file:
        from .parallel import ordered_map

        jobs = [("connector", doc, validate_connector) for doc in result.connectors]
        jobs += [("action", doc, validate_action) for doc in result.actions]
        documents = [doc for _, doc, _ in jobs]

        def render(job: tuple) -> tuple[list[str], str]:
            _, doc, check = job
            return check(doc), dump_yaml(doc)

        # documents are independent: a long run shares them out to a second core
        for (kind, doc, _), (errors, text) in zip(jobs, ordered_map(render, jobs)):
            _check(errors, f"{kind} {doc.get('name')}")
            files[f"{kind}s/{doc['name']}.yaml"] = text
    else:
        bundle = result.bundle()
        documents = [bundle]
        _check(validate_bundle(bundle), "bundle")
        files["-"] = dump_yaml(bundle)
    # the distinctive secrets only: `-u admin:password` must not stop a `/password/reset` path
    # (see converter.secrets.is_distinctive); found with the index, linear in the output
    if result.placeholders.found_in_documents(documents, list(files.values())):
        raise ConverterError("secret-leak", "a secret would reach the output: refusing to write (a converter bug)",
                             None, ExitStatus.INTERNAL)
    return files


def _check(errors: list[str], what: str) -> None:
    if errors:
        raise ConverterError("schema", f"generated {what} fails its schema (a converter bug): " + "; ".join(errors[:3]),
                             None, ExitStatus.INTERNAL)


def _stale(root: Path, files: dict[str, str]) -> list[str]:
    """Definition files on disk that this run would not write (removed upstream)."""
    found = []
    for sub in ("connectors", "actions"):
        if (root / sub).is_dir():
            found += [f"{sub}/{f.name}" for f in sorted((root / sub).glob("*.yaml")) if f"{sub}/{f.name}" not in files]
    return found


def _diff_tree(root: Path, files: dict[str, str]) -> str:
    """A unified diff from what is on disk to what this run would write (empty: up to date)."""
    import difflib

    chunks = []
    for rel in sorted(set(files) | set(_stale(root, files))):
        target = root / rel
        try:
            old = target.read_text(encoding="utf-8") if target.exists() else None
        except (OSError, UnicodeDecodeError):
            old = ""
        new = files.get(rel)
        if old == new:
            continue
        chunks.extend(difflib.unified_diff(
            (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True),
            fromfile=f"a/{rel}" if old is not None else "/dev/null", tofile=f"b/{rel}" if new is not None else "/dev/null"))
    return "".join(c if c.endswith("\n") else c + "\n\\ No newline at end of file\n" for c in chunks)


def _write_tree(root: Path, files: dict[str, str], force: bool) -> list[str]:
    """All or nothing: every file is staged in one temporary directory under ``root``,
    then moved into place (a directory that does not exist yet moves in one rename).

    Without ``--force`` an existing file that would change stops the run before
    anything is written; with it, stale definition files are removed too.
    """
    listing: dict[str, set[str]] = {}  # one listdir per directory, not one stat per file
    clashes, changed = [], []
    for rel, text in files.items():
        sub, _, name = rel.rpartition("/")
        present = listing.get(sub)
        if present is None:
            folder = root / sub
            if folder.exists() and not folder.is_dir():
                raise ConverterError("write-failed", f"cannot write to {root}: {folder.name} is not a directory",
                                     None, ExitStatus.USAGE)
            present = listing[sub] = set(os.listdir(folder)) if folder.is_dir() else set()
        if name in present:
            try:
                if (root / rel).read_text(encoding="utf-8") == text:
                    continue
            except (OSError, UnicodeDecodeError):
                pass
            if not force:
                clashes.append(rel)
        changed.append(rel)
    if clashes:
        raise ConverterError("exists", f"{len(clashes)} file(s) already exist and differ (use --force): " + ", ".join(clashes[:5]),
                             None, ExitStatus.OUTPUT_EXISTS)
    stage = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".c2c-", dir=root))
        made: set[str] = set()
        for rel in changed:
            path = os.path.join(stage, rel)  # strings: a Path per file costs more than the write
            parent = os.path.dirname(path)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            try:
                data = memoryview(files[rel].encode("utf-8"))
                while data:
                    data = data[os.write(fd, data):]
            finally:
                os.close(fd)
        moved = set()
        for sub in sorted({rel.split("/", 1)[0] for rel in changed if "/" in rel}):
            if not (root / sub).exists():
                os.rename(stage / sub, root / sub)  # a new directory: all its files at once
                moved.add(sub)
        for rel in changed:
            if rel.split("/", 1)[0] not in moved:
                os.replace(stage / rel, root / rel)
    except OSError as exc:
        raise ConverterError("write-failed", f"cannot write to {root}: {exc.strerror}", None, ExitStatus.USAGE) from None
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
    if force:
        for rel in _stale(root, files):
            (root / rel).unlink(missing_ok=True)
    return changed


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def validate(paths):
    """Validate connector, action or bundle YAML files (or directories of them)."""
    from .schema import validate_yaml_text

    out = _Out()
    bad = 0
    checked = 0
    for path in paths:
        p = Path(path)
        targets = sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml") and q.is_file()) if p.is_dir() else [p]
        for f in targets:
            checked += 1
            try:
                text = f.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                out.err(f"{f}:1:1: the file is not UTF-8 text")
                bad += 1
                continue
            messages = validate_yaml_text(text, str(f), None)
            for m in messages:
                out.err(m)
            bad += bool(messages)
    if bad:
        out.err(f"{bad} of {checked} file(s) invalid")
        sys.exit(int(ExitStatus.INVALID))
    click.echo(f"{checked} file(s) valid")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--include", multiple=True, metavar="GLOB", help="Only these files of a directory (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip these files of a directory (repeatable).")
def scan(paths, include, exclude):
    """Report literal secrets in curl text, docs, Postman collections and HAR files
    (masked), without converting. Exit 1 when any is found: a pre-commit / CI gate."""
    from . import bulk
    from .scan import scan_input

    out = _Out()
    findings = 0
    files = bulk.walk(paths, include, exclude)
    for path in files:
        try:
            text, source, base = _read_input(path)
        except ConverterError as exc:
            out.err(str(exc))
            continue
        for finding in scan_input(bulk.Input(source, text, base, None if path == "-" else Path(path).name), bulk.Options()):
            findings += 1
            click.echo(finding.format())
    if findings:
        out.err(f"{findings} literal secret(s) in {len(files)} file(s): replace them with $VARIABLES or {{{{variables}}}}")
        sys.exit(int(ExitStatus.INVALID))
    out.err(f"no literal secrets in {len(files)} file(s)")


@cli.command("to-curl")
@click.argument("path", type=click.Path(exists=True))
@click.option("--action", "action_name", help="Render only this action.")
@click.option("--arg", "arg_pairs", multiple=True, metavar="NAME=VALUE", help="Value of an input argument (repeatable).")
def to_curl(path, action_name, arg_pairs):
    """Render actions back into runnable curl commands (placeholders as ${NAME})."""
    from .to_curl import load_definitions, render_all

    out = _Out()
    args = {}
    for pair in arg_pairs:
        name, eq, value = pair.partition("=")
        if not eq:
            _fail(out, ConverterError("bad-arg", f"--arg needs NAME=VALUE (got {name[:30]!r})", None, ExitStatus.USAGE))
        args[name] = value
    try:
        connectors, actions = load_definitions(Path(path))
        commands = render_all(connectors, actions, action_name, args)
    except ConverterError as exc:
        _fail(out, exc)
        return
    click.echo("\n\n".join(commands))


@cli.command("run")
@click.argument("path", type=click.Path(exists=True))
@click.option("--action", "action_name", help="The action to send (optional when the definitions hold one action).")
@click.option("--arg", "arg_pairs", multiple=True, metavar="NAME=VALUE", help="Value of an input argument (repeatable; default: its example value).")
@click.option("--env-file", type=click.Path(dir_okay=False), help="dotenv file with placeholder values (KEY=VALUE lines); its values win over the environment's.")
@click.option("--dry-run", is_flag=True, help="Print the request, every secret masked, instead of sending it.")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=30.0, show_default=True, help="Seconds to wait for the connection and for each read.")
@click.option("-k", "--insecure", is_flag=True, help="Do not verify the server's TLS certificate.")
@click.option("--cacert", type=click.Path(exists=True, dir_okay=False), help="CA certificates (PEM) to verify the server with.")
@click.option("--max-body", type=click.IntRange(0), default=4000, show_default=True, help="Characters of the response body to print (0: all).")
@click.option("--fail", "fail_status", is_flag=True, help="Exit 1 when the response status is 400 or above.")
def run(path, action_name, arg_pairs, env_file, dry_run, timeout, insecure, cacert, max_body, fail_status):
    """Send an action's request for real and print the response.

    Placeholders <<NAME>> are filled from environment variables and --env-file;
    nothing is sent while one is unfilled.  Files named by the definitions are
    read from the definitions' directory.
    """
    from .runner import build_request, definitions_dir, format_dry_run, format_response, load_env, select_action, send
    from .to_curl import load_definitions

    out = _Out()
    try:
        args = _pairs(arg_pairs, "--arg")
        env = load_env(env_file)
        connectors, actions = load_definitions(Path(path))
        connector, action = select_action(connectors, actions, action_name)
        prepared = build_request(connector, action, args, env, base_dir=definitions_dir(path))
        out.set_known([s for s in prepared.secrets if len(s) >= MIN_KNOWN_LENGTH])
        limit = max_body or sys.maxsize
        if dry_run:
            click.echo(format_dry_run(prepared, max_body=limit))
            return
        response = send(prepared, timeout=timeout, verify=False if insecure else (cacert or True))
    except ConverterError as exc:
        _fail(out, exc)
        return
    click.echo(format_response(response, max_body=limit))
    if fail_status and response.status_code >= 400:
        sys.exit(int(ExitStatus.INVALID))


@cli.command("to-postman")
@click.argument("path", type=click.Path(exists=True))
@click.option("-o", "--output", default="-", show_default=True, type=click.Path(dir_okay=False, allow_dash=True), help="Collection file to write (- for stdout).")
@click.option("--name", "collection_name", help="Collection name (default: the bundle's file name or the directory's name).")
@click.option("--force", is_flag=True, help="Overwrite an existing, different output file.")
def to_postman_command(path, output, collection_name, force):
    """Export definitions as a Postman v2.1 collection: a folder per connector with its
    auth, placeholders as empty {{NAME}} variables, input arguments as variables."""
    from .to_curl import load_definitions
    from .to_postman import collection_json, to_postman, write_collection

    out = _Out()
    p = Path(path)
    try:
        connectors, actions = load_definitions(p)
        doc = to_postman(connectors, actions, name=collection_name or (p.resolve().name if p.is_dir() else p.stem))
        if output == "-":
            click.echo(collection_json(doc), nl=False)
            return
        changed = write_collection(doc, output, force)
    except ConverterError as exc:
        _fail(out, exc)
        return
    empty = sum(1 for v in doc["variable"] if v["value"] == "")
    verb = "wrote" if changed else "unchanged:"
    out.err(f"{verb} {output}: {len(actions)} request(s) in {len(doc['item'])} folder(s); {empty} variable(s) to fill")


def main(argv: list[str] | None = None) -> None:
    """The command line, for callers in Python: no input can make the tool print a
    traceback; it ends with SystemExit(status), as click does."""
    # A run builds many small objects that live until the end (requests, documents) and
    # makes almost no cyclic garbage: with the default thresholds the cyclic collector
    # re-scans them over and over (~20-30% of a 10,000-request run).  Imported modules
    # are set aside for good, and collections become rarer.
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        cli.main(args=argv, prog_name="curl2connector")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug: say so without echoing anything from the input
        click.echo(f"internal error ({type(exc).__name__}): a bug in curl2connector, please report it", err=True)
        sys.exit(int(ExitStatus.INTERNAL))


def entry() -> None:
    """The console script (and ``python -m converter``): :func:`main`, then the process
    ends at once.  Everything is written by then (files with os.write, the streams are
    flushed here): the interpreter would only free the run's objects one by one, ~80 ms
    after a 10,000-request run."""
    try:
        main()
        status = 0
    except SystemExit as exc:
        status = exc.code
    if not isinstance(status, int):  # never from our commands; Python's own meaning
        if status is not None:
            print(status, file=sys.stderr)
        status = 0 if status is None else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): nothing more to say there
            pass
    os._exit(status)

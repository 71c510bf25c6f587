"""The command line: gathers options, calls the pure stages, owns files and streams.

Exit statuses are :class:`converter.errors.ExitStatus` (documented in the README).
Everything printed to stderr goes through :func:`converter.redact.redact`.
"""
from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import click

from . import __version__
from .errors import ConverterError, Diagnostic, ExitStatus, Span
from .redact import redact
from .secrets import MIN_KNOWN_LENGTH

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
        self.known: list[str] = []

    def err(self, text: str, heuristics: bool = True) -> None:
        if heuristics:
            text = redact(text, self.known)
        else:  # text built from already-masked values: only the run's own secrets are checked
            for secret in self.known:
                text = text.replace(secret, "***")
        click.echo(text, err=True)


def _print_diagnostics(out: _Out, diags: list[Diagnostic], cap: int = 50) -> None:
    for d in diags[:cap]:
        out.err(d.format())
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
    out.err(str(exc))
    sys.exit(int(exc.status))


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXAMPLES)
@click.version_option(__version__, prog_name="curl2connector")
def cli() -> None:
    """Turn curl commands from API docs into validated connector and action definitions.

    Every credential is replaced by a <<PLACEHOLDER>>; the placeholders created are
    reported on stderr, masked.
    """


@cli.command(epilog=EXAMPLES)
@click.argument("input_path", metavar="[FILE|-]", default="-")
@click.option("-o", "--output", "output_dir", type=click.Path(file_okay=False), help="Write DIR/connectors/*.yaml and DIR/actions/*.yaml instead of a bundle on stdout.")
@click.option("--force", is_flag=True, help="Overwrite existing files in the output directory.")
@click.option("--connector-name", help="Name of the connector (default: from the API's domain).")
@click.option("--action-name", help="Name of the (first) action (default: method + path words).")
@click.option("--base-url", help="Scheme and host for commands whose host is a variable (https://${yourOktaDomain}/…).")
@click.option("--read-files", is_flag=True, help="Read files named by -d @file, -F k=@file, -T (only inside the input's directory).")
@click.option("--shell", "shell_kind", type=click.Choice(["auto", "bash", "cmd", "powershell"]), default="auto", show_default=True, help="Shell dialect of the input.")
def convert(input_path, output_dir, force, connector_name, action_name, base_url, read_files, shell_kind):
    """Convert curl commands (FILE, or - for stdin) to connector and action definitions."""
    from .api import convert_text
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
        text, source, base = _read_input(input_path)
        result = convert_text(text, source=source, shell_kind=shell_kind, read_files=read_files, base_dir=base,
                              connector_name=connector_name, action_name=action_name, base_url=base_url)
        out.known = [s for s in result.placeholders.by_secret if len(s) >= MIN_KNOWN_LENGTH]
        files = _render_documents(result, output_dir is not None) if result.actions else {}
    except ConverterError as exc:
        _fail(out, exc)
        return
    _print_diagnostics(out, result.diagnostics)
    for c in result.placeholders.created:
        out.err(f"placeholder <<{c.name}>> from {c.where}: {c.masked}", heuristics=False)
    status = ExitStatus.INPUT_ERROR if any(d.severity == "error" for d in result.diagnostics) else ExitStatus.OK
    if not result.actions:
        sys.exit(int(status or ExitStatus.INPUT_ERROR))
    if output_dir is None:
        click.echo(files["-"], nl=False)
    else:
        try:
            _write_tree(Path(output_dir), files, force)
        except ConverterError as exc:
            _fail(out, exc)
        out.err(f"wrote {len(files)} files to {output_dir}")
    sys.exit(int(status))


def _render_documents(result, per_file: bool) -> dict[str, str]:
    """Validate every document, dump it, and prove no literal secret survived."""
    from .schema import validate_action, validate_bundle, validate_connector
    from .yamlio import dump_yaml

    files: dict[str, str] = {}
    if per_file:
        for kind, docs, check in (("connectors", result.connectors, validate_connector),
                                  ("actions", result.actions, validate_action)):
            for doc in docs:
                _check(check(doc), f"{kind[:-1]} {doc.get('name')}")
                files[f"{kind}/{doc['name']}.yaml"] = dump_yaml(doc)
    else:
        bundle = result.bundle()
        _check(validate_bundle(bundle), "bundle")
        files["-"] = dump_yaml(bundle)
    secrets = [s for s in result.placeholders.by_secret if len(s) >= MIN_KNOWN_LENGTH]
    for text in files.values():
        if any(s in text for s in secrets):
            raise ConverterError("secret-leak", "a secret would reach the output: refusing to write (a converter bug)",
                                 None, ExitStatus.INTERNAL)
    return files


def _check(errors: list[str], what: str) -> None:
    if errors:
        raise ConverterError("schema", f"generated {what} fails its schema (a converter bug): " + "; ".join(errors[:3]),
                             None, ExitStatus.INTERNAL)


def _write_tree(root: Path, files: dict[str, str], force: bool) -> None:
    """All or nothing: every file is staged next to its target, then renamed into place."""
    clashes = []
    for rel, text in files.items():
        target = root / rel
        if target.exists() and not force:
            try:
                same = target.read_text(encoding="utf-8") == text
            except OSError:
                same = False
            if not same:
                clashes.append(rel)
    if clashes:
        raise ConverterError("exists", f"{len(clashes)} file(s) already exist and differ (use --force): " + ", ".join(clashes[:5]),
                             None, ExitStatus.OUTPUT_EXISTS)
    staged: list[tuple[str, Path]] = []
    try:
        for rel, text in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".c2c-", suffix=".tmp", dir=target.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            staged.append((tmp, target))
    except OSError as exc:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise ConverterError("write-failed", f"cannot write to {root}: {exc.strerror}", None, ExitStatus.USAGE) from None
    for tmp, target in staged:
        os.replace(tmp, target)


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


def main(argv: list[str] | None = None) -> None:
    """Console entry point: no input can make the tool print a traceback."""
    try:
        cli.main(args=argv, prog_name="curl2connector")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug: say so without echoing anything from the input
        click.echo(f"internal error ({type(exc).__name__}): a bug in curl2connector, please report it", err=True)
        sys.exit(int(ExitStatus.INTERNAL))

"""The public API: text in, validated documents out.  Pure: no files, streams or env.

    >>> result = convert_text('curl https://api.openai.com/v1/models -H "Authorization: Bearer $OPENAI_API_KEY"')
    >>> result.bundle()["actions"][0]["name"]
    'get_models'
"""
from __future__ import annotations

from pathlib import Path

from . import curl, shell
from .dialect import may_be_windows
from .emit import Emitter, Result
from .errors import ConverterError, Diagnostic, ExitStatus, Span

SHELLS = ("auto", "bash", "cmd", "powershell")


def parse_commands(text: str, source: str = "<stdin>", shell_kind: str = "auto"):
    """Shell text → commands, with the dialect detected unless given."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if shell_kind == "auto" or shell_kind not in SHELLS:
        if may_be_windows(text):
            from .shell_windows import detect_shell

            shell_kind = detect_shell(text)
        else:
            shell_kind = "bash"
    if shell_kind == "bash":
        return shell.parse_shell(text, source)
    from . import shell_windows

    parse = shell_windows.parse_cmd if shell_kind == "cmd" else shell_windows.parse_powershell
    return parse(text, source)


def convert_text(
    text: str,
    *,
    source: str = "<stdin>",
    shell_kind: str = "auto",
    read_files: bool = False,
    base_dir: Path | None = None,
    connector_name: str | None = None,
    action_name: str | None = None,
    base_url: str | None = None,
    emitter: Emitter | None = None,
) -> Result:
    """Every curl command in ``text`` → connectors and actions.

    A command that cannot be converted contributes an error diagnostic and no
    action; the others still convert.  Raises :class:`ConverterError` only when the
    text as a whole is unusable (shell syntax error, no curl command at all).
    """
    text = text[1:] if text.startswith("\ufeff") else text
    commands = parse_commands(text, source, shell_kind)
    curls = [c for c in commands if curl.is_curl_command(c)]
    if not curls:
        span = commands[0].span if commands else Span(1, 1, source, text.splitlines()[0] if text.strip() else "")
        if not text.strip():
            raise ConverterError("empty-input", "the input is empty: paste a curl command", Span(1, 1, source, ""))
        raise ConverterError("not-curl", "not a curl command: the input must contain a command starting with 'curl'", span)
    files = curl.FileSource(base_dir or Path(".")) if read_files else None
    em = emitter or Emitter(connector_name, action_name, base_url)
    for cmd in curls:
        try:
            req = curl.request_from_command(cmd, files)
            errors = [d for d in req.diagnostics if d.severity == "error"]
            em.diagnostics.extend(req.diagnostics)
            if errors:
                continue
            em.add(req)
        except ConverterError as exc:
            em.diagnostics.append(exc.diagnostic())
    return em.result()


__all__ = ["convert_text", "parse_commands", "Result", "ConverterError", "Diagnostic", "ExitStatus"]

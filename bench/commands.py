"""The curl commands the benchmarks share: corpus entries and golden-case inputs.

Both benchmarks (ours in Python, curlconverter in node) must time the very same text,
so the list is written once to a JSON file that the node script reads.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_ENTRY = re.compile(r"^### ", re.M)


def corpus_commands() -> list[str]:
    """Every fixtures/corpus/*.sh entry's command text (header and note lines dropped)."""
    out = []
    for path in sorted((REPO / "fixtures" / "corpus").glob("*.sh")):
        text = path.read_text(encoding="utf-8")
        for chunk in _ENTRY.split(text)[1:]:
            lines = chunk.split("\n")[1:]  # the first line is the entry id
            while lines and lines[0].startswith("#"):
                lines.pop(0)
            command = "\n".join(lines).strip()
            if command:
                out.append(command + "\n")
    return out


def case_commands() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((REPO / "fixtures" / "cases").glob("*/input.sh"))]


def all_commands() -> list[str]:
    return corpus_commands() + case_commands()


def convertible(commands: list[str]) -> list[str]:
    """The commands our converter turns into a valid bundle without an error diagnostic."""
    from converter.api import convert_text
    from converter.errors import ConverterError

    keep = []
    for cmd in commands:
        try:
            result = convert_text(cmd)
        except ConverterError:
            continue
        if result.actions and not any(d.severity == "error" for d in result.diagnostics):
            keep.append(cmd)
    return keep


def write_json(commands: list[str], path: Path) -> None:
    path.write_text(json.dumps(commands, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    cmds = all_commands()
    print(f"{len(cmds)} commands, {len(convertible(cmds))} convertible")

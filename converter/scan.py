"""``curl2connector scan``: find literal secrets in docs and collections, without converting.

Two nets, so that a key hiding where the converter never looks (a saved Postman
example, a response printed in the docs, a comment) is still caught:

1. the conversion pipeline itself: every literal it would replace by a placeholder
   (credential positions, secret-named fields, known formats);
2. the token-format catalog run over the whole raw text.

Findings carry ``line:col`` in the file when the secret appears there as written, and
only ever the masked secret.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import bulk
from .errors import ConverterError
from .secret_catalog import find_secrets, mask
from .secrets import MIN_KNOWN_LENGTH


@dataclass(frozen=True)
class Finding:
    source: str
    line: int  # 0 when the secret is not written literally in the file (encoded, escaped)
    col: int
    what: str  # where the converter found it, or the token format's name
    masked: str

    def format(self) -> str:
        where = f"{self.source}:{self.line}:{self.col}" if self.line else self.source
        return f"{where}: {self.what}: {self.masked}"


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def scan_input(inp: bulk.Input, opts: bulk.Options) -> list[Finding]:
    """The literal secrets of one input, in file order."""
    found: dict[tuple[int, int, str], Finding] = {}
    covered: set[tuple[int, int]] = set()
    try:
        result, _ = bulk.convert_inputs([inp], opts)
        literals = result.placeholders.by_secret
        wheres = {c.name: c.where for c in result.placeholders.created}
    except ConverterError:
        literals, wheres = {}, {}
    for secret, name in literals.items():
        # a generic user name (`api`, `admin`, `elastic`) is no secret; a distinctive one
        # (an e-mail, `deploy-bot`) or a key used as a user name is reported
        if not secret or (wheres.get(name, "").endswith("(username)") and len(secret) < MIN_KNOWN_LENGTH
                          and "@" not in secret and not find_secrets(secret)):
            continue
        start = inp.text.find(secret)
        if start < 0:
            found[(0, 0, secret)] = Finding(inp.source, 0, 0, wheres.get(name, "secret"), mask(secret))
        while start >= 0:
            line, col = _position(inp.text, start)
            covered.add((start, start + len(secret)))
            found[(line, col, secret)] = Finding(inp.source, line, col, wheres.get(name, "secret"), mask(secret))
            start = inp.text.find(secret, start + len(secret))
    for start, end, fmt in find_secrets(inp.text):
        if any(a <= start and end <= b for a, b in covered):
            continue
        line, col = _position(inp.text, start)
        found[(line, col, inp.text[start:end])] = Finding(inp.source, line, col, f"{fmt} token", mask(inp.text[start:end]))
    return [found[k] for k in sorted(found, key=lambda k: (k[0], k[1]))]


def scan_paths(inputs: list[bulk.Input], opts: bulk.Options) -> list[Finding]:
    out: list[Finding] = []
    for inp in inputs:
        out.extend(scan_input(inp, opts))
    return out

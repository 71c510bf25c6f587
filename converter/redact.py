"""Masking for everything the tool prints about its input.

Messages are written without input values, but a caret line shows the input line
itself, and a library's message may quote input.  Every text bound for stderr goes
through :func:`redact` first: known secrets of the run, known token formats, and
anything in a credential-looking position or random-looking are masked.
Over-masking a caret line costs nothing; under-masking leaks a key.
"""
from __future__ import annotations

import re
from typing import Iterable

from .secret_catalog import find_secrets, mask

_CREDENTIAL_CONTEXT = re.compile(
    r"(?i)((?:authorization|token|key|secret|passw(?:or)?d|auth|cookie|session|signature|credential)[\w-]*"
    r"[\"']?\s*[:=]\\?\s*[\"']?(?:(?:bearer|basic|token|bot|ssws|apikey|key|token\s+token=)\\?\s+)?)(?![$`{<])(?!(?:bearer|basic|token|bot|ssws|apikey|key)\\?\s+\S)([^\s\"',;&]+)"
)
# the value after any quoting the shells use: ' " $' (bash), ^" (cmd), ` (PowerShell)
_USER_OPTION = re.compile(
    r"((?:^|\s)[\"'^]*(?:-u|--user|--oauth2-bearer|-U|--proxy-user)[\"'^]*\s*[$\"'^`]*)([^\s\"'^`]+)")
# up to the last "@" of the word: a password with a raw "/", "?", "#" or "@" (which curl
# refuses) is masked whole too; a path holding an "@" is over-masked, which costs nothing
_USERINFO = re.compile(r"(://)([^\s\"']+)(@)")
_RANDOM = re.compile(r"[A-Za-z0-9_\-+=]{20,}")


def _looks_random(word: str) -> bool:
    return any(c.isdigit() for c in word) and any(c.isalpha() for c in word)


def redact(text: str, known: Iterable[str] = ()) -> str:
    for secret in sorted((s for s in known if s), key=len, reverse=True):
        text = text.replace(secret, mask(secret))
    hits = find_secrets(text)
    for start, end, _ in reversed(hits):
        text = text[:start] + mask(text[start:end]) + text[end:]
    text = _CREDENTIAL_CONTEXT.sub(lambda m: m.group(1) + mask(m.group(2)), text)
    text = _USER_OPTION.sub(lambda m: m.group(1) + mask(m.group(2)), text)
    text = _USERINFO.sub(lambda m: m.group(1) + mask(m.group(2)) + m.group(3), text)
    return _RANDOM.sub(lambda m: mask(m.group(0)) if _looks_random(m.group(0)) else m.group(0), text)

"""The secrets pass: every credential becomes a ``<<PLACEHOLDER>>`` token.

FORMAT.md's three rules, applied to token-encoded values:

1. a shell variable anywhere → ``<<VAR>>`` (done when rendering: every shell token);
2. a template variable in a credential position → ``<<UPPER_SNAKE>>``;
3. a literal secret → ``<<CONNECTOR_ROLE>>`` (or the field's own name).

Literal secrets are found by position (credential headers, params, JSON fields) and
by format (:mod:`converter.secret_catalog`), wherever they hide.  The registry keeps
one name per distinct secret, and remembers every literal it replaced so that the
CLI can prove none of them reaches an output.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from . import model
from .secret_catalog import find_secrets, is_credential_param, mask, placeholder_name


# Secrets this short are not searched for elsewhere in the request or the output:
# a user name like `admin` would match ordinary words.
MIN_KNOWN_LENGTH = 8
_PCT = re.compile(r"%[0-9A-Fa-f]{2}")


# Field names that are credentials in some APIs and plain data in others (`key` is
# Google's API key parameter and Jira's project key): they count only when the
# value itself looks like a credential (long enough), never for a template variable.
AMBIGUOUS_FIELDS = frozenset({"key", "token", "auth", "session", "signature", "sig", "code"})
MIN_AMBIGUOUS_SECRET = 12


def is_secret_field(name: str, value: str) -> bool:
    """Whether ``value`` in a query / form / JSON field called ``name`` is a credential."""
    if not value or not is_credential_param(name):
        return False
    if name.lower() not in AMBIGUOUS_FIELDS:
        return True
    tok = model.sole_token(value)
    if tok is not None:
        return tok.kind == model.SHELL_VAR
    return len(model.literal_text(value)) >= MIN_AMBIGUOUS_SECRET


@dataclass
class Created:
    name: str
    where: str
    masked: str  # the masked literal, or "$VAR" / "{{var}}" for variables


@dataclass
class Placeholders:
    """One run's placeholders: literal secret → name, plus a report of what was created."""

    by_secret: dict[str, str] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)
    created: list[Created] = field(default_factory=list)
    _reported: set[tuple[str, str]] = field(default_factory=set)

    def literal(self, secret: str, name: str, where: str) -> str:
        """The placeholder token for a literal secret (one name per distinct secret)."""
        name = placeholder_name(name)
        # an empty value (`-u key:`) has no identity to share: it takes its role's own name
        known = self.by_secret.get(secret) if secret else name
        if known is None:
            known, n = name, 1
            while known in self.taken:
                n += 1
                known = f"{name}_{n}"
            self.by_secret[secret] = known
            self.taken.add(known)
        self.taken.add(known)
        self._report(known, where, mask(secret) if secret else "(empty)")
        return model.placeholder(known)

    def variable(self, var: model.Var, where: str) -> str:
        """The placeholder token for a shell or template variable in a secret position."""
        name = placeholder_name(var.name)
        self.taken.add(name)
        shown = f"${var.name}" if var.kind == model.SHELL_VAR else "{{" + var.name + "}}"
        self._report(name, where, shown)
        return model.placeholder(name)

    def _report(self, name: str, where: str, shown: str) -> None:
        if (name, where) not in self._reported:
            self._reported.add((name, where))
            self.created.append(Created(name, where, shown))

    def note_shell_vars(self, value: str, where: str) -> None:
        if model.MARK_OPEN not in value:
            return
        for tok in model.tokens(value):
            if tok.kind == model.SHELL_VAR:
                self.variable(tok, where)

    # --- whole values and scans ---------------------------------------------

    def whole(self, value: str, name: str, where: str) -> str:
        """A value in a credential position: all of it is the secret."""
        tok = model.sole_token(value)
        if tok is not None:
            return value if tok.kind == model.PLACEHOLDER else self.variable(tok, where)
        if model.is_literal(value):
            return self.literal(value, name, where)
        # mixed literal text and variables: variables stay, literal runs are secret
        self.note_shell_vars(value, where)
        out = []
        for p in model.parts(value):
            if isinstance(p, model.Lit):
                out.append(self.literal(p.text, name, where) if p.text.strip() else p.text)
            elif p.kind == model.TEMPLATE:
                out.append(self.variable(p, where))
            else:
                out.append(model.MARK_OPEN + p.kind + p.name + model.MARK_CLOSE)
        return "".join(out)

    def scan(self, value: str, name: str, where: str) -> str:
        """Replace known-format tokens inside any value (bodies, paths, other headers)."""
        self.note_shell_vars(value, where)

        def repl(text: str) -> str:
            hits = self._hits(text)
            if not hits:
                return text
            out, pos = [], 0
            for start, end, _fmt in hits:
                out.append(text[pos:start])
                out.append(self.literal(text[start:end], name, where))
                pos = end
            out.append(text[pos:])
            return "".join(out)

        return repl(value) if model.MARK_OPEN not in value else model.map_literals(value, repl)

    def _hits(self, text: str) -> list[tuple[int, int, str]]:
        """Known-format tokens plus every secret this run already knows (a key given
        with ``-u`` that also sits in the path is the same secret there)."""
        hits = find_secrets(text)
        if "%" in text:  # `hello%20ghp_…`: an escape right before a token must not hide it
            seen = {(a, b) for a, b, _ in hits}
            hits += [h for h in find_secrets(_PCT.sub("   ", text)) if (h[0], h[1]) not in seen]
        known = [k for k in self.by_secret if len(k) >= MIN_KNOWN_LENGTH and k in text]
        if not known:
            return hits
        taken = [(a, b) for a, b, _ in hits]
        for secret in sorted(known, key=len, reverse=True):
            start = text.find(secret)
            while start >= 0:
                end = start + len(secret)
                if not any(a < end and start < b for a, b in taken):
                    taken.append((start, end))
                    hits.append((start, end, "known"))
                start = text.find(secret, end)
        return sorted(hits)

    # --- structured values ---------------------------------------------------

    def pairs(self, text: str, prefix: str, where: str) -> str:
        """``k=v&k2=v2`` (form bodies, query strings): secret-named keys by position."""
        out = []
        for item in text.split("&"):
            key, eq, val = item.partition("=")
            if eq and model.is_literal(key) and is_secret_field(key, val):
                val = self.whole(val, f"{prefix}_{key}", f"{where} field {model.literal_text(key)!s}")
            else:
                val = self.scan(val, f"{prefix}_{key}", where)
            key = self.scan(key, f"{prefix}_SECRET", where)  # a token can stand as a key or a bare item
            out.append(key + eq + val)
        return "&".join(out)

    def json_body(self, text: str, prefix: str, where: str) -> str:
        """A JSON body: values of secret-named fields, replaced in place (other bytes kept).

        One pass over the raw text (no ``json.loads``): every ``"key": "value"`` pair is
        decoded, so escapes (``\\u0077``), duplicate keys, any nesting depth and huge
        numbers elsewhere cannot hide a value, and the cost stays linear."""

        def repl(m: re.Match) -> str:
            key, value = _json_string(m.group(1)), _json_string(m.group(3))
            if key is None or value is None or not is_secret_field(key, value):
                return m.group(0)
            tok = model.sole_token(value)
            if tok is not None:
                if tok.kind != model.TEMPLATE:
                    return m.group(0)
                token = self.variable(tok, f"{where} field {key}")
            elif model.is_literal(value):
                token = self.literal(value, f"{prefix}_{key}", f"{where} field {key}")
            else:
                return m.group(0)
            return f'"{m.group(1)}"{m.group(2)}"{token}"'

        return self.scan(_JSON_PAIR.sub(repl, text), prefix + "_SECRET", where)


_JSON_PAIR = re.compile(r'"((?:[^"\\\n]|\\.)*)"(\s*:\s*)"((?:[^"\\\n]|\\.)*)"')


def _json_string(raw: str) -> str | None:
    """The text of a JSON string literal's inside, or None when it is not valid JSON."""
    if "\\" not in raw:
        return raw
    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return None

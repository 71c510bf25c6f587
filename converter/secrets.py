"""The secrets pass: every credential becomes a ``<<PLACEHOLDER>>`` token.

FORMAT.md's three rules, applied to token-encoded values:

1. a shell variable anywhere → ``<<VAR>>`` (done when rendering: every shell token);
2. a template variable in a credential position → ``<<UPPER_SNAKE>>``;
3. a literal secret → ``<<CONNECTOR_ROLE>>`` (or the field's own name).

Literal secrets are found by position (credential headers, params, JSON fields) and
by format (:mod:`converter.secret_catalog`), wherever they hide.  The registry keeps
one name per distinct secret, and remembers every literal it replaced so that the
CLI can prove none of them reaches an output.

What "the secret" is, when a literal is also ordinary text: a credential value is
replaced wherever it stands *as a credential*, whatever it looks like (`-u
admin:password` gives two placeholders).  Searching for it *elsewhere* (and the
CLI's final leak guard) is limited to :func:`is_distinctive` secrets: a password
that is the word ``password`` is not replaced in ``/v1/password/reset`` or in a
``"password"`` JSON key, where it is the word and not the credential.
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
# letters in words (`password`, `new_password`, `resetPassword`, `PASSWORD`)
_WORDY = re.compile(r"[A-Za-z]+(?:[-_. ][A-Za-z]+)*")
_WORD_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_CONSONANT_RUN = re.compile(r"[^aeiouy]{5}")
# two-letter parts of ordinary identifiers (`clientId`, `userIP`, `myApp`): words, not noise
_SHORT_WORDS = frozenset(["id", "ip", "db", "ui", "io", "os", "ok", "to", "by", "of", "in", "on", "at", "up", "my",
                          "no", "is", "it", "an", "or", "as", "be", "do", "go", "me", "we", "us"])


def is_distinctive(secret: str) -> bool:
    """Whether a literal secret is worth finding elsewhere in the output.

    No for short ones and for ordinary words: letters only, every word (split on
    ``-_. `` and camel case) 3-16 letters long with vowels in it, the way English
    words are, or a common two-letter word (``clientId``).  Anything with a digit or a
    symbol, another 1-2 letter part (``qzXkLmPw``), or a consonant salad
    (``qzxklmpwrt``) is distinctive."""
    if len(secret) < MIN_KNOWN_LENGTH:
        return False
    if not _WORDY.fullmatch(secret):
        return True
    for part in _WORD_PARTS.findall(secret):
        low = part.lower()
        if low in _SHORT_WORDS:
            continue
        if not 3 <= len(low) <= 16 or _CONSONANT_RUN.search(low):
            return True
        if sum(c in "aeiouy" for c in low) * 4 < len(low):
            return True
    return False


# Below this many secrets a direct `in` per secret beats the gram index.
_DIRECT = 16
_GRAM = 4


class SecretIndex:
    """Which of many secrets occur in a text, in time linear in the text.

    The text is probed only at every ``_GRAM``-th position.  An occurrence of a secret
    that starts at position ``a`` covers the probes at offsets ``r, r + 4, …`` into the
    secret, with ``r = -a mod 4``: so each secret is indexed under one gram per residue
    ``r`` (the rarest of its class, to keep buckets small when secrets look alike, as
    ``pw0000000042``, ``pw0000000043`` do), and a hit is confirmed at its exact place.
    Secrets must be at least ``2 * _GRAM - 1`` characters long.  Without it, checking S
    secrets against T characters of output costs S x T."""

    def __init__(self, secrets=()) -> None:
        self.secrets: list[str] = []
        self._at: dict[str, int] = {}  # secret → its position in ``secrets``
        self._grams: dict[str, list[tuple[str, int]]] = {}  # gram → (secret, offset)
        self._counts: dict[str, int] = {}  # how many secrets hold each gram
        # ``secrets[:_indexed]`` are in the gram index.  The index is built only when a
        # find first needs it (more than _DIRECT secrets to look for): a run with a few
        # secrets, nearly every run, never pays for it.  Built late, it takes the secrets
        # in the order they came, so it is the very index that adding each one would
        # have built (a gram's count is the count of the secrets added before it).
        self._indexed = 0
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        if secret in self._at:
            return
        self._at[secret] = len(self.secrets)
        self.secrets.append(secret)

    def _index(self, secret: str) -> None:
        counts, last = self._counts, len(secret) - _GRAM
        for gram in {secret[i:i + _GRAM] for i in range(last + 1)}:
            counts[gram] = counts.get(gram, 0) + 1
        for r in range(_GRAM):
            o = min(range(r, last + 1, _GRAM), key=lambda i: counts[secret[i:i + _GRAM]])
            self._grams.setdefault(secret[o:o + _GRAM], []).append((secret, o))

    def find(self, text: str, since: int = 0) -> list[str]:
        """The secrets registered at position ``since`` or later that occur in ``text``
        (in a deterministic order: by registration for few, by position for many)."""
        if len(self.secrets) - since <= _DIRECT:
            return [s for s in self.secrets[since:] if s in text]
        while self._indexed < len(self.secrets):  # catch up: each secret is indexed once
            self._index(self.secrets[self._indexed])
            self._indexed += 1
        grams, at, found = self._grams, self._at, {}
        for p in range(0, len(text) - _GRAM + 1, _GRAM):
            bucket = grams.get(text[p:p + _GRAM])
            if bucket:
                for secret, o in bucket:
                    if p >= o and secret not in found and at[secret] >= since and text.startswith(secret, p - o):
                        found[secret] = None
        return list(found)


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
    # the distinctive secrets of ``by_secret``, in order (others may add to ``by_secret``
    # directly: ``_synced`` notices, and the index catches up)
    _index: SecretIndex = field(default_factory=SecretIndex)
    _synced: int = 0
    _folded: SecretIndex = field(default_factory=SecretIndex)  # the guarded secrets, lower-cased
    _folded_n: int = 0
    _combined: dict[str, str] = field(default_factory=dict)  # encoded value → name
    combined: list[tuple[str, str]] = field(default_factory=list)  # (name, where) per use
    _next: dict[str, int] = field(default_factory=dict)

    def literal(self, secret: str, name: str, where: str) -> str:
        """The placeholder token for a literal secret (one name per distinct secret)."""
        name = placeholder_name(name)
        # an empty value (`-u key:`) has no identity to share: it takes its role's own name
        known = (self.by_secret.get(secret) or self._register(secret, name)) if secret else name
        self.taken.add(known)
        self._report(known, where, mask(secret) if secret else "(empty)")
        return model.placeholder(known)

    def _unique(self, name: str) -> str:
        # the next suffix to try per base name: a run with 3,000 keys does not probe
        # API_KEY, API_KEY_2, … 3,000 times over (names are never given back)
        n = self._next.get(name, 1)
        known = name if n == 1 else f"{name}_{n}"
        while known in self.taken:
            n += 1
            known = f"{name}_{n}"
        self._next[name] = n
        self.taken.add(known)
        return known

    def _register(self, secret: str, name: str) -> str:
        """A new literal secret gets a name of its own (not reported until used)."""
        self.guarded()
        known = self._unique(name)
        self.by_secret[secret] = known
        self._synced += 1
        if is_distinctive(secret):
            self._index.add(secret)
        return known

    def guarded(self) -> list[str]:
        """The distinctive literal secrets of the run, in the order they were found:
        what the scans look for elsewhere and what must never reach an output."""
        if self._synced != len(self.by_secret):
            for secret in self.by_secret:
                if is_distinctive(secret):
                    self._index.add(secret)
            self._synced = len(self.by_secret)
        return self._index.secrets

    def mark(self) -> int:
        """How many guarded secrets the run knows so far (see :meth:`found_in`)."""
        return len(self.guarded())

    def found_in(self, text: str, since: int = 0) -> list[str]:
        """The guarded secrets (those found after ``mark() == since``) that ``text`` holds."""
        self.guarded()
        return self._index.find(text, since)

    def found_in_folded(self, text: str) -> list[str]:
        """The guarded secrets that ``text`` holds in any letter case (lower-cased): host
        names, and the connector names made from them, are lower case."""
        guarded = self.guarded()
        for secret in guarded[self._folded_n:]:
            self._folded.add(secret.lower())
        self._folded_n = len(guarded)
        return self._folded.find(text.lower())

    def found_in_documents(self, docs: list, dumped: list[str]) -> list[str]:
        """The guarded secrets that a key or string value of ``docs`` holds.  ``dumped`` (the
        documents' YAML) is searched first, in one pass; only a hit there is checked field by
        field, since YAML around two values (``value: x``) can spell a secret none of them holds."""
        if not any(self.found_in(text) for text in dumped):
            return []
        fields, stack = [], list(docs)
        while stack:
            node = stack.pop()
            if isinstance(node, str):
                fields.append(node)
            elif isinstance(node, dict):
                fields.extend(k for k in node if isinstance(k, str))
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
        return self.found_in("\0".join(fields))  # no secret holds a NUL: none spans two fields

    def single(self, value: str, name: str, where: str) -> str:
        """A connector auth field (``api_key``, ``username``, ``password``…): exactly one
        placeholder.  A value that mixes variables with text (``Bearer ${TOKEN}x``,
        ``-u "$U:x$P"``) or holds several variables is the secret as a whole: one
        placeholder stands for all of it, reported as its parts (``$TOKEN + ***``)."""
        tok = model.sole_token(value)
        if tok is None and model.has_tokens(value):
            tok = model.sole_token(value.strip())
        if tok is not None:
            return model.placeholder(tok.name) if tok.kind == model.PLACEHOLDER else self.variable(tok, where)
        if model.is_literal(value):
            return self.literal(value, name, where)
        known = self._combined.get(value)
        shown = []
        for p in model.parts(value):
            if isinstance(p, model.Lit):
                text = p.text.strip()
                if text:
                    shown.append(mask(text))
                    # a long literal part is a secret of its own: found elsewhere, it is
                    # replaced (`pre-`, `x` are affixes, not worth a name)
                    if len(text) >= MIN_KNOWN_LENGTH and text not in self.by_secret:
                        self._register(text, f"{placeholder_name(name)}_PART")
            elif p.kind == model.SHELL_VAR:
                shown.append(f"${p.name}")
            elif p.kind == model.TEMPLATE:
                shown.append("{{" + p.name + "}}")
            else:
                shown.append(f"<<{p.name}>>")
        if known is None:
            known = self._combined[value] = self._unique(placeholder_name(name))
        self._report(known, where, " + ".join(shown))
        self.combined.append((known, where))
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
        if model.MARK_OPEN not in value:  # plain text, the usual value: no variables to note
            return self._replace_hits(value, name, where)
        self.note_shell_vars(value, where)
        return model.map_literals(value, lambda text: self._replace_hits(text, name, where))

    def _replace_hits(self, text: str, name: str, where: str) -> str:
        """``text`` (literal) with every hit of :meth:`_hits` a placeholder."""
        if len(text) < MIN_KNOWN_LENGTH:  # shorter than any guarded secret, and find_secrets
            return text                   # looks at 10 characters or more: nothing to find
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

    def _hits(self, text: str) -> list[tuple[int, int, str]]:
        """Known-format tokens plus every secret this run already knows (a key given
        with ``-u`` that also sits in the path is the same secret there)."""
        hits = find_secrets(text)
        if "%" in text:  # `hello%20ghp_…`: an escape right before a token must not hide it
            seen = {(a, b) for a, b, _ in hits}
            hits += [h for h in find_secrets(_PCT.sub("   ", text)) if (h[0], h[1]) not in seen]
        known = self.found_in(text) if self._index.secrets or self._synced != len(self.by_secret) else []
        if hits:
            # a token found by its context (`SSWS 00…`) is the same secret where it repeats
            # without one, in this very value: it is not in ``by_secret`` until replaced
            found = {text[a:b] for a, b, _ in hits if b - a >= MIN_KNOWN_LENGTH}
            known += [s for s in found if s not in known and text.count(s) > 1]
        if not known:
            return hits
        taken = [(a, b) for a, b, _ in hits]
        for secret in sorted(known, key=lambda k: (-len(k), k)):
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

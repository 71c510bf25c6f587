"""Stable names for connectors, actions and input arguments (FORMAT.md "name" rules)."""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote

from . import model

NAME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]+$")
MAX_NAME = 64

# Second-level labels under which registrable domains sit one level deeper
# (`bbc.co.uk` → `bbc`).  Enough for the APIs people convert; not the whole PSL.
_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go", "gv"}
# Hosting suffixes where the tenant label is the name (`acme.atlassian.net` is Jira,
# but `acme.service-now.com` should still read `service_now`): only pure hosting platforms.
_HOSTING = {"azurewebsites.net", "herokuapp.com", "vercel.app", "netlify.app", "pages.dev", "workers.dev",
            "cognitiveservices.azure.com", "openai.azure.com", "blob.core.windows.net", "azure-api.net"}

_VERSION_RE = re.compile(r"^(v\d+[a-z0-9.]*|\d{4}-\d{2}-\d{2}|\d+(\.\d+)+|api|rest|latest)$", re.I)
_ID_RE = re.compile(r"^([0-9]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|[A-Za-z]{1,4}[0-9][A-Za-z0-9]{7,})$", re.I)


_CAMEL_RE = re.compile(r"([a-z0-9])([A-Z])")
_NON_ALNUM_RE = re.compile(r"[^A-Za-z0-9]+")
_UNDERSCORES_RE = re.compile(r"_+")
_PREFIX_RE = re.compile(r"^[a-z]{1,5}_")


def snake(text: str) -> str:
    """``camelCase``, ``kebab-case``, ``dotted.name`` → ``snake_case`` (ASCII only)."""
    text = _CAMEL_RE.sub(r"\1_\2", text)
    text = _NON_ALNUM_RE.sub("_", text)
    return text.strip("_").lower()


def fit(name: str, fallback: str) -> str:
    name = _UNDERSCORES_RE.sub("_", name).strip("_")
    if not name:
        name = fallback
    if not name[0].isalpha():
        name = f"{fallback}_{name}"
    if len(name) < 2:
        name = f"{name}_{fallback}"
    return name[:MAX_NAME].rstrip("_")


@lru_cache(maxsize=4096)
def connector_name(host: str) -> str:
    """The main label of the host's registrable domain: ``api.openai.com`` → ``openai``."""
    host = host.lower().rstrip(".")
    if re.fullmatch(r"[0-9.]+|\[[0-9a-f:.]+\]", host):
        return fit("host_" + snake(host), "api")
    labels = host.split(".")
    for suffix in _HOSTING:
        if host.endswith("." + suffix):
            tenant = host[: -len(suffix) - 1].split(".")[-1]
            return fit(snake(tenant), "api")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        main = labels[-3]
    elif len(labels) >= 2:
        main = labels[-2]
    else:
        main = labels[0]
    return fit(snake(main), "api")


_DOMAIN_RE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|org|net|io|dev|app|co|ai|us|uk|de|fr|eu|info|biz|cloud)$")
_FILE_EXT_RE = re.compile(r"\.(json|xml|csv|txt|md|html?|pdf|ya?ml|js)$", re.I)


def _is_id(seg: str) -> bool:
    """Literal ids (numbers, UUIDs, `pi_3Mtw…`, `00ub0o…`) and domain names carry no meaning."""
    if _ID_RE.match(seg):
        return True
    if _DOMAIN_RE.match(seg) and not _FILE_EXT_RE.search(seg):
        return True
    core = _PREFIX_RE.sub("", seg)  # Stripe-style prefixes: cus_, pi_, ch_
    if len(core) < 8 or not core.isalnum() or not any(c.isdigit() for c in core):
        return False
    mixed_case = any(c.isupper() for c in core) and any(c.islower() for c in core)
    return mixed_case or sum(c.isdigit() for c in core) / len(core) >= 0.2


def path_words(path: str) -> list[str]:
    """Meaningful words of a path: no version segments, literal ids or secrets."""
    words: list[str] = []
    for seg in path.split("/"):
        for piece in seg.split(":"):  # Google's custom verbs: /models/x:generateContent
            if piece:
                word = _piece_word(piece)
                if word:
                    words.append(word)
    return words


@lru_cache(maxsize=8192)
def _piece_word(piece: str) -> str:
    """The word one path piece gives ("" for none); pieces repeat across a run's paths."""
    tok = model.sole_token(piece)
    if tok is not None:
        return "by_" + snake(tok.name) if tok.kind == model.TEMPLATE else ""
    lit = unquote(model.literal_text(piece))
    if not lit or _VERSION_RE.match(lit) or _is_id(lit):
        return ""
    return snake(_FILE_EXT_RE.sub("", lit))


@lru_cache(maxsize=4096)
def action_name(method: str, path: str) -> str:
    words = path_words(path)
    if not words:
        words = ["root" if path.strip("/") == "" else "resource"]
    return fit("_".join([method.lower()] + words), "action")


@lru_cache(maxsize=4096)
def arg_name(name: str) -> str:
    """An input argument name from a template variable name."""
    return fit(snake(name) if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else name, "arg")


def checked_name(name: str, what: str) -> str:
    if not NAME_RE.match(name) or len(name) > MAX_NAME:
        from .errors import ConverterError, ExitStatus

        raise ConverterError("bad-name", f"{what} name must match {NAME_RE.pattern} (2-64 chars)", None, ExitStatus.USAGE)
    return name


class UniqueNames:
    """Hands out names unique within a run: ``get_users``, ``get_users_2``, …"""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self._next: dict[str, int] = {}  # per base name: the suffix to try next (no rescans)

    def take(self, name: str) -> str:
        candidate, n = name, self._next.get(name, 1)
        if n > 1 or candidate in self.used:
            while True:
                n += 1
                suffix = f"_{n}"
                candidate = name[: MAX_NAME - len(suffix)] + suffix
                if candidate not in self.used:
                    break
        self._next[name] = n
        self.used.add(candidate)
        return candidate

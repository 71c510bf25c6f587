"""Properties over generated inputs (hypothesis, fixed budgets, derandomized for CI).

Generated curl commands (method, host, path, query, headers, credentials with generated
secrets, bodies, every bash quoting style, continuations, CRLF) and Postman collections
must satisfy, whatever they hold:

- the run ends with exit 0 and a valid bundle, or a non-zero status with a ``[code]``
  diagnostic on stderr (never a traceback);
- no generated secret appears in stdout, stderr or a written file;
- the output is deterministic (same bytes twice);
- ``convert_text`` raises nothing but ``ConverterError``;
- quoting does not matter: the same words quoted differently give the same bundle.

Secrets are of two kinds: random values in credential positions, and tokens of the
known formats (built from ``converter.secret_catalog.TOKEN_FORMATS``) placed anywhere a
value goes.
"""
from __future__ import annotations

import json
import os
import re
import string
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.api import convert_text
from converter.cli import cli
from converter.errors import ConverterError
from converter.model import MARK_CLOSE, MARK_OPEN
from converter.schema import validate_bundle
from converter.secret_catalog import TOKEN_FORMATS, find_secrets

# Budgets are fixed for CI.  To explore: C2C_PROPERTY_SCALE=10 C2C_PROPERTY_RANDOM=1 pytest tests/test_properties.py
SCALE = float(os.environ.get("C2C_PROPERTY_SCALE", "1"))
SETTINGS = dict(deadline=None, derandomize=os.environ.get("C2C_PROPERTY_RANDOM") != "1", database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
CODE_RE = re.compile(r"\[[a-z0-9-]+\]")

# --- secrets ----------------------------------------------------------------------------------

_ALNUM = string.ascii_letters + string.digits
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_.:~+/=-]+")


def _plain_formats() -> list:
    """Formats whose whole match is the secret and needs no context or check."""
    skip = {"private_key_pem", "jwt", "basic_credentials", "discord_bot_token"}
    return [f for f in TOKEN_FORMATS if "secret" not in f.regex.groupindex and f.check is None and f.name not in skip]


def _format_token(fmt) -> st.SearchStrategy[str]:
    def whole(s: str) -> bool:
        return bool(_TOKEN_CHARS.fullmatch(s)) and [h[:2] for h in find_secrets(s)] == [(0, len(s))]
    return st.from_regex(re.compile(fmt.regex.pattern, re.ASCII), fullmatch=True).filter(whole)


KNOWN_TOKENS = st.sampled_from(_plain_formats()).flatmap(_format_token)
# a value in a credential position is a secret whatever it looks like
RANDOM_SECRETS = st.text(_ALNUM, min_size=13, max_size=37).map(lambda s: "Zk9" + s)

# --- values -----------------------------------------------------------------------------------

_EXTRA = "éü日本€😀\u200b\u00a0ß→"
_PRINTABLE = string.ascii_letters + string.digits + " !\"#$%&'()*+,-./:;<>?@[\\]^_`|~" + _EXTRA


def _clean(s: str) -> bool:
    return "{{" not in s and "<<" not in s and "}}" not in s


HEADER_VALUES = st.text(_PRINTABLE, min_size=1, max_size=16).filter(lambda s: s == s.strip() and _clean(s))
BODY_TEXT = st.text(_PRINTABLE + "\n\t", min_size=1, max_size=16).filter(_clean)
FORM_VALUES = st.text(_PRINTABLE.replace("&", "").replace("=", ""), max_size=12).filter(_clean)
SEGMENTS = st.text(string.ascii_letters + string.digits + "-._~é日 %", min_size=1, max_size=8)


# --- bash quoting -----------------------------------------------------------------------------


def q_single(v: str) -> str:
    return "'" + v.replace("'", "'\\''") + "'"


def q_double(v: str) -> str:
    return '"' + re.sub(r'([\\"$`])', r"\\\1", v) + '"'


def q_ansi(v: str) -> str:
    out = []
    for ch in v:
        if ch in "\\'":
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
    return "$'" + "".join(out) + "'"


def q_bare(v: str) -> str:
    if not v:
        return "''"
    out = []
    for ch in v:
        if ch.isalnum() or ch in "-_./:@%+=,":
            out.append(ch)
        elif ch == "\n":
            out.append("$'\\n'")
        else:
            out.append("\\" + ch)
    return "".join(out)


STYLES = {"single": q_single, "double": q_double, "ansi": q_ansi, "bare": q_bare}


def render(words: list[str], styles: list[str], seps: list[str], crlf: bool) -> str:
    """``curl`` plus the words, each quoted in its style (``mixed`` splits a word in two)."""
    parts = ["curl"]
    for i, (w, style) in enumerate(zip(words, styles)):
        if style == "mixed" and len(w) > 1:
            half = len(w) // 2
            quoted = q_single(w[:half]) + q_ansi(w[half:])
        else:
            quoted = STYLES.get(style, q_single)(w)
        parts.append(seps[i % len(seps)] + quoted)
    text = "".join(parts) + "\n"
    return text.replace("\n", "\r\n") if crlf else text


# --- generated commands -----------------------------------------------------------------------


@dataclass
class Gen:
    words: list[str]
    secrets: list[str] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)  # expected in the action
    query: list[tuple[str, str]] = field(default_factory=list)
    body: str | None = None  # expected exactly, when it holds no secret


CREDENTIALS = ["none", "bearer", "x_api_key", "basic", "userinfo", "cookie", "query", "oauth2", "body"]
TOKEN_SPOTS = ["header", "query", "body", "path"]


@st.composite
def curl_commands(draw) -> Gen:
    g = Gen(words=[])
    method = draw(st.sampled_from([None, "GET", "POST", "PUT", "PATCH", "DELETE", "get", "HEAD", "OPTIONS"]))
    scheme = draw(st.sampled_from(["https", "http"]))
    host = draw(st.sampled_from(["api.example.com", "example.org", "api.acme.co.uk", "127.0.0.1:8080",
                                 "localhost", "acme.service-now.com", "[::1]:9"]))
    path = "".join("/" + quote(s, safe="-._~") for s in draw(st.lists(SEGMENTS, max_size=4)))
    query = [(f"q{i}", quote(v, safe="-._~:@!$'()*+,;/?")) for i, v in enumerate(draw(st.lists(HEADER_VALUES, max_size=3)))]
    body_kind = draw(st.sampled_from(["none", "raw", "json", "form", "multipart"]))
    cred = draw(st.sampled_from(CREDENTIALS))
    spots = draw(st.lists(st.sampled_from(TOKEN_SPOTS), max_size=2))
    userinfo = ""
    json_extra: dict[str, str] = {}

    def secret(strategy) -> str:
        s = draw(strategy)
        g.secrets.append(s)
        return s

    for spot in spots:
        tok = secret(KNOWN_TOKENS)
        if spot == "header":
            g.words += ["-H", f"X-Trace: {tok}"]
        elif spot == "query":
            query.append(("trace", tok))
        elif spot == "path":
            path += "/" + tok
        elif body_kind == "json":
            json_extra["note"] = tok
        elif body_kind in ("form", "multipart", "raw"):
            g.words += ["--data-raw" if body_kind != "multipart" else "--form-string", f"note={tok}"]
            if body_kind == "raw":
                body_kind = "form"
    if cred == "bearer":
        g.words += ["-H", "Authorization: Bearer " + secret(RANDOM_SECRETS)]
    elif cred == "x_api_key":
        g.words += ["-H", "X-Api-Key: " + secret(RANDOM_SECRETS)]
    elif cred == "basic":
        g.words += ["-u", "user:" + secret(RANDOM_SECRETS)]
    elif cred == "userinfo":
        userinfo = "user:" + secret(RANDOM_SECRETS) + "@"
    elif cred == "cookie":
        g.words += ["-b", "session=" + secret(RANDOM_SECRETS)]
    elif cred == "query":
        query.append(("api_key", secret(RANDOM_SECRETS)))
    elif cred == "oauth2":
        g.words += ["--oauth2-bearer", secret(RANDOM_SECRETS)]
    elif cred == "body" and body_kind in ("json", "form", "multipart"):
        pw = secret(RANDOM_SECRETS)
        if body_kind == "json":
            json_extra["password"] = pw
        else:
            g.words += ["--data-raw" if body_kind == "form" else "-F", f"password={pw}"]
    for i, value in enumerate(draw(st.lists(HEADER_VALUES, max_size=3))):
        g.words += ["-H", f"X-Gen-{i}: {value}"]
        g.headers.append((f"X-Gen-{i}", value))
    if body_kind == "raw":
        text = draw(BODY_TEXT)
        g.words += ["--data-raw", text]
        if not g.secrets:
            g.body = text
    elif body_kind == "json":
        doc = {f"f{i}": v for i, v in enumerate(draw(st.lists(BODY_TEXT, max_size=3)))}
        doc.update(json_extra)
        doc["nested"] = {"list": [1, None, True, "x"]}
        text = json.dumps(doc, ensure_ascii=draw(st.booleans()))
        g.words += ["--json", text]
        if not json_extra:
            g.body = text
    elif body_kind == "form":
        for i, v in enumerate(draw(st.lists(FORM_VALUES, min_size=1, max_size=3))):
            g.words += ["--data-raw", f"k{i}={v}"]
    elif body_kind == "multipart":
        for i, v in enumerate(draw(st.lists(FORM_VALUES, min_size=1, max_size=3))):
            g.words += ["--form-string", f"k{i}={v}"]
    if method:
        g.words = ["-X", method] + g.words
    q = "&".join(f"{k}={v}" for k, v in query)
    g.query = query
    url = f"{scheme}://{userinfo}{host}{path}" + (f"?{q}" if q else "")
    at = draw(st.integers(0, len(g.words) // 2)) * 2  # the URL may come anywhere between options
    g.words[at:at] = [url]
    return g


QUOTING = st.sampled_from(["single", "double", "ansi", "bare", "mixed"])
SEPARATORS = st.lists(st.sampled_from([" ", "  ", "\t", " \\\n  ", " \\\n\t"]), min_size=1, max_size=3)


def _run(args: list[str], stdin: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _pairs(items) -> list[tuple]:
    return [(i["key"], i.get("value")) for i in items or []]


def _check_run(status: int, out: str, err: str) -> dict | None:
    assert "Traceback" not in err
    assert MARK_OPEN not in out + err and MARK_CLOSE not in out + err
    if status == 0:
        doc = yaml.safe_load(out)
        assert validate_bundle(doc) == []
        return doc
    assert status in (3,), err
    assert out == "" or validate_bundle(yaml.safe_load(out)) == []
    assert CODE_RE.search(err), err
    return None


@settings(max_examples=int(100 * SCALE), **SETTINGS)
@given(gen=curl_commands(), data=st.data())
def test_generated_curl_commands(gen: Gen, data) -> None:
    styles = data.draw(st.lists(QUOTING, min_size=len(gen.words), max_size=len(gen.words)))
    text = render(gen.words, styles, data.draw(SEPARATORS), data.draw(st.booleans()))
    status, out, err = _run(["convert", "-", "--shell", "bash"], text)
    doc = _check_run(status, out, err)
    assert _run(["convert", "-", "--shell", "bash"], text) == (status, out, err), "not deterministic"
    with tempfile.TemporaryDirectory() as tmp:
        status2, out2, err2 = _run(["convert", "-", "--shell", "bash", "-o", tmp], text)
        assert status2 == status
        written = "".join(p.read_text(encoding="utf-8") for p in Path(tmp).rglob("*.yaml"))
    auto = _run(["convert", "-"], text)  # auto-detected dialect: same guarantees
    _check_run(*auto)
    blobs = {"stdout": out, "stdout -o": out2, "files": written, "stderr": err, "stderr -o": err2,
             "stdout auto": auto[1], "stderr auto": auto[2]}
    for secret in gen.secrets:
        for name, blob in blobs.items():
            assert secret not in blob, f"a generated secret leaked into {name} (exit {status}) from {text!r}"
    if doc is None:
        return
    (action,) = doc["actions"]
    for pair in gen.headers:
        assert pair in _pairs(action.get("headers")), (pair, action)
    for key, value in gen.query:
        if not key.startswith(("api_key", "trace")):
            assert (key, value) in _pairs(action.get("query_params")), (key, value, action)
    if gen.body is not None:
        assert action.get("body") == gen.body


@settings(max_examples=int(60 * SCALE), **SETTINGS)
@given(gen=curl_commands(), data=st.data())
def test_quoting_does_not_matter(gen: Gen, data) -> None:
    n = len(gen.words)
    a = render(gen.words, data.draw(st.lists(QUOTING, min_size=n, max_size=n)), data.draw(SEPARATORS), False)
    b = render(gen.words, data.draw(st.lists(QUOTING, min_size=n, max_size=n)), data.draw(SEPARATORS),
               data.draw(st.booleans()))
    status_a, out_a, _ = _run(["convert", "-", "--shell", "bash"], a)
    status_b, out_b, _ = _run(["convert", "-", "--shell", "bash"], b)
    assert (status_a, out_a) == (status_b, out_b)


# --- arbitrary text never escapes as another exception ----------------------------------------


def _check_unless_known(result, what: str) -> None:
    """The fuzz invariants (tests/fuzz_targets.py); a known, xfailed bug does not fail here."""
    from tests.fuzz_targets import InvariantError, check_result, classify

    try:
        check_result(result)
    except InvariantError as exc:
        if classify(exc) is None:
            raise AssertionError(f"{exc} from {what}") from None

_SHELLISH = st.sampled_from([
    "curl ", "curl.exe ", " ", "\n", "\\\n", "'", '"', "$'", "$", "${", "}", "$(", ")", "`", "{{", "}}", "<<", "<<<",
    "EOF", "|", "&&", ";", "#", "\\", "^", "%", "%X%", "-H ", "-d ", "-u ", "-F ", "-X ", "--json ", "--url ", "-G ",
    "@", "=", "&", "?", ":", "https://", "api.example.com", "/v1/x", "Authorization: Bearer ", "X-Api-Key: ", "{",
    "}", "[", "]", "\r\n", "\t", "é", "\u2028", "\x00", "\ue000", "\ud7ff", "-", "--", "-sSL", "--data-urlencode ",
    "-b ", "--oauth2-bearer ", "$env:", "`\n", "^\n", "PS> ", "$ ", "<(", "> out", "2>&1",
])


@settings(max_examples=int(400 * SCALE), **SETTINGS)
@given(pieces=st.lists(_SHELLISH | st.text(max_size=4), max_size=30),
       shell=st.sampled_from(["auto", "bash", "cmd", "powershell"]))
def test_convert_text_raises_only_converter_error(pieces: list[str], shell: str) -> None:
    text = "".join(pieces)
    try:
        result = convert_text(text, shell_kind=shell)
    except ConverterError as exc:
        assert exc.code and exc.message
        return
    _check_unless_known(result, f"{text!r} ({shell})")


# --- Postman collections ----------------------------------------------------------------------

SCHEMA_V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def _postman():
    mod = pytest.importorskip("converter.postman")
    if not hasattr(mod, "convert_collection"):
        pytest.skip("converter.postman.convert_collection is not available")
    return mod


@dataclass
class Coll:
    doc: dict
    secrets: list[str] = field(default_factory=list)


@st.composite
def postman_collections(draw) -> Coll:
    c = Coll(doc={})

    def secret(strategy=RANDOM_SECRETS) -> str:
        s = draw(strategy)
        c.secrets.append(s)
        return s

    def auth() -> dict | None:
        kind = draw(st.sampled_from([None, "noauth", "bearer", "bearer20", "apikey", "apikey_query", "basic",
                                     "oauth2", "variable"]))
        if kind is None:
            return None
        if kind == "noauth":
            return {"type": "noauth"}
        if kind == "bearer":
            return {"type": "bearer", "bearer": [{"key": "token", "value": secret(), "type": "string"}]}
        if kind == "bearer20":
            return {"type": "bearer", "bearer": {"token": secret()}}
        if kind in ("apikey", "apikey_query"):
            entries = [{"key": "key", "value": "X-Api-Key" if kind == "apikey" else "api_key"},
                       {"key": "value", "value": secret()}]
            if kind == "apikey_query":
                entries.append({"key": "in", "value": "query"})
            return {"type": "apikey", "apikey": entries}
        if kind == "basic":
            return {"type": "basic", "basic": [{"key": "username", "value": "bob"}, {"key": "password", "value": secret()}]}
        if kind == "oauth2":
            return {"type": "oauth2", "oauth2": [{"key": "accessToken", "value": secret()},
                                                 {"key": "addTokenTo", "value": "header"}]}
        return {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}"}]}

    def request() -> dict:
        method = draw(st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "get", "HEAD", None]))
        host = draw(st.sampled_from(["api.example.com", "{{baseUrl}}", "example.org"]))
        segs = draw(st.lists(st.sampled_from(["v1", "users", ":id", "{{id}}", "é", "a b", "x%20y"]), max_size=3))
        query = [{"key": f"q{i}", "value": v, "disabled": draw(st.booleans())}
                 for i, v in enumerate(draw(st.lists(HEADER_VALUES, max_size=2)))]
        if draw(st.booleans()):
            query.append({"key": "trace", "value": secret(KNOWN_TOKENS)})
        if draw(st.booleans()):
            url = {"raw": "ignored", "protocol": "https", "host": host.split("."), "path": segs, "query": query}
        else:
            q = "&".join(f"{e['key']}={e['value']}" for e in query if not e.get("disabled"))
            url = f"https://{host}/" + "/".join(segs) + (f"?{q}" if q else "")
        headers = [{"key": f"X-Gen-{i}", "value": v} for i, v in enumerate(draw(st.lists(HEADER_VALUES, max_size=2)))]
        if draw(st.booleans()):
            headers.append({"key": "X-Api-Key", "value": secret(), "disabled": draw(st.booleans())})
        if draw(st.booleans()):
            headers.append({"key": "X-Trace", "value": secret(KNOWN_TOKENS)})
        req: dict = {"url": url, "header": headers}
        if method:
            req["method"] = method
        body = draw(st.sampled_from([None, "raw", "json", "urlencoded", "formdata"]))
        if body == "raw":
            req["body"] = {"mode": "raw", "raw": draw(BODY_TEXT)}
        elif body == "json":
            doc = {"a": draw(BODY_TEXT), "password": secret(), "deep": {"client_secret": secret()}}
            req["body"] = {"mode": "raw", "raw": json.dumps(doc), "options": {"raw": {"language": "json"}}}
        elif body in ("urlencoded", "formdata"):
            entries = [{"key": f"k{i}", "value": v, "type": "text"} for i, v in enumerate(draw(st.lists(FORM_VALUES, max_size=2)))]
            entries.append({"key": "password", "value": secret(), "type": "text"})
            req["body"] = {"mode": body, body: entries}
        a = auth()
        if a is not None:
            req["auth"] = a
        return req

    def items(depth: int) -> list:
        out = []
        for i in range(draw(st.integers(1, 3))):
            if depth < 2 and draw(st.integers(0, 3)) == 0:
                folder = {"name": f"Folder {i}", "item": items(depth + 1)}
                a = auth()
                if a is not None:
                    folder["auth"] = a
                out.append(folder)
            else:
                out.append({"name": draw(st.sampled_from(["List users", "Get", "yes", "null", "é x", "", f"Item {i}"])),
                            "request": request()})
        return out

    c.doc = {"info": {"name": "Generated", "schema": SCHEMA_V21}, "item": items(0)}
    a = auth()
    if a is not None:
        c.doc["auth"] = a
    c.doc["variable"] = [{"key": "token", "value": secret()}, {"key": "baseUrl", "value": "api.example.com"},
                         {"key": "id", "value": "42"}]
    return c


def _postman_run(text: str):
    from converter.yamlio import dump_yaml

    try:
        result = _postman().convert_collection(text, "gen.json")
    except ConverterError as exc:
        return None, "", str(exc.diagnostic().format(with_caret=False))
    diags = "\n".join(d.format(with_caret=False) for d in result.diagnostics)
    if not result.actions:
        return None, "", diags
    bundle = result.bundle()
    assert validate_bundle(bundle) == []
    return bundle, dump_yaml(bundle), diags


@settings(max_examples=int(60 * SCALE), **SETTINGS)
@given(coll=postman_collections())
def test_generated_postman_collections(coll: Coll) -> None:
    text = json.dumps(coll.doc, ensure_ascii=False)
    bundle, dumped, diags = _postman_run(text)
    assert _postman_run(text)[1:] == (dumped, diags), "not deterministic"
    assert MARK_OPEN not in dumped + diags and MARK_CLOSE not in dumped + diags
    for secret in coll.secrets:
        assert secret not in dumped, "a generated secret reached the output"
        assert secret not in diags, "a generated secret reached a diagnostic"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


@settings(max_examples=int(100 * SCALE), **SETTINGS)
@given(coll=postman_collections(), data=st.data())
def test_postman_wrong_types_raise_only_converter_error(coll: Coll, data) -> None:
    paths = [p for p in _paths(coll.doc) if p]
    path = data.draw(st.sampled_from(paths))
    node = coll.doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = data.draw(JSON_VALUES)
    try:
        result = _postman().convert_collection(json.dumps(coll.doc), "gen.json")
    except ConverterError:
        return
    _check_unless_known(result, f"{path} replaced")


# --- the fuzz runner, briefly (bench/fuzz.py runs it for minutes) ------------------------------


@pytest.mark.parametrize("target", ["shell", "postman"])
def test_fuzz_targets_smoke(target: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    repo = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, str(repo / "bench" / "fuzz.py"), "--engine", "hypothesis", "--seconds", "4",
                           "--seed", "0", "--target", target, "--crash-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=180, cwd=repo)
    m = re.match(rf"fuzz: {target}: (\d+) inputs, (\d+) crashes", proc.stdout)
    assert m, proc.stdout + proc.stderr
    assert int(m.group(1)) > 50 and m.group(2) == "0", proc.stdout + proc.stderr + "".join(
        p.read_text() for p in tmp_path.glob("*.txt"))
    assert proc.returncode == 0

"""A loopback HTTP + HTTPS echo server that records requests exactly as received,
and the comparison used to decide whether two requests are "the same request".

Why one port for both schemes: the differential tests send every host to the
server with `curl --connect-to ::127.0.0.1:PORT`, which maps host *and* port, so
`http://…` and `https://…` URLs (and explicit ports) all land on the same socket.
The first byte tells them apart: a TLS ClientHello starts with 0x16 (handshake
record), an HTTP/1.x request line starts with a method letter.

The server answers `200 ok` to everything and never advertises HTTP/2 (ALPN
`http/1.1` only), so curl always speaks HTTP/1.1 and the raw request line and
header lines are observable.

Reusable by other tests (e.g. a Postman/newman suite):

    from tests.echo_server import EchoServer, compare_requests
    with EchoServer() as server:
        ...  # send requests to 127.0.0.1:server.port
        reqs = server.requests()
"""
from __future__ import annotations

import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote

__all__ = [
    "EchoServer",
    "RecordedRequest",
    "compare_requests",
    "compare_request_lists",
    "normalize_request",
    "DEFAULT_IGNORED_HEADERS",
]

# Transport-level headers: they describe how bytes travel, not what the request
# says.  `Host` is not compared as a header but as the request's authority (see
# normalize_request), so a wrong host still counts as a difference.
DEFAULT_IGNORED_HEADERS = frozenset({"host", "content-length", "expect"})

_RESPONSE_BODY = b"ok\n"
_MAX_HEADER_LINES = 500
_SOCKET_TIMEOUT = 10.0


@dataclass
class RecordedRequest:
    method: str
    target: str  # raw request target, decoded as UTF-8 with surrogateescape
    version: str
    headers: list[tuple[str, str]]  # in order, names as sent, values without leading OWS
    body: bytes
    tls: bool

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive name), or None."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _make_certificate(directory: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate (curl runs with -k, so no trust is needed)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    openssl = shutil.which("openssl")
    if openssl:
        subprocess.run(
            [openssl, "req", "-x509", "-nodes", "-newkey", "ec",
             "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-keyout", str(key), "-out", str(cert), "-days", "2",
             "-subj", "/CN=localhost"],
            check=True, capture_output=True, timeout=30,
        )
        return cert, key
    # Fallback only when the openssl CLI is missing.
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    pkey = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(pkey.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .sign(pkey, hashes.SHA256())
    )
    key.write_bytes(pkey.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return cert, key


class EchoServer:
    """Threaded recorder on one ephemeral 127.0.0.1 port, HTTP and HTTPS."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self.errors: list[str] = []  # malformed requests, for debugging a failing test
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._tls: ssl.SSLContext | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> "EchoServer":
        self._tmp = tempfile.TemporaryDirectory(prefix="echo-server-")
        cert, key = _make_certificate(Path(self._tmp.name))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        ctx.set_alpn_protocols(["http/1.1"])  # never h2: we parse HTTP/1.1 text
        self._tls = ctx
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, name="echo-accept", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread:
            self._thread.join(timeout=5)
        if self._sock:
            self._sock.close()
        if self._tmp:
            self._tmp.cleanup()

    def __enter__(self) -> "EchoServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the log -------------------------------------------------------------
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
            self.errors.clear()

    # -- serving ---------------------------------------------------------------
    def _accept_loop(self) -> None:
        assert self._sock is not None
        while not self._stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(_SOCKET_TIMEOUT)
        stream = None
        try:
            first = conn.recv(1, socket.MSG_PEEK)
            tls = first == b"\x16"
            if tls:
                assert self._tls is not None
                conn = self._tls.wrap_socket(conn, server_side=True)
            stream = conn.makefile("rwb")
            while self._handle_one(stream, tls):
                pass
        except Exception as exc:  # noqa: BLE001 - recorded, a test will show it
            with self._lock:
                self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            try:
                if stream is not None:
                    stream.close()
                conn.close()
            except OSError:
                pass

    def _handle_one(self, stream, tls: bool) -> bool:
        """Read one request, record it, answer it. False when the connection should end."""
        line = stream.readline(65537)
        if not line:
            return False
        parts = line.rstrip(b"\r\n").split(b" ")
        if len(parts) != 3:
            raise ValueError(f"bad request line {line[:80]!r}")
        method, target, version = (_decode(p) for p in parts)
        headers: list[tuple[str, str]] = []
        for _ in range(_MAX_HEADER_LINES):
            raw = stream.readline(65537)
            if raw in (b"\r\n", b"\n", b""):
                break
            name, sep, value = raw.rstrip(b"\r\n").partition(b":")
            if not sep:
                raise ValueError(f"bad header line {raw[:80]!r}")
            headers.append((_decode(name), _decode(value.lstrip(b" \t"))))
        lower = {k.lower(): v for k, v in headers}
        if lower.get("expect", "").lower() == "100-continue":
            stream.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            stream.flush()
        if "chunked" in lower.get("transfer-encoding", "").lower():
            body = self._read_chunked(stream)
        elif "content-length" in lower:
            length = int(lower["content-length"])
            body = stream.read(length)
            if len(body) != length:
                raise ValueError("body shorter than Content-Length")
        else:
            body = b""
        with self._lock:
            self._requests.append(RecordedRequest(method, target, version, headers, body, tls))
        payload = b"" if method == "HEAD" else _RESPONSE_BODY
        # HEAD gets Content-Length: 0 so that `curl -X HEAD` (which waits for a
        # body of the announced size) does not hang.
        length = 0 if method == "HEAD" else len(_RESPONSE_BODY)
        stream.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            + f"Content-Length: {length}\r\nConnection: close\r\n\r\n".encode()
            + payload
        )
        stream.flush()
        return False  # Connection: close keeps each request on its own connection

    @staticmethod
    def _read_chunked(stream) -> bytes:
        chunks = []
        while True:
            size_line = stream.readline(1024)
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                while stream.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailer fields are not part of the body
                return b"".join(chunks)
            chunks.append(stream.read(size))
            stream.readline(16)  # the CRLF after each chunk


# -- comparison ----------------------------------------------------------------

_BOUNDARY = re.compile(r'boundary=("?)([^";,\s]+)\1', re.IGNORECASE)
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _split_query(query: str | None) -> list[tuple[str, str | None]]:
    """Query pairs in order; `unquote`, not `unquote_plus`: a `+` stays a `+`."""
    if query is None:
        return []
    pairs: list[tuple[str, str | None]] = []
    for item in query.split("&"):
        key, sep, value = item.partition("=")
        pairs.append((unquote(key), unquote(value) if sep else None))
    return pairs


def _is_curl_default(name: str, value: str) -> bool:
    return (name == "user-agent" and value.startswith("curl/")) or (name == "accept" and value == "*/*")


def normalize_request(
    req: RecordedRequest,
    ignore_headers: frozenset[str] = DEFAULT_IGNORED_HEADERS,
    ignore_curl_defaults: bool = True,
) -> dict:
    """The comparable view of a request.

    - scheme and authority (Host, lower-cased, default port dropped);
    - path and query pairs percent-decoded (so `%7E` and `~` are equal); an
      empty query (`/p?`) is the same as none;
    - headers minus the ignored ones, names lower-cased;
    - with ignore_curl_defaults, curl's own `User-Agent: curl/…` and
      `Accept: */*` are dropped: curl adds them, the command does not say them,
      and the platform never sends them, so `-H 'Accept:'` (removing one) and a
      command without it are the same request.  A user agent set with -A or -H
      is still compared;
    - the multipart boundary (random per curl run) replaced by `BOUNDARY`
      in Content-Type and in the body.
    """
    scheme = "https" if req.tls else "http"
    host = (req.header("host") or "").lower()
    if host.endswith(":" + _DEFAULT_PORTS[scheme]):
        host = host.rsplit(":", 1)[0]
    path, _, query = req.target.partition("?")
    body = req.body
    headers = []
    boundary = None
    for name, value in req.headers:
        lname = name.lower()
        if lname in ignore_headers or (ignore_curl_defaults and _is_curl_default(lname, value)):
            continue
        if lname == "content-type":
            match = _BOUNDARY.search(value)
            if match:
                boundary = match.group(2)
                value = value[: match.start(2)] + "BOUNDARY" + value[match.end(2):]
        headers.append((lname, value))
    if boundary:
        body = body.replace(boundary.encode("utf-8", "surrogateescape"), b"BOUNDARY")
    return {
        "method": req.method,
        "scheme": scheme,
        "host": host,
        "path": unquote(path),
        "query": _split_query(query if query else None),
        "headers": headers,
        "body": body,
    }


def _grouped(headers: list[tuple[str, str]]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for name, value in headers:
        groups.setdefault(name, []).append(value)
    return groups


def compare_requests(
    expected: RecordedRequest,
    actual: RecordedRequest,
    *,
    header_order: str = "semantic",
    ignore_headers: frozenset[str] = DEFAULT_IGNORED_HEADERS,
    ignore_curl_defaults: bool = True,
    movable_query_keys: Iterable[str] = (),
) -> list[str]:
    """Differences between two requests, as human-readable lines ([] = the same request).

    Query pairs are compared in order, except those whose key is in
    movable_query_keys: the connector's auth parameter (`param_auth`) is added by
    the platform, which decides where it goes, so only its values are compared.

    header_order="strict": the header lists must be equal in order.
    header_order="semantic": RFC 9110 §5.3 — the order of field lines with
    different names carries no meaning, the order of same-named lines does.  So
    headers are compared per name, values in order.  This is what lets the
    converter move an `Authorization` header into the connector's auth (which
    `curl -u` / `--oauth2-bearer` places before User-Agent) without a false alarm.
    """
    if header_order not in ("semantic", "strict"):
        raise ValueError(f"unknown header_order {header_order!r}")
    a = normalize_request(expected, ignore_headers, ignore_curl_defaults)
    b = normalize_request(actual, ignore_headers, ignore_curl_defaults)
    movable = set(movable_query_keys)
    for side in (a, b):
        side["moved"] = sorted(((k, v) for k, v in side["query"] if k in movable), key=repr)
        side["query"] = [(k, v) for k, v in side["query"] if k not in movable]
    diffs = []
    for key in ("method", "scheme", "host", "path", "query", "moved"):
        if a[key] != b[key]:
            label = "query (auth parameters)" if key == "moved" else key
            diffs.append(f"{label}: expected {a[key]!r}, got {b[key]!r}")
    if header_order == "strict":
        if a["headers"] != b["headers"]:
            diffs.append(f"headers: expected {a['headers']!r}, got {b['headers']!r}")
    else:
        ga, gb = _grouped(a["headers"]), _grouped(b["headers"])
        for name in sorted(set(ga) | set(gb)):
            if ga.get(name) != gb.get(name):
                diffs.append(f"header {name}: expected {ga.get(name)!r}, got {gb.get(name)!r}")
    if a["body"] != b["body"]:
        diffs.append(f"body: expected {a['body']!r}, got {b['body']!r}")
    return diffs


def compare_request_lists(
    expected: list[RecordedRequest], actual: list[RecordedRequest], **kwargs
) -> list[str]:
    """compare_requests over two logs, pairwise in order; a count mismatch is a difference."""
    if len(expected) != len(actual):
        return [f"request count: expected {len(expected)}, got {len(actual)}"]
    diffs = []
    for i, (x, y) in enumerate(zip(expected, actual)):
        diffs.extend(f"request {i + 1}: {d}" for d in compare_requests(x, y, **kwargs))
    return diffs

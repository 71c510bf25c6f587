"""converter.detect: the kind of an input, by content first, the file name as a tie-breaker."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from converter.detect import HEAD_BYTES, detect_kind

ROOT = Path(__file__).resolve().parent.parent

HAR_HEAD = '{\n  "log": {\n    "version": "1.2",\n    "creator": {"name": "WebInspector"},\n    "entries": []\n  }\n}\n'
POSTMAN_21 = json.dumps({"info": {"_postman_id": "x", "name": "API",
                                  "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
                         "item": []})
MD_PAGE = "# API\n\nCall it:\n\n```bash\ncurl https://h.io\n```\n"
RST_PAGE = "API\n===\n\n.. code-block:: bash\n\n   curl https://h.io\n"
HTML_PAGE = "<!DOCTYPE html>\n<html><body><pre>curl https://h.io</pre></body></html>\n"

CASES = [
    # (text, filename, kind)
    ("curl https://h.io", None, "curl"),
    ("$ curl -s https://h.io", None, "curl"),
    ("# list users\ncurl https://h.io/users \\\n  -H 'A: b'\n", None, "curl"),
    ("## Users\n# list them\ncurl https://h.io/users\n", "x.sh", "curl"),
    ("TOKEN=abc curl https://h.io", None, "curl"),
    ("PS C:\\Users\\ada> curl.exe https://h.io", None, "curl"),
    ('C:\\>"C:\\Program Files\\curl\\bin\\curl.exe" -s https://h.io', None, "curl"),
    ("@echo off\n@curl -s https://h.io & rem done\n", "a.cmd", "curl"),
    ("'{\"a\":1}' | curl.exe --data-binary '@-' https://h.io", None, "curl"),
    ("curl -d '<html><body>hi</body></html>' https://h.io", "a.sh", "curl"),
    ("curl -d '```' https://h.io", None, "curl"),  # not a fence: not at the start of a line
    ("```\ncurl https://h.io\n```\n", "a.sh", "markdown"),  # a fence is a strong sign, the name a weak one
    (MD_PAGE, None, "markdown"),
    (MD_PAGE, "notes.txt", "markdown"),
    ("Intro\n\n~~~\ncurl https://h.io\n~~~\n", None, "markdown"),
    ("> ```sh\n> curl https://h.io\n> ```\n", None, "markdown"),
    ("## Create\n\nCreate a user with this call:\n\n    curl -X POST https://h.io/users\n", None, "markdown"),
    ("Title\n=====\n\nSee [the docs](https://h.io/docs) and `curl`.\n", None, "markdown"),
    ("Just one line of prose about curl.\n", "README.md", "markdown"),
    (RST_PAGE, None, "rst"),
    (RST_PAGE, "api.rst", "rst"),
    ("Example::\n\n    curl https://h.io\n", None, "rst"),
    ("=====\nTitle\n=====\n\nSome text.\n", None, "rst"),
    (".. prompt:: bash $\n\n   curl https://h.io\n", "x.txt", "rst"),
    ("Text with a fence and a directive\n\n.. note::\n\n```\ncurl x\n```\n", "a.md", "markdown"),
    (HTML_PAGE, None, "html"),
    ("<html lang=en><pre>curl https://h.io</pre>", "page", "html"),
    ("  \n<!doctype HTML>\n<p>no code</p>", None, "html"),
    ('<div class="highlight"><pre>curl https://h.io</pre></div>', None, "html"),
    ("<pre><code>curl https://h.io</code></pre>", "snippet.htm", "html"),
    ("<p>Nothing to see</p>", "x.html", "html"),
    (HAR_HEAD, None, "har"),
    (HAR_HEAD, "x.json", "har"),
    ('{"log": {"entries": [{"request": {"method": "GET"}}]}}', None, "har"),
    ('{"log":{"version":"1.2","pages":[]', "cut.har", "har"),  # truncated head, still a HAR
    (POSTMAN_21, None, "postman"),
    ('{"item": [{"name": "a", "request": "https://h.io"}]}', None, "postman"),
    ('{\n  "id": "c1",\n  "name": "v1 export",\n  "order": [],\n  "folders": [],\n  "requests": []\n}', None,
     "postman"),
    ('{"x": 1}', "api.postman_collection.json", "postman"),
    ('{"values": [{"key": "a", "value": "1"}], "_postman_variable_scope": "environment"}', "env.json", "unknown"),
    ('{"a": 1}', None, "unknown"),
    ("[1, 2, 3]", "x.har", "unknown"),
    ("wget https://h.io", None, "unknown"),
    ("", None, "unknown"),
    ("", "empty.md", "markdown"),
    ("plain text without any sign", "notes.txt", "unknown"),
    ("\ufeffcurl https://h.io", None, "curl"),
    ("\ufeff" + HAR_HEAD, None, "har"),
    ("curl https://h.io\r\n", "win.bat", "curl"),
]


@pytest.mark.parametrize("text,filename,kind", CASES)
def test_detect_kind(text, filename, kind):
    assert detect_kind(text, filename) == kind


def test_table_is_big_enough_and_covers_every_kind():
    assert len(CASES) >= 30
    assert {k for _, _, k in CASES} == {"curl", "markdown", "rst", "html", "postman", "har", "unknown"}


def test_fixture_files():
    kinds = {p.name: detect_kind(p.read_text(encoding="utf-8"), p.name)
             for d in ("fixtures/docs", "fixtures/har") for p in sorted((ROOT / d).iterdir())}
    assert kinds == {"api_reference.md": "markdown", "geocoding.rst": "rst", "charges.html": "html",
                     "dashboard.har": "har", "login_form.har": "har", "upload.har": "har"}
    assert detect_kind((ROOT / "examples" / "openai.sh").read_text(encoding="utf-8"), "openai.sh") == "curl"


def test_looks_only_at_the_head():
    tail = "\n```bash\ncurl https://h.io\n```\n"
    assert detect_kind("x" * HEAD_BYTES + tail, None) == "unknown"
    assert detect_kind("x" * (HEAD_BYTES - len(tail) - 1) + "\n" + tail, None) == "markdown"
    big = "curl https://h.io\n" + "y" * 20_000_000
    start = time.perf_counter()
    for _ in range(100):
        detect_kind(big, "big.sh")
    assert time.perf_counter() - start < 2.0  # 100 files of 20 MB: the size does not matter

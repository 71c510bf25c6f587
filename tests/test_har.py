"""converter.har: a browser's HAR export → requests (browser noise dropped, secrets never echoed)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from converter.errors import ConverterError
from converter.har import convert_har, load_har
from converter.model import Body, FormPart, is_literal
from converter.schema import validate_bundle
from converter.yamlio import dump_yaml

HAR = Path(__file__).resolve().parent.parent / "fixtures" / "har"
BEARER = "Bearer nwat_7Kq2Vd9xLm4Rt8Zp1Yc6Hf3Bn5Gs0Wj"
SECRETS = ["nwat_7Kq2Vd9xLm4Rt8Zp1Yc6Hf3Bn5Gs0Wj", "9f1c2b7e4d.Jq8Lx2vYpR0aT5", "Zt4mQ8rW1xK9pL2v", "3hd8s0qk2m1z",
           "correct+horse"]


def load(name: str):
    return load_har((HAR / name).read_text(encoding="utf-8"), name)


def shape(reqs):
    return [(r.method, r.url, r.headers, r.body) for r in reqs]


def har(*entries, pages=None) -> str:
    log = {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": list(entries)}
    if pages is not None:
        log["pages"] = pages
    return json.dumps({"log": log}, indent=2)


def entry(method="GET", url="https://api.h.io/v1/x", headers=(), post=None, rtype=None, mime="application/json",
          **request):
    e = {"request": {"method": method, "url": url, "httpVersion": "http/2.0",
                     "headers": [{"name": k, "value": v} for k, v in headers], "queryString": [], **request},
         "response": {"status": 200, "content": {"mimeType": mime, "size": 0}}}
    if post is not None:
        e["request"]["postData"] = post
    if rtype is not None:
        e["_resourceType"] = rtype
    return e


def one(*entries) -> tuple:
    reqs, diags = load_har(har(*entries), "t.har")
    return shape(reqs), [d.format() for d in diags]


# --- the fixtures, request by request ----------------------------------------------------------


def test_chrome_dashboard_http2():
    reqs, diags = load("dashboard.har")
    api = "https://api.northwind.dev/v1"
    cookie = ("Cookie", "nw_session=s%3A9f1c2b7e4d.Jq8Lx2vYpR0aT5; theme=dark")
    accept = ("Accept", "application/json, text/plain, */*")
    auth = ("Authorization", BEARER)
    assert shape(reqs) == [
        ("GET", f"{api}/projects?status=active&limit=20", [accept, auth, cookie], None),
        ("POST", f"{api}/projects", [accept, auth, ("Content-Type", "application/json"),
                                     ("X-Request-Id", "c0a8012e-5d1b-4f7e-9a40-3b6d2f9e1c77"), cookie],
         Body(text='{"name":"Q3 roadmap","color":"#2f80ed","archived":false}')),
        ("PATCH", f"{api}/projects/prj_82", [accept, auth, ("Content-Type", "application/json"), cookie],
         Body(text='{"archived":true}')),
        ("DELETE", f"{api}/projects/prj_82/members/usr_7", [accept, auth, cookie], None),
        ("GET", f"{api}/me", [auth, cookie], None),
    ]
    assert [(r.span.line, r.span.col, r.span.line_text) for r in reqs] == [
        (716, 7, ""), (866, 7, ""), (1023, 7, ""), (1172, 7, ""), (1388, 7, "")]
    assert [d.format() for d in diags] == [
        "dashboard.har:572:18: warning: 1 entry has a data: URL, not an HTTP request: skipped [unsupported-scheme]",
        "dashboard.har:1323:18: warning: 1 entry has a wss: URL, not an HTTP request: skipped [unsupported-scheme]",
        "dashboard.har:19:16: info: $.log.entries: 6 of 13 entries skipped: 4 static assets, 1 page load, "
        "1 CORS preflight [har-skipped]",
    ]


def test_firefox_form_login_http1():
    reqs, diags = load("login_form.har")
    nav = ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert shape(reqs) == [
        ("POST", "https://legacy.northwind.dev/session",
         [nav, ("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", "csrftoken=Zt4mQ8rW1xK9pL2v")],
         Body(text="csrfmiddlewaretoken=Zt4mQ8rW1xK9pL2v&username=ada%40example.com&password=correct+horse"
                   "&next=%2Faccount")),
        ("GET", "https://legacy.northwind.dev/api/orders.json?page=2",
         [("Accept", "application/json"), ("X-Requested-With", "XMLHttpRequest"),
          ("Cookie", "csrftoken=Zt4mQ8rW1xK9pL2v; sessionid=3hd8s0qk2m1z")], None),
        ("POST", "https://legacy.northwind.dev/api/orders/1042/notes",
         [("Content-Type", "text/plain;charset=UTF-8"), ("Cookie", "sessionid=3hd8s0qk2m1z"),
          ("X-CSRFToken", "Zt4mQ8rW1xK9pL2v"), ("Cache-Control", "no-store")],
         Body(text="Customer asked for gift wrap.\nShip Monday.")),
    ]
    assert [d.format() for d in diags] == [
        "login_form.har:493:21: warning: $.log.entries[4].request: method HEAD is not supported by the platform "
        "(GET, POST, PUT, PATCH, DELETE): skipped [unsupported-method]",
        "login_form.har:28:16: info: $.log.entries: 2 of 6 entries skipped: 2 page loads [har-skipped]",
    ]


def test_uploads_multipart_text_and_params():
    reqs, diags = load("upload.har")
    up = "https://uploads.northwind.dev/v1"
    assert shape(reqs) == [
        ("POST", f"{up}/files", [("Accept", "application/json"), ("Authorization", BEARER),
                                 ("Content-Type", "multipart/form-data")],
         Body(form=[FormPart("project_id", value="prj_81"), FormPart("description", value="Q2 numbers, final"),
                    FormPart("file", file="report-q2.pdf", content_type="application/pdf")])),
        ("POST", f"{up}/avatars", [("Accept", "application/json"), ("Authorization", BEARER),
                                   ("Content-Type", "multipart/form-data")],
         Body(form=[FormPart("user", value="usr_1"), FormPart("avatar", file="me.png", content_type="image/png")])),
        ("PUT", f"{up}/files/file_9/metadata", [("Authorization", BEARER), ("Content-Type", "application/json")],
         Body(text='{"tags":["finance","q2"]}')),
        ("GET", f"{up}/files?project_id=prj_81&sort=-created", [("Accept", "application/json"), ("Authorization", BEARER)],
         None),
    ]
    assert [d.format() for d in diags] == [
        "upload.har:91:23: warning: $.log.entries[0].request.postData: form part 3 uploads a file of which the HAR "
        "keeps only the name: the name is kept as the file path [file-not-read]",
        "upload.har:176:23: warning: $.log.entries[1].request.postData: form part 2 uploads a file of which the HAR "
        "keeps only the name: the name is kept as the file path [file-not-read]",
        "upload.har:506:21: warning: $.log.entries[5].request: method TRACE is not supported by the platform "
        "(GET, POST, PUT, PATCH, DELETE): skipped [unsupported-method]",
        "upload.har:19:16: info: $.log.entries: 1 of 6 entries skipped: 1 static asset [har-skipped]",
    ]
    assert [d.code for d in reqs[0].diagnostics] == ["file-not-read"]


@pytest.mark.parametrize("name", ["dashboard.har", "login_form.har", "upload.har"])
def test_values_are_token_free_literals(name):
    reqs, _ = load(name)
    for r in reqs:
        values = [r.method, r.url] + [v for h in r.headers for v in h]
        if r.body is not None and r.body.text is not None:
            values.append(r.body.text)
        for p in (r.body.form or []) if r.body is not None else []:
            values += [p.name, p.value or "", p.file or ""]
        assert all(is_literal(v) for v in values)
        assert r.name is None and r.auth is None


@pytest.mark.parametrize("name", ["dashboard.har", "login_form.har", "upload.har"])
def test_end_to_end_valid_and_no_secret_reaches_the_output(name):
    result = convert_har((HAR / name).read_text(encoding="utf-8"), name)
    bundle = result.bundle()
    assert validate_bundle(bundle) == []
    text = dump_yaml(bundle) + "\n".join(d.format() for d in result.diagnostics)
    for secret in SECRETS:
        assert secret not in text


def test_dashboard_converts_to_one_connector():
    result = convert_har((HAR / "dashboard.har").read_text(encoding="utf-8"), "dashboard.har")
    assert [c["name"] for c in result.connectors] == ["northwind"]
    assert [a["name"] for a in result.actions] == ["get_projects", "post_projects", "patch_projects_prj_82",
                                                   "delete_projects_prj_82_members_usr_7", "get_me"]


# --- headers -------------------------------------------------------------------------------------


def test_browser_headers_dropped_and_names_capitalised():
    headers = [(":method", "GET"), (":authority", "api.h.io"), (":path", "/v1/x"), (":scheme", "https"),
               ("host", "api.h.io"), ("connection", "keep-alive"), ("content-length", "0"),
               ("user-agent", "Mozilla/5.0"), ("accept-encoding", "gzip"), ("accept-language", "en"),
               ("sec-ch-ua", '"Chromium"'), ("sec-ch-ua-platform", '"Linux"'), ("sec-fetch-mode", "cors"),
               ("sec-gpc", "1"), ("dnt", "1"), ("priority", "u=1, i"), ("origin", "https://app.h.io"),
               ("referer", "https://app.h.io/"), ("if-none-match", 'W/"1"'), ("pragma", "no-cache"),
               ("cache-control", "no-cache"), ("accept", "*/*"), ("x-api-key", "k"), ("x-tenant-id", "t1"),
               ("X-CSRFToken", "c"), ("www-authenticate", "x"), ("authorization", "Basic YTpi")]
    got, diags = one(entry(headers=headers))
    assert got[0][2] == [("X-API-Key", "k"), ("X-Tenant-Id", "t1"), ("X-CSRFToken", "c"), ("WWW-Authenticate", "x"),
                         ("Authorization", "Basic YTpi")]
    assert diags == []


def test_cache_control_kept_unless_the_browser_added_it():
    got, _ = one(entry(headers=[("Cache-Control", "max-age=0")]), entry(headers=[("Cache-Control", "no-store")]))
    assert [g[2] for g in got] == [[], [("Cache-Control", "no-store")]]


def test_cookies_joined_or_taken_from_cookies_list():
    got, _ = one(entry(headers=[("cookie", "a=1"), ("x-b", "2"), ("cookie", "c=3")]),
                 entry(cookies=[{"name": "sid", "value": "s1"}, {"name": "t", "value": "x"}]),
                 entry(headers=[("Cookie", "z=9")], cookies=[{"name": "sid", "value": "s1"}]))
    assert [g[2] for g in got] == [[("Cookie", "a=1; c=3"), ("X-B", "2")], [("Cookie", "sid=s1; t=x")],
                                   [("Cookie", "z=9")]]


def test_fragment_dropped_query_kept_method_uppercased():
    got, _ = one(entry(method="post", url="https://h.io/a/b?x=1&y=%20#frag", post={"mimeType": "text/plain",
                                                                                    "text": "hi"}))
    assert got == [("POST", "https://h.io/a/b?x=1&y=%20", [("Content-Type", "text/plain")], Body(text="hi"))]


# --- what is skipped -----------------------------------------------------------------------------


def test_static_assets_by_type_mime_and_extension():
    entries = [entry(url="https://h.io/a.css", mime="text/css"),
               entry(url="https://h.io/app", rtype="script", mime="x-unknown"),
               entry(url="https://h.io/f", mime="font/woff2"),
               entry(url="https://h.io/logo.SVG?v=2", mime=""),
               entry(url="https://h.io/v", mime="video/mp4"),
               entry(url="https://h.io/", mime="text/html; charset=utf-8"),
               entry(url="https://h.io/settings", rtype="document", mime="text/html"),
               entry(url="https://h.io/config.js", rtype="fetch", mime="application/javascript"),  # an API call
               entry(method="POST", url="https://h.io/img.png", mime="image/png"),  # not a GET: kept
               entry(url="https://h.io/partial", rtype="xhr", mime="text/html")]
    got, diags = one(*entries)
    assert [(g[0], g[1]) for g in got] == [("GET", "https://h.io/config.js"), ("POST", "https://h.io/img.png"),
                                           ("GET", "https://h.io/partial")]
    assert diags == ["t.har:8:16: info: $.log.entries: 7 of 10 entries skipped: 5 static assets, 2 page loads "
                     "[har-skipped]"]


def test_preflight_skipped_other_options_warned():
    got, diags = one(entry(method="OPTIONS", headers=[("Access-Control-Request-Method", "POST")]),
                     entry(method="OPTIONS"), entry(method="CONNECT"), entry(method="M\u00e9THOD"))
    assert got == []
    assert [d.split(" [")[0] for d in diags] == [
        "t.har:32:21: warning: $.log.entries[1].request: method OPTIONS is not supported by the platform "
        "(GET, POST, PUT, PATCH, DELETE): skipped",
        "t.har:48:21: warning: $.log.entries[2].request: method CONNECT is not supported by the platform "
        "(GET, POST, PUT, PATCH, DELETE): skipped",
        "t.har:64:21: warning: $.log.entries[3].request: this method is not supported by the platform "
        "(GET, POST, PUT, PATCH, DELETE): skipped",
        "t.har:8:16: info: $.log.entries: 1 of 4 entries skipped: 1 CORS preflight",
    ]


def test_non_http_schemes_counted_per_scheme():
    got, diags = one(entry(url="data:text/plain,hi"), entry(url="data:image/gif;base64,R0lG"),
                     entry(url="blob:https://h.io/1f2e"), entry(url="chrome-extension://abc/x.json"),
                     entry(url="/relative"), entry(url="https://h.io/ok"))
    assert [g[1] for g in got] == ["https://h.io/ok"]
    assert [d.split(": warning: ")[1] for d in diags] == [
        "2 entries have a data: URL, not an HTTP request: skipped [unsupported-scheme]",
        "1 entry has a blob: URL, not an HTTP request: skipped [unsupported-scheme]",
        "1 entry has a chrome-extension: URL, not an HTTP request: skipped [unsupported-scheme]",
        "1 entry has a schemeless: URL, not an HTTP request: skipped [unsupported-scheme]",
    ]


# --- bodies --------------------------------------------------------------------------------------


def test_urlencoded_from_params_when_text_missing():
    post = {"mimeType": "application/x-www-form-urlencoded",
            "params": [{"name": "q", "value": "a b"}, {"name": "lang", "value": "fr&en"}, {"name": "empty"}]}
    got, _ = one(entry(method="POST", post=post))
    assert got[0][2:] == ([("Content-Type", "application/x-www-form-urlencoded")],
                          Body(text="q=a+b&lang=fr%26en&empty="))


def test_empty_post_data_is_no_body():
    got, _ = one(entry(method="POST", post={"mimeType": "", "text": ""}),
                 entry(method="PUT", post={"mimeType": "application/json", "text": ""}))
    assert [g[3] for g in got] == [None, Body(text="")]


def test_multipart_text_without_boundary_in_mime_type():
    text = "--xyz\nContent-Disposition: form-data; name=\"a\"\n\n1\n--xyz\nContent-Disposition: form-data; " \
           "name=\"f\"; filename=\"x \\\"q\\\".txt\"\n\nbody\n--xyz--\n"
    got, diags = one(entry(method="POST", post={"mimeType": "multipart/form-data", "text": text}))
    assert got[0][3] == Body(form=[FormPart("a", value="1"), FormPart("f", file='x "q".txt')])
    assert got[0][2] == [("Content-Type", "multipart/form-data")]
    assert [d.split(" [")[1] for d in diags] == ["file-not-read]"]


def test_unreadable_multipart_is_an_entry_error():
    got, diags = one(entry(method="POST", post={"mimeType": "multipart/form-data; boundary=b", "text": "garbage"}),
                     entry(url="https://h.io/next"))
    assert [g[1] for g in got] == ["https://h.io/next"]
    assert diags == ["t.har:18:21: error: $.log.entries[0].request.postData.text: a multipart body that cannot be "
                     "read [bad-har-entry]"]


# --- broken documents: positions and JSON paths, never values -----------------------------------


@pytest.mark.parametrize("text,code,message,where", [
    ('{"log": {"entries": [{"request": {"url": "https://h.io", "headers": [{"name": "Cookie", "value": "sid=SECRET1"}'
     ']}}', "bad-json", "$: not valid JSON (Expecting ',' delimiter)", (1, 115)),
    ('{"log": {"entries": [NaN]}}', "bad-json", "$: NaN and Infinity are not JSON", (1, 22)),
    ('{"version": "1.2", "entries": []}', "bad-har", "$.log: not a HAR file: no 'log' object (export with DevTools "
     "→ Network → Save all as HAR)", (0, 0)),
    ('[1, 2]', "bad-har", "$: not a HAR file: no 'log' object (export with DevTools → Network → Save all as HAR)",
     (1, 1)),
    ('{"log": {"entries": {"a": 1}}}', "bad-har", "$.log: not a HAR file: 'log.entries' is not a list", (1, 9)),
])
def test_document_errors(text, code, message, where):
    with pytest.raises(ConverterError) as info:
        load_har(text, "t.har")
    assert (info.value.code, info.value.message, (info.value.span.line, info.value.span.col)) == (code, message, where)
    assert "SECRET1" not in str(info.value)


def test_entry_errors_skip_the_entry_only():
    reqs, diags = load_har(har({"request": "GET /"}, {"response": {}}, entry(url=5),
                               {"request": {"method": "GET", "url": "https://h.io/a",
                                            "headers": {"Cookie": "sid=SECRET2"}}},
                               entry(post="SECRET3"), entry(url="https://h.io/ok")), "t.har")
    assert [r.url for r in reqs] == ["https://h.io/ok"]
    assert [d.format() for d in diags] == [
        "t.har:9:7: error: $.log.entries[0]: no 'request' object [bad-har-entry]",
        "t.har:12:7: error: $.log.entries[1]: no 'request' object [bad-har-entry]",
        "t.har:16:20: error: $.log.entries[2].request: 'method' and 'url' must be non-empty strings [bad-har-entry]",
        "t.har:35:22: error: $.log.entries[3].request.headers: not a list [bad-har-entry]",
        "t.har:47:23: error: $.log.entries[4].request.postData: not an object [bad-har-entry]",
    ]
    assert not any("SECRET" in d for d in map(str, diags))


def test_duplicate_keys_warn_and_empty_har():
    reqs, diags = load_har('{"log": {"entries": [], "entries": []}}', "t.har")
    assert reqs == []
    assert [d.format() for d in diags] == [
        "t.har:1:36: warning: $.log: duplicate key 'entries': the last one wins, as in Postman [json-duplicate-key]",
        "t.har:1:36: warning: $.log.entries: the HAR records no request [har-empty]",
    ]


def test_positions_ignore_entries_outside_log():
    text = ('{"x": {"entries": [{"a": 1}]},\n "log": {"entries": [\n  {"request": {"method": "HEAD", '
            '"url": "https://h.io"}},\n  {"request": {"method": "GET", "url": "https://h.io/ok"}}]}}')
    reqs, diags = load_har(text, "t.har")
    assert [(r.url, r.span.line, r.span.col) for r in reqs] == [("https://h.io/ok", 4, 3)]
    assert [(d.span.line, d.span.col) for d in diags] == [(3, 26)]

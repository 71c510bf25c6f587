"""converter.docs: docs pages → curl snippets with the page's own positions."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.docs import Snippet, extract_snippets, map_error, map_span, parse_doc
from converter.errors import ConverterError, Span
from converter.model import shell_var as V

DOCS = Path(__file__).resolve().parent.parent / "fixtures" / "docs"
TOKEN = V("NORTHWIND_TOKEN")


def snippets(text: str, kind: str = "markdown") -> list[tuple[int, int, str]]:
    return [(s.line, s.col, s.text) for s in extract_snippets(text, kind, "page")]


def texts(text: str, kind: str = "markdown") -> list[str]:
    return [s.text for s in extract_snippets(text, kind, "page")]


def requests(path: Path, kind: str):
    reqs, diags = parse_doc(path.read_text(encoding="utf-8"), kind, path.name)
    return [(r.method, r.url, r.span.line, r.span.col) for r in reqs], [d.format() for d in diags]


# --- the fixture pages: every snippet, exactly, with its line and column ---------------------


def test_markdown_reference_page_snippets():
    got = extract_snippets((DOCS / "api_reference.md").read_text(encoding="utf-8"), "markdown", "api_reference.md")
    assert [(s.line, s.col, s.shell, s.text) for s in got] == [
        (25, 3, "auto", 'curl https://api.northwind.dev/v2/me \\\n  -H "Authorization: Bearer $NORTHWIND_TOKEN"\n'),
        (39, 1, "auto", 'curl -G https://api.northwind.dev/v2/projects \\\n  -H "Authorization: Bearer $NORTHWIND_TOKEN" \\\n'
                        '  -d status=active \\\n  -d per_page=50\n'),
        (48, 1, "auto", 'curl -X POST https://api.northwind.dev/v2/projects \\\n  -H "Authorization: Bearer $NORTHWIND_TOKEN" \\\n'
                        '  -H "Content-Type: application/json" \\\n  -d \'{\n    "name": "Website relaunch",\n'
                        '    "color": "#2f80ed"\n  }\'\n'),
        (68, 3, "auto", 'curl -X PATCH https://api.northwind.dev/v2/projects/prj_81 -H "Authorization: Bearer '
                        '$NORTHWIND_TOKEN" --json \'{"color": "#eb5757"}\'\n'
                        'curl -X POST https://api.northwind.dev/v2/projects/prj_81/archive -H "Authorization: Bearer '
                        '$NORTHWIND_TOKEN"\n'),
        (75, 1, "auto", 'curl -X DELETE "https://api.northwind.dev/v2/projects/prj_81" \\\n'
                        '     -H "Authorization: Bearer $NORTHWIND_TOKEN"\n'),
        (85, 4, "auto", 'curl https://api.northwind.dev/v2/projects/prj_81/tasks \\\n'
                        '  -H "Authorization: Bearer $NORTHWIND_TOKEN" \\\n'
                        '  --data-urlencode "title=Write the launch post" \\\n  --data-urlencode "due=2024-06-01"\n'),
        (93, 8, "auto", 'curl -X PUT https://api.northwind.dev/v2/tasks/tsk_7/assignee \\\n'
                        '  -H "Authorization: Bearer $NORTHWIND_TOKEN" \\\n  -d user=usr_01HV3K\n'),
        (102, 1, "auto", 'curl https://api.northwind.dev/v2/tasks/import \\\n  -H "Authorization: Bearer $NORTHWIND_TOKEN" \\\n'
                         '  -H "Content-Type: application/json" \\\n  --data-binary @- <<\'EOF\'\n'
                         '{"tasks": [{"title": "Draft"}, {"title": "Review"}]}\nEOF\n'),
        (115, 3, "auto", 'curl "https://api.northwind.dev/v2/tasks/tsk_7/comments?limit=20" \\\n'
                         '  -H "Authorization: Bearer $NORTHWIND_TOKEN"\n'),
        (124, 16, "auto", 'curl -F "file=@./spec.pdf;type=application/pdf" -F note="v2 spec" \\\n'
                          '    -H "Authorization: Bearer $NORTHWIND_TOKEN" \\\n'
                          '    https://api.northwind.dev/v2/tasks/tsk_7/attachments\n'),
        (135, 18, "powershell", 'curl.exe https://api.northwind.dev/v2/files `\n'
                                '  -H "Authorization: Bearer $env:NORTHWIND_TOKEN"\n'),
        (144, 1, "auto", 'curl -v https://api.northwind.dev/v2/webhooks -H "Authorization: Bearer $NORTHWIND_TOKEN"\n'),
        (155, 1, "auto", "curl -X OPTIONS https://api.northwind.dev/v2/webhooks\n"),
    ]


def test_markdown_reference_page_requests_and_messages():
    reqs, diags = requests(DOCS / "api_reference.md", "markdown")
    base = "https://api.northwind.dev/v2"
    assert reqs == [
        ("GET", f"{base}/me", 25, 3),
        ("GET", f"{base}/projects?status=active&per_page=50", 39, 1),
        ("POST", f"{base}/projects", 48, 1),
        ("PATCH", f"{base}/projects/prj_81", 68, 3),
        ("POST", f"{base}/projects/prj_81/archive", 69, 3),
        ("DELETE", f"{base}/projects/prj_81", 75, 1),
        ("POST", f"{base}/projects/prj_81/tasks", 85, 4),
        ("PUT", f"{base}/tasks/tsk_7/assignee", 93, 8),
        ("POST", f"{base}/tasks/import", 102, 1),
        ("GET", f"{base}/tasks/tsk_7/comments?limit=20", 115, 3),
        ("POST", f"{base}/tasks/tsk_7/attachments", 124, 16),
        ("GET", f"{base}/files", 135, 18),
        ("GET", f"{base}/webhooks", 144, 1),
    ]
    assert diags == [
        "api_reference.md:155:9: error: method OPTIONS is not supported by the platform "
        "(GET, POST, PUT, PATCH, DELETE) [unsupported-method]\n"
        "  curl -X OPTIONS https://api.northwind.dev/v2/webhooks\n"
        "          ^^^^^^^"
    ]


def test_markdown_bodies_survive_extraction():
    reqs, _ = parse_doc((DOCS / "api_reference.md").read_text(encoding="utf-8"), "markdown", "api_reference.md")
    by_url = {r.url.rsplit("/", 1)[-1]: r for r in reqs}
    assert by_url["projects"].body.text == '{\n    "name": "Website relaunch",\n    "color": "#2f80ed"\n  }'
    assert by_url["import"].body.text == '{"tasks": [{"title": "Draft"}, {"title": "Review"}]}\n'
    assert by_url["files"].headers == [("Authorization", "Bearer " + TOKEN)]  # $env: read by PowerShell rules
    assert [(p.name, p.file, p.value) for p in by_url["attachments"].body.form] == [
        ("file", "./spec.pdf", None), ("note", None, "v2 spec")]


def test_rst_page():
    text = (DOCS / "geocoding.rst").read_text(encoding="utf-8")
    assert snippets(text, "rst") == [
        (22, 4, 'curl "https://geo.example.org/v1/search?q=10+Downing+Street&limit=1" \\\n     -H "X-Api-Key: $GEO_API_KEY"\n'),
        (29, 6, 'curl -s "https://geo.example.org/v1/search?q=Berlin" -H "X-Api-Key: $GEO_API_KEY"\n'),
        (39, 5, 'curl https://geo.example.org/v1/reverse/52.52,13.405 \\\n  -H "X-Api-Key: $GEO_API_KEY"\n'),
        (49, 4, 'curl -X POST https://geo.example.org/v1/batch \\\n  -H "X-Api-Key: $GEO_API_KEY" \\\n'
                '  -H "Content-Type: application/json" \\\n  -d \'{"queries": ["Paris", "Lyon"]}\'\n'),
        (61, 7, 'curl https://geo.example.org/v1/jobs/job_42 -H "X-Api-Key: $GEO_API_KEY"\n'
                'curl -X DELETE https://geo.example.org/v1/jobs/job_42 \\\n  -H "X-Api-Key: $GEO_API_KEY"\n'),
        (71, 6, 'curl -I https://geo.example.org/v1/quota -H "X-Api-Key: $GEO_API_KEY"\n'),
    ]
    reqs, diags = requests(DOCS / "geocoding.rst", "rst")
    assert reqs == [
        ("GET", "https://geo.example.org/v1/search?q=10+Downing+Street&limit=1", 22, 4),
        ("GET", "https://geo.example.org/v1/search?q=Berlin", 29, 6),
        ("GET", "https://geo.example.org/v1/reverse/52.52,13.405", 39, 5),
        ("POST", "https://geo.example.org/v1/batch", 49, 4),
        ("GET", "https://geo.example.org/v1/jobs/job_42", 61, 7),
        ("DELETE", "https://geo.example.org/v1/jobs/job_42", 63, 7),
    ]
    assert diags == [
        "geocoding.rst:71:6: error: method HEAD is not supported by the platform "
        "(GET, POST, PUT, PATCH, DELETE) [unsupported-method]\n"
        '       curl -I https://geo.example.org/v1/quota -H "X-Api-Key: $GEO_API_KEY"\n'
        "       ^^^^"
    ]


def test_html_page():
    text = (DOCS / "charges.html").read_text(encoding="utf-8")
    got = extract_snippets(text, "html", "charges.html")
    assert [(s.line, s.col, s.shell, s.text) for s in got] == [
        (13, 23, "auto", "curl https://pay.example.com/v1/ping\n"),
        (15, 42, "auto", 'curl -X POST https://pay.example.com/v1/charges \\\n  -u "$ACME_SECRET_KEY:" \\\n'
                         '  -H "Idempotency-Key: 5f1c-22aa" \\\n  -d amount=2000 \\\n  -d currency=eur \\\n'
                         '  -d "description=Order #1042 & gift wrap"\n'),
        (23, 68, "auto", 'curl https://pay.example.com/v1/charges/ch_3Kx -u "$ACME_SECRET_KEY:"\n'),
        (30, 85, "auto", 'curl -G "https://pay.example.com/v1/charges?limit=3&created[gte]=1717200000" \\\n'
                         '  -u "$ACME_SECRET_KEY:" \\\n  --data-urlencode \'customer=cus_9\'\n'),
        (38, 166, "powershell", 'curl.exe -X POST https://pay.example.com/v1/refunds `\n'
                                '  -u "${env:ACME_SECRET_KEY}:" `\n  -d charge=ch_3Kx\n'),
        (44, 21, "auto", 'curl https://pay.example.com/v0/charge \\\n  -u "$ACME_SECRET_KEY:" \\\n  -X PURGE\n'),
    ]
    reqs, diags = requests(DOCS / "charges.html", "html")
    assert reqs == [
        ("GET", "https://pay.example.com/v1/ping", 13, 23),
        ("POST", "https://pay.example.com/v1/charges", 15, 42),
        ("GET", "https://pay.example.com/v1/charges/ch_3Kx", 23, 68),
        ("GET", "https://pay.example.com/v1/charges?limit=3&created[gte]=1717200000&customer=cus_9", 30, 85),
        ("POST", "https://pay.example.com/v1/refunds", 38, 166),
    ]
    line44 = text.split("\n")[43]
    assert diags == [
        "charges.html:44:150: error: method PURGE is not supported by the platform "
        "(GET, POST, PUT, PATCH, DELETE) [unsupported-method]\n"
        f"  {line44}\n  {' ' * 149}^^^^^"
    ]
    assert line44[149:154] == "PURGE"


def test_html_entities_and_tags_decoded_in_values():
    reqs, _ = parse_doc((DOCS / "charges.html").read_text(encoding="utf-8"), "html", "charges.html")
    charge = reqs[1]
    assert charge.body.text == "amount=2000&currency=eur&description=Order #1042 & gift wrap"
    assert charge.headers[0] == ("Idempotency-Key", "5f1c-22aa")
    assert charge.auth.username == V("ACME_SECRET_KEY")


@pytest.mark.parametrize("name,kind", [("api_reference.md", "markdown"), ("geocoding.rst", "rst"),
                                       ("charges.html", "html")])
def test_every_request_span_points_at_curl_on_the_page(name, kind):
    text = (DOCS / name).read_text(encoding="utf-8")
    lines = text.split("\n")
    reqs, _ = parse_doc(text, kind, name)
    assert reqs
    for r in reqs:
        assert r.span.source == name
        assert r.span.line_text == lines[r.span.line - 1]
        assert r.span.line_text[r.span.col - 1:].startswith("curl")


# --- Markdown blocks -------------------------------------------------------------------------


def test_fences_of_every_kind_and_info_string():
    page = ("a\n```\ncurl https://h.io/1\n```\n~~~\ncurl https://h.io/2\n~~~\n"
            "````shell title=\"x\"\ncurl https://h.io/3\n```\nstill inside\n````\n"
            "```{.bash .copy}\ncurl https://h.io/4\n```\n")
    assert snippets(page) == [(3, 1, "curl https://h.io/1\n"), (6, 1, "curl https://h.io/2\n"),
                              (9, 1, "curl https://h.io/3\n"), (14, 1, "curl https://h.io/4\n")]


def test_blocks_without_curl_and_non_fences_are_ignored():
    page = ("```json\n{\"curl\": false}\n```\n```python\nimport os  # like curl\n```\n"
            "```not`a fence\ncurl https://h.io/x\n")
    assert snippets(page) == []


def test_unclosed_fence_runs_to_the_end():
    assert snippets("text\n```bash\ncurl https://h.io/a\n\ncurl https://h.io/b") == [
        (3, 1, "curl https://h.io/a\ncurl https://h.io/b\n")]


def test_fence_in_list_item_loses_its_indentation():
    page = "1. Call:\n\n   ```bash\n   curl https://h.io/a \\\n     -H 'X: 1'\n   ```\n- ```sh\n  curl https://h.io/b\n  ```\n"
    got = extract_snippets(page, "markdown", "p")
    assert [(s.line, s.col, s.text) for s in got] == [(4, 4, "curl https://h.io/a \\\n  -H 'X: 1'\n"),
                                                    (8, 3, "curl https://h.io/b\n")]
    assert got[0].lines == (((0, 4, 3),), ((0, 5, 3),))


def test_fence_in_blockquotes_nested():
    page = "> > ```bash\n> > curl https://h.io/q \\\n> >   -H 'A: b'\n> > ```\n"
    assert snippets(page) == [(2, 5, "curl https://h.io/q \\\n  -H 'A: b'\n")]


def test_blockquote_ending_ends_the_block():
    page = "> ```\n> curl https://h.io/q\nafter\ncurl https://h.io/not-code\n"
    assert snippets(page) == [(2, 3, "curl https://h.io/q\n")]


def test_indented_block_needs_a_blank_line_before():
    page = ("Para\n    curl https://h.io/lazy\n\n    # comment\n    curl https://h.io/a \\\n"
            "        -d x=1\n\n    curl https://h.io/b\nText\n")
    # one block: blank lines do not end an indented block (CommonMark)
    assert snippets(page) == [(5, 5, "curl https://h.io/a \\\n    -d x=1\ncurl https://h.io/b\n")]


def test_crlf_and_bom():
    page = "\ufeff```bash\r\ncurl https://h.io/a \\\r\n  -d x=1\r\n```\r\n"
    assert snippets(page) == [(2, 1, "curl https://h.io/a \\\n  -d x=1\n")]


# --- keeping only the commands ---------------------------------------------------------------


@pytest.mark.parametrize("prompt", ["$ ", "% ", "> ", "❯ ", "PS> ", "PS C:\\Users\\ada> ", "C:\\>",
                                    "C:\\work> ", "ada@box:~/src$ ", "  $ "])
def test_prompts_are_removed_with_their_columns(prompt):
    got = extract_snippets(f"```\n{prompt}curl https://h.io/a\n```\n", "markdown", "p")
    assert [(s.line, s.col, s.text) for s in got] == [(2, len(prompt) + 1, "curl https://h.io/a\n")]


def test_transcript_keeps_prompted_commands_only():
    block = ("```console\n$ export TOKEN=abc\n$ curl -s https://h.io/a \\\n>   -H 'X: 1'\n{\n  \"curl\": 1\n}\n"
             "curl https://h.io/output-line\n$ curl -v https://h.io/b\n> GET /b HTTP/1.1\n< HTTP/1.1 200 OK\n```\n")
    assert texts(block) == ["curl -s https://h.io/a \\\n  -H 'X: 1'\ncurl -v https://h.io/b\n"]


def test_plain_block_drops_comments_other_commands_and_output():
    block = ("```bash\n# list things\nexport A=1\ncurl https://h.io/a | jq '.items[]'\n[\"x\"]\n"
             "TOKEN=t curl https://h.io/b &&\n  echo done\necho '{}' | curl -d @- https://h.io/c\n"
             "curl: (6) Could not resolve host\n```\n")
    assert texts(block) == ["curl https://h.io/a | jq '.items[]'\nTOKEN=t curl https://h.io/b &&\n  echo done\n"
                            "echo '{}' | curl -d @- https://h.io/c\n"]


def test_quotes_open_across_lines_and_heredocs_are_kept():
    block = ("```\ncurl https://h.io/a -d '{\n  \"x\": \"it is # not a comment\",\n\n  \"y\": 2\n}'\nout\n"
             "curl https://h.io/b -d \"a\nb\"\ncurl https://h.io/c --data-binary @- <<-END\n\tbody\n\tEND\nout\n```\n")
    assert texts(block) == ["curl https://h.io/a -d '{\n  \"x\": \"it is # not a comment\",\n\n  \"y\": 2\n}'\n"
                            "curl https://h.io/b -d \"a\nb\"\ncurl https://h.io/c --data-binary @- <<-END\n"
                            "\tbody\n\tEND\n"]


def test_continuations_of_each_shell():
    block = ("```\ncurl.exe https://h.io/ps `\n  -H \"A: b\"\nnot this\ncurl https://h.io/cmd ^\n  -d x=1\nnor this\n"
             "curl https://h.io/sh \\\n  -d y=2 # trailing comment \\\nnor that\ncurl https://h.io/x \\ \nspace after\n```\n")
    assert texts(block) == ["curl.exe https://h.io/ps `\n  -H \"A: b\"\ncurl https://h.io/cmd ^\n  -d x=1\n"
                            "curl https://h.io/sh \\\n  -d y=2 # trailing comment \\\ncurl https://h.io/x \\ \n"]


def test_the_word_curl_must_be_the_command():
    block = "```\ncurlie https://h.io\ncurl.sh run\n./curl-wrapper x\ncurl\n```\n"
    assert texts(block) == ["curl\n"]


# --- reST --------------------------------------------------------------------------------------


def test_rst_directives_and_literal_blocks():
    page = ("Intro::\n\n  $ curl https://h.io/a\n  output\n\nText\n\n"
            ".. code-block:: powershell\n   :emphasize-lines: 1\n\n   curl.exe https://h.io/b `\n     -d x=1\n\n"
            "   curl.exe https://h.io/c\n\n.. sourcecode:: console\n\n    % curl https://h.io/d\n\n"
            ".. note::\n   Not a literal block, but holds one::\n\n      curl https://h.io/e\n"
            ".. code-block:: text\n\n   no command here\n")
    got = extract_snippets(page, "rst", "p")
    assert [(s.line, s.col, s.shell, s.text) for s in got] == [
        (3, 5, "auto", "curl https://h.io/a\n"),
        (11, 4, "powershell", "curl.exe https://h.io/b `\n  -d x=1\ncurl.exe https://h.io/c\n"),
        (18, 7, "auto", "curl https://h.io/d\n"),
        (23, 7, "auto", "curl https://h.io/e\n"),
    ]


def test_rst_prompt_directive():
    page = ".. prompt:: bash $\n\n   curl https://h.io/a\n   curl https://h.io/b\n\nafter\n"
    assert snippets(page, "rst") == [(3, 4, "curl https://h.io/a\ncurl https://h.io/b\n")]


# --- HTML ----------------------------------------------------------------------------------------


def test_html_pre_code_spans_entities():
    page = ('<pre><code class="language-bash"><span class="k">curl</span> -H '
            '<span class="s">&quot;A: &lt;b&gt;&quot;</span> https://h.io/a?x=1&amp;y=2</code></pre>')
    got = extract_snippets(page, "html", "p")
    assert [(s.line, s.col, s.text) for s in got] == [(1, 50, 'curl -H "A: <b>" https://h.io/a?x=1&y=2\n')]
    assert page[49:53] == "curl"
    # "https" (snippet column 18) sits past the tags and entities on the page
    assert map_span(Span(1, 18, "p", "", 5), got[0]) == Span(1, 113, "p", page, 5)
    assert page[112:117] == "https"
    # a span over entities covers them whole (up to the next character: the closing tag too)
    assert map_span(Span(1, 9, "p", "", 8), got[0]) == Span(1, 81, "p", page, 31)
    assert page[80:80 + 31] == "&quot;A: &lt;b&gt;&quot;</span>"


def test_html_inline_code_only_when_it_is_a_command():
    page = ("<p>Use <code>curl</code>, <code>curl -I</code>, <code>curl --help</code> or "
            "<code>curl localhost:8080/health</code>.</p><code>curl\n  -d x=1 https://h.io</code>")
    assert texts(page, "html") == ["curl localhost:8080/health\n", "curl\n"]


def test_html_br_nbsp_and_powershell_class():
    page = '<pre class="highlight-ps1">curl.exe&nbsp;https://h.io/a&nbsp;`<br>&nbsp;&nbsp;-d&nbsp;x=1</pre>'
    got = extract_snippets(page, "html", "p")
    assert [(s.shell, s.text) for s in got] == [("powershell", "curl.exe https://h.io/a `\n  -d x=1\n")]
    assert map_span(Span(2, 3, "p", "", 2), got[0]) == Span(1, 79, "p", page, 2)
    assert page[78:80] == "-d"


def test_html_nested_pre_and_script_ignored():
    page = ("<script>var s = '<pre>curl https://h.io/no</pre>';</script>"
            "<pre><pre>curl https://h.io/in</pre> -d x=1</pre><pre>{\"ok\": 1}</pre>")
    assert texts(page, "html") == ["curl https://h.io/in -d x=1\n"]


# --- spans and errors ------------------------------------------------------------------------------


def test_shell_errors_name_the_page_line():
    page = ("# T\n\n```bash\ncurl https://h.io/ok\n```\n\n> ```sh\n> curl https://h.io/bad -d \"$(date)\"\n> ```\n\n"
            "```bash\ncurl https://h.io/ok2\n```\n")
    reqs, diags = parse_doc(page, "markdown", "p.md")
    assert [r.url for r in reqs] == ["https://h.io/ok", "https://h.io/ok2"]
    assert [d.format() for d in diags] == [
        "p.md:8:29: error: command substitution is never executed: write the value literally or as $VARIABLE "
        "[command-substitution]\n"
        "  > curl https://h.io/bad -d \"$(date)\"\n"
        "                              ^^"
    ]


def test_one_bad_snippet_among_many_bash_snippets():
    good = "```bash\ncurl https://h.io/{0}\n```\n"
    page = good.format(1) + "```bash\ncurl https://h.io/2 -d \"$(x)\"\n```\n" + good.format(3)
    reqs, diags = parse_doc(page, "markdown", "p.md")
    assert [r.url for r in reqs] == ["https://h.io/1", "https://h.io/3"]
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("command-substitution", 5, 25)]


def test_unterminated_quote_does_not_swallow_the_next_snippet():
    page = "```\ncurl https://h.io/a -d '{\n```\n\n```\ncurl https://h.io/b -d '}'\n```\n"
    reqs, diags = parse_doc(page, "markdown", "p.md")
    assert [r.url for r in reqs] == ["https://h.io/b"]
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("unbalanced-quote", 2, 24)]


def test_map_error_and_out_of_range_spans():
    sn = extract_snippets("x\n\n    $ curl https://h.io/a\n", "markdown", "p")[0]
    assert sn == Snippet("curl https://h.io/a\n", 3, 7)
    err = map_error(ConverterError("no-url", "m", Span(1, 6, "p", "curl https://h.io/a", 15)), sn)
    assert (err.code, err.span) == ("no-url", Span(3, 12, "p", "    $ curl https://h.io/a", 15))
    assert map_span(Span(5, 1, "p"), sn) == Span(3, 7, "p", "    $ curl https://h.io/a", 1)
    assert map_span(None, sn) is None


def test_no_curl_on_the_page_and_unknown_kind():
    reqs, diags = parse_doc("# Title\n\nNothing here.\n", "markdown", "p.md")
    assert reqs == []
    assert [d.format() for d in diags] == ["p.md:1:1: warning: no curl command in any code block of this markdown "
                                           "page [no-curl]"]
    with pytest.raises(ValueError):
        extract_snippets("", "asciidoc", "p")


def test_many_snippets_stay_in_order_with_their_lines():
    page = "".join(f"## {i}\n\n```bash\ncurl https://h.io/{i} \\\n  -d n={i}\n```\n\n" for i in range(300))
    reqs, diags = parse_doc(page, "markdown", "big.md")
    assert diags == []
    assert [(r.url, r.span.line) for r in reqs] == [(f"https://h.io/{i}", 7 * i + 4) for i in range(300)]
    assert [r.body.text for r in reqs[:2]] == ["n=0", "n=1"]


def test_unclosed_pre_at_the_end_of_the_page():
    assert texts("<p>x</p><pre>curl https://h.io/a\n", "html") == ["curl https://h.io/a\n"]


_PIECES = st.sampled_from(["curl https://h.io/a", "$ ", "> ", "```", "~~~", "```bash", "    ", "\t", "\n", "\\",
                           "'", '"', "<<EOF", "EOF", "`", "^", "#", ".. code-block:: bash", "::", "   ", "<pre>",
                           "</pre>", "<code>", "&quot;", "&amp;", "<br>", "<span>", "- ", "1. ", "-d x", "|"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40), st.sampled_from(["markdown", "rst", "html"]))
def test_any_page_extracts_without_crashing_and_maps_onto_the_page(pieces, kind):
    page = "".join(pieces)
    lines = page.replace("\r\n", "\n").split("\n")
    for sn in extract_snippets(page, kind, "p"):
        assert sn.text.endswith("\n") and len(sn.lines) == sn.text.count("\n")
        for n, row in enumerate(sn.text.split("\n")[:-1], start=1):
            span = map_span(Span(n, 1, "p", row, max(1, len(row))), sn)
            assert 1 <= span.line <= len(lines) and span.line_text == lines[span.line - 1]
            assert 1 <= span.col <= len(span.line_text) + 1
    parse_doc(page, kind, "p")  # never raises: every problem is a diagnostic


def test_page_requests_go_through_the_emitter():
    from converter.emit import Emitter
    from converter.schema import validate_bundle

    page = ("# Legacy\n\n```bash\ncurl http://h.io/v1/items -H \"Authorization: Bearer $TOKEN\"\n```\n\n"
            "- ```sh\n  curl -X POST http://h.io/v1/items -H \"Authorization: Bearer $TOKEN\" -d a=1\n  ```\n")
    reqs, diags = parse_doc(page, "markdown", "p.md")
    em = Emitter()
    for r in reqs:
        em.add(r)
    result = em.result()
    assert diags == [] and validate_bundle(result.bundle()) == []
    assert [a["name"] for a in result.actions] == ["get_items", "post_items"]
    # the emitter's own messages point at the page too (only the first request's connector is new)
    assert [(d.code, d.span.line, d.span.col, d.span.line_text) for d in result.diagnostics] == [
        ("plain-http", 4, 1, 'curl http://h.io/v1/items -H "Authorization: Bearer $TOKEN"')]

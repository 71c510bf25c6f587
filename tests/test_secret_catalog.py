"""Tests for converter.secret_catalog: formats (fixture files), names, schemes, masking."""
from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter import secret_catalog as sc
from converter.secret_catalog import (
    AUTH_SCHEMES,
    CREDENTIAL_HEADERS,
    CREDENTIAL_PARAMS,
    FORMAT_BY_NAME,
    NOT_CREDENTIAL_HEADERS,
    NOT_CREDENTIAL_PARAMS,
    TOKEN_FORMATS,
    auth_scheme,
    find_secrets,
    is_credential_header,
    is_credential_param,
    is_secret_value,
    mask,
    placeholder_name,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "secrets"
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\"}


def _unescape(field: str) -> str:
    return re.sub(r"\\([nt\\])", lambda m: _ESCAPES[m.group(1)], field)


def _load(name: str) -> list[tuple[int, list[str]]]:
    rows = []
    for lineno, line in enumerate((FIXTURES / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        rows.append((lineno, [_unescape(f) for f in line.split("\t")]))
    return rows


POSITIVE = _load("positive.txt")
NEGATIVE = _load("negative.txt")


def _case_id(row: tuple[int, list[str]]) -> str:
    return f"L{row[0]}-{row[1][0]}"


# --- the fixture files themselves ------------------------------------------------------


def test_fixture_lines_are_well_formed():
    for lineno, fields in POSITIVE:
        assert len(fields) in (2, 3), lineno
        assert fields[0] in FORMAT_BY_NAME, lineno
        if len(fields) == 3:
            assert fields[1].count(fields[2]) == 1, lineno
    for lineno, fields in NEGATIVE:
        assert len(fields) == 2, lineno
        assert fields[0] == "any" or fields[0] in FORMAT_BY_NAME, lineno


def test_every_format_has_a_positive_and_a_near_miss():
    positive = {fields[0] for _, fields in POSITIVE}
    negative = {fields[0] for _, fields in NEGATIVE}
    names = [f.name for f in TOKEN_FORMATS]
    assert [n for n in names if n not in positive] == []
    assert [n for n in names if n not in negative] == []


# --- formats ---------------------------------------------------------------------------


def test_catalog_shape():
    names = [f.name for f in TOKEN_FORMATS]
    assert len(names) >= 30
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", n) for n in names)
    roles = {sc.API_KEY, sc.ACCESS_TOKEN, sc.REFRESH_TOKEN, sc.CLIENT_SECRET, sc.ACCESS_KEY_ID,
             sc.SECRET_KEY, sc.PRIVATE_KEY, sc.WEBHOOK_SECRET, sc.WEBHOOK_TOKEN, sc.BASIC_CREDENTIALS}
    assert {f.role for f in TOKEN_FORMATS} <= roles
    assert all(isinstance(f.regex, re.Pattern) for f in TOKEN_FORMATS)


def test_formats_named_in_the_brief_are_present():
    wanted = {
        "openai_legacy_key", "openai_project_key", "openai_service_account_key", "openai_admin_key",
        "anthropic_api_key", "anthropic_admin_key", "github_personal_access_token",
        "github_oauth_token", "github_user_to_server_token", "github_server_to_server_token",
        "github_refresh_token", "github_fine_grained_token", "gitlab_personal_access_token",
        "slack_bot_token", "slack_user_token", "slack_workspace_token", "slack_refresh_token",
        "slack_app_token", "slack_webhook_url", "stripe_secret_key", "stripe_test_secret_key",
        "stripe_restricted_key", "stripe_test_restricted_key", "stripe_publishable_key",
        "webhook_signing_secret", "aws_access_key_id", "aws_secret_access_key", "google_api_key",
        "google_oauth_access_token", "twilio_api_key_sid", "sendgrid_api_key", "mailgun_api_key",
        "mailchimp_api_key", "telegram_bot_token", "jwt", "private_key_pem", "basic_credentials",
        "datadog_api_key", "datadog_application_key", "shopify_access_token",
        "shopify_shared_secret", "npm_token", "pypi_token", "atlassian_api_token",
        "okta_api_token", "hubspot_private_app_token", "notion_integration_secret", "notion_token",
        "linear_api_key", "digitalocean_token", "heroku_api_key", "discord_bot_token",
        "azure_storage_account_key", "huggingface_token", "groq_api_key", "replicate_api_token",
        "postman_api_key",
    }
    assert wanted - set(FORMAT_BY_NAME) == set()


@pytest.mark.parametrize("row", POSITIVE, ids=_case_id)
def test_positive_fixture(row):
    _, fields = row
    name, text = fields[0], fields[1]
    secret = fields[2] if len(fields) == 3 else text
    start = text.index(secret)
    assert find_secrets(text) == [(start, start + len(secret), name)]
    assert is_secret_value(text) == name
    # the format's own regex agrees with the combined search
    m = FORMAT_BY_NAME[name].regex.search(text)
    span = m.span("secret") if "secret" in m.re.groupindex else m.span()
    assert span == (start, start + len(secret))


@pytest.mark.parametrize("row", NEGATIVE, ids=_case_id)
def test_negative_fixture(row):
    text = row[1][1]
    assert find_secrets(text) == []
    assert is_secret_value(text) is None


def test_false_positive_rate_on_negative_fixtures_is_zero():
    flagged = [lineno for lineno, fields in NEGATIVE if find_secrets(fields[1])]
    assert len(NEGATIVE) >= 150
    assert flagged == []  # rate = len(flagged) / len(NEGATIVE) = 0


def test_several_secrets_in_one_text_in_order():
    ghp = "ghp_" + "EXAMPLEfake0TOKEN1not2REAL3" + "EXAMPLEfa"
    akia = "AKIAIOSFODNN7EXAMPLE"
    text = f'{{"a": "{akia}", "b": [1, "{ghp}"], "c": "{akia}"}}'
    first, second, third = text.index(akia), text.index(ghp), text.rindex(akia)
    assert find_secrets(text) == [
        (first, first + 20, "aws_access_key_id"),
        (second, second + 40, "github_personal_access_token"),
        (third, third + 20, "aws_access_key_id"),
    ]


def test_a_rejected_candidate_does_not_hide_a_later_token():
    # "Basic auth" matches the basic pattern but fails its decode check.
    ghp = "ghp_" + "0123456789abcdef" * 2 + "0123"
    text = "Basic auth " + ghp
    assert find_secrets(text) == [(11, 51, "github_personal_access_token")]


def test_decisions_on_bare_hashes_and_ids():
    sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
    assert is_secret_value(sha1) is None  # a git SHA, or a Datadog app key without its name
    assert is_secret_value("DD_APP_KEY=" + sha1) == "datadog_application_key"
    assert is_secret_value("AC" + "0123456789abcdef" * 2) is None  # Twilio account SID: an id
    assert is_secret_value("pk_test_" + "EXAMPLEfake0TOKEN1not2REAL3") is None


def test_short_and_empty_text():
    assert find_secrets("") == []
    assert find_secrets("sk-") == []
    assert is_secret_value("AKIA") is None


def test_speed_guard_on_mixed_short_values():
    # Guards against a catastrophic regression (a combined regex without the shared
    # anchor took ~230 us/value); measured ~5 us/value on the development machine.
    rnd = random.Random(1)
    pool = ["hello", "application/json", "2026-01-31T00:00:00Z", "1.2.3", "42",
            "01234567-89ab-cdef-0123-456789abcdef", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "https://api.example.com/v1/items/abc?limit=10", '{"name": "x", "n": 1}',
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg"]
    pool += [fields[1] for _, fields in POSITIVE[:10]]
    values = [rnd.choice(pool) + rnd.choice(["", " ", "/x"]) for _ in range(20_000)]
    started = time.perf_counter()
    for value in values:
        find_secrets(value)
    assert time.perf_counter() - started < 3.0


# --- credential names ------------------------------------------------------------------

HEADER_YES = [
    "Authorization", "Proxy-Authorization", "Cookie", "X-API-Key", "x-api-key", "Api-Key",
    "apikey", "X-Auth-Token", "Private-Token", "Ocp-Apim-Subscription-Key", "DD-API-KEY",
    "DD-APPLICATION-KEY", "X-Shopify-Access-Token", "X-Postmark-Server-Token", "x-cmc_pro_api_key",
    "X-CSRF-Token", "X-Custom-Token", "X-Service-Key", "X-Shared-Secret", "X-My-Password",
    "X-Auth", "X-Session", "X-Session-Id", "X-Signature", "X-AppKey", "X-Api-Key-Value",
    "X-Amz-Security-Token", "X-Honeycomb-Team", "CB-ACCESS-SIGN", " authorization ",
]
HEADER_NO = [
    "Idempotency-Key", "idempotency-key", "X-Idempotency-Key", "X-Request-Id", "Content-Type",
    "X-API-Version", "Keep-Alive", "x-stainless-lang", "x-stainless-package-version",
    "x-stainless-retry-count", "anthropic-version", "anthropic-beta", "OpenAI-Organization",
    "OpenAI-Project", "Accept", "User-Agent", "Host", "Content-Length", "Sec-WebSocket-Key",
    "WWW-Authenticate", "X-Auth-Email", "x-ratelimit-remaining-tokens", "X-Page-Token",
    "Access-Control-Allow-Headers", "X-Api-Key-Id", "X-Key-Id", "Notion-Version", "Stripe-Version",
    "X-GitHub-Api-Version", "X-Correlation-Id", "Cache-Control", "If-None-Match", "X-Token-Type",
    "X-Forwarded-For", "X-Session-Timeout", "",
]


def test_credential_header_table():
    assert len(CREDENTIAL_HEADERS) >= 25
    assert all(h == h.lower() for h in CREDENTIAL_HEADERS | NOT_CREDENTIAL_HEADERS)
    assert CREDENTIAL_HEADERS.isdisjoint(NOT_CREDENTIAL_HEADERS)
    assert all(is_credential_header(h) for h in CREDENTIAL_HEADERS)
    assert not any(is_credential_header(h) for h in NOT_CREDENTIAL_HEADERS)


@pytest.mark.parametrize("name", HEADER_YES)
def test_credential_header_yes(name):
    assert is_credential_header(name) is True


@pytest.mark.parametrize("name", HEADER_NO)
def test_credential_header_no(name):
    assert is_credential_header(name) is False


PARAM_YES = [
    "key", "api_key", "apikey", "api-key", "apiKey", "API_KEY", "access_token", "accessToken",
    "token", "auth", "auth_token", "appid", "client_secret", "clientSecret", "password", "passwd",
    "pwd", "pass", "secret", "signature", "sig", "private_key", "refresh_token", "id_token",
    "session", "sessionid", "session_id", "sessionId", "JSESSIONID", "auth_code",
    "authorization_code", "code_verifier", "oauth_verifier", "client_assertion", "X-Amz-Signature",
    "X-Amz-Security-Token", "hub.verify_token", "csrf_token", "csrfmiddlewaretoken",
    "password_confirmation", "new_password", "oldPassword", "secret_key", "secretKey", "access_key",
    "aws_secret_access_key", "private_token", "personal_access_token", "userPassword",
    "passphrase", "otp", "bearer_token", "jwt", "apiToken", "app_secret", "consumer_secret",
    "oauth_token", "oauth_token_secret", "license_key", "webhook_secret", "signing_key",
    "api_key_value", "openai.key", "client_id",
]
PARAM_NO = [
    "keyword", "keywords", "monkey", "page_token", "pageToken", "nextPageToken", "next_token",
    "token_type", "key_id", "keyId", "access_key_id", "app_id", "appId", "username",
    "user", "email", "code", "state", "nonce", "public_key", "publicKey", "site_key", "max_tokens",
    "maxTokens", "tokens", "tokenizer", "idempotency_key", "grant_type", "response_type", "scope",
    "redirect_uri", "code_challenge", "sort_key", "primary_key", "cache_key", "key_name",
    "session_timeout", "author", "authority", "sid", "account_sid", "AccountSid",
    "password_min_length", "secret_name", "auth_type", "auth_url", "token_url", "token_endpoint",
    "expires_in", "token_count", "eos_token", "pad_token", "limit", "q", "hotkey", "turkey",
    "passenger", "compass", "keyboard", "continuation_token", "cursor", "",
]


def test_credential_param_table():
    assert CREDENTIAL_PARAMS.isdisjoint(NOT_CREDENTIAL_PARAMS)
    assert all(is_credential_param(p) for p in CREDENTIAL_PARAMS)
    assert not any(is_credential_param(p) for p in NOT_CREDENTIAL_PARAMS)


@pytest.mark.parametrize("name", PARAM_YES)
def test_credential_param_yes(name):
    assert is_credential_param(name) is True


@pytest.mark.parametrize("name", PARAM_NO)
def test_credential_param_no(name):
    assert is_credential_param(name) is False


# --- auth_scheme -----------------------------------------------------------------------

V = "\ue000$TOKEN\ue001"  # an encoded shell variable travels as one opaque credential


@pytest.mark.parametrize("value, expected", [
    ("Bearer abc", ("Bearer %s", "abc")),
    ("bearer abc", ("bearer %s", "abc")),
    ("BEARER  abc", ("BEARER  %s", "abc")),
    ("  Bearer abc \t", ("Bearer %s", "abc")),
    (f"Bearer {V}", ("Bearer %s", V)),
    ("Token token=abc", ("Token token=%s", "abc")),
    ('Token token="abc"', ('Token token="%s"', "abc")),
    ('Token token="abc", email="a@example.com"', ('Token token="%s", email="a@example.com"', "abc")),
    ("token abc", ("token %s", "abc")),
    ("SSWS 00abc", ("SSWS %s", "00abc")),
    ("Bot abc.def.ghi", ("Bot %s", "abc.def.ghi")),
    ("ApiKey abc", ("ApiKey %s", "abc")),
    ("Key abc", ("Key %s", "abc")),
    ("GenieKey abc", ("GenieKey %s", "abc")),
    ("Klaviyo-API-Key pk_abc", ("Klaviyo-API-Key %s", "pk_abc")),
    ("DeepL-Auth-Key abc:fx", ("DeepL-Auth-Key %s", "abc:fx")),
    ("Zoho-oauthtoken 1000.abc.def", ("Zoho-oauthtoken %s", "1000.abc.def")),
    ("OAuth abc", ("OAuth %s", "abc")),
    ("sso-key key:secret", ("sso-key %s", "key:secret")),
    ("Basic dXNlcjpwYXNz", ("Basic %s", "dXNlcjpwYXNz")),
    ("Bearer abc==", ("Bearer %s", "abc==")),
    ("abc123", ("%s", "abc123")),
    (V, ("%s", V)),
    ("", None),
    ("   ", None),
    ("Bearer", None),
    ("Bearer ", None),
    ("Bearer a b", None),
    ("Keyed abc", None),
    ("Digest username=\"u\", realm=\"r\"", None),
    ("AWS4-HMAC-SHA256 Credential=AKIA/x, SignedHeaders=host, Signature=abc", None),
])
def test_auth_scheme(value, expected):
    assert auth_scheme(value) == expected


def test_every_listed_scheme_is_recognised():
    for scheme in AUTH_SCHEMES:
        assert auth_scheme(f"{scheme} cred") == (f"{scheme} %s", "cred")
        assert auth_scheme(f"{scheme.upper()} cred") == (f"{scheme.upper()} %s", "cred")


# --- mask ------------------------------------------------------------------------------


@pytest.mark.parametrize("secret, expected", [
    ("", "***"),
    ("hunter2", "***"),
    ("a" * 11, "***"),
    ("abcdefghijkl", "ab\u2026l"),
    ("abcdefghijklmnop", "ab\u2026op"),
    ("abcdefghijklmnopqrst", "abc\u2026st"),
    ("abcdefghijklmnopqrstuvwx", "abc\u2026vwx"),
    ("sk-" + "x" * 45 + "dHf", "sk-\u2026dHf"),
    ("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", "---\u2026---"),
    ("a bcdefghijklmnop", "***"),  # whitespace would be shown
    ("ab cdefghijklmnop", "ab\u2026op"),  # hidden whitespace is fine
    ("\x1b[31mabcdefghijklmnop", "***"),  # so would a terminal escape
    ("\u2026" + "x" * 30, "***"),  # an ellipsis in the shown part
    ("x" * 30 + "\u2026", "***"),
    ("abcdefghijklmnopqrst\u2026xyz", "***"),  # the output "…xyz" occurs in the secret
])
def test_mask_examples(secret, expected):
    assert mask(secret) == expected


@settings(max_examples=2000)
@given(st.text(max_size=80) | st.text(alphabet="ab\u2026 ", max_size=40))
def test_mask_properties(secret):
    out = mask(secret)
    if out == "***":
        return
    assert len(secret) >= sc.MASK_MIN_LENGTH
    head, tail = out.split("\u2026")
    assert secret.startswith(head) and secret.endswith(tail)
    shown = len(head) + len(tail)
    assert shown <= 6 and shown <= len(secret) // 4
    assert len(head) <= 3 and len(tail) <= 3
    assert all(out[i:i + 4] not in secret for i in range(len(out) - 3))


# --- placeholder_name ------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("apiKey", "API_KEY"),
    ("DD-APPLICATION-KEY", "DD_APPLICATION_KEY"),
    ("x-api-key", "X_API_KEY"),
    ("openai.key", "OPENAI_KEY"),
    ("OPENAI_API_KEY", "OPENAI_API_KEY"),
    ("$OPENAI_API_KEY", "OPENAI_API_KEY"),
    ("{{apiKey}}", "API_KEY"),
    ("XApiKey", "X_API_KEY"),
    ("HTTPServerToken", "HTTP_SERVER_TOKEN"),
    ("s3Key", "S3_KEY"),
    ("client secret", "CLIENT_SECRET"),
    ("__private__key__", "PRIVATE_KEY"),
    ("cl\u00e9", "CLE"),
    ("2fa", "SECRET_2FA"),
    ("123", "SECRET_123"),
    ("", "SECRET"),
    ("---", "SECRET"),
    ("\u65e5\u672c", "SECRET"),
])
def test_placeholder_name(text, expected):
    assert placeholder_name(text) == expected


@settings(max_examples=1000)
@given(st.text(max_size=40))
def test_placeholder_name_properties(text):
    name = placeholder_name(text)
    assert re.fullmatch(r"[A-Z][A-Z0-9_]*", name)
    assert "__" not in name and not name.endswith("_")
    assert placeholder_name(name) == name


@pytest.mark.parametrize("text", [
    "-----BEGIN PRIVATE KEY-----\n" * 20_000,
    "a-" * 200_000,
    "0123456789abcdef" * 60_000,
    "Basic " * 20_000,
    "x" * 1_000_000,
], ids=["pem-heads", "a-dash", "hex", "basic-words", "one-run"])
def test_adversarial_input_stays_linear(text):
    started = time.perf_counter()
    find_secrets(text)
    assert time.perf_counter() - started < 3.0

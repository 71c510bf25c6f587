"""What a secret looks like: known token formats, credential names, masking.

Everything here is data plus pure functions; the secrets pass decides what to do
with the answers.  All of it runs on every value of every request, so the hot path
(`find_secrets`) is one prefilter search that rejects ordinary text, then, for the
few values that survive, a substring check that picks the formats that could match
and one combined regex of those; only a hit pays for finding out which format it is.
About 5 us per value on a mix of short request values.  Patterns are compiled on
first use (see `_NEEDLES`): a run that meets no token compiles almost none of them.

Decisions on borderline cases (each one is tested):

- AWS secret access keys (40 base64-ish chars) and Datadog keys (32/40 hex) look
  like hashes, so they count only after a name that says what they are
  (``aws_secret_access_key = …``, ``DD-API-KEY: …``).  Okta API tokens (``00`` +
  40) likewise need ``SSWS`` or an ``okta…token`` name; legacy Heroku keys (UUIDs)
  need a ``heroku…key`` name.  In a header or field the name rules catch them.
- Twilio account SIDs (``AC`` + 32 hex) identify an account; they are not
  secrets and are not listed.  Twilio API key SIDs (``SK`` + 32 hex) are listed.
- Stripe ``pk_live_`` keys are public by design but name a live account, so they
  are listed; ``pk_test_`` keys are not.
- Slack and Discord webhook URLs: the span covers the secret path, not the host,
  so a placeholder can stand in the URL path.
- A bare 40-hex string (a git SHA), a UUID, a JWT-looking fragment with fewer than
  three parts: never a secret by format alone.
- Names: ``appid`` (one word, OpenWeatherMap's key parameter) is a credential,
  ``app_id``/``key_id``/``access_key_id`` are identifiers; ``client_id`` is a
  credential (FORMAT.md gives OAuth client ids a placeholder role); ``code``
  alone is too generic (country code, error code) but ``auth_code`` is a
  credential; ``page_token``/``next_token`` are pagination cursors; ``public_key``
  and ``site_key`` are public; CSRF tokens are session-bound, hence credentials.
"""
from __future__ import annotations


import base64
import binascii
import functools
import re
import unicodedata
from typing import Callable, NamedTuple, Optional

# Role hints: the suffix a placeholder gets when nothing but the format names it.
API_KEY = "API_KEY"
ACCESS_TOKEN = "ACCESS_TOKEN"
REFRESH_TOKEN = "REFRESH_TOKEN"
CLIENT_SECRET = "CLIENT_SECRET"
ACCESS_KEY_ID = "ACCESS_KEY_ID"
SECRET_KEY = "SECRET_KEY"
PRIVATE_KEY = "PRIVATE_KEY"
WEBHOOK_SECRET = "WEBHOOK_SECRET"
WEBHOOK_TOKEN = "WEBHOOK_TOKEN"
BASIC_CREDENTIALS = "BASIC_CREDENTIALS"


class TokenFormat(NamedTuple):
    """One known format.  When ``regex`` has a group named ``secret`` only that
    group is the secret (the rest is context such as ``AccountKey=``).  ``check``
    rejects regex matches that are not the real thing (called on the secret)."""

    name: str
    regex: "re.Pattern[str]"
    role: str
    check: Optional[Callable[[str], bool]] = None


# --- pattern helpers ------------------------------------------------------------
# A token must not be glued to a preceding letter or digit ("xghp_…" is not a
# GitHub token) nor run on into more characters of its own alphabet.
_L = r"(?<![A-Za-z0-9])"
_AN = "A-Za-z0-9"
_URL = "A-Za-z0-9_-"  # base64url, the alphabet of most modern tokens
_HEX = "0-9a-f"
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def _tok(prefix: str, cls: str, count: str) -> str:
    return f"{prefix}[{cls}]{count}(?![{_AN}{cls}])"


_SEP = r"[\"']?\s*[:=]\s*[\"']?"  # between a name and its value


def _ctx(names: str, body: str, tail: str = _AN) -> str:
    """``body`` as a secret only right after a name that says what it is:
    ``name = v``, ``name: v``, ``"name": "v"``, ``name="v"``."""
    return rf"(?i:{names}){_SEP}(?P<secret>{body})(?![{tail}])"


def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _basic_ok(secret: str) -> bool:
    # "Basic auth" in prose also fits the regex; real credentials decode to text
    # with a user:password colon.
    raw = _b64(secret.rstrip("="))
    if raw is None or b":" not in raw:
        return False
    try:
        return raw.decode("utf-8").isprintable()
    except UnicodeDecodeError:
        return False


def _discord_ok(secret: str) -> bool:
    # The first part of a Discord bot token is the bot's numeric id in base64.
    raw = _b64(secret.split(".", 1)[0].replace("-", "+").replace("_", "/"))
    return raw is not None and raw.isdigit() and 15 <= len(raw) <= 21


_PEM_HEAD = r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
# The body is base64, whitespace, JSON-escaped newlines (backslash n) and header lines
# such as "Proc-Type: 4,ENCRYPTED"; it cannot run through "-----", so it stops at
# the END line (taken when present) or at the next BEGIN, which keeps the search
# linear on any input.
_PEM = (
    _PEM_HEAD + r"(?:[A-Za-z0-9+/=\s\\:,.]|-(?!----))*"
    r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?"
)

# (name, pattern, role[, check]).  Order matters only where two formats can match
# at the same position: the specific one comes first.
_TABLE: tuple[tuple, ...] = (
    # OpenAI and other sk- keys
    ("openai_project_key", _tok("sk-proj-", _URL, "{40,}"), API_KEY),
    ("openai_service_account_key", _tok("sk-svcacct-", _URL, "{40,}"), API_KEY),
    ("openai_admin_key", _tok("sk-admin-", _URL, "{40,}"), API_KEY),
    ("anthropic_api_key", _tok(r"sk-ant-api\d\d-", _URL, "{80,}"), API_KEY),
    ("anthropic_admin_key", _tok(r"sk-ant-admin\d\d-", _URL, "{80,}"), API_KEY),
    ("openrouter_api_key", _tok("sk-or-v1-", _HEX, "{64}"), API_KEY),
    ("openai_legacy_key", _tok("sk-", _AN, "{48}"), API_KEY),
    ("sk_dash_key", _tok("sk-", _AN, "{32,}"), API_KEY),  # DeepSeek, Moonshot, …
    ("perplexity_api_key", _tok("pplx-", _AN, "{40,}"), API_KEY),
    ("xai_api_key", _tok("xai-", _AN, "{60,}"), API_KEY),
    ("groq_api_key", _tok("gsk_", _AN, "{48,}"), API_KEY),
    ("replicate_api_token", _tok("r8_", _AN, "{37}"), API_KEY),
    ("huggingface_token", _tok("hf_", _AN, "{34,}"), API_KEY),
    ("langsmith_api_key", r"lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}(?![A-Za-z0-9])", API_KEY),
    ("pinecone_api_key", _tok("pcsk_", "A-Za-z0-9_", "{50,}"), API_KEY),
    ("tavily_api_key", r"tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}(?![A-Za-z0-9])", API_KEY),
    # code hosting and CI
    ("github_personal_access_token", _tok("ghp_", _AN, "{36,251}"), ACCESS_TOKEN),
    ("github_oauth_token", _tok("gho_", _AN, "{36,251}"), ACCESS_TOKEN),
    ("github_user_to_server_token", _tok("ghu_", _AN, "{36,251}"), ACCESS_TOKEN),
    ("github_server_to_server_token", _tok("ghs_", _AN, "{36,251}"), ACCESS_TOKEN),
    ("github_refresh_token", _tok("ghr_", _AN, "{36,251}"), REFRESH_TOKEN),
    ("github_fine_grained_token", _tok("github_pat_", "A-Za-z0-9_", "{70,251}"), ACCESS_TOKEN),
    ("gitlab_personal_access_token",
     r"glpat-[A-Za-z0-9_-]{20,}(?:\.[0-9a-z]{2}\.[A-Za-z0-9_-]{6,})?(?![A-Za-z0-9_.-])", ACCESS_TOKEN),
    ("gitlab_token", _tok("gl(?:dt|rt|ptt|ft|soat|oas|cbt|imt|agent|ffct)-", _URL, "{20,}"), ACCESS_TOKEN),
    ("npm_token", _tok("npm_", _AN, "{36}"), ACCESS_TOKEN),
    ("pypi_token", _tok("pypi-AgE", _URL, "{50,}"), ACCESS_TOKEN),
    ("buildkite_token", _tok("bkua_", _HEX, "{40}"), ACCESS_TOKEN),
    ("circleci_token", r"CCIPAT_[A-Za-z0-9]{22}_[0-9a-f]{40}(?![A-Za-z0-9])", ACCESS_TOKEN),
    ("terraform_cloud_token", r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}", ACCESS_TOKEN),
    ("vault_token", _tok(r"hv[sb]\.", _URL, "{24,}"), ACCESS_TOKEN),
    ("doppler_token", _tok(r"dp\.(?:pt|st|sa|ct|scim|audit)\.", _AN, "{40,}"), ACCESS_TOKEN),
    ("age_secret_key", _tok("AGE-SECRET-KEY-1", "0-9A-Z", "{58}"), PRIVATE_KEY),
    # chat and messaging
    ("slack_bot_token", _tok(r"xoxb-[0-9]+-", "A-Za-z0-9-", "{20,}"), ACCESS_TOKEN),
    ("slack_user_token", _tok(r"xoxp-[0-9]+-", "A-Za-z0-9-", "{20,}"), ACCESS_TOKEN),
    ("slack_workspace_token", _tok(r"xoxa-[0-9]+-", "A-Za-z0-9-", "{20,}"), ACCESS_TOKEN),
    ("slack_refresh_token", _tok(r"xoxr-[0-9]+-", "A-Za-z0-9-", "{20,}"), REFRESH_TOKEN),
    ("slack_session_token", _tok(r"xox[cs]-[0-9]+-", "A-Za-z0-9-", "{20,}"), ACCESS_TOKEN),
    ("slack_rotating_token", _tok(r"xoxe(?:\.xox[bp])?-[0-9]-", "A-Za-z0-9-", "{20,}"), ACCESS_TOKEN),
    ("slack_app_token", _tok(r"xapp-[0-9]-[A-Z0-9]{6,}-[0-9]{6,}-", _AN, "{20,}"), ACCESS_TOKEN),
    ("slack_webhook_url",
     r"https://hooks\.slack\.com/(?:services|workflows|triggers)/"
     r"(?P<secret>T[A-Z0-9]{6,}/[A-Za-z0-9]{6,}/[A-Za-z0-9]{16,})", WEBHOOK_TOKEN),
    ("discord_webhook_url",
     r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/"
     r"(?P<secret>[A-Za-z0-9_-]{60,})", WEBHOOK_TOKEN),
    ("discord_bot_token",
     r"[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}(?![A-Za-z0-9_-])",
     ACCESS_TOKEN, _discord_ok),
    # "/bot<token>/" is how Telegram's Bot API puts the token in a URL path.
    ("telegram_bot_token",
     r"(?:bot)?(?P<secret>[0-9]{8,10}:AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])", ACCESS_TOKEN),
    # payments and commerce
    ("stripe_secret_key", _tok("sk_live_", _AN, "{20,}"), API_KEY),
    ("stripe_test_secret_key", _tok("sk_test_", _AN, "{20,}"), API_KEY),
    ("stripe_restricted_key", _tok("rk_live_", _AN, "{20,}"), API_KEY),
    ("stripe_test_restricted_key", _tok("rk_test_", _AN, "{20,}"), API_KEY),
    ("stripe_publishable_key", _tok("pk_live_", _AN, "{20,}"), API_KEY),
    ("webhook_signing_secret", r"whsec_[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/=])", WEBHOOK_SECRET),
    ("shopify_access_token", _tok("shpat_", "a-fA-F0-9", "{32}"), ACCESS_TOKEN),
    ("shopify_shared_secret", _tok("shpss_", "a-fA-F0-9", "{32}"), CLIENT_SECRET),
    ("shopify_custom_app_token", _tok("shpca_", "a-fA-F0-9", "{32}"), ACCESS_TOKEN),
    ("shopify_private_app_token", _tok("shppa_", "a-fA-F0-9", "{32}"), ACCESS_TOKEN),
    ("square_access_token", _tok("sq0atp-", _URL, "{22}"), ACCESS_TOKEN),
    ("square_oauth_secret", _tok("sq0csp-", _URL, "{43}"), CLIENT_SECRET),
    ("square_production_token", _tok("EAAA", _URL, "{60}"), ACCESS_TOKEN),
    # cloud
    ("aws_access_key_id", _tok("(?:AKIA|ASIA)", "A-Z0-9", "{16}"), ACCESS_KEY_ID),
    ("aws_secret_access_key",
     _ctx(r"aws[_-]?secret[_-]?(?:access[_-]?)?key|secret[_-]?access[_-]?key", "[A-Za-z0-9/+]{40}",
          "A-Za-z0-9/+="), SECRET_KEY),
    ("google_api_key", _tok("AIza", _URL, "{35}"), API_KEY),
    ("google_oauth_access_token", r"ya29\.[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]+)*", ACCESS_TOKEN),
    ("google_oauth_refresh_token", r"1//0[A-Za-z0-9_-]{40,}", REFRESH_TOKEN),
    ("google_oauth_client_secret", _tok("GOCSPX-", _URL, "{28}"), CLIENT_SECRET),
    ("azure_storage_account_key",
     r"(?i:AccountKey)=(?P<secret>[A-Za-z0-9+/]{40,}={0,2})(?![A-Za-z0-9+/=])", SECRET_KEY),
    ("azure_shared_access_key",
     r"(?i:SharedAccessKey)=(?P<secret>[A-Za-z0-9+/]{40,}={0,2})(?![A-Za-z0-9+/=])", SECRET_KEY),
    ("digitalocean_token", _tok("do[por]_v1_", _HEX, "{64}"), ACCESS_TOKEN),
    ("heroku_api_key", _tok("HRKU-", _URL, "{40,}"), API_KEY),
    ("heroku_legacy_api_key", _ctx(r"heroku[_-]?(?:api[_-]?)?(?:key|token)", _UUID), API_KEY),
    ("databricks_token", r"dapi[0-9a-f]{32}(?:-[0-9])?(?![A-Za-z0-9-])", ACCESS_TOKEN),
    ("supabase_token", _tok("sbp_", _HEX, "{40}"), ACCESS_TOKEN),
    ("planetscale_token", _tok("pscale_(?:tkn|pw|oauth)_", _URL, "{32,}"), ACCESS_TOKEN),
    ("netlify_token", _tok("nfp_", _AN, "{36}"), ACCESS_TOKEN),
    # SaaS
    ("sendgrid_api_key", r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])", API_KEY),
    ("mailgun_api_key", _tok("key-", "0-9a-z", "{32}"), API_KEY),
    ("mailchimp_api_key", r"[0-9a-f]{32}-us[0-9]{1,2}(?![A-Za-z0-9])", API_KEY),
    ("brevo_api_key", r"xkeysib-[0-9a-f]{64}-[A-Za-z0-9]{16}(?![A-Za-z0-9])", API_KEY),
    ("twilio_api_key_sid", _tok("SK", _HEX, "{32}"), API_KEY),
    ("datadog_api_key",
     _ctx(r"(?:dd|datadog)[_-]?api[_-]?key", "[0-9a-f]{32}"), API_KEY),
    ("datadog_application_key",
     _ctx(r"(?:dd|datadog)[_-]?app(?:lication)?[_-]?key", "[0-9a-f]{40}"), API_KEY),
    ("atlassian_api_token", _tok("ATATT3", "A-Za-z0-9_=-", "{60,}"), API_KEY),
    ("okta_api_token", r"(?:(?i:SSWS)[ \t]+|(?i:okta[_-]?(?:api[_-]?)?(?:token|key))" + _SEP
     + r")(?P<secret>00[A-Za-z0-9_-]{40})(?![A-Za-z0-9_-])", API_KEY),
    ("hubspot_private_app_token", r"pat-(?:na|eu|ap)[0-9]-" + _UUID.lower() + "(?![A-Za-z0-9])",
     ACCESS_TOKEN),
    ("notion_integration_secret", _tok("secret_", _AN, "{43}"), API_KEY),
    ("notion_token", _tok("ntn_", _AN, "{40,}"), API_KEY),
    ("linear_api_key", _tok("lin_api_", _AN, "{40}"), API_KEY),
    ("linear_oauth_token", _tok("lin_oauth_", _HEX, "{64}"), ACCESS_TOKEN),
    ("postman_api_key", r"PMAK-[0-9a-f]{24}-[0-9a-f]{34}(?![A-Za-z0-9])", API_KEY),
    ("sentry_token", r"(?:sntrys_eyJ[A-Za-z0-9+/=_-]{50,}|sntryu_[0-9a-f]{64}(?![A-Za-z0-9]))",
     ACCESS_TOKEN),
    ("figma_token", _tok("figd_", _URL, "{40,}"), ACCESS_TOKEN),
    ("new_relic_user_key", _tok("NRAK-", "A-Z0-9", "{27}"), API_KEY),
    ("airtable_token", r"pat[A-Za-z0-9]{14}\.[0-9a-f]{64}(?![A-Za-z0-9])", ACCESS_TOKEN),
    ("mapbox_secret_token", r"sk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}", ACCESS_TOKEN),
    ("grafana_token",
     r"(?:glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}(?![A-Za-z0-9])|glc_eyJ[A-Za-z0-9+/_-]{30,}={0,2})", ACCESS_TOKEN),
    ("contentful_token", _tok("CFPAT-", _URL, "{43}"), ACCESS_TOKEN),
    # generic structures
    ("jwt", r"eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*(?![A-Za-z0-9_.-])",
     ACCESS_TOKEN),
    ("private_key_pem", _PEM, PRIVATE_KEY),
    ("basic_credentials",
     r"(?i:basic)[ \t]+(?P<secret>[A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])",
     BASIC_CREDENTIALS, _basic_ok),
)


# Every pattern but the PEM one is anchored after a non-alphanumeric character
# (`_L`).  That shared anchor is what makes the combined search fast: inside a
# run of letters and digits only the first position is ever tried.
_ANYWHERE = frozenset({"private_key_pem"})


# Compiling the ~90 patterns costs more than a one-command run spends on everything
# else (the combined search ~25 ms, all patterns with groups ~50 ms), so nothing but the
# prefilter is compiled at import.  A value that passes the prefilter is first checked
# for *needles*: for every format, lower-case strings one of which any match must
# contain (its literal prefix; the name for the context formats).  Only the formats
# whose needle occurs are searched, with a combined pattern built (and cached) for that
# set, and a hit is identified by matching those formats in table order, each compiled
# on first use.  Formats that cannot match are skipped, so the results are the ones of
# searching with all of them.  Needles are tested against lower-cased text in which the
# four non-ASCII letters that `re.IGNORECASE` equates with ASCII letters (İ ı ſ K) are
# folded first, so a case-insensitive match always shows its needle.
_NEEDLES: dict[str, tuple[str, ...]] = {
    "openai_project_key": ("sk-proj-",), "openai_service_account_key": ("sk-svcacct-",),
    "openai_admin_key": ("sk-admin-",), "anthropic_api_key": ("sk-ant-api",),
    "anthropic_admin_key": ("sk-ant-admin",), "openrouter_api_key": ("sk-or-v1-",),
    "openai_legacy_key": ("sk-",), "sk_dash_key": ("sk-",), "perplexity_api_key": ("pplx-",),
    "xai_api_key": ("xai-",), "groq_api_key": ("gsk_",), "replicate_api_token": ("r8_",),
    "huggingface_token": ("hf_",), "langsmith_api_key": ("lsv2_",), "pinecone_api_key": ("pcsk_",),
    "tavily_api_key": ("tvly-",), "github_personal_access_token": ("ghp_",), "github_oauth_token": ("gho_",),
    "github_user_to_server_token": ("ghu_",), "github_server_to_server_token": ("ghs_",),
    "github_refresh_token": ("ghr_",), "github_fine_grained_token": ("github_pat_",),
    "gitlab_personal_access_token": ("glpat-",),
    "gitlab_token": ("gldt-", "glrt-", "glptt-", "glft-", "glsoat-", "gloas-", "glcbt-", "glimt-", "glagent-",
                     "glffct-"),
    "npm_token": ("npm_",), "pypi_token": ("pypi-age",), "buildkite_token": ("bkua_",),
    "circleci_token": ("ccipat_",), "terraform_cloud_token": (".atlasv1.",), "vault_token": ("hvs.", "hvb."),
    "doppler_token": ("dp.",), "age_secret_key": ("age-secret-key-1",), "slack_bot_token": ("xoxb-",),
    "slack_user_token": ("xoxp-",), "slack_workspace_token": ("xoxa-",), "slack_refresh_token": ("xoxr-",),
    "slack_session_token": ("xoxc-", "xoxs-"), "slack_rotating_token": ("xoxe",), "slack_app_token": ("xapp-",),
    "slack_webhook_url": ("https://hooks.slack.com/",), "discord_webhook_url": ("/api/webhooks/",),
    "discord_bot_token": (".",), "telegram_bot_token": (":aa",), "stripe_secret_key": ("sk_live_",),
    "stripe_test_secret_key": ("sk_test_",), "stripe_restricted_key": ("rk_live_",),
    "stripe_test_restricted_key": ("rk_test_",), "stripe_publishable_key": ("pk_live_",),
    "webhook_signing_secret": ("whsec_",), "shopify_access_token": ("shpat_",),
    "shopify_shared_secret": ("shpss_",), "shopify_custom_app_token": ("shpca_",),
    "shopify_private_app_token": ("shppa_",), "square_access_token": ("sq0atp-",),
    "square_oauth_secret": ("sq0csp-",), "square_production_token": ("eaaa",),
    "aws_access_key_id": ("akia", "asia"), "aws_secret_access_key": ("secret",), "google_api_key": ("aiza",),
    "google_oauth_access_token": ("ya29.",), "google_oauth_refresh_token": ("1//0",),
    "google_oauth_client_secret": ("gocspx-",), "azure_storage_account_key": ("accountkey=",),
    "azure_shared_access_key": ("sharedaccesskey=",), "digitalocean_token": ("dop_v1_", "doo_v1_", "dor_v1_"),
    "heroku_api_key": ("hrku-",), "heroku_legacy_api_key": ("heroku",), "databricks_token": ("dapi",),
    "supabase_token": ("sbp_",), "planetscale_token": ("pscale_",), "netlify_token": ("nfp_",),
    "sendgrid_api_key": ("sg.",), "mailgun_api_key": ("key-",), "mailchimp_api_key": ("-us",),
    "brevo_api_key": ("xkeysib-",), "twilio_api_key_sid": ("sk",), "datadog_api_key": ("dd", "datadog"),
    "datadog_application_key": ("dd", "datadog"), "atlassian_api_token": ("atatt3",),
    "okta_api_token": ("ssws", "okta"), "hubspot_private_app_token": ("pat-",),
    "notion_integration_secret": ("secret_",), "notion_token": ("ntn_",), "linear_api_key": ("lin_api_",),
    "linear_oauth_token": ("lin_oauth_",), "postman_api_key": ("pmak-",), "sentry_token": ("sntrys_", "sntryu_"),
    "figma_token": ("figd_",), "new_relic_user_key": ("nrak-",), "airtable_token": ("pat",),
    "mapbox_secret_token": ("sk.eyj",), "grafana_token": ("glsa_", "glc_eyj"), "contentful_token": ("cfpat-",),
    "jwt": ("eyj",), "private_key_pem": ("-----begin",), "basic_credentials": ("basic",),
}

_FULL_PATTERNS: tuple[str, ...] = tuple(("" if row[0] in _ANYWHERE else _L) + row[1] for row in _TABLE)
_HAS_SECRET_GROUP: tuple[bool, ...] = tuple("(?P<secret>" in p for p in _FULL_PATTERNS)
_NAMES: tuple[str, ...] = tuple(row[0] for row in _TABLE)
_CHECKS: tuple[Optional[Callable[[str], bool]], ...] = tuple(row[3] if len(row) > 3 else None for row in _TABLE)
_ALL_FORMATS: tuple[int, ...] = tuple(range(len(_TABLE)))
# (needle, format index) pairs, and the formats without needles (searched always)
_NEEDLE_PAIRS: tuple[tuple[str, int], ...] = tuple(
    (needle, i) for i, name in enumerate(_NAMES) for needle in _NEEDLES.get(name, ()))
_NO_NEEDLE: frozenset[int] = frozenset(i for i, name in enumerate(_NAMES) if name not in _NEEDLES)


@functools.lru_cache(maxsize=None)
def _format_regex(i: int) -> "re.Pattern[str]":
    return re.compile(_FULL_PATTERNS[i])


@functools.cache
def _token_formats() -> tuple[TokenFormat, ...]:
    return tuple(TokenFormat(row[0], _format_regex(i), row[2], _CHECKS[i]) for i, row in enumerate(_TABLE))


def __getattr__(name: str):
    # TOKEN_FORMATS: tuple[TokenFormat, ...] and FORMAT_BY_NAME: dict[str, TokenFormat],
    # built (all patterns compiled) on first access.
    if name == "TOKEN_FORMATS":
        return _token_formats()
    if name == "FORMAT_BY_NAME":
        return _format_by_name()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _format_by_name() -> dict[str, TokenFormat]:
    return {f.name: f for f in _token_formats()}


def _plain(pattern: str) -> str:
    return pattern.replace("(?P<secret>", "(?:")


# One search finds where some format matches; which one is found afterwards by
# matching the formats in order at that position (hits are rare, so the hot path
# carries no per-format groups).
@functools.lru_cache(maxsize=256)
def _combined(formats: tuple[int, ...]) -> "re.Pattern[str]":
    anchored = [_plain(_TABLE[i][1]) for i in formats if _NAMES[i] not in _ANYWHERE]
    anywhere = [_plain(_TABLE[i][1]) for i in formats if _NAMES[i] in _ANYWHERE]
    return re.compile("|".join(([_L + "(?:" + "|".join(anchored) + ")"] if anchored else []) + anywhere))


# Every format contains a run of 20+ characters from this alphabet, or starts with
# a PEM header or the word Basic (tested on every positive fixture).  Ordinary
# words, numbers, dates and short ids fail this one cheap search.
_PREFILTER = re.compile(r"[A-Za-z0-9_+/-]{20}|-----BEGIN|(?i:basic)[ \t]")


# re.IGNORECASE matches these against i, i, s, k (a test checks every code point)
_IGNORECASE_FOLD = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}


# The needles grouped by their first two characters (65 groups for 115 needles; "sk"
# heads 12 of them, "gl" 13): a group whose head is absent is skipped whole, which
# saves most of the substring tests on a typical value.
def _needle_groups() -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    groups: dict[str, list[tuple[str, int]]] = {}
    for needle, i in _NEEDLE_PAIRS:
        groups.setdefault(needle[:2], []).append((needle, i))
    return tuple((head, tuple(members)) for head, members in groups.items())


_NEEDLE_GROUPS = _needle_groups()


def _candidates(text: str) -> tuple[int, ...]:
    """The formats that can match somewhere in ``text``, in table order: those whose
    needle occurs (a needle holds its group's head, so an absent head rules out the
    group), plus the formats without a needle."""
    low = text.lower() if text.isascii() else text.translate(_IGNORECASE_FOLD).lower()
    found = set(_NO_NEEDLE)
    for head, members in _NEEDLE_GROUPS:
        if head in low:
            for needle, i in members:
                if needle in low:
                    found.add(i)
    return tuple(sorted(found))


def _match_at(text: str, at: int, formats: tuple[int, ...]) -> tuple[int, int, str, int] | None:
    """The first format (in table order) that matches at ``at`` and passes its check."""
    for i in formats:
        fm = _format_regex(i).match(text, at)
        if fm is None:
            continue
        start, end = fm.span("secret") if _HAS_SECRET_GROUP[i] else fm.span()
        check = _CHECKS[i]
        if check is None or check(text[start:end]):
            return start, end, _NAMES[i], fm.end()
    return None


def _find(text: str, formats: tuple[int, ...]) -> list[tuple[int, int, str]]:
    found = []
    pos = 0
    search = _combined(formats).search
    while True:
        m = search(text, pos)
        if m is None:
            return found
        hit = _match_at(text, m.start(), formats)
        if hit is None:  # rejected by a check: a format may still start further on
            pos = m.start() + 1
            continue
        found.append(hit[:3])
        pos = hit[3]


def find_secrets(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, format_name)`` for every known-format secret in ``text``,
    in order, not overlapping.  The span is the secret itself (for context formats
    such as ``AccountKey=…`` only the value)."""
    if len(text) < 10 or _PREFILTER.search(text) is None:
        return []
    formats = _candidates(text)
    if not formats:
        return []
    return _find(text, formats)


def is_secret_value(text: str) -> str | None:
    """The name of the first known format found in ``text``, else None."""
    found = find_secrets(text)
    return found[0][2] if found else None


# --- credential positions -------------------------------------------------------

CREDENTIAL_HEADERS: frozenset[str] = frozenset({
    "authorization", "proxy-authorization", "cookie", "set-cookie",
    "x-api-key", "api-key", "apikey", "x-apikey", "x-api-token", "x-api-secret",
    "x-auth-token", "x-auth-key", "x-access-token", "x-access-key", "x-secret-key",
    "private-token", "job-token", "ocp-apim-subscription-key", "x-goog-api-key",
    "dd-api-key", "dd-application-key", "x-figma-token", "x-shopify-access-token",
    "x-postmark-server-token", "x-postmark-account-token", "x-rapidapi-key",
    "x-cmc_pro_api_key", "x-cg-pro-api-key", "x-cg-demo-api-key", "x-session-token",
    "x-csrf-token", "x-xsrf-token", "x-amz-security-token", "x-vault-token",
    "x-consul-token", "x-nomad-token", "x-honeycomb-team", "x-tracker-token",
    "x-hasura-admin-secret", "x-functions-key", "x-algolia-api-key", "x-riot-token",
    "x-sentry-auth", "x-n8n-api-key", "x-mbx-apikey", "x-bapi-api-key", "x-app-token",
    "cb-access-key", "cb-access-sign", "cb-access-passphrase", "ok-access-key",
    "ok-access-sign", "ok-access-passphrase", "x-octopus-apikey", "x-jfrog-art-api",
    "x-chatwork-token", "x-client-secret", "x-mailerlite-apikey", "x-hub-signature",
    "x-hub-signature-256", "x-goog-iam-authorization-token",
})

# Names that the word rule would flag but that carry no secret.
NOT_CREDENTIAL_HEADERS: frozenset[str] = frozenset({
    "idempotency-key", "x-idempotency-key", "sec-websocket-key", "sec-websocket-accept",
    "www-authenticate", "proxy-authenticate", "authentication-info", "x-auth-email",
    "x-auth-user", "x-api-key-id", "x-session-id-hint",
})
_NOT_CREDENTIAL_HEADER_PREFIXES = ("x-stainless-", "sec-", "access-control-", "x-ratelimit-",
                                   "ratelimit-", "x-rate-limit-")

CREDENTIAL_PARAMS: frozenset[str] = frozenset({
    "key", "api_key", "apikey", "api-key", "access_token", "token", "auth", "auth_token",
    "appid", "client_secret", "password", "passwd", "pwd", "secret", "signature", "sig",
    "private_key", "refresh_token", "id_token", "session", "sessionid", "auth_code",
    "authorization_code", "code_verifier", "client_assertion", "client_id", "x-amz-signature",
    "x-amz-security-token", "access_key", "secret_key", "jwt", "assertion",
})

NOT_CREDENTIAL_PARAMS: frozenset[str] = frozenset({
    "keyword", "keywords", "monkey", "page_token", "pagetoken", "next_token",
    "next_page_token", "continuation_token", "sync_token", "token_type", "key_id",
    "access_key_id", "app_id", "username", "user", "email", "code", "state",
    "nonce", "public_key", "site_key", "max_tokens", "appId", "AppId", "idempotency_key", "grant_type",
    "response_type", "scope", "redirect_uri", "code_challenge", "code_challenge_method",
    "sort_key", "primary_key", "partition_key", "cache_key", "tokens", "key_name",
    "session_timeout", "author", "sid", "account_sid",
})

# The word rule.  A name is split into lowercase words (camelCase, -, _, . and
# spaces); its head (last word, after dropping noise like "value") decides.
_SECRET_HEADS = frozenset({
    "token", "key", "secret", "password", "passwd", "pwd", "pass", "passphrase", "passcode",
    "signature", "sig", "sign", "auth", "authorization", "authentication", "credential",
    "credentials", "creds", "cookie", "session", "sessionid", "jsessionid", "phpsessid",
    "jwt", "bearer", "otp", "totp", "pat", "assertion", "verifier", "appid",
})
_SECRET_SUFFIXES = ("token", "key", "secret", "password", "passwd", "auth", "session",
                    "sessionid", "sessid", "signature", "cookie")
_NOT_SECRET_WORDS = frozenset({
    "monkey", "turkey", "donkey", "hockey", "jockey", "whiskey", "lackey", "hotkey",
    "publickey", "primarykey", "sortkey", "cachekey", "idempotencykey", "oauth",
})
_STRONG_WORDS = frozenset({"password", "passwd", "secret", "passphrase", "apikey", "credentials"})
_NOISE_TAIL = frozenset({"value", "val", "string", "str", "raw", "encoded", "b64", "base64",
                         "hex", "plain", "plaintext", "text", "data"})
_METADATA_HEADS = frozenset({
    "id", "ids", "type", "types", "version", "name", "names", "url", "uri", "endpoint",
    "expires", "expiry", "expiration", "exp", "ttl", "lifetime", "count", "length", "size",
    "limit", "max", "min", "hint", "format", "header", "param", "parameter", "location",
    "method", "scheme", "mode", "enabled", "disabled", "required", "policy", "rotation",
    "at", "in", "date", "time", "timeout", "label", "description", "prefix", "suffix",
    "field", "path", "file", "filename", "algorithm", "alg", "kind", "status", "provider",
    "source", "created", "updated", "usage", "index", "position", "email", "user",
})
_NOT_SECRET_KEY_MODIFIERS = frozenset({
    "idempotency", "idempotent", "dedup", "dedupe", "deduplication", "primary", "foreign",
    "sort", "sorting", "partition", "cache", "public", "pub", "hot", "routing", "shard",
    "lookup", "row", "hash", "range", "composite", "unique", "index", "map", "object",
    "group", "order", "ordering", "merge", "join", "translation", "i18n", "column", "field",
    "natural", "surrogate", "parent", "child", "table", "record", "item", "site",
    "publishable", "lock", "dict", "websocket",
})
_NOT_SECRET_TOKEN_MODIFIERS = frozenset({
    "page", "next", "prev", "previous", "continuation", "pagination", "sync", "resume",
    "cursor", "start", "end", "skip", "delta", "max", "min", "num", "total", "stop", "eos",
    "bos", "pad", "unk", "sep", "mask", "cls", "special", "first", "last", "output",
    "input", "nextpage",
})
_SECRET_CODE_MODIFIERS = frozenset({
    "auth", "authorization", "oauth", "verification", "otp", "mfa", "totp", "device",
    "recovery", "backup", "security",
})

_CAMEL_ACRONYM = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")


def _words(name: str) -> list[str]:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    if any(c.islower() for c in ascii_name):  # camelCase; an all-caps name is split on punctuation only
        ascii_name = _CAMEL.sub(r"\1_\2", _CAMEL_ACRONYM.sub(r"\1_\2", ascii_name))
    return [w for w in _NON_ALNUM.split(ascii_name.lower()) if w]


def _secret_word(word: str) -> bool:
    return word in _SECRET_HEADS or (word.endswith(_SECRET_SUFFIXES) and word not in _NOT_SECRET_WORDS)


def _secret_name(words: list[str]) -> bool:
    while len(words) > 1 and words[-1] in _NOISE_TAIL:
        words = words[:-1]
    if not words:
        return False
    head = words[-1]
    mod = words[-2] if len(words) > 1 else ""
    if head in _METADATA_HEADS:
        return head == "id" and mod == "session"  # session ids are bearer credentials
    if head == "code":
        return mod in _SECRET_CODE_MODIFIERS
    if _secret_word(head):
        if head.endswith("key") and mod in _NOT_SECRET_KEY_MODIFIERS:
            return False
        if head == "token" and mod in _NOT_SECRET_TOKEN_MODIFIERS:
            return False
        return True
    return any(w in _STRONG_WORDS for w in words)  # "password_confirmation", "secret_hash"


@functools.lru_cache(maxsize=4096)  # the same few names recur on every request
def is_credential_header(name: str) -> bool:
    """True when a request header of this name carries a credential."""
    low = name.strip().lower()
    if low in CREDENTIAL_HEADERS:
        return True
    if low in NOT_CREDENTIAL_HEADERS or low.startswith(_NOT_CREDENTIAL_HEADER_PREFIXES):
        return False
    return _secret_name(_words(low))


@functools.lru_cache(maxsize=4096)
def is_credential_param(name: str) -> bool:
    """True when a query, form or JSON field of this name carries a credential."""
    stripped = name.strip()
    if stripped in NOT_CREDENTIAL_PARAMS:  # exact spelling first: "appid" vs "appId"
        return False
    low = stripped.lower()
    if low in CREDENTIAL_PARAMS:
        return True
    if low in NOT_CREDENTIAL_PARAMS:
        return False
    return _secret_name(_words(stripped))


# --- Authorization values ---------------------------------------------------------

AUTH_SCHEMES: tuple[str, ...] = (
    "Bearer", "Token", "SSWS", "Bot", "ApiKey", "Api-Key", "Key", "GenieKey", "Klaviyo-API-Key",
    "DeepL-Auth-Key", "Zoho-oauthtoken", "OAuth", "sso-key", "Basic", "JWT", "Splunk", "Discogs",
)
_SCHEME_RE = re.compile(
    r"(" + "|".join(re.escape(s) for s in sorted(AUTH_SCHEMES, key=len, reverse=True))
    + r")[ \t]+(?=\S)", re.IGNORECASE)
# "Token token=x", 'Token token="x"', "Discogs token=x": the credential is the value.
_AUTH_PARAM_RE = re.compile(r'(?i:token|key|apikey|api_key|access_token)=("?)([^\s",]+)\1(?=$|[\s,])')
_SCHEME_WORDS = frozenset(s.lower() for s in AUTH_SCHEMES)
_SPACE = re.compile(r"\s")


def auth_scheme(value: str) -> tuple[str, str] | None:
    """Split an Authorization value into a printf pattern and the credential:
    ``"Bearer x"`` → ``("Bearer %s", "x")``, ``'Token token="x"'`` →
    ``('Token token="%s"', "x")``, ``"abc"`` → ``("%s", "abc")``.  The pattern keeps
    the scheme's case and spacing as written; surrounding whitespace is dropped.
    None for unknown schemes with a space (``Digest …``, ``AWS4-HMAC-SHA256 …``), a
    lone scheme word, or an empty value."""
    text = value.strip()
    if not text:
        return None
    m = _SCHEME_RE.match(text)
    if m is None:
        if _SPACE.search(text) or text.lower() in _SCHEME_WORDS:
            return None
        return ("%s", text)
    rest_at = m.end()
    p = _AUTH_PARAM_RE.match(text, rest_at)
    if p is not None:
        return (text[: p.start(2)] + "%s" + text[p.end(2):], p.group(2))
    cred = text[rest_at:]
    if _SPACE.search(cred):  # re's \s is str.isspace, character for character
        return None
    return (text[:rest_at] + "%s", cred)


# --- masking and names --------------------------------------------------------------

MASK_MIN_LENGTH = 12  # shorter secrets are shown as "***" only
_ELLIPSIS = "\u2026"


def mask(secret: str) -> str:
    """A safe stand-in for a secret in reports: at most 3 leading and 3 trailing
    characters, at most a quarter of the secret, nothing for short ones::

        mask("hunter2")                    == "***"         (under 12 chars)
        mask("abcdefghijkl")               == "ab…l"        (12 chars: 3 shown)
        mask("abcdefghijklmnop")           == "ab…op"       (16 chars: 4 shown)
        mask("sk-" + "x" * 45 + "dHf")     == "sk-…dHf"     (24+ chars: 6 shown)

    Falls back to "***" when a shown character is whitespace, unprintable (terminal
    safety) or "…" itself, or when the result would repeat 4+ characters of the
    secret (possible only when the secret contains "…").
    """
    n = len(secret)
    if n < MASK_MIN_LENGTH:
        return "***"
    shown = min(6, n // 4)
    lead = (shown + 1) // 2
    head, tail = secret[:lead], secret[n - (shown - lead):]
    out = head + _ELLIPSIS + tail
    if not all(c.isprintable() and not c.isspace() and c != _ELLIPSIS for c in head + tail):
        return "***"
    if any(out[i:i + 4] in secret for i in range(len(out) - 3)):
        return "***"
    return out


@functools.lru_cache(maxsize=8192)
def placeholder_name(text: str) -> str:
    """Upper snake case matching ``[A-Z][A-Z0-9_]*``: ``apiKey`` → ``API_KEY``,
    ``x-api-key`` → ``X_API_KEY``, ``openai.key`` → ``OPENAI_KEY``, ``2fa`` →
    ``SECRET_2FA``, ``""`` → ``SECRET``."""
    words = _words(text)
    if not words:
        return "SECRET"
    name = "_".join(words).upper()
    return name if name[0].isalpha() else "SECRET_" + name

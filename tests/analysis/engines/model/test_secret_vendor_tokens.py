"""Tokens known by their vendor's prefix are redacted as such, whatever their randomness: an age
secret key (upper case only, which the high-entropy rule never takes), Slack app-level tokens,
Stripe webhook secrets, Google OAuth client secrets, HashiCorp Vault tokens, DigitalOcean,
Grafana, Linear and Postman tokens and Discord webhooks. Names that only start the same way
stay.
"""

from __future__ import annotations

import pytest

from diff_hunk import modified_hunk
from release_tools.analysis.engines.model.secrets import redact_details

# Obviously fake token bodies: words repeated, with digits where a vendor's alphabet needs them.
WORDS = "FakeTokenForTests"
HEXISH = "fade" * 16  # 64 hex digits, no digit at all: no high-entropy hex run
BECH32 = "FAKEQQ" * 9 + "QQQQ"  # 58 upper-case characters of bech32's alphabet


@pytest.mark.parametrize(
    ("kind", "line", "secret"),
    [
        ("age-secret-key", f"AGE-SECRET-KEY-1{BECH32}", BECH32),
        ("slack-token", f'SLACK_APP = "xapp-1-A0FAKE-1234-{HEXISH}"', HEXISH),
        ("stripe-key", f"hook_secret: whsec_{WORDS}{WORDS}", f"{WORDS}{WORDS}"),
        ("google-oauth-secret", f'"client_secret_x": "GOCSPX-{WORDS}{WORDS[:11]}"', WORDS),
        ("vault-token", f"export VAULT_ADDR_T=hvs.{WORDS}{WORDS}", f"{WORDS}{WORDS}"),
        ("vault-token", f"t = 'hvb.{WORDS}{WORDS}'", f"{WORDS}{WORDS}"),
        ("digitalocean-token", f"do = dop_v1_{HEXISH}", HEXISH),
        ("grafana-token", f"g: glsa_{WORDS}{WORDS[:15]}_fadefade", f"{WORDS}{WORDS[:15]}"),
        ("grafana-token", f"g: glc_{WORDS}{WORDS}", f"{WORDS}{WORDS}"),
        ("linear-api-key", f"l = 'lin_api_{WORDS}{WORDS}{WORDS[:6]}'", WORDS),
        ("postman-api-key", f"p = PMAK-{'fade' * 6}-{'beef' * 8}ab", "beef" * 8),
        (
            "discord-webhook",
            f"url = 'https://discord.com/api/webhooks/1234567890/{WORDS * 4}'",
            WORDS * 4,
        ),
    ],
)
def test_a_vendor_token_is_redacted(kind: str, line: str, secret: str) -> None:
    result = redact_details(modified_hunk("notes.txt", "+" + line))
    assert secret not in result.text
    assert result.kinds[kind] == 1


@pytest.mark.parametrize(
    "line",
    [
        "from glc_utils import glc_handler",
        "lin_api_version = 2",
        "def hvs_decode(x): return x",
        "AGE-SECRET-KEY-1 is the prefix of an age identity",
        "whsec_ is the prefix of a Stripe webhook secret",
        "See https://discord.com/api/webhooks for the API.",
    ],
)
def test_names_that_only_start_the_same_way_stay(line: str) -> None:
    diff = modified_hunk("app.py", "+" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)

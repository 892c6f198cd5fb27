"""Credentials out of everything the project writes: output, reports, cassettes."""

from __future__ import annotations

import functools
import re

SCRUBBED = "<scrubbed>"
_AUTH_VALUE = re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^'\"\n]+")
_CURL_USER = re.compile(r"(?i)(\s-u\s+|\s--user\s+)\S+")
_USERINFO = re.compile(r"(?<=//)[^/\s@'\"]+@")


# Mobizon authenticates with an apiKey query parameter (openapi-mobizon.yaml)
_API_KEY = re.compile(r"(?i)([?&]apiKey=)[^&#\s'\"]+")


def redact_url(url: str) -> str:
    """`https://KEY:TOKEN@host/x` -> `https://host/x`; `?apiKey=K` -> `?apiKey=<scrubbed>`."""
    url = _USERINFO.sub("", url)
    if "apikey=" in url.lower():
        url = _API_KEY.sub(rf"\1{SCRUBBED}", url)
    return url


# a secret shorter than this is replaced only where it stands alone: replacing every `e` of
# "connection refused" (an API token `e`) garbles the message and hides nothing more
SHORT_SECRET = 8


@functools.lru_cache(maxsize=64)
def _secrets_pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for all of `secrets`, longest first, so one pass replaces them all (the
    marker it writes is never scanned again)."""
    values = sorted({s for s in secrets if s}, key=len, reverse=True)
    if not values:
        return None
    return re.compile(
        "|".join(
            re.escape(s)
            if len(s) >= SHORT_SECRET
            else rf"(?<![A-Za-z0-9]){re.escape(s)}(?![A-Za-z0-9])"
            for s in values
        )
    )


def scrub(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """`text` without Authorization values, URL userinfo, curl `-u`, or any of `secrets`."""
    text = _AUTH_VALUE.sub(rf"\1{SCRUBBED}", text)
    text = _CURL_USER.sub(rf"\1{SCRUBBED}", text)
    text = redact_url(text)
    pattern = _secrets_pattern(tuple(secrets))
    return pattern.sub(SCRUBBED, text) if pattern is not None else text

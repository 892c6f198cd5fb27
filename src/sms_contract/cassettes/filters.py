"""Credentials out of everything the project writes: output, reports, cassettes."""

from __future__ import annotations

import functools
import re
from typing import Any

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


# A secret shorter than this is replaced only where it stands alone: with an API token `e`,
# replacing every `e` of "connection refused" garbles the message and hides nothing (a secret
# that short is no secret). Longer ones are replaced wherever they occur.
SHORT_SECRET = 4
# "alone": not inside a word, where an escape's last character (\n, %0A, \u00e9) is no word
_ALONE_BEFORE = r"(?:(?<![A-Za-z0-9])|(?<=%[0-9A-Fa-f]{2})|(?<=\\[bfnrt])|(?<=\\u[0-9A-Fa-f]{4}))"


@functools.lru_cache(maxsize=64)
def _secrets_pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for all of `secrets`, longest first, so one pass replaces them all and the
    marker it writes is not scanned again."""
    values = sorted({s for s in secrets if s}, key=len, reverse=True)
    if not values:
        return None
    return re.compile(
        "|".join(
            re.escape(s)
            if len(s) >= SHORT_SECRET
            else rf"{_ALONE_BEFORE}{re.escape(s)}(?![A-Za-z0-9])"
            for s in values
        )
    )


def scrub_data(data: Any, secrets: tuple[str, ...] | list[str] = ()) -> Any:
    """`data` (JSON-like) with every string scrubbed, keys too: a report scrubbed value by
    value, not as serialised text (where a secret `123` would break `"seconds": 0.123`)."""
    if isinstance(data, str):
        return scrub(data, secrets)
    if isinstance(data, dict):
        return {scrub_data(k, secrets): scrub_data(v, secrets) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [scrub_data(item, secrets) for item in data]
    return data


def scrub(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """`text` without Authorization values, URL userinfo, curl `-u`, or any of `secrets`."""
    text = _AUTH_VALUE.sub(rf"\1{SCRUBBED}", text)
    text = _CURL_USER.sub(rf"\1{SCRUBBED}", text)
    text = redact_url(text)
    pattern = _secrets_pattern(tuple(secrets))
    return pattern.sub(SCRUBBED, text) if pattern is not None else text

"""Credentials out of everything the project writes: output, reports, cassettes."""

from __future__ import annotations

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


def scrub(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """`text` without Authorization values, URL userinfo, curl `-u`, or any of `secrets`."""
    text = _AUTH_VALUE.sub(rf"\1{SCRUBBED}", text)
    text = _CURL_USER.sub(rf"\1{SCRUBBED}", text)
    text = redact_url(text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, SCRUBBED)
    return text

"""What the document answers on a URL that is no operation of the contract.

The error tables document the answer to paths outside the four operations (lines 524, 537-550,
830): an unsupported API version, no `/Accounts/`, no account SID, `/Sms` alone, and an
unrecognised SMS endpoint (405 40502 for POST, 400 40501 for GET). `documented_errors` names
the error rows (ids of `schemas/registries/exotel-http-errors.yaml`) a response on such a URL
may be; the checks compare the response with them instead of reporting "no operation".
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# rows any URL may answer: credentials, the account, rate limits
_ANY = ("auth_missing", "auth_invalid", "auth_not_alphanumeric", "forbidden_resource",
        "account_inactive")  # fmt: skip
_LIMIT = {"POST": "post_rate_limited", "GET": "get_rate_limited", "HEAD": "get_rate_limited"}
_VERSION = re.compile(r"^v[0-9][0-9A-Za-z_.]*$")


def _parts(url: str) -> list[str]:
    path = urlsplit(url).path if "://" in url or url.startswith("/") else url
    parts = [p for p in path.split("/") if p]
    # a target may be mounted under a prefix (/exotel/v1/...): start at the version segment
    start = next((i for i, p in enumerate(parts) if _VERSION.match(p)), None)
    return parts[start:] if start is not None else parts


def situation(method: str, url: str) -> tuple[str, ...]:
    """The error ids the document names for this URL's shape (empty: an operation's shape)."""
    parts = _parts(url)
    method = method.upper()
    if not parts or not _VERSION.match(parts[0]):
        return ("accounts_missing",)
    if parts[0] != "v1":
        return ("api_version_unsupported",)
    if len(parts) < 2 or parts[1] != "Accounts":
        return ("accounts_missing",)
    if len(parts) < 3 or parts[2].lower() == "sms":
        return ("account_sid_missing",)
    tail = [p.removesuffix(".json").lower() for p in parts[3:]]
    if tail in ([], ["sms"]):
        return ("invalid_parameters_sms_root",)
    if method == "POST":
        return ("method_not_supported",)
    if tail in (["sms", "send"], ["sms", "bulksend"]):
        # a GET of a POST operation: either reading of the two tables
        return ("method_not_supported", "get_invalid_endpoint")
    return ("get_invalid_endpoint",)


def documented_errors(method: str, url: str) -> tuple[str, ...]:
    """Every error id a response to this URL (outside the contract's operations) may be."""
    limit = _LIMIT.get(method.upper())
    return (*situation(method, url), *_ANY, *((limit,) if limit else ()))

"""Which traffic the contract speaks for.

A proxy in front of a real host also sees what is not SMS: Exotel's Voice API lives on the
same host (`/v1/Accounts/<sid>/Calls/connect`), and so do health checks. Those exchanges are
outside the contract's paths: the proxy relays them, counts and lists them, and never calls
them violations. In scope are the resources the contract's Exotel paths name after
`/v1/Accounts/<sid>/` (`Sms`, `SMS`: compared without case, so a wrongly cased or misspelt
operation under them is still a finding) and Mobizon's `/service/<module>/<method>`.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

from sms_contract.contract.spec import load_contract

# the account segment may be empty: /v1/Accounts//Sms/send is a request the contract answers
_RESOURCE = re.compile(r"/v1/Accounts/[^/]*/([^/.?]+)", re.IGNORECASE)


@functools.cache
def resources() -> frozenset[str]:
    """The resources of the contract's Exotel paths, lower-cased (`sms`)."""
    found = set()
    for operation in load_contract().operations:
        match = re.search(r"/v1/Accounts/\{[^}]+\}/([^/{.]+)", operation.path)
        if match:
            found.add(match.group(1).lower())
    return frozenset(found)


def in_scope(url: str) -> bool:
    """True when the contract speaks for this URL's path (its method may still be wrong)."""
    path = urlsplit(url).path if "://" in url else url.partition("?")[0]
    match = _RESOURCE.search(path)
    if match:
        return match.group(1).lower() in resources()
    if "/service/" in path:
        from sms_contract.contract.mobizon_spec import is_mobizon

        return is_mobizon(url)
    return False

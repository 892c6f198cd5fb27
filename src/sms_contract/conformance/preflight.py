"""Before a run: is the target there, is it an SMS API, and does it accept the credentials?"""

from __future__ import annotations

import httpx

from sms_contract.conformance.session import TargetUnreachable
from sms_contract.conformance.target import Target


class TargetProblem(Exception):
    """The target cannot be checked at all (a usage or connection problem, exit 2)."""


def preflight(target: Target, timeout: float = 10.0) -> None:
    """One harmless request (details of a Sid that does not exist); raise on what stops a run."""
    url = f"{target.api}/SMS/Messages/smscontractpreflight.json"
    auth = httpx.BasicAuth(*target.auth) if target.auth else None
    try:
        with httpx.Client(timeout=timeout) as client:
            response = client.get(url, auth=auth)
    except httpx.TimeoutException:
        raise TargetUnreachable(f"{target.base} did not answer within {timeout:g} s") from None
    except httpx.ConnectError as exc:
        raise TargetUnreachable(f"cannot connect to {target.base}: {_reason(exc)}") from None
    except httpx.TransportError as exc:
        raise TargetUnreachable(f"cannot reach {target.base}: {_reason(exc)}") from None
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "text/html":
        raise TargetProblem(
            f"{target.base} answered with an HTML page (HTTP {response.status_code}), not an "
            "SMS API: check --target-url (it is the part before /v1/Accounts/...)"
        )
    if response.status_code == 401:
        raise TargetProblem(
            f"{target.base} rejected the credentials (HTTP 401): check --auth KEY:TOKEN "
            "or SMS_CONTRACT_AUTH"
        )
    if response.status_code == 404 and not media.endswith(("json", "xml")):
        raise TargetProblem(
            f"{target.base} has no /v1/Accounts/{target.account_sid}/SMS/Messages endpoint "
            "(HTTP 404): check --target-url"
        )


def _reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
        return f"TLS error ({text.splitlines()[-1][:160]})"
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "unknown host"
    return text.splitlines()[-1][:200]

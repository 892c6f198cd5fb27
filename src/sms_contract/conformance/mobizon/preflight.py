"""Before a Mobizon run: is the target there, does it answer the envelope, is the key good?"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx

from sms_contract.checks.mobizon import accepted_code
from sms_contract.conformance.mobizon.target import api_key
from sms_contract.conformance.preflight import TargetProblem, _reason
from sms_contract.conformance.session import TargetUnreachable
from sms_contract.conformance.target import Target
from sms_contract.contract import mobizon_spec as mobizon


def preflight(target: Target, timeout: float = 10.0) -> None:
    """One harmless request (getSMSStatus with no ids); raise on what stops a run."""
    query = urlencode({"output": "json", "api": "v1", "apiKey": api_key(target)})
    url = f"{target.base}/service/{mobizon.STATUS}?{query}"
    try:
        with httpx.Client(timeout=timeout) as client:
            response = client.post(url)
    except httpx.TimeoutException:
        raise TargetUnreachable(f"{target.base} did not answer within {timeout:g} s") from None
    except httpx.TransportError as exc:
        raise TargetUnreachable(f"cannot reach {target.base}: {_reason(exc)}") from None
    code = accepted_code(response.content, response.headers)
    if code is None:
        media = response.headers.get("content-type", "(none)").split(";")[0]
        raise TargetProblem(
            f"{target.base} did not answer a Mobizon envelope (HTTP {response.status_code}, "
            f"{media}): check --target-url (it is the part before /service/...)"
        )
    if code == mobizon.code_for("api_key_invalid", mobizon.ANY).code:
        raise TargetProblem(
            f"{target.base} rejected the apiKey (result code {code}): check --auth KEY "
            "or SMS_CONTRACT_AUTH"
        )

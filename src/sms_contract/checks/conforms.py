"""`assert_conforms`: one assertion for a response a user's test holds (httpx or requests)."""

from __future__ import annotations

from typing import Any

from sms_contract.checks.validate import validate_response
from sms_contract.contract.schemastore import Mode
from sms_contract.contract.violations import Report


def assert_conforms(response: Any, mode: Mode = "strict") -> Report:
    """Raise AssertionError, with every violation explained, unless an httpx or requests
    `response` conforms to the contract; return the report (its accepted variants, if any).

    `from sms_contract import assert_conforms` in any test; the pytest fixture of the same
    name does the same with the run's --contract-mode.
    """
    sent = response.request
    body = sent.content if hasattr(sent, "content") else sent.body
    report = validate_response(
        sent.method,
        str(sent.url),
        response.status_code,
        dict(response.headers),
        response.content,
        mode=mode,
        request_body=body,
    )
    assert not report, "response breaks the contract:\n" + report.explain()
    return report

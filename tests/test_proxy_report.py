"""The proxy's own report: exchanges per operation, never scenarios, and no credential."""

from __future__ import annotations

from sms_contract.contract.violations import Violation
from sms_contract.proxy.relay import ProxiedExchange
from sms_contract.proxy.tally import ProxyReport

SEND = "http://127.0.0.1:1/v1/Accounts/simaccount/Sms/send.json"
AUTHORIZATION = [("Authorization", "Basic c2lta2V5OnNpbXRva2Vu")]


def exchange(status: int, violations: list[Violation]) -> ProxiedExchange:
    return ProxiedExchange(
        "POST", SEND, AUTHORIZATION, b"To=1", status, [], b"{}", 0.01, violations=violations
    )


def test_counts_exchanges_per_operation_and_names_the_failing_checks() -> None:
    broken = Violation("status_code_conformance", "/status", "200", "418", "not simtoken", "x")
    report = ProxyReport("http://upstream", "strict", "now", secrets=("simtoken",))
    for index, relayed in enumerate([exchange(200, []), exchange(418, [broken])]):
        report.add(relayed, index)
    (row,) = report.by_operation()
    assert (row.operation, row.exchanges, row.failed) == (
        "POST /v1/Accounts/{AccountSid}/Sms/send.json",
        2,
        1,
    )
    assert row.findings == ("status_code_conformance @ /status",)
    assert report.failed and report.verdict().startswith("FAILED: 1 exchanges passed, 1 failed")
    for text in (report.to_markdown(), report.to_html(), "\n".join(report.failures())):
        assert "status_code_conformance" in text and "simtoken" not in text
        assert "scenario" not in text and "not run" not in text


def test_nothing_proxied_is_not_a_conformance_verdict() -> None:
    report = ProxyReport("http://upstream", "strict", "now")
    assert not report.failed
    assert report.verdict().startswith("NOTHING CHECKED")

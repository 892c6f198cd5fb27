"""The loaded contract: operations found by method and URL."""

from __future__ import annotations

import pytest

from sms_contract.contract.spec import load_contract


@pytest.mark.parametrize(
    ("method", "url", "label"),
    [
        (
            "POST",
            "https://k:t@api.exotel.com/v1/Accounts/acme/Sms/send.json",
            "POST /v1/Accounts/{AccountSid}/Sms/send.json",
        ),
        (
            "POST",
            "http://gw.local/exotel//v1/Accounts/acme/Sms/send?x=1",
            "POST /v1/Accounts/{AccountSid}/Sms/send",
        ),
        (
            "GET",
            "/v1/Accounts/acme/SMS/Messages/abc.json#frag",
            "GET /v1/Accounts/{AccountSid}/SMS/Messages/{SmsSid}.json",
        ),
    ],
)
def test_operations_are_found_behind_prefixes_queries_and_fragments(
    method: str, url: str, label: str
) -> None:
    found = load_contract().find_operation(method, url)
    assert found is not None and found[0].label == label
    assert found[1]["AccountSid"] == "acme"


def test_a_request_outside_the_contract_is_not_an_operation() -> None:
    assert load_contract().find_operation("GET", "http://h/v2/whatever") is None
    assert load_contract().find_operation("DELETE", "/v1/Accounts/a/Sms/send") is None

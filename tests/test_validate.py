"""validate_exchange: one recorded exchange, request and response, against the contract."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from sms_contract.cassettes.cassette import Interaction, interactions
from sms_contract.checks.validate import header, validate_exchange

SEND = Path(__file__).resolve().parents[1] / "cassettes" / "simulator" / "send-json.yaml"


@pytest.fixture
def send() -> Interaction:
    return next(interactions(SEND))  # the send; the details lookups follow


def check(interaction: Interaction) -> list[tuple[str, str]]:
    report = validate_exchange(
        interaction.method,
        interaction.uri,
        interaction.request_headers,
        interaction.request_body,
        interaction.status,
        interaction.response_headers,
        interaction.response_body,
    )
    return [(v.check, v.pointer) for v in report]


def test_a_recorded_send_conforms(send: Interaction) -> None:
    assert check(send) == []


def test_an_accepted_request_that_breaks_the_schema_is_a_finding(send: Interaction) -> None:
    broken = replace(send, request_body="From=ACME&Body=no+recipient")
    assert ("request_schema_conformance", "/To") in check(broken)


def test_a_rejected_request_that_breaks_the_schema_is_a_recorded_negative_case(
    send: Interaction,
) -> None:
    error = '{"RestException": {"Status": 400, "Code": 40201, "Message": "Missing parameter: To"}}'
    rejected = replace(
        send, request_body="From=ACME&Body=no+recipient", status=400, response_body=error
    )
    assert [c for c, _ in check(rejected) if c.startswith("request")] == []


def test_nan_is_not_json(send: Interaction) -> None:
    body = str(send.response_body).replace('"SmsUnits": null', '"SmsUnits": NaN')
    assert "NaN" in body
    assert check(replace(send, response_body=body)) == [("response_schema_conformance", "")]


def test_an_unknown_operation_is_reported_once(send: Interaction) -> None:
    assert check(replace(send, uri="http://h/v2/elsewhere")) == [("operation", "")]


@pytest.mark.parametrize("spelling", ["Content-Type", "content-type", "CONTENT-TYPE"])
def test_headers_are_read_case_insensitively_in_any_shape(spelling: str) -> None:
    assert header({spelling: ["application/xml"]}, "Content-Type") == "application/xml"
    assert header({spelling: "text/xml"}, "content-type") == "text/xml"
    assert header({"other": "x"}, "Content-Type") is None

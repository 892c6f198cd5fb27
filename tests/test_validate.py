"""validate_exchange: one recorded exchange, request and response, against the contract."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from sms_contract.cassettes.cassette import Interaction, interactions
from sms_contract.checks.validate import header, validate_exchange, validate_response

JSON = {"Content-Type": "application/json"}
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
    # the document answers an unsupported version with an error row: a 200 there is a finding
    assert check(replace(send, uri="http://h/v2/elsewhere")) == [("operation", "/status")]


@pytest.mark.parametrize("spelling", ["Content-Type", "content-type", "CONTENT-TYPE"])
def test_headers_are_read_case_insensitively_in_any_shape(spelling: str) -> None:
    assert header({spelling: ["application/xml"]}, "Content-Type") == "application/xml"
    assert header({spelling: "text/xml"}, "content-type") == "text/xml"
    assert header({"other": "x"}, "Content-Type") is None


# Documented errors on URLs outside the four operations (lines 524, 537-550, 830)
OUTSIDE = [
    ("POST", "/v1/Accounts/acc/Sms/unknown.json", 405, 40502, "This method is not supported"),
    ("GET", "/v1/Accounts/acc/Sms/unknown.json", 400, 40501, "Invalid parameters"),
    ("POST", "/v1/Accounts/acc/Sms.json", 400, 40500, "Invalid Parameters"),
    ("POST", "/v2/Accounts/acc/Sms/send.json", 400, None,
     "Exotel API Version v2 not supported. Contact Exotel for details."),
    ("POST", "/v1/acc/Sms/send.json", 400, None, "/Accounts/ missing from URL"),
    ("POST", "/v1/Accounts/Sms/send.json", 403, 34009, "Action forbidden on given resource;"),
]  # fmt: skip


def _error(status: int, code: int | None, message: str) -> bytes:
    body = {"Status": status, "Message": message, **({"Code": code} if code else {})}
    return json.dumps({"RestException": body}).encode()


@pytest.mark.parametrize(("method", "path", "status", "code", "message"), OUTSIDE)
def test_a_documented_error_on_a_url_outside_the_operations_conforms(
    method: str, path: str, status: int, code: int | None, message: str
) -> None:
    url = f"https://api.exotel.com{path}"
    ok = validate_response(method, url, status, JSON, _error(status, code, message))
    assert not ok, ok.explain()
    wrong = validate_response(method, url, status, JSON, _error(status, 40999, "Nope"))
    assert "error_code_matches_status" in {v.check for v in wrong}
    accepted = validate_response(method, url, 200, JSON, b'{"SMSMessage": {}}')
    assert [v.check for v in accepted] == ["operation"]


def test_the_sms_messages_casing_is_the_recorded_variant_path_case() -> None:
    # the unofficial exotel client reads details at Sms/Messages/<sid>.json (reference/README.md)
    url = "https://api.exotel.com/v1/Accounts/Exotel/Sms/Messages/abc123.json"
    body = json.dumps({"RestException": {"Status": 200, "Message": "No matching results"}})
    strict = validate_response("GET", url, 200, JSON, body)
    assert [(v.check, v.pointer) for v in strict] == [("operation", "/url")]
    assert "path-case" in strict[0].message
    tolerant = validate_response("GET", url, 200, JSON, body, mode="tolerant")
    assert not tolerant and [a.variant for a in tolerant.accepted] == ["path-case"]

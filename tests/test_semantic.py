"""Each semantic check: a response that breaks it (it must fail) and the correct one (it must pass)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from tests.factories import sms_message

from sms_contract import validate_response
from sms_contract.checks.semantic import CHECKS

URL = "https://api.exotel.com/v1/Accounts/acme/Sms/send.json"
BULK_URL = "https://api.exotel.com/v1/Accounts/acme/Sms/bulksend.json"
JSON = {"Content-Type": "application/json"}


def message(sid: str | None = "a1", to: str = "09999900001", **over: Any) -> dict[str, Any]:
    return {"SMSMessage": sms_message(sid, to, **over)}


DELIVERED: dict[str, Any] = {
    "Status": "sent",
    "DetailedStatusCode": 20005,
    "DetailedStatus": "DELIVERED_TO_HANDSET",
}
FAILED: dict[str, Any] = {
    "Status": "failed",
    "DetailedStatusCode": 23010,
    "DetailedStatus": "FAILED_INVALID_DESTINATION_NUMBER",
}
# (check, url, status, good body, broken body, request)
CASES: list[tuple[str, str, int, Any, Any, str | None]] = [
    ("detailed_status_matches_status", URL, 200, message(), message(Status="sending"), None),
    (
        "detailed_status_matches_status",
        URL,
        200,
        message(),
        message(DetailedStatus="FAILED_EXPIRED"),
        None,
    ),
    (
        "uri_matches_sid",
        URL,
        200,
        message(),
        message(Uri="/v1/Accounts/acme/SMS/Messages/zz.json"),
        None,
    ),
    (
        "uri_matches_sid",
        URL,
        200,
        message(),
        message(Uri="/v1/Accounts/acme/SMS/Messages/a1"),
        None,
    ),
    (
        "account_sid_matches_path",
        URL,
        200,
        message(),
        message(AccountSid="other", Uri="/v1/Accounts/other/SMS/Messages/a1.json"),
        None,
    ),
    (
        "error_code_matches_status",
        URL,
        400,
        {
            "RestException": {
                "Status": 400,
                "Message": "Message body cannot be empty.",
                "Code": 40200,
            }
        },
        {"RestException": {"Status": 400, "Message": "Unauthorized;", "Code": 34010}},
        None,
    ),
    (
        "error_code_matches_status",
        URL,
        400,
        {
            "RestException": {
                "Status": 400,
                "Message": "All the destination numbers are invalid: 123",
                "Code": 40203,
            }
        },
        {
            "RestException": {
                "Status": 403,
                "Message": "All the destination numbers are invalid: 123",
                "Code": 40203,
            }
        },
        None,
    ),
    (
        "error_code_matches_status",
        URL,
        400,
        {
            "RestException": {
                "Status": 400,
                "Message": "Message body cannot be empty.",
                "Code": 40200,
            }
        },
        {"RestException": {"Status": 400, "Message": "Body missing", "Code": 40200}},
        None,
    ),
    (
        "bulk_items_match_request",
        URL,
        200,
        [message("a1", "1111"), message("b2", "2222")],
        [message("a1", "1111")],
        "From=A&Body=Hi&To[]=1111&To[]=2222",
    ),
    (
        "bulk_items_match_request",
        URL,
        200,
        [message("a1", "1111"), message("b2", "2222")],
        [message("b2", "2222"), message("a1", "1111")],
        "From=A&Body=Hi&To[]=1111&To[]=2222",
    ),
    (
        "bulk_items_match_request",
        BULK_URL,
        200,
        [message("a1", "1111")],
        message("a1", "1111"),
        "Messages[0][To]=1111&Messages[0][Body]=Hi",
    ),
    (
        "bulk_items_match_request",
        URL,
        200,
        message("a1", "1111"),
        [message("a1", "1111")],
        "From=A&Body=Hi&To=1111",
    ),
    # the dynamic bulk answered in the string order of its indexes: item 1 is Messages[10]
    (
        "bulk_items_match_request",
        BULK_URL,
        200,
        [message("a", "1000"), message("b", "1002"), message("c", "1010")],
        [message("a", "1000"), message("c", "1010"), message("b", "1002")],
        "Messages[0][To]=1000&Messages[0][Body]=Hi&Messages[2][To]=1002&Messages[2][Body]=Hi"
        "&Messages[10][To]=1010&Messages[10][Body]=Hi",
    ),
    (
        "body_matches_request",
        URL,
        200,
        message(Body="a & b < c + d 100% 😀 नमस्ते\nend"),
        message(Body="a &amp; b < c   d 100% 😀 नमस्ते\nend"),
        "From=A&To=09999900001&Body=a+%26+b+%3C+c+%2B+d+100%25+%F0%9F%98%80+"
        "%E0%A4%A8%E0%A4%AE%E0%A4%B8%E0%A5%8D%E0%A4%A4%E0%A5%87%0Aend",
    ),
    (
        "body_matches_request",
        BULK_URL,
        200,
        [message("a", "1111", Body="one"), message("b", "2222", Body="two")],
        [message("a", "1111", Body="one"), message("b", "2222", Body="one")],
        "Messages[0][To]=1111&Messages[0][Body]=one&Messages[1][To]=2222&Messages[1][Body]=two",
    ),
    (
        "sids_unique",
        URL,
        200,
        [message("a1", "1111"), message("b2", "2222")],
        [
            message("a1", "1111"),
            message("a1", "2222", Uri="/v1/Accounts/acme/SMS/Messages/a1.json"),
        ],
        "From=A&Body=Hi&To[]=1111&To[]=2222",
    ),
    (
        "dates_consistent",
        URL,
        200,
        message(DateUpdated="2026-01-02 03:04:06"),
        message(DateUpdated="2026-01-02 03:04:04"),
        None,
    ),
    (
        "dates_consistent",
        URL,
        200,
        message(**DELIVERED, DateUpdated="2026-01-02 03:05:00", DateSent="2026-01-02 03:05:00"),
        message(**DELIVERED, DateUpdated="2026-01-02 03:05:00", DateSent=None),
        None,
    ),
    (
        "dates_consistent",
        URL,
        200,
        # the document's own example: a submitted message with the epoch as DateSent
        message(
            Status="submitted",
            DetailedStatusCode=21020,
            DetailedStatus="PENDING_ON_OPERATOR",
            DateSent="1970-01-01 05:30:00",
        ),
        message(DateSent="2026-01-02 03:04:05"),
        None,
    ),
    (
        "dates_consistent",
        URL,
        200,
        message(**DELIVERED, DateUpdated="2026-01-02 03:05:00", DateSent="2026-01-02 03:05:00"),
        # DateSent in India's zone (+05:30) beside the others in UTC
        message(**DELIVERED, DateUpdated="2026-01-02 03:05:00", DateSent="2026-01-02 08:35:00"),
        None,
    ),
    (
        "sms_units_match_body",
        URL,
        200,
        message(Body="x" * 161, SmsUnits=2),
        message(Body="x" * 161, SmsUnits=1),
        "From=A&To=09999900001&Body=" + "x" * 161,
    ),
    (
        "sms_units_match_body",
        URL,
        200,
        message(Body="x" * 307, SmsUnits=3),
        message(Body="x" * 307, SmsUnits=2),  # 307/160: the concatenation header ignored
        "From=A&To=09999900001&Body=" + "x" * 307,
    ),
    (
        "sms_units_match_body",
        URL,
        200,
        message(Body="ऄ" * 71, SmsUnits=2),
        message(Body="ऄ" * 71, SmsUnits=1),  # counted as GSM 7-bit
        None,
    ),
    (
        "sms_units_match_body",
        URL,
        200,
        message(Body="x" * 71, SmsUnits=2),
        message(Body="x" * 71, SmsUnits=1),  # EncodingType=unicode ignored
        "From=A&To=09999900001&EncodingType=unicode&Body=" + "x" * 71,
    ),
]


@pytest.mark.parametrize(
    ("check", "url", "status", "good", "broken", "request_body"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_check_passes_the_correct_target_and_fails_the_broken_one(
    check: str, url: str, status: int, good: Any, broken: Any, request_body: str | None
) -> None:
    ok = validate_response("POST", url, status, JSON, json.dumps(good), request_body=request_body)
    assert not ok, ok.explain()
    bad = validate_response(
        "POST", url, status, JSON, json.dumps(broken), request_body=request_body
    )
    assert check in {v.check for v in bad}, bad.explain()


def test_partial_success_status() -> None:
    mixed = [message(None, "1111", **FAILED), message("b2", "2222")]
    assert not validate_response("POST", URL, 207, JSON, json.dumps(mixed))
    wrong = validate_response("POST", URL, 200, JSON, json.dumps(mixed))
    assert "partial_success_status" in {v.check for v in wrong}
    all_ok = [message("a1", "1111"), message("b2", "2222")]
    assert "partial_success_status" in {
        v.check for v in validate_response("POST", URL, 207, JSON, json.dumps(all_ok))
    }


def test_tolerant_mode_accepts_a_length_over_160_count() -> None:
    body = json.dumps(message(Body="x" * 307, SmsUnits=2))
    request = "From=A&To=09999900001&Body=" + "x" * 307
    assert validate_response("POST", URL, 200, JSON, body, request_body=request)
    assert not validate_response(
        "POST", URL, 200, JSON, body, request_body=request, mode="tolerant"
    )


def test_every_registered_check_is_exercised_here() -> None:
    exercised = {c[0] for c in CASES} | {"partial_success_status"}
    assert exercised == set(CHECKS)


def test_violation_names_operation_check_field_expected_and_actual() -> None:
    broken = copy.deepcopy(message(Status="sending"))
    (violation,) = validate_response("POST", URL, 200, JSON, json.dumps(broken))
    line = str(violation)
    assert line.startswith(
        "POST /v1/Accounts/{AccountSid}/Sms/send.json: [detailed_status_matches_status]"
    )
    assert "/SMSMessage/Status" in line and "expected queued" in line and "got sending" in line


def test_undocumented_status_wrong_content_type_and_unknown_path() -> None:
    body = json.dumps(message())
    assert [v.check for v in validate_response("POST", URL, 202, JSON, body)] == [
        "status_code_conformance"
    ]
    xml = {"Content-Type": "application/xml"}
    assert [v.check for v in validate_response("POST", URL, 200, xml, body)] == [
        "content_type_conformance"
    ]
    assert [
        v.check
        for v in validate_response(
            "POST", URL.replace("Sms/send", "Calls/connect"), 200, JSON, body
        )
    ] == ["operation"]


def test_tolerant_mode_accepts_text_xml_and_404_for_unknown_sid() -> None:
    url = "https://api.exotel.com/v1/Accounts/acme/SMS/Messages/nope"
    body = "<TwilioResponse><RestException><Status>200</Status><Message>No matching results</Message></RestException></TwilioResponse>"
    assert not validate_response("GET", url, 200, {"Content-Type": "application/xml"}, body)
    text_xml = {"Content-Type": "text/xml"}
    assert validate_response("GET", url, 200, text_xml, body)
    report = validate_response("GET", url, 200, text_xml, body, mode="tolerant")
    assert not report and [a.variant for a in report.accepted] == ["xml-content-type-text"]
    assert validate_response("GET", url, 404, {"Content-Type": "application/xml"}, body)
    report = validate_response(
        "GET", url, 404, {"Content-Type": "application/xml"}, body, mode="tolerant"
    )
    assert [a.variant for a in report.accepted] == ["sid-not-found-404"]


def test_an_xml_bulk_of_one_is_one_sms_message() -> None:
    # found by the fuzzer: XML writes a bulk of one as a single <SMSMessage>, like a single send
    body = (
        "<TwilioResponse><SMSMessage><Sid>a1</Sid><AccountSid>acc</AccountSid><From>A</From>"
        "<To>+919812345678</To><DateCreated>2017-03-03 14:14:20</DateCreated>"
        "<DateUpdated>2017-03-03 14:14:20</DateUpdated><DateSent/><Body>hi</Body>"
        "<Direction>outbound-api</Direction><Uri>/v1/Accounts/acc/SMS/Messages/a1</Uri>"
        "<ApiVersion/><Price/><Status>queued</Status><DetailedStatusCode>21010</DetailedStatusCode>"
        "<DetailedStatus>PENDING_TO_OPERATOR</DetailedStatus><SmsUnits/></SMSMessage></TwilioResponse>"
    )
    url = "https://api.exotel.com/v1/Accounts/acc/Sms/send"
    headers = {"Content-Type": "application/xml"}
    one = validate_response(
        "POST", url, 200, headers, body, request_body="From=A&To[]=%2B919812345678&Body=hi"
    )
    assert not one, one.explain()
    two = validate_response(
        "POST", url, 200, headers, body, request_body="From=A&To[]=1&To[]=2&Body=hi"
    )
    assert [v.check for v in two] == ["bulk_items_match_request"]

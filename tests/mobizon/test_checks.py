"""The Mobizon checks: each fails on a broken answer and passes the documented one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sms_contract import Report, validate_exchange, validate_response
from sms_contract.cassettes.filters import redact_url
from sms_contract.contract import mobizon_spec as mobizon
from sms_contract.contract.resources import mobizon_openapi_path

SEND = "https://api.mobizon.kz/service/message/sendsmsmessage?output=json&api=v1&apiKey=K"
STATUS = "https://api.mobizon.kz/service/message/getSMSStatus?output=json&apiKey=K"
STATUS_XML = "https://api.mobizon.kz/service/message/getSMSStatus?output=xml&apiKey=K"
JSON = {"Content-Type": "application/json"}
XML = {"Content-Type": "application/xml"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SENT: dict[str, Any] = {
    "code": 0,
    "data": {"campaignId": 1, "messageId": 2, "status": 2},
    "message": "",
}
ITEM = {
    "id": 5,
    "status": "DELIVRD",
    "segNum": 1,
    "startSendTs": "2026-01-15 11:42:00",
    "statusUpdateTs": "2026-01-15 11:42:08",
}
ITEM_XML = (
    "<item><id>5</id><status>DELIVRD</status><segNum>1</segNum>"
    "<startSendTs>2026-01-15 11:42:00</startSendTs>"
    "<statusUpdateTs>2026-01-15 11:42:08</statusUpdateTs></item>"
)


def _checks(report: Report) -> set[str]:
    return {v.check for v in report}


def _body(value: object) -> bytes:
    return json.dumps(value).encode()


def test_mobizon_paths_are_recognised_in_any_case_and_behind_a_prefix() -> None:
    assert mobizon.match(SEND).operation.name == mobizon.SEND  # type: ignore[union-attr]
    found = mobizon.match("http://gw/mobizon/service/Message/GetSmsStatus?output=xml")
    assert found is not None and found.operation.name == mobizon.STATUS and found.output == "xml"
    assert mobizon.match("http://x/service/nosuch/thing").operation.name == mobizon.ANY  # type: ignore[union-attr]
    assert mobizon.match("http://x/v1/Accounts/a/Sms/send") is None


def test_the_documented_answers_pass() -> None:
    assert not validate_response("POST", SEND, 200, JSON, _body(SENT))
    ok = {"code": 0, "data": [ITEM], "message": ""}
    assert not validate_exchange("POST", STATUS, FORM, "ids[]=5", 200, JSON, _body(ok))
    xml = f"<response><code>0</code><data>{ITEM_XML}</data><message/></response>"
    assert not validate_exchange("POST", STATUS_XML, FORM, "ids=5", 200, XML, xml)
    for code, row in mobizon.result_codes().items():
        if row.data in ("none", "none-or-field-errors"):
            error = {"code": code, "data": [], "message": row.description[:40]}
            assert not validate_response("POST", SEND, 200, JSON, _body(error)), code


@pytest.mark.parametrize(
    ("url", "status", "headers", "body", "check"),
    [
        # code and HTTP status disagree
        (SEND, 401, JSON, {"code": 8, "data": [], "message": "x"}, "mobizon_code_http_status"),
        # a code with the wrong data: an error code carrying success data
        (SEND, 200, JSON, {"code": 2, "data": SENT["data"], "message": ""}, "mobizon_code_data"),
        # code 0 without the operation's data
        (SEND, 200, JSON, {"code": 0, "data": [], "message": ""}, "response_schema_conformance"),
        # code 100 without a task id
        (SEND, 200, JSON, {"code": 100, "data": "", "message": ""}, "mobizon_code_data"),
        # a missing envelope key
        (SEND, 200, JSON, {"code": 0, "data": SENT["data"]}, "response_schema_conformance"),
        # numbers as strings (strict mode)
        (
            SEND,
            200,
            JSON,
            {"code": "0", "data": SENT["data"], "message": ""},
            "response_schema_conformance",
        ),
        # a code outside the table
        (SEND, 200, JSON, {"code": 7, "data": [], "message": ""}, "response_schema_conformance"),
        # a status outside the table
        (
            STATUS,
            200,
            JSON,
            {"code": 0, "data": [{**ITEM, "status": "DELIVERED"}], "message": ""},
            "response_schema_conformance",
        ),
        # XML asked for, JSON answered
        (
            STATUS_XML,
            200,
            JSON,
            {"code": 0, "data": [ITEM], "message": ""},
            "content_type_conformance",
        ),
        # an XML envelope without its root: not one document
        (
            STATUS_XML,
            200,
            XML,
            "<code>0</code><data/><message/>",
            "response_schema_conformance",
        ),
        # an XML envelope wrapped once more: the root's children are not code, data, message
        (
            STATUS_XML,
            200,
            XML,
            "<response><result><code>2</code><data/><message/></result></response>",
            "response_schema_conformance",
        ),
    ],
)
def test_each_check_fails_on_a_broken_answer(
    url: str, status: int, headers: dict[str, str], body: object, check: str
) -> None:
    raw = body if isinstance(body, str) else _body(body)
    assert check in _checks(validate_response("POST", url, status, headers, raw))


def test_status_items_must_answer_the_ids_asked_for() -> None:
    ok = {"code": 0, "data": [ITEM], "message": ""}
    report = validate_exchange("POST", STATUS, FORM, "ids[]=6", 200, JSON, _body(ok))
    assert _checks(report) == {"mobizon_status_ids"}


def test_tolerant_mode_reads_numeric_strings_and_says_so() -> None:
    body = _body({"code": "0", "data": {**SENT["data"], "messageId": "2"}, "message": ""})
    report = validate_response("POST", SEND, 200, JSON, body, mode="tolerant")
    assert not report
    assert {a.variant for a in report.accepted} == {"mobizon-numeric-strings"}


def test_an_accepted_request_is_checked_against_its_form() -> None:
    report = validate_exchange("POST", SEND, FORM, "recipient=abc&text=hi", 200, JSON, _body(SENT))
    assert _checks(report) == {"request_schema_conformance"}
    assert not validate_exchange(
        "POST", SEND, FORM, "recipient=77001234567&text=hi", 200, JSON, _body(SENT)
    )


def test_the_api_key_never_stays_in_a_url() -> None:
    assert "K&" not in redact_url(SEND) and "apiKey=<scrubbed>" in redact_url(SEND)


def test_every_code_has_a_situation_and_a_data_shape() -> None:
    shapes = json.loads(
        (mobizon_openapi_path().parent / "schemas/mobizon/result-data.json").read_text()
    )["$defs"]
    for row in mobizon.result_codes().values():
        assert row.situations, row.code
        assert row.data == "operation" or row.data in shapes, row.code

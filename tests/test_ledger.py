"""The checks across a run's exchanges: each with a broken sequence (it must fail) and the
correct one (it must pass)."""

from __future__ import annotations

from typing import Any

from tests.factories import sms_message

from sms_contract.checks.ledger import LEDGER_CHECKS, Ledger

SEND = "POST /v1/Accounts/{AccountSid}/Sms/send.json"
DETAILS = "GET /v1/Accounts/{AccountSid}/SMS/Messages/{SmsSid}.json"
DELIVERED: dict[str, Any] = {
    "Status": "sent",
    "DetailedStatusCode": 20005,
    "DetailedStatus": "DELIVERED_TO_HANDSET",
    "DateSent": "2026-01-02 03:04:05",
}


def one(sid: str = "a1", to: str = "09999900001", **over: Any) -> dict[str, Any]:
    return {"SMSMessage": sms_message(sid, to, **over)}


def checks(found: list[Any]) -> set[str]:
    return {v.check for v in found}


def test_sids_unique_across_run() -> None:
    ledger = Ledger()
    assert not ledger.sent(SEND, {"To": "09999900001", "Body": "Hi"}, one("a1"), True)
    assert not ledger.sent(SEND, {"To": "09999900001", "Body": "Hi"}, one("b2"), True)
    again = ledger.sent(SEND, {"To": "09999900001", "Body": "Hi"}, one("a1"), True)
    assert checks(again) == {"sids_unique_across_run"}


def test_details_match_accepted_for_send_static_and_dynamic_bulk() -> None:
    ledger = Ledger()
    ledger.sent(SEND, {"To": "09999900001", "Body": "Hi"}, one("a1"), True)
    static = [one("s1", "1111"), one("s2", "2222")]
    ledger.sent(SEND, {"To": ["1111", "2222"], "Body": "Hi"}, static, True)
    dynamic = [one("d1", "3333", Body="one"), one("d2", "4444", Body="two")]
    request = {"Messages": [{"To": "3333", "Body": "one"}, {"To": "4444", "Body": "two"}]}
    ledger.sent(SEND, request, dynamic, True)
    assert not ledger.details(DETAILS, "a1", one("a1"), True)
    assert not ledger.details(DETAILS, "s2", one("s2", "2222"), True)
    assert not ledger.details(DETAILS, "d2", one("d2", "4444", Body="two"), True)
    assert checks(ledger.details(DETAILS, "d1", one("d1", "3333", Body="two"), True)) == {
        "details_match_accepted"
    }
    assert checks(ledger.details(DETAILS, "s1", one("s1", "2222"), True)) == {
        "details_match_accepted"
    }
    assert checks(ledger.details(DETAILS, "a1", one("zz"), True)) == {"details_match_accepted"}
    not_found = {"RestException": {"Status": 200, "Message": "No matching results"}}
    assert checks(ledger.details(DETAILS, "d1", not_found, True)) == {"details_match_accepted"}
    assert not ledger.details(DETAILS, "never-accepted", not_found, True)
    assert ledger.unconfirmed() == []


def test_status_never_backwards() -> None:
    ledger = Ledger()
    ledger.sent(SEND, {"To": "09999900001", "Body": "Hi"}, one("a1"), True)
    queued = one("a1")
    submitted = one(
        "a1", Status="submitted", DetailedStatusCode=21020, DetailedStatus="PENDING_ON_OPERATOR"
    )
    delivered = one("a1", **DELIVERED, DateUpdated="2026-01-02 03:04:05", SmsUnits=1)
    assert not ledger.details(DETAILS, "a1", queued, True)
    assert not ledger.details(DETAILS, "a1", submitted, True)
    assert not ledger.details(DETAILS, "a1", delivered, True)
    assert not ledger.details(DETAILS, "a1", delivered, True)
    assert checks(ledger.details(DETAILS, "a1", queued, True)) == {"status_never_backwards"}
    failed = one(
        "a1",
        Status="failed",
        DetailedStatusCode=23010,
        DetailedStatus="FAILED_INVALID_DESTINATION_NUMBER",
    )
    ledger.details(DETAILS, "a1", delivered, True)
    assert checks(ledger.details(DETAILS, "a1", failed, True)) == {"status_never_backwards"}


def test_sms_units_with_the_encoding_type_that_was_sent() -> None:
    ledger = Ledger()
    body = "x" * 71
    ledger.sent(SEND, {"To": "1", "Body": body, "EncodingType": "unicode"}, one("u1"), True)
    ledger.sent(SEND, {"To": "1", "Body": body}, one("p1"), True)
    assert not ledger.details(DETAILS, "u1", one("u1", Body=body, SmsUnits=2), True)
    assert not ledger.details(DETAILS, "p1", one("p1", Body=body, SmsUnits=1), True)
    broken = ledger.details(DETAILS, "u1", one("u1", Body=body, SmsUnits=1), True)
    assert checks(broken) == {"sms_units_match_body"}


def test_callback_matches_details() -> None:
    ledger = Ledger()
    ledger.sent(SEND, {"To": "09999900001", "Body": "Hi"}, one("a1"), True)
    final = one("a1", **DELIVERED, SmsUnits=1)
    ledger.details(DETAILS, "a1", final, True)
    good = {"SmsSid": "a1", "To": "09999900001", "Status": "sent", "DetailedStatusCode": "20005"}
    assert not ledger.callback("webhook", good)
    bad = dict(good, Status="failed", DetailedStatusCode="23010")
    assert checks(ledger.callback("webhook", bad)) == {"callback_matches_details"}
    assert checks(ledger.callback("webhook", dict(good, To="09999900002"))) == {
        "callback_matches_details"
    }


def test_xml_bodies_are_compared_as_xml_carries_them() -> None:
    ledger = Ledger()
    ledger.sent(SEND, {"To": "1", "Body": " bell\x07 \r\n"}, one("x1", Body="bell\ufffd"), False)
    assert not ledger.details(DETAILS, "x1", one("x1", Body="bell\ufffd"), False)


def test_every_ledger_check_is_exercised_here() -> None:
    assert set(LEDGER_CHECKS) == {
        "sids_unique_across_run",
        "details_match_accepted",
        "status_never_backwards",
        "sms_units_match_body",
        "callback_matches_details",
    }

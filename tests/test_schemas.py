"""Every schema: payloads that pass, and payloads that fail naming the rule they break."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from tests.factories import sms_message

from sms_contract import validate_payload

MESSAGE: dict[str, Any] = sms_message("0f477d60517e6e6a0f6d9a7e9af8630e", "09999930240")
CALLBACK = {
    "SmsSid": "abc123",
    "To": "09999930240",
    "Status": "sent",
    "SmsUnits": 1,
    "DetailedStatus": "DELIVERED_TO_HANDSET",
    "DetailedStatusCode": 20005,
    "DateSent": "2026-01-02 03:04:05",
}
BW_MESSAGE = {
    "id": "m1",
    "owner": "+15550000001",
    "time": "2026-01-02T03:04:05Z",
    "direction": "out",
    "to": ["+15550000002"],
    "from": "+15550000001",
    "text": "hi",
    "applicationId": "app",
    "segmentCount": 1,
}
BW_FAILED = {
    "type": "message-failed",
    "time": "2026-01-02T03:04:05Z",
    "description": "forbidden",
    "to": "+15550000002",
    "errorCode": 4432,
    "message": BW_MESSAGE,
}
BW_DELIVERED = {
    **{k: v for k, v in BW_FAILED.items() if k != "errorCode"},
    "type": "message-delivered",
}
HUBBUCS = {
    "type": "message-failed",
    "message_id": "Hmdbn479ikf7",
    "from": "626446262",
    "to": "305689888",
    "errorCode": 205,
    "description": "failed",
}
MOBIZON_ITEM = {
    "id": 1,
    "status": "DELIVRD",
    "segNum": 1,
    "startSendTs": "2026-01-15 11:42:00",
    "statusUpdateTs": "2026-01-15 11:42:08",
}
# the documented sms-delivery-report example (Mobizon's webhook docs, data structure page)
MOBIZON_REPORT = {
    "campaignId": 245455096,
    "messageId": 169275418,
    "segNum": 3,
    "statusUpdateTs": "2026-01-15 11:42:08",
    "status": "DELIVRD",
    "to": "380737893456",
}
MOBIZON_HOOK = {
    "eventId": 26,
    "eventType": "sms-delivery-report",
    "eventCreateTs": "2026-01-15 11:42:28",
    "webhookId": 1,
    "attempt": 1,
    "data": MOBIZON_REPORT,
    "sign": "3f0a37cf5e27fe0615504b6d700b4b657ecfd39d",
}

PASSING = [
    ("exotel/send-response.json", {"SMSMessage": MESSAGE}),
    (
        "exotel/bulk-response.json",
        [
            {"SMSMessage": MESSAGE},
            {
                "SMSMessage": {
                    **MESSAGE,
                    "Sid": None,
                    "Status": "failed",
                    "DetailedStatusCode": 23010,
                    "DetailedStatus": "FAILED_INVALID_DESTINATION_NUMBER",
                }
            },
        ],
    ),
    (
        "exotel/rest-exception.json",
        {
            "RestException": {
                "Status": 400,
                "Message": "Message body cannot be empty.",
                "Code": 40200,
            }
        },
    ),
    (
        "exotel/rest-exception.json",
        {
            "RestException": {
                "Status": 401,
                "Message": "Authentication is required to view this page.",
            }
        },
    ),
    ("exotel/status-callback.json", CALLBACK),
    # every Status of "one of: queued, sending, submitted, sent, failed-dnd, failed" (line 807)
    (
        "exotel/status-callback.json",
        {
            **CALLBACK,
            "Status": "submitted",
            "DetailedStatusCode": 21020,
            "DetailedStatus": "PENDING_ON_OPERATOR",
            "SmsUnits": None,
            "DateSent": None,
        },
    ),
    # a reserved code (23084-24000, line 415) with Status failed, in a callback and a response
    (
        "exotel/status-callback.json",
        {
            **CALLBACK,
            "Status": "failed",
            "DetailedStatusCode": 23999,
            "DetailedStatus": "SOME_FUTURE_SCENARIO",
        },
    ),
    (
        "exotel/send-response.json",
        {
            "SMSMessage": {
                **MESSAGE,
                "Status": "failed",
                "DetailedStatusCode": 23500,
                "DetailedStatus": "FAILED_NEW_REASON",
            }
        },
    ),
    (
        "exotel/send-request.json",
        {"From": "ACME", "To": ["1", "2"], "Body": "hi", "ShortenUrlParams": {"Tracking": "true"}},
    ),
    ("exotel/bulksend-request.json", {"Messages": [{"To": "1", "Body": "hi"}]}),
    (
        "exotel/click-tracking-callback.json",
        {
            "sid": "s",
            "short_url": "https://exo.tl/a",
            "short_code": "a",
            "long_url": "https://example.com/x",
            "Sms_sid": "abc",
        },
    ),
    # "Date Time in ISO format" (line 102): a local ISO time without a zone is ISO too, and
    # the document requires no field of the click callback
    (
        "exotel/click-tracking-callback.json",
        {
            "Sms_sid": "abc",
            "Created_time": "2026-01-02T03:04:05",
            "Expires_at": "2026-02-01 03:04:05+05:30",
        },
    ),
    ("exotel/click-tracking-callback.json", {}),
    ("bandwidth/callback.json", [BW_FAILED, BW_DELIVERED]),
    # errorCode is "The error code (if any)" (line 29): a message-failed without one conforms
    ("bandwidth/callback.json", [{k: v for k, v in BW_FAILED.items() if k != "errorCode"}]),
    # an inbound message has no outbound receipt's `to`
    (
        "bandwidth/callback.json",
        [
            {
                **{k: v for k, v in BW_DELIVERED.items() if k != "to"},
                "type": "message-received",
                "message": {**BW_MESSAGE, "direction": "in"},
            }
        ],
    ),
    # HubBucs: the table marks nothing mandatory beyond what identifies the callback
    (
        "hubbucs/callback.json",
        {"type": "message-failed", "message_id": "x", "from": "+1 305", "to": "305"},
    ),
    ("hubbucs/callback.json", {**HUBBUCS, "type": "message-delivered"}),
    ("hubbucs/callback.json", HUBBUCS),
    (
        "hubbucs/callback.json",
        {"type": "message-delivered", "message_id": "x", "from": "1", "to": "2"},
    ),
    ("mobizon/response-envelope.json", {"code": 0, "data": {"campaignId": 1}, "message": ""}),
    ("mobizon/send-sms-data.json", {"campaignId": 1, "messageId": 2, "status": 1}),
    ("mobizon/sms-status-item.json", MOBIZON_ITEM),
    ("mobizon/webhook-envelope.json", MOBIZON_HOOK),
]


@pytest.mark.parametrize(
    ("schema", "payload"), PASSING, ids=[f"{s}-{i}" for i, (s, _) in enumerate(PASSING)]
)
def test_valid_payload_passes(schema: str, payload: Any) -> None:
    report = validate_payload(schema, payload)
    assert not report, report.explain()


def _with(base: Any, path: list[Any], value: Any) -> Any:
    out = copy.deepcopy(base)
    node = out
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return out


_DELETE = object()
FAILING = [
    # (schema, payload, pointer, rule)
    (
        "exotel/send-response.json",
        _with({"SMSMessage": MESSAGE}, ["SMSMessage", "Status"], "delivered"),
        "/SMSMessage/Status",
        "enum",
    ),
    (
        "exotel/send-response.json",
        _with({"SMSMessage": MESSAGE}, ["SMSMessage", "DetailedStatusCode"], "2101O"),
        "/SMSMessage/DetailedStatusCode",
        "type",
    ),
    (
        "exotel/send-response.json",
        _with({"SMSMessage": MESSAGE}, ["SMSMessage", "Sid"], _DELETE),
        "/SMSMessage/Sid",
        "required",
    ),
    (
        "exotel/send-response.json",
        _with({"SMSMessage": MESSAGE}, ["SMSMessage", "DateCreated"], "2026-01-02T03:04:05Z"),
        "/SMSMessage/DateCreated",
        "pattern",
    ),
    (
        "exotel/send-response.json",
        {"TwilioResponse": {"SMSMessage": MESSAGE}},
        "/SMSMessage",
        "required",
    ),
    (
        "exotel/send-response.json",
        _with({"SMSMessage": MESSAGE}, ["SMSMessage", "Sid"], None),
        "/SMSMessage/Status",
        "enum",
    ),
    ("exotel/bulk-response.json", {"SMSMessage": MESSAGE}, "", "type"),
    (
        "exotel/rest-exception.json",
        {"RestException": {"Status": 400, "Message": "x", "Code": 99999}},
        "/RestException/Code",
        "enum",
    ),
    ("exotel/status-callback.json", _with(CALLBACK, ["Status"], "delivered"), "/Status", "enum"),
    (
        "exotel/click-tracking-callback.json",
        {"Created_time": "yesterday"},
        "/Created_time",
        "pattern",
    ),
    # a reserved DetailedStatusCode (23084-24000, line 415) is accepted only with Status failed
    (
        "exotel/status-callback.json",
        {**CALLBACK, "DetailedStatusCode": 23500, "DetailedStatus": "FUTURE_CODE"},
        "/Status",
        "const",
    ),
    (
        "exotel/send-response.json",
        _with({"SMSMessage": MESSAGE}, ["SMSMessage", "DetailedStatus"], "NOT_ITS_NAME"),
        "/SMSMessage/DetailedStatus",
        "enum",
    ),
    (
        "exotel/send-request.json",
        {"From": "A", "To": [str(i) for i in range(101)], "Body": "x"},
        "/To",
        "maxItems",
    ),
    (
        "exotel/send-request.json",
        {"From": "A", "To": "1", "Body": "x", "SmsType": "spam"},
        "/SmsType",
        "enum",
    ),
    ("exotel/bulksend-request.json", {"Messages": [{"To": "1"}]}, "/Messages/0/Body", "required"),
    ("bandwidth/callback.json", BW_FAILED, "", "type"),
    # segmentCount is listed (line 46), in the example and required by Bandwidth's SDK
    (
        "bandwidth/callback.json",
        [_with(BW_FAILED, ["message", "segmentCount"], _DELETE)],
        "/0/message/segmentCount",
        "required",
    ),
    # `to` is "The destination number for an outbound message receipt" (line 31)
    ("bandwidth/callback.json", [_with(BW_DELIVERED, ["to"], _DELETE)], "/0/to", "required"),
    ("bandwidth/callback.json", [{**BW_DELIVERED, "errorCode": 1}], "/0", "not"),
    ("bandwidth/callback.json", [_with(BW_FAILED, ["type"], "message-lost")], "/0/type", "enum"),
    ("hubbucs/callback.json", _with(HUBBUCS, ["errorCode"], "205"), "/errorCode", "type"),
    ("hubbucs/callback.json", {"message": HUBBUCS}, "/type", "required"),
    ("mobizon/response-envelope.json", {"code": 7, "data": None, "message": ""}, "/code", "enum"),
    (
        "mobizon/sms-status-item.json",
        _with(MOBIZON_ITEM, ["status"], "DELIVERED"),
        "/status",
        "enum",
    ),
    (
        "mobizon/webhook-envelope.json",
        _with(MOBIZON_HOOK, ["data", "status"], "SENT"),
        "/data/status",
        "enum",
    ),
    # a delivery report carries the final status: a non-final one is a finding
    (
        "mobizon/webhook-envelope.json",
        _with(MOBIZON_HOOK, ["data", "status"], "ACCEPTD"),
        "/data/status",
        "enum",
    ),
]


@pytest.mark.parametrize(
    ("schema", "payload", "pointer", "rule"),
    FAILING,
    ids=[f"{s}-{r}-{p}" for s, _, p, r in FAILING],
)
def test_broken_payload_fails_naming_the_rule(
    schema: str, payload: Any, pointer: str, rule: str
) -> None:
    report = validate_payload(schema, payload)
    assert report, "a broken payload must fail"
    assert any(
        (v.pointer == pointer and v.message.startswith(rule))
        or (rule == "required" and v.pointer == pointer)
        for v in report
    ), report.explain()


def test_tolerant_mode_accepts_and_reports_numeric_strings() -> None:
    payload = _with(MOBIZON_ITEM, ["id"], "15")
    assert validate_payload("mobizon/sms-status-item.json", payload)
    report = validate_payload("mobizon/sms-status-item.json", payload, mode="tolerant")
    assert not report and [a.variant for a in report.accepted] == ["mobizon-numeric-strings"]

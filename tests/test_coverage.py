"""The coverage model: its items come from the contract, and validated exchanges fill it."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import urlencode

import pytest
from tests.factories import sms_message

from sms_contract.checks import coverage as cov
from sms_contract.checks.coverage import Coverage
from sms_contract.checks.validate import validate_callback, validate_exchange, validate_response
from sms_contract.contract.registry import load_registries
from sms_contract.contract.spec import load_contract

API = "https://api.exotel.com/v1/Accounts/acme"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


def exchange(
    c: Coverage,
    method: str,
    path: str,
    status: int,
    body: object,
    form: dict[str, str] | None = None,
    url: str = API,
) -> None:
    """Validate one JSON exchange and feed the coverage what the check returned."""
    request = urlencode(form) if form is not None else None
    response = json.dumps(body)
    report = validate_exchange(method, url + path, FORM, request, status, JSON, response)
    c.add_exchange(report, method, url + path, status, request, JSON, response)


def item(c: Coverage, group: str, key: str) -> cov.Item:
    return c.items[(group, key)]


SEND_JSON = "POST /v1/Accounts/{AccountSid}/Sms/send.json"
DETAILS_JSON = "GET /v1/Accounts/{AccountSid}/SMS/Messages/{SmsSid}.json"


# -- the items are the contract's, never retyped ---------------------------------------------


def test_items_are_read_from_the_contract_and_registries() -> None:
    contract, registries = load_contract(), load_registries()
    groups = Counter(group for group, *_ in cov.contract_items())
    exotel = [(g, k) for g, k, _, p in cov.contract_items() if p == "exotel"]
    assert sum(g == cov.OPERATIONS for g, _ in exotel) == len(contract.operations)
    assert sum(g == cov.HTTP_STATUSES for g, _ in exotel) == sum(
        1 for op in contract.operations for s in op.responses if s.isdigit()
    )
    assert groups[cov.ERROR_ROWS] == len(registries.http_errors)
    assert groups[cov.DETAILED_STATUS_CODES] == len(registries.dscs())
    assert groups[cov.STATUSES] == len(registries.statuses()) + len(registries.mobizon_statuses)
    callback_types = (
        2  # Exotel's StatusCallback and click-tracking callback
        + len(registries.bandwidth["types"])
        + len(registries.hubbucs["types"])
        + len(registries.mobizon_webhooks["event_types"])
    )
    assert groups[cov.CALLBACK_TYPES] == callback_types
    keys = {key for group, key, *_ in cov.contract_items() if group == cov.PARAMETERS}
    send = "POST /v1/Accounts/{AccountSid}/Sms/send"
    # optional fields only: the required ones are in every valid request
    assert f"{send} Priority" in keys and f"{send} Body" not in keys
    assert "POST /v1/Accounts/{AccountSid}/Sms/bulksend Messages[].SmsType" in keys
    # every operation, both formats, and its documented statuses
    labels = {key for group, key, *_ in cov.contract_items() if group == cov.OPERATIONS}
    assert SEND_JSON in labels and SEND_JSON.removesuffix(".json") in labels
    assert f"{SEND_JSON} 207" in {k for g, k, *_ in cov.contract_items() if g == cov.HTTP_STATUSES}


def test_scope_by_group_and_provider() -> None:
    api = Coverage(cov.API_GROUPS, providers=("exotel",))
    assert set(api.groups()) == set(cov.API_GROUPS) - {cov.RESULT_CODES}
    assert ("statuses", "mobizon DELIVRD") not in api.items
    hooks = Coverage(cov.CALLBACK_GROUPS, providers=("bandwidth",))
    assert {i.provider for i in hooks.items.values()} == {"bandwidth"}
    with pytest.raises(ValueError, match="unknown coverage group 'codes'"):
        Coverage(["codes"])


# -- what an exchange exercises --------------------------------------------------------------


def test_a_conforming_send_exercises_its_operation_status_codes_and_parameters() -> None:
    c = Coverage()
    form = {"From": "ACME", "To": "09999900001", "Body": "Hi", "Priority": "high"}
    exchange(c, "POST", "/Sms/send.json", 200, {"SMSMessage": sms_message()}, form)
    assert item(c, cov.OPERATIONS, SEND_JSON).state == "seen"
    assert item(c, cov.HTTP_STATUSES, f"{SEND_JSON} 200").exercised == 1
    assert item(c, cov.STATUSES, "queued").state == "seen"
    assert item(c, cov.DETAILED_STATUS_CODES, "21010").state == "seen"
    send = "POST /v1/Accounts/{AccountSid}/Sms/send"
    assert item(c, cov.PARAMETERS, f"{send} Priority").state == "seen"
    assert item(c, cov.PARAMETERS, f"{send} SmsType").state == "never seen"
    # the XML operation is another item, not exercised by the JSON one
    assert item(c, cov.OPERATIONS, SEND_JSON.removesuffix(".json")).state == "never seen"
    assert c.exercised == 5 and not c.failing()
    assert c.summary().startswith(f"exercised 5 of {c.total} documented behaviours (")


def test_an_exchange_that_fails_a_check_marks_what_it_exercised_failed() -> None:
    c = Coverage()
    # 23010 belongs to Status failed: a queued message cannot carry it
    broken = sms_message(Status="sent", DetailedStatusCode=23010)
    exchange(c, "GET", "/SMS/Messages/a1.json", 200, {"SMSMessage": broken})
    assert item(c, cov.OPERATIONS, DETAILS_JSON).state == "failed"
    assert item(c, cov.DETAILED_STATUS_CODES, "23010").state == "failed"
    exchange(c, "GET", "/SMS/Messages/a1.json", 200, {"SMSMessage": sms_message()})
    details = item(c, cov.OPERATIONS, DETAILS_JSON)
    assert (details.exercised, details.failed, details.state) == (2, 1, "failed")
    assert {i.key for i in c.failing()} >= {DETAILS_JSON, "23010", "sent"}


def test_an_undocumented_status_exercises_no_status_item() -> None:
    c = Coverage()
    exchange(c, "GET", "/SMS/Messages/a1.json", 404, {"RestException": {"Status": 404}})
    assert item(c, cov.OPERATIONS, DETAILS_JSON).state == "failed"
    assert not [i for i in c.items.values() if i.group == cov.HTTP_STATUSES and i.exercised]


def test_error_rows_are_named_by_status_code_and_message() -> None:
    c = Coverage()
    registries = load_registries()
    row = registries.http_error("body_empty")
    error = {"RestException": {"Status": 400, "Code": row.code, "Message": row.message}}
    exchange(c, "POST", "/Sms/send.json", 400, error, {"From": "ACME", "To": "0999"})
    assert item(c, cov.ERROR_ROWS, "body_empty").state == "seen"
    # rows with no Code: the message tells them apart
    for row_id in ("accounts_missing", "api_version_unsupported"):
        row = registries.http_error(row_id)
        text = row.render_message(version="v2")
        body = {"RestException": {"Status": 400, "Message": text}}
        exchange(c, "POST", "/Sms/send.json", 400, body, url="https://api.exotel.com/v2/x")
        assert item(c, cov.ERROR_ROWS, row_id).exercised == 1, row_id


def test_the_same_answer_inside_and_outside_the_contract_is_two_rows() -> None:
    """account_sid_missing and forbidden_resource answer alike: the path tells them apart."""
    row = load_registries().http_error("forbidden_resource")
    body = {"RestException": {"Status": 403, "Code": row.code, "Message": row.message}}
    inside, outside = Coverage(), Coverage()
    exchange(inside, "POST", "/Sms/send.json", 403, body)
    exchange(outside, "POST", "/Sms/send.json", 403, body, url="https://api.exotel.com/v1/Accounts")
    assert [i.key for i in inside.items.values() if i.group == cov.ERROR_ROWS and i.exercised] == [
        "forbidden_resource"
    ]
    assert [i.key for i in outside.items.values() if i.group == cov.ERROR_ROWS and i.exercised] == [
        "account_sid_missing"
    ]
    # outside the contract there is no operation; the answer is the one the document names for
    # that URL (line 547), so the exchange conforms
    assert outside.items[(cov.ERROR_ROWS, "account_sid_missing")].state == "seen"


def test_a_wrong_error_message_marks_the_row_failed() -> None:
    c = Coverage()
    row = load_registries().http_error("from_missing")
    body = {"RestException": {"Status": 400, "Code": row.code, "Message": "From?"}}
    request = urlencode({"To": "0999", "Body": "x"})
    url = API + "/Sms/send.json"
    report = validate_response("POST", url, 400, JSON, json.dumps(body))
    # a runner's own expectation (the documented message) failed on this exchange
    c.add_exchange(report, "POST", url, 400, request, failed=True)
    assert item(c, cov.ERROR_ROWS, "from_missing").state == "failed"


def test_dynamic_bulk_parameters_inside_messages() -> None:
    c = Coverage()
    form = {
        "Messages[0][To]": "09999900001",
        "Messages[0][Body]": "a",
        "Messages[0][SmsType]": "transactional",
        "From": "ACME",
    }
    exchange(c, "POST", "/Sms/bulksend.json", 200, {"Response": []}, form)
    bulk = "POST /v1/Accounts/{AccountSid}/Sms/bulksend"
    assert item(c, cov.PARAMETERS, f"{bulk} Messages[].SmsType").exercised == 1
    assert item(c, cov.PARAMETERS, f"{bulk} From").exercised == 1
    assert item(c, cov.PARAMETERS, f"{bulk} Messages[].From").exercised == 0


# -- callbacks -------------------------------------------------------------------------------


def test_callbacks_exercise_their_types_and_codes() -> None:
    c = Coverage()
    exotel = urlencode(
        {
            "SmsSid": "a1",
            "To": "09999900001",
            "Status": "failed",
            "DetailedStatusCode": "23010",
            "DetailedStatus": "FAILED_INVALID_DESTINATION_NUMBER",
            "DateSent": "2026-01-02 03:04:05",
            "SmsUnits": "1",
        }
    )
    c.add_callback(validate_callback("exotel", exotel))
    assert item(c, cov.CALLBACK_TYPES, "exotel callback").state == "seen"
    assert item(c, cov.DETAILED_STATUS_CODES, "23010").state == "seen"
    assert item(c, cov.STATUSES, "failed").state == "seen"
    events = [
        {"type": "message-delivered", "time": "2026-01-02T03:04:05Z", "to": "+1", "message": {}},
        {"type": "message-failed", "time": "2026-01-02T03:04:05Z", "to": "+1", "message": {}},
    ]
    c.add_callback(validate_callback("bandwidth", json.dumps(events), "application/json"))
    assert item(c, cov.CALLBACK_TYPES, "bandwidth message-delivered").exercised == 1
    # an invalid delivery still exercised its type, and failed
    assert item(c, cov.CALLBACK_TYPES, "bandwidth message-failed").exercised == 1
    hubbucs = {"message_id": "m", "to": "1", "from": "2", "type": "message-delivered"}
    c.add_callback(validate_callback("hubbucs", json.dumps(hubbucs), "application/json"))
    assert item(c, cov.CALLBACK_TYPES, "hubbucs message-delivered").state == "seen"


def test_every_generated_callback_delivery_is_covered() -> None:
    """The callback tester's deliveries reach every callback type and code they pin."""
    from sms_contract.callbacks import deliveries

    c = Coverage(cov.CALLBACK_GROUPS)
    for delivery in deliveries():
        c.add_callback(validate_callback(delivery.provider, delivery.body, delivery.content_type))
    assert not c.failing()
    assert not c.missing([cov.CALLBACK_TYPES]), c.missing([cov.CALLBACK_TYPES])
    finals = {d.code for d in load_registries().dscs() if d.final and d.reached == "delivery"}
    seen = {int(i.key) for i in c.in_group(cov.DETAILED_STATUS_CODES) if i.exercised}
    assert seen == finals


# -- reading it ------------------------------------------------------------------------------


def test_merge_summary_and_table() -> None:
    a, b = Coverage(cov.API_GROUPS, ("exotel",)), Coverage(cov.API_GROUPS, ("exotel",))
    exchange(a, "GET", "/SMS/Messages/a1.json", 200, {"SMSMessage": sms_message()})
    exchange(b, "GET", "/SMS/Messages/a1.json", 200, {"SMSMessage": sms_message()})
    a.merge(b)
    assert item(a, cov.OPERATIONS, DETAILS_JSON).exercised == 2
    table = a.to_dict()
    assert table["exercised"] == 4 and table["total"] == a.total == len(table["items"])
    assert table["groups"][cov.OPERATIONS] == {
        "exercised": 1,
        "total": len(load_contract().operations),
    }
    assert table["summary"] == a.summary()
    assert len(a.missing()) == a.total - a.exercised
    assert all(i.group == cov.ERROR_ROWS for i in a.missing([cov.ERROR_ROWS]))


# -- Mobizon: a second OpenAPI document, read the same way -----------------------------------

MOBIZON_STATUS = "https://api.mobizon.kz/service/message/getSMSStatus?output=xml&apiKey=K"


def test_mobizon_operations_codes_and_statuses_come_from_its_document() -> None:
    from sms_contract.contract import mobizon_spec as mobizon

    groups = Counter(group for group, *_ in cov.contract_items())
    assert groups[cov.RESULT_CODES] == len(load_registries().mobizon_result_codes)
    mobizon_ops = {
        k for g, k, _, p in cov.contract_items() if g == cov.OPERATIONS and p == "mobizon"
    }
    assert len(mobizon_ops) == len(mobizon.operations()) * len(mobizon.FORMATS)
    c = Coverage(cov.API_GROUPS)
    item_xml = (
        "<item><id>5</id><status>DELIVRD</status><segNum>1</segNum>"
        "<startSendTs>2026-01-15 11:42:00</startSendTs>"
        "<statusUpdateTs>2026-01-15 11:42:08</statusUpdateTs></item>"
    )
    body = f"<response><code>0</code><data>{item_xml}</data><message/></response>"
    xml = {"Content-Type": "application/xml"}
    report = validate_exchange("POST", MOBIZON_STATUS, FORM, "ids=5", 200, xml, body)
    assert not report
    c.add_exchange(report, "POST", MOBIZON_STATUS, 200, "ids=5", xml, body)
    label = mobizon.operation(mobizon.STATUS).label
    assert item(c, cov.OPERATIONS, f"{label}?output=xml").state == "seen"
    assert item(c, cov.OPERATIONS, f"{label}?output=json").state == "never seen"
    assert item(c, cov.HTTP_STATUSES, f"{label} 200").state == "seen"
    assert item(c, cov.RESULT_CODES, "mobizon 0").state == "seen"
    assert item(c, cov.STATUSES, "mobizon DELIVRD").state == "seen"
    # the run talked to Mobizon only: Exotel's behaviours are not its gaps
    c.narrow_to_seen_providers()
    assert {i.provider for i in c.items.values()} == {"mobizon"}
    assert cov.ERROR_ROWS not in c.groups()
    gate = cov.Gate(groups=(cov.ERROR_ROWS,))
    assert gate.shortfalls(c) == ["error-rows: no provider the run talked to documents any"]

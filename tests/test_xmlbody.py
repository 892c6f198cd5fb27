"""The XML mapping: root dropped, empty -> null, repeated children -> bulk items."""

from __future__ import annotations

import pytest

from sms_contract.coerce import coerce
from sms_contract.schemastore import schema_uri
from sms_contract.xmlbody import XmlError, parse_xml, render_xml

BULK = {"$ref": schema_uri("exotel/bulk-response.json")}
SINGLE = {"$ref": schema_uri("exotel/send-response.json")}


def _msg(sid: str) -> str:
    return (
        f"<SMSMessage><Sid>{sid}</Sid><DateSent/><DetailedStatusCode>21010</DetailedStatusCode>"
        "<To>0123</To><Price>0.25</Price><SmsUnits>1</SmsUnits></SMSMessage>"
    )


def test_single_message_numbers_only_where_the_schema_says() -> None:
    data = coerce(parse_xml(f"<TwilioResponse>{_msg('a1')}</TwilioResponse>"), SINGLE)
    message = data["SMSMessage"]
    assert message["DetailedStatusCode"] == 21010
    assert message["SmsUnits"] == 1 and message["Price"] == 0.25
    assert message["To"] == "0123"  # a string field stays a string
    assert message["DateSent"] is None


def test_repeated_children_become_bulk_items() -> None:
    xml = f"<TwilioResponse>{_msg('a1')}{_msg('b2')}</TwilioResponse>"
    data = coerce(parse_xml(xml), BULK)
    assert [item["SMSMessage"]["Sid"] for item in data] == ["a1", "b2"]


def test_one_child_becomes_a_one_item_bulk_where_an_array_is_expected() -> None:
    data = coerce(parse_xml(f"<TwilioResponse>{_msg('a1')}</TwilioResponse>"), BULK)
    assert isinstance(data, list) and len(data) == 1


def test_wrong_root_and_broken_xml_are_errors() -> None:
    with pytest.raises(XmlError, match="root element is <Response>"):
        parse_xml("<Response/>")
    with pytest.raises(XmlError, match="not well-formed"):
        parse_xml("<TwilioResponse>")


def test_render_is_the_inverse() -> None:
    data = [
        {"SMSMessage": {"Sid": "a", "DateSent": None}},
        {"SMSMessage": {"Sid": "b", "DateSent": None}},
    ]
    assert coerce(parse_xml(render_xml(data)), BULK) == data

"""The XML mapping: root dropped, empty -> null, repeated children -> bulk items."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sms_contract.cassettes.cassette import cassette_files, interactions
from sms_contract.checks.validate import header
from sms_contract.contract.coerce import coerce
from sms_contract.contract.schemastore import schema_uri
from sms_contract.contract.xmlbody import (
    EXOTEL_ROOT,
    XmlError,
    _parse_with_xmltodict,
    parse_xml,
    render_xml,
)

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"

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


# -- the fast reader and xmltodict agree --------------------------------------------------------

_NAMES = st.sampled_from(["SMSMessage", "Sid", "To", "Body", "a", "b", "x-y", "n.1", "p:q"])
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from([" ", "\n", "\t", "&", "<", ">", '"', "'", "é", "😀"]),
    max_size=8,
)


def _tree(depth: int) -> st.SearchStrategy[str]:
    leaf = st.builds(
        _render, _NAMES, st.dictionaries(_NAMES, _TEXT, max_size=2), _TEXT, st.just([])
    )
    if depth == 0:
        return leaf
    node = st.builds(
        _render,
        _NAMES,
        st.dictionaries(_NAMES, _TEXT, max_size=2),
        _TEXT,
        st.lists(st.tuples(_tree(depth - 1), _TEXT), max_size=4),
    )
    return leaf | node


def _render(tag: str, attrs: dict[str, str], text: str, children: list[tuple[str, str]]) -> str:
    attributes = "".join(f' {k}="{escape(v, quote=True)}"' for k, v in attrs.items())
    inner = escape(text, quote=False) + "".join(c + escape(t, quote=False) for c, t in children)
    return f"<{tag}{attributes}>{inner}</{tag}>" if inner or children else f"<{tag}{attributes}/>"


@settings(max_examples=400, deadline=None)
@given(st.builds(lambda inner: f"<TwilioResponse>{inner}</TwilioResponse>", _tree(3)))
def test_the_fast_reader_reads_every_document_as_xmltodict_does(document: str) -> None:
    assert "<!" not in document and "xmlns" not in document  # the fast path is taken
    try:
        expected = _parse_with_xmltodict(document.encode(), EXOTEL_ROOT)
    except XmlError:
        with pytest.raises(XmlError):
            parse_xml(document)
        return
    assert parse_xml(document) == expected


@pytest.mark.parametrize(
    "document",
    [
        "<TwilioResponse><A>1</A><!-- a comment --><A>2</A></TwilioResponse>",
        '<TwilioResponse xmlns="urn:x"><A>1</A></TwilioResponse>',
        "<TwilioResponse><A><![CDATA[<b>]]></A></TwilioResponse>",
        "<TwilioResponse><p:A>1</p:A></TwilioResponse>",  # an unbound prefix: ET refuses
    ],
)
def test_documents_the_fast_reader_leaves_alone_are_read_by_xmltodict(document: str) -> None:
    assert parse_xml(document) == _parse_with_xmltodict(document.encode(), EXOTEL_ROOT)


def test_every_recorded_xml_body_reads_the_same_both_ways() -> None:
    bodies = [
        i.response_body
        for path in cassette_files([CASSETTES])
        for i in interactions(path)
        if i.response_body and "xml" in str(header(i.response_headers, "Content-Type"))
    ]
    assert len(bodies) > 30
    for body in bodies:
        data = body.encode() if isinstance(body, str) else body
        # Exotel's root is TwilioResponse; Mobizon's envelope root is not named: any is read
        root = None if b"<response>" in data else EXOTEL_ROOT
        assert parse_xml(body, root) == _parse_with_xmltodict(data, root)


@pytest.mark.parametrize(
    "document",
    ["<TwilioResponse><A>1</A>", "<Other/>", "<TwilioResponse>&bogus;</TwilioResponse>", ""],
)
def test_bad_documents_fail_the_same_way_both_ways(document: str) -> None:
    with pytest.raises(XmlError):
        parse_xml(document)
    with pytest.raises(XmlError):
        _parse_with_xmltodict(document.encode(), EXOTEL_ROOT)

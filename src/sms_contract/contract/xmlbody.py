"""XML bodies to and from the JSON shape, with xmltodict (and ElementTree's C parser for speed).

The mapping (documented in the README, used by the checks and the simulator alike):
- the root element (`<TwilioResponse>` for Exotel) is dropped; its children are the object;
- an empty element (`<DateSent/>`, `<Body></Body>`) is null;
- text is stripped of surrounding whitespace;
- repeated children (`<SMSMessage>` twice) become a list, split into bulk items by
  `sms_contract.contract.coerce` where the schema wants an array;
- numbers are read as numbers only where the schema says so (also `sms_contract.contract.coerce`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import xmltodict

EXOTEL_ROOT = "TwilioResponse"


class XmlError(ValueError):
    """A body that is not well-formed XML, or has an unexpected root element."""


def parse_xml(text: bytes | str, root: str | None = EXOTEL_ROOT) -> Any:
    """Parse an XML body and return the content of its root element in the JSON shape."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if b"<!" not in data and b"xmlns" not in data:
        # Plain documents (no DTD, comment, CDATA or namespace: every body the contract
        # describes) go through ElementTree's C parser, measured 3x faster than xmltodict's
        # Python callbacks; tests hold the two readings to equality. Anything else, and any
        # document ElementTree refuses, takes xmltodict's path and its error messages.
        try:
            element = ET.fromstring(data, parser=ET.XMLParser(encoding="utf-8"))
        except ET.ParseError:
            pass
        else:
            if root is not None and element.tag != root:
                raise XmlError(f"XML root element is <{element.tag}>, expected <{root}>")
            return _element(element)
    return _parse_with_xmltodict(data, root)


def _element(element: ET.Element) -> Any:
    """One element in the JSON shape: the same reading as xmltodict followed by `_clean`."""
    children: dict[str, Any] = {}
    pieces = [element.text] if element.text else []
    for child in element:
        if len(child) or child.attrib:
            value = _element(child)
        else:  # a leaf, most of a body: its text, inline
            value = child.text.strip() or None if child.text else None
        existing = children.get(child.tag, _ABSENT)
        if existing is _ABSENT:
            children[child.tag] = value
        elif isinstance(existing, list):  # an element's own value is never a list
            existing.append(value)
        else:
            children[child.tag] = [existing, value]
        if child.tail:
            pieces.append(child.tail)
    text = "".join(pieces).strip() or None
    if not children and not element.attrib:
        return text
    if text:
        children["#text"] = text
    return children


_ABSENT = object()


def _parse_with_xmltodict(text: bytes, root: str | None) -> Any:
    try:
        document = xmltodict.parse(text, strip_whitespace=True, disable_entities=True)
    except Exception as exc:  # xmltodict raises expat errors and ValueError alike
        raise XmlError(f"not well-formed XML: {exc}") from exc
    if not isinstance(document, dict) or len(document) != 1:
        raise XmlError("XML body has no single root element")
    ((name, content),) = document.items()
    if root is not None and name != root:
        raise XmlError(f"XML root element is <{name}>, expected <{root}>")
    return _clean(content)


def _clean(node: Any) -> Any:
    if isinstance(node, dict):
        if "#text" in node and len(node) == 1:
            return _clean(node["#text"])
        return {key: _clean(value) for key, value in node.items() if not key.startswith("@")}
    if isinstance(node, list):
        return [_clean(item) for item in node]
    if isinstance(node, str):
        stripped = node.strip()
        return stripped if stripped else None
    return node


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_round_trip(text: str) -> str:
    """What `text` becomes carried by an XML body: characters XML 1.0 cannot hold replaced,
    line ends normalised by the parser, surrounding whitespace stripped."""
    return _NOT_XML.sub("\ufffd", text).replace("\r\n", "\n").replace("\r", "\n").strip()


def render_xml(data: Any, root: str = EXOTEL_ROOT) -> str:
    """Render JSON-shaped data as an XML body: the inverse of `parse_xml` + coercion."""
    if isinstance(data, list):
        # a bulk response: [{"SMSMessage": a}, {"SMSMessage": b}] -> repeated children
        merged: dict[str, list[Any]] = {}
        for item in data:
            for key, value in item.items():
                merged.setdefault(key, []).append(value)
        data = merged
    body: str = xmltodict.unparse(
        {root: _prepare(data)}, full_document=True, encoding="utf-8", short_empty_elements=True
    )
    return body


def _prepare(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _prepare(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_prepare(item) for item in node]
    if node is None:
        return None
    if isinstance(node, bool):
        return "true" if node else "false"
    # XML 1.0 cannot carry most control characters, even escaped: echoing a client's raw
    # input into XML would produce a document no parser accepts
    return _NOT_XML.sub("\ufffd", str(node))

"""XML bodies to and from the JSON shape, with xmltodict.

The mapping (documented in the README, used by the checks and the simulator alike):
- the root element (`<TwilioResponse>` for Exotel) is dropped; its children are the object;
- an empty element (`<DateSent/>`, `<Body></Body>`) is null;
- text is stripped of surrounding whitespace;
- repeated children (`<SMSMessage>` twice) become a list, split into bulk items by
  `sms_contract.coerce` where the schema wants an array;
- numbers are read as numbers only where the schema says so (also `sms_contract.coerce`).
"""

from __future__ import annotations

import re
from typing import Any

import xmltodict

EXOTEL_ROOT = "TwilioResponse"


class XmlError(ValueError):
    """A body that is not well-formed XML, or has an unexpected root element."""


def parse_xml(text: bytes | str, root: str | None = EXOTEL_ROOT) -> Any:
    """Parse an XML body and return the content of its root element in the JSON shape."""
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

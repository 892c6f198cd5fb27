"""The envelope {code, data, message} in JSON or XML, and the data each code's row implies."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from sms_contract.contract import mobizon_spec as mobizon
from sms_contract.contract.xmlbody import render_xml

XML_ROOT = "response"  # the documents name no root element; this one is the simulator's


def envelope(code: int, data: Any, message: str | None, output: str) -> Response:
    """The envelope for `code`, answered with the HTTP status its registry row gives."""
    row = mobizon.result_codes()[code]
    text = message if message is not None else ("" if code == 0 else _first_sentence(row))
    body = {"code": code, "data": data, "message": text}
    if output == "xml":
        return Response(
            render_xml(_xml_shape(body), root=XML_ROOT),
            status_code=row.http_status,
            media_type="application/xml",
        )
    return Response(json.dumps(body), status_code=row.http_status, media_type="application/json")


def _xml_shape(body: dict[str, Any]) -> dict[str, Any]:
    """A list in `data` becomes repeated `<item>` children; empty data an empty element."""
    data = body["data"]
    if isinstance(data, list):
        data = {"item": data} if data else None
    elif data in ({}, ""):
        data = None
    return {**body, "data": data}


def _first_sentence(row: mobizon.ResultCode) -> str:
    return row.description.split(". ")[0].rstrip(".") + "."


def data_for(row: mobizon.ResultCode, recipient: str) -> Any:
    """Data of the shape `row` implies, for a send to `recipient` answered with it."""
    return {
        "none": [],
        "field-errors": {"recipient": f"{recipient} cannot be used"},
        "none-or-field-errors": [],
        "domain": "api.mobizon.kz",
        "element-errors": {"failed": [{"recipient": recipient, "code": row.code}]},
        "task-id": 1000 + row.code,
    }.get(row.data, [])

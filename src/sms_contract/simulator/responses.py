"""Provider responses: SMSMessage objects and RestException errors, in XML or JSON."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from sms_contract.contract.registry import DetailedStatusCode, load_registries
from sms_contract.contract.xmlbody import render_xml
from sms_contract.simulator.clock import Clock
from sms_contract.simulator.store import Message

XML = "application/xml"
JSON = "application/json"


def body_response(data: Any, status: int, as_json: bool) -> Response:
    """`data` (JSON shape) as a JSON or XML response."""
    if as_json:
        return Response(json.dumps(data), status_code=status, media_type=JSON)
    return Response(render_xml(data), status_code=status, media_type=XML)


def message_object(
    message: Message, code: DetailedStatusCode, final_at: float, units: int, as_json: bool
) -> dict[str, Any]:
    """The SMSMessage of an accepted message in state `code`."""
    registries = load_registries()
    done = code.final
    success = next(s.success for s in registries.statuses() if s.status == code.status)
    suffix = ".json" if as_json else ""
    return {
        "SMSMessage": {
            "Sid": message.sid,
            "AccountSid": message.account,
            "From": message.sender,
            "To": message.recipient,
            "DateCreated": Clock.exotel(message.created_at),
            "DateUpdated": Clock.exotel(final_at if done else message.created_at),
            "DateSent": Clock.exotel(final_at) if done and success else None,
            "Body": message.body,
            "Direction": "outbound-api" if "outbound-api" in registries.exotel_directions else None,
            "Uri": f"/v1/Accounts/{message.account}/SMS/Messages/{message.sid}{suffix}",
            "ApiVersion": None,
            "Price": None,
            "Status": code.status,
            "DetailedStatusCode": code.code,
            "DetailedStatus": code.name,
            "SmsUnits": units if done else None,
        }
    }


def failed_item(
    account: str, to: str | None, body: str, code: DetailedStatusCode
) -> dict[str, Any]:
    """A failed item of a partial-success bulk response: Sid null, as documented."""
    return {
        "SMSMessage": {
            "Sid": None,
            "AccountSid": account,
            "From": None,
            "To": to,
            "DateCreated": None,
            "DateUpdated": None,
            "DateSent": None,
            "Body": body,
            "Direction": None,
            "Uri": None,
            "ApiVersion": None,
            "Price": None,
            "Status": code.status,
            "DetailedStatusCode": code.code,
            "DetailedStatus": code.name,
            "SmsUnits": None,
        }
    }


def error_response(error_id: str, as_json: bool, **values: object) -> Response:
    """The documented RestException for an error row of the registry."""
    row = load_registries().http_error(error_id)
    error: dict[str, Any] = {"Status": row.status, "Message": row.render_message(**values)}
    if row.code is not None:
        error["Code"] = row.code
    return body_response({"RestException": error}, row.status, as_json)

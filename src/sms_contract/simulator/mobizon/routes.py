"""The Mobizon API: `/service/<module>/<method>`, authenticated by the `apiKey` parameter.

Each answer's code is the one `schemas/registries/mobizon-result-codes.yaml` binds to the
situation (read through `code_for`): output neither json nor xml, a missing or wrong apiKey,
an unknown module or method, a missing or bad parameter, no ids, too many ids, none found.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from sms_contract.contract import mobizon_spec as mobizon
from sms_contract.contract.forms import FormError, decode_form
from sms_contract.simulator.clock import Clock
from sms_contract.simulator.mobizon import lifecycle, recipients
from sms_contract.simulator.mobizon.responses import data_for, envelope
from sms_contract.simulator.state import SimulatorState

SERVED = {"message": {"sendsmsmessage": mobizon.SEND, "getsmsstatus": mobizon.STATUS}}
_RECIPIENT = re.compile(r"^\+?[0-9]{6,15}$")
_DEFERRED = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")


def _code(situation: str, operation: str) -> int:
    return mobizon.code_for(situation, operation).code


async def mobizon_api(request: Request, state: SimulatorState) -> Response:
    query = dict(parse_qsl(request.url.query, keep_blank_values=True))
    output = query.get("output", "json").lower() or "json"
    if output not in mobizon.FORMATS:
        return envelope(_code("output_invalid", mobizon.ANY), [], None, "json")
    key = query.get("apiKey")
    if not key:
        return envelope(_code("api_key_missing", mobizon.ANY), [], None, output)
    if key != state.config.mobizon_api_key:
        return envelope(_code("api_key_invalid", mobizon.ANY), [], None, output)
    module, method = request.path_params["module"].lower(), request.path_params["method"].lower()
    if module not in SERVED:
        return envelope(_code("module_unknown", mobizon.ANY), [], None, output)
    operation = SERVED[module].get(method)
    if operation is None:
        return envelope(_code("method_unknown", mobizon.ANY), [], None, output)
    form = _params(query, await request.body())
    if operation == mobizon.SEND:
        return _send(state, key, form, output)
    return _status(state, key, form, output)


def _params(query: dict[str, str], body: bytes) -> dict[str, Any]:
    """Query parameters and the form body together (Mobizon reads both; the body wins)."""
    form: dict[str, Any] = {k: v for k, v in query.items() if k not in ("apiKey", "output", "api")}
    with contextlib.suppress(FormError):
        form.update(decode_form(body.decode("utf-8", "replace")))
    return form


def _send(state: SimulatorState, key: str, form: dict[str, Any], output: str) -> Response:
    op = mobizon.SEND
    for name, situation in (("recipient", "recipient_missing"), ("text", "text_missing")):
        if form.get(name) in (None, ""):
            return envelope(_code(situation, op), {name: f"{name} is required"}, None, output)
    recipient, text = form["recipient"], form["text"]
    if not isinstance(text, str):
        return envelope(_code("recipient_invalid", op), {"text": "a string"}, None, output)
    if not isinstance(recipient, str) or not _RECIPIENT.match(recipient):
        return envelope(
            _code("recipient_invalid", op),
            {"recipient": "the number must be in international format, digits only"},
            None,
            output,
        )
    params = form.get("params") if isinstance(form.get("params"), dict) else {}
    assert isinstance(params, dict)
    validity = params.get("validity")
    if validity is not None and not (str(validity).isdigit() and 60 <= int(validity) <= 1440):
        return envelope(
            _code("validity_out_of_range", op),
            {"validity": "from 60 to 1440 minutes"},
            None,
            output,
        )
    deferred = params.get("deferredToTs")
    if deferred is not None and not _DEFERRED.match(str(deferred)):
        return envelope(
            _code("recipient_invalid", op),  # a badly specified parameter: code 1
            {"deferredToTs": "YYYY-MM-DD HH:MM:SS"},
            None,
            output,
        )
    forced = recipients.forced_code(recipient)
    if forced is not None:
        return envelope(forced.code, data_for(forced, recipient), None, output)
    sender = form.get("from") if isinstance(form.get("from"), str) else None
    message = state.mobizon.add(
        key,
        recipient.lstrip("+"),
        text,
        sender,
        state.clock.now(),
        recipients.outcome(recipient).status,
        lifecycle.segments(text),
    )
    # status 2: sent without moderation (1 would be: awaiting moderation)
    data = {"campaignId": message.campaign_id, "messageId": message.id, "status": 2}
    return envelope(0, data, None, output)


def _ids(form: dict[str, Any]) -> list[str]:
    ids = form.get("ids")
    if ids is None:
        return []
    if isinstance(ids, list):
        return [str(i) for i in ids if str(i)]
    if isinstance(ids, dict):
        return [str(i) for i in ids.values() if str(i)]
    return [part.strip() for part in str(ids).split(",") if part.strip()]


def _status(state: SimulatorState, key: str, form: dict[str, Any], output: str) -> Response:
    op = mobizon.STATUS
    ids = _ids(form)
    if not ids:
        return envelope(_code("ids_missing", op), [], None, output)
    if len(ids) > 100:
        return envelope(_code("ids_too_many", op), {"ids": "at most 100 ids"}, None, output)
    now = state.clock.now()
    items = []
    for raw in dict.fromkeys(ids):
        message = state.mobizon.get(key, int(raw)) if raw.isdigit() else None
        if message is None:
            continue  # unknown ids are left out of the answer (Mobizon's getSMSStatus page)
        status = lifecycle.status_at(message, now, state.config)
        started = status != mobizon.lifecycle_steps()[0].status
        items.append(
            {
                "id": message.id,
                "status": status,
                "segNum": message.segments,
                # "If the message has not been sent yet, the field value will be NULL"
                "startSendTs": Clock.exotel(message.created_at) if started else None,
                "statusUpdateTs": Clock.exotel(lifecycle.updated_at(message, now, state.config))
                if started
                else None,
            }
        )
    if not items:
        return envelope(_code("ids_unknown", op), [], None, output)
    return envelope(0, items, None, output)

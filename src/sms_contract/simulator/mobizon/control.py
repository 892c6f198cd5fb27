"""The control API's Mobizon part, under /_control/mobizon (tests steer instead of sleeping).

POST /_control/mobizon/webhooks               {"url": URL, "secret": S?,  register the webhook of
                                               "replace": true?}       the simulator's apiKey
                                                                        (replace: drop the others)
POST /_control/mobizon/messages/{id}/status   {"status": S}            force a status (a final
                                                                        one fires the webhook)
GET  /_control/mobizon/deliveries                                       every webhook attempt
GET  /_control/mobizon/scenarios                                        the test recipients
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sms_contract.contract import mobizon_spec as mobizon
from sms_contract.simulator.control import _json, _problem, _state
from sms_contract.simulator.mobizon import recipients


async def add_webhook(request: Request) -> JSONResponse:
    state = _state(request)
    data = await _json(request)
    url = str(data.get("url", ""))
    if not url.startswith(("http://", "https://")):
        return _problem("url must be an http(s) URL")
    key = state.config.mobizon_api_key
    if data.get("replace", True):  # one receiver at a time, unless asked to add one
        state.mobizon.drop_webhooks(key)
    hook = state.mobizon.add_webhook(key, url, str(data.get("secret", "simsecret")))
    return JSONResponse({"webhookId": hook.id, "url": hook.url})


async def force_status(request: Request) -> JSONResponse:
    state = _state(request)
    data = await _json(request)
    found = mobizon.status(str(data.get("status", "")))
    if found is None:
        return _problem("status must be an SMS status of the registry")
    message_id = int(request.path_params["id"])
    if state.mobizon.get(state.config.mobizon_api_key, message_id) is None:
        return _problem(f"no message {message_id}", 404)
    state.mobizon.force(message_id, found.status, state.clock.now())
    return JSONResponse({"id": message_id, "status": found.status, "final": found.final})


async def deliveries(request: Request) -> JSONResponse:
    return JSONResponse({"deliveries": _state(request).mobizon.deliveries()})


async def list_scenarios(request: Request) -> JSONResponse:
    out: dict[str, Any] = {
        "statuses": {n: s.status for n, s in recipients.status_recipients().items()},
        "codes": {n: c.code for n, c in recipients.code_recipients().items()},
        "default": mobizon.default_final().status,
    }
    return JSONResponse(out)


routes = [
    Route("/_control/mobizon/webhooks", add_webhook, methods=["POST"]),
    Route("/_control/mobizon/messages/{id:int}/status", force_status, methods=["POST"]),
    Route("/_control/mobizon/deliveries", deliveries, methods=["GET"]),
    Route("/_control/mobizon/scenarios", list_scenarios, methods=["GET"]),
]

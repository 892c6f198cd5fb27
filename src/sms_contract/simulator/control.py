"""The control API under /_control: tests steer the simulator instead of sleeping.

POST /_control/reset                    {"account": SID?}        forget messages and callbacks
POST /_control/accounts                 {"account": SID}         add an account (same credentials)
POST /_control/messages/{sid}/state     {"code": DSC}            force a state (fires its callback)
POST /_control/messages/{sid}/click     {"url": URL?}            click the message's short URL
                                                                  (fires its click callback)
POST /_control/clock/advance            {"seconds": N}           move the virtual clock
POST /_control/errors                   {"error": ID, "scope": "send"|"details", "count": N,
                                         "account": SID?}         answer the next requests with a
                                                                  documented error row
GET  /_control/callbacks?account=SID                             every callback attempt
GET  /_control/scenarios                                         test numbers and their codes
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sms_contract.contract.registry import load_registries
from sms_contract.simulator import final_codes
from sms_contract.simulator.callback_sender import deliver_click
from sms_contract.simulator.state import SimulatorState


def _state(request: Request) -> SimulatorState:
    state: SimulatorState = request.app.state.simulator
    return state


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


def _problem(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def reset(request: Request) -> JSONResponse:
    state = _state(request)
    data = await _json(request)
    state.store.reset(data.get("account"))
    if data.get("account") is None:
        state.mobizon.reset()
    state.limiter.reset()
    state.forced.clear()
    return JSONResponse({"reset": data.get("account", "all")})


async def add_account(request: Request) -> JSONResponse:
    data = await _json(request)
    account = str(data.get("account", ""))
    if not account.isalnum():
        return _problem("account must be alphanumeric")
    _state(request).store.add_account(account)
    return JSONResponse({"account": account})


async def force_state(request: Request) -> JSONResponse:
    state = _state(request)
    data = await _json(request)
    code = load_registries().dsc(int(data.get("code", 0)))
    if code is None or code.catalogue != "reference":
        return _problem("code must be a DetailedStatusCode of the registry")
    sid = request.path_params["sid"]
    if not any(m.sid == sid for m in state.store.messages()):
        return _problem(f"no message {sid}", 404)
    state.store.force(sid, code.code, state.clock.now())
    return JSONResponse({"sid": sid, "Status": code.status, "DetailedStatusCode": code.code})


async def click(request: Request) -> JSONResponse:
    state = _state(request)
    data = await _json(request)
    sid = request.path_params["sid"]
    message = next((m for m in state.store.messages() if m.sid == sid), None)
    if message is None:
        return _problem(f"no message {sid}", 404)
    if not message.click_callback:
        return _problem(f"message {sid} asked for no ClickTrackingCallbackUrl")
    found = re.search(r"https?://\S+", message.body)
    long_url = str(data.get("url") or (found.group(0) if found else "https://example.com/"))
    task = asyncio.create_task(deliver_click(state, message, long_url))
    state.background.add(task)
    task.add_done_callback(state.background.discard)
    return JSONResponse({"sid": sid, "callback": message.click_callback, "long_url": long_url})


async def advance_clock(request: Request) -> JSONResponse:
    state = _state(request)
    data = await _json(request)
    now = state.clock.advance(float(data.get("seconds", 0)))
    return JSONResponse({"now": now})


async def force_errors(request: Request) -> JSONResponse:
    state = _state(request)
    data = await _json(request)
    error_id = str(data.get("error", ""))
    try:
        row = load_registries().http_error(error_id)
    except KeyError:
        return _problem(f"unknown error id {error_id!r}")
    scope = str(data.get("scope", "details" if row.scope == "details" else "send"))
    account = str(data.get("account", state.config.account_sid))
    state.forced[account][scope].extend([error_id] * int(data.get("count", 1)))
    return JSONResponse({"error": error_id, "scope": scope, "account": account})


async def callbacks(request: Request) -> JSONResponse:
    account = request.query_params.get("account")
    return JSONResponse({"attempts": _state(request).store.attempts(account)})


async def list_scenarios(request: Request) -> JSONResponse:
    return JSONResponse(
        {
            "test_numbers": {
                number: {"DetailedStatusCode": d.code, "Status": d.status, "DetailedStatus": d.name}
                for number, d in final_codes.codes_by_test_number().items()
            },
            "default": final_codes.default_final().code,
        }
    )


routes = [
    Route("/_control/reset", reset, methods=["POST"]),
    Route("/_control/accounts", add_account, methods=["POST"]),
    Route("/_control/messages/{sid}/state", force_state, methods=["POST"]),
    Route("/_control/messages/{sid}/click", click, methods=["POST"]),
    Route("/_control/clock/advance", advance_clock, methods=["POST"]),
    Route("/_control/errors", force_errors, methods=["POST"]),
    Route("/_control/callbacks", callbacks, methods=["GET"]),
    Route("/_control/scenarios", list_scenarios, methods=["GET"]),
]

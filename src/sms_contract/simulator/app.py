"""The simulator's ASGI application."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sms_contract.simulator import control
from sms_contract.simulator.callback_sender import CallbackSender, run_sender
from sms_contract.simulator.config import SimulatorConfig
from sms_contract.simulator.mobizon import control as mobizon_control
from sms_contract.simulator.mobizon.responses import envelope
from sms_contract.simulator.mobizon.routes import mobizon_api
from sms_contract.simulator.mobizon.webhooks import run_sender as run_mobizon_sender
from sms_contract.simulator.responses import error_response
from sms_contract.simulator.routes import provider_api
from sms_contract.simulator.state import SimulatorState

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
log = logging.getLogger(__name__)


async def _guarded(request: Request) -> Response:
    """Bad input never becomes a 500: anything unexpected is the documented processing error,
    logged with its traceback first, so a simulator bug is seen, not hidden behind the 500."""
    try:
        return await provider_api(request)
    except Exception:
        log.exception("unexpected error answering %s %s", request.method, request.url.path)
        return error_response("processing_error", request.url.path.endswith(".json"))


async def _mobizon_guarded(request: Request) -> Response:
    """Mobizon's API; anything unexpected is result code 3 (an unidentified application error)."""
    try:
        return await mobizon_api(request, request.app.state.simulator)
    except Exception:
        return envelope(3, [], None, "json")


Endpoint = Callable[[Request], Awaitable[Response]]


async def _control_guarded(request: Request, endpoint: Endpoint) -> Response:
    try:
        return await endpoint(request)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)


def create_app(
    config: SimulatorConfig | None = None, *, callbacks: CallbackSender | None = None
) -> Starlette:
    """A simulator app. Use it with uvicorn, or in-process through httpx.ASGITransport.

    `callbacks` replaces how callbacks are sent (the mutation harness injects faults there).
    """
    state = SimulatorState(config or SimulatorConfig(), callbacks)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        senders = [
            asyncio.create_task(run_sender(state)),
            asyncio.create_task(run_mobizon_sender(state)),
        ]
        try:
            yield
        finally:
            for sender in senders:
                sender.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sender
            state.store.close()
            state.mobizon.close()

    control_routes = [
        Route(r.path, _wrap(r.endpoint), methods=list(r.methods or []))
        for r in [*control.routes, *mobizon_control.routes]
    ]
    mobizon_route = Route("/service/{module}/{method}", _mobizon_guarded, methods=METHODS)
    app = Starlette(
        routes=[*control_routes, mobizon_route, Route("/{path:path}", _guarded, methods=METHODS)],
        lifespan=lifespan,
        # a path the catch-all cannot match (a newline in it) is still the provider API's to
        # answer with a documented error, never starlette's plain-text 404
        exception_handlers={404: _not_found},
    )
    app.state.simulator = state
    return app


async def _not_found(request: Request, exc: Exception) -> Response:
    return await _guarded(request)


def _wrap(endpoint: Callable[..., Any]) -> Endpoint:
    async def wrapped(request: Request) -> Response:
        return await _control_guarded(request, endpoint)

    return wrapped

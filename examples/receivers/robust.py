"""A webhook receiver that passes `sms-contract callbacks` for all four providers.

    uvicorn examples.receivers.robust:app --port 8000
    sms-contract callbacks --receiver-url http://127.0.0.1:8000/hooks --expect-reject

It checks each delivery with sms-contract's own `validate_callback` (tolerant mode, so provider
variants pass), acknowledges at once (real work would go to a queue), tolerates unknown fields
and any event order, answers a repeated delivery as it answered the first, and rejects what it
cannot read with 400, never 500.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sms_contract import validate_callback

PROVIDERS = ("exotel", "bandwidth", "hubbucs", "mobizon")
seen: set[bytes] = set()


def readable(body: bytes, content_type: str) -> bool:
    """True when the delivery is a callback of one of the four providers."""
    for provider in PROVIDERS:
        try:
            if not validate_callback(provider, body, content_type, mode="tolerant"):
                return True
        except ValueError:
            continue
    return False


async def hooks(request: Request) -> Response:
    body = await request.body()
    if not readable(body, request.headers.get("content-type", "")):
        return Response("unreadable callback", status_code=400)
    seen.add(body)  # idempotent: a duplicate changes nothing and gets the same answer
    return Response(status_code=204)


app = Starlette(routes=[Route("/hooks", hooks, methods=["POST"])])

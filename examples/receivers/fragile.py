"""A webhook receiver with the bugs teams ship, which `sms-contract callbacks` catches.

It assumes one JSON object (Bandwidth sends an array), a status it knows (crashes on others),
ASCII text, and treats a duplicate as an error.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

KNOWN = {"sent", "failed", "message-delivered", "DELIVRD"}
seen: set[str] = set()


async def hooks(request: Request) -> Response:
    body = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        event = json.loads(body)  # crashes (500) on malformed JSON
        status = event["type"] if "type" in event else event["data"]["status"]  # list -> 500
    else:
        event = dict(parse_qsl(body.decode()))
        event.get("CustomField", "").encode("ascii")  # stored in an ASCII column: 500 on unicode
        status = event["Status"]
    if status not in KNOWN:
        raise ValueError(f"unexpected status {status}")  # 500 on failed-dnd, message-sending, ...
    key = json.dumps(event, sort_keys=True)
    if key in seen:
        return Response("duplicate", status_code=409)
    seen.add(key)
    return Response("ok")


app = Starlette(routes=[Route("/hooks", hooks, methods=["POST"])])

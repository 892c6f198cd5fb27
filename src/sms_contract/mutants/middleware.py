"""ASGI middleware that rewrites the simulator's traffic: how a mutant breaks a correct server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import xmltodict
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sms_contract.contract.forms import FormError, decode_form
from sms_contract.mutants.asgi import read_body


@dataclass
class MutableResponse:
    """A provider-API response as a mutant sees it (with its request); rewrite `status`,
    `headers`, `body` or `data`."""

    method: str
    path: str
    request_body: bytes
    status: int
    headers: dict[str, str]
    body: bytes
    data: Any = field(default=None)
    # what the mutant remembers between exchanges of one app (a fault of the second request)
    memory: dict[str, Any] = field(default_factory=dict)

    @property
    def is_json(self) -> bool:
        return self.headers.get("content-type", "").startswith("application/json")

    @property
    def is_xml(self) -> bool:
        return "xml" in self.headers.get("content-type", "")

    def load(self) -> Any:
        """The body as data: JSON as is, XML as xmltodict's dict (root included)."""
        if self.data is None:
            if self.is_json:
                self.data = json.loads(self.body)
            elif self.is_xml:
                self.data = xmltodict.parse(self.body)
        return self.data

    def dump(self) -> None:
        """Write `data` back into `body`."""
        if self.data is None:
            return
        if self.is_json:
            self.body = json.dumps(self.data).encode()
        elif self.is_xml:
            self.body = xmltodict.unparse(self.data, full_document=True).encode()

    def messages(self) -> Iterator[dict[str, Any]]:
        """Every SMSMessage object of the body, JSON or XML."""
        data = self.load()
        if isinstance(data, dict) and "TwilioResponse" in data:
            data = data["TwilioResponse"] or {}
            found = data.get("SMSMessage") if isinstance(data, dict) else None
            items = found if isinstance(found, list) else [found]
            yield from (m for m in items if isinstance(m, dict))
            return
        if isinstance(data, dict) and isinstance(data.get("SMSMessage"), dict):
            yield data["SMSMessage"]
        elif isinstance(data, list):
            for item in data:
                if isinstance(item, dict) and isinstance(item.get("SMSMessage"), dict):
                    yield item["SMSMessage"]

    def form(self) -> dict[str, Any]:
        """The request's form, decoded ({} when it is not one)."""
        try:
            return decode_form(self.request_body)
        except FormError:
            return {}

    def items(self) -> list[dict[str, Any]]:
        """The bulk answer's items (each `{"SMSMessage": ...}` in JSON; the XML list), mutable."""
        data = self.load()
        if isinstance(data, list):
            return data
        if isinstance(data, dict) and isinstance(data.get("TwilioResponse"), dict):
            found = data["TwilioResponse"].get("SMSMessage")
            if isinstance(found, list):
                return found
        return []

    def answer_error(self, status: int, error: dict[str, Any]) -> None:
        """Replace the answer with a RestException (in the body's format)."""
        self.status = status
        if self.is_json:
            self.data = {"RestException": error}
        else:
            self.data = {"TwilioResponse": {"RestException": {k: str(v) for k, v in error.items()}}}

    def error(self) -> dict[str, Any] | None:
        """The RestException object of the body, JSON or XML, if any."""
        data = self.load()
        if isinstance(data, dict) and "TwilioResponse" in data:
            data = data["TwilioResponse"] or {}
        found = data.get("RestException") if isinstance(data, dict) else None
        return found if isinstance(found, dict) else None


@dataclass
class MutableRequest:
    """A request before the simulator sees it; rewrite `headers` or `body`."""

    method: str
    path: str
    headers: list[tuple[bytes, bytes]]
    body: bytes
    memory: dict[str, Any] = field(default_factory=dict)

    def form(self) -> dict[str, Any]:
        """The request's form, decoded ({} when it is not one)."""
        try:
            return decode_form(self.body)
        except FormError:
            return {}

    def replace_body(self, body: bytes) -> None:
        self.body = body
        self.headers = [(k, v) for k, v in self.headers if k.lower() != b"content-length"]
        self.headers.append((b"content-length", str(len(body)).encode()))


ResponseRewrite = Callable[[MutableResponse], None]
RequestRewrite = Callable[[MutableRequest], None]


class Rewrite:
    """Buffer each provider-API request (its path starts with `prefix`: /v1 for Exotel,
    /service for Mobizon) and its response, and pass them through the rewrites."""

    def __init__(
        self,
        app: ASGIApp,
        response: ResponseRewrite | None = None,
        request: RequestRewrite | None = None,
        prefix: str = "/v",
    ) -> None:
        self.app = app
        self.response = response
        self.request = request
        self.prefix = prefix
        self.memory: dict[str, Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        request = MutableRequest(
            scope["method"],
            scope["path"],
            list(scope["headers"]),
            await read_body(receive),
            self.memory,
        )
        if self.request:
            self.request(request)
        scope = dict(scope, headers=request.headers)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": request.body, "more_body": False}

        start: dict[str, Any] = {}
        body: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        await self.app(scope, replay, capture)
        headers = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
        exchange = MutableResponse(
            scope["method"],
            scope["path"],
            request.body,
            start["status"],
            headers,
            b"".join(body),
            memory=self.memory,
        )
        if self.response:
            self.response(exchange)
            exchange.dump()
        exchange.headers["content-length"] = str(len(exchange.body))
        await send(
            {
                "type": "http.response.start",
                "status": exchange.status,
                "headers": [(k.encode(), v.encode()) for k, v in exchange.headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": exchange.body})

"""A validating reverse proxy: traffic passes unchanged, every exchange is checked.

The proxy forwards each request to the upstream and streams the upstream's answer back byte
for byte (status, headers, body as sent, compressed or not). Only after the answer has gone
out does it validate the exchange with the same checks as replay, choosing the response
schema by the response's actual Content-Type. An upstream that cannot be reached gets a 502
from the proxy (reported as such); any answer the upstream gives, 5xx included, passes through.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.types import Message, Receive, Scope, Send

from sms_contract.asgi import read_body
from sms_contract.cassettes import Interaction, validate_interaction
from sms_contract.schemastore import Mode
from sms_contract.violations import Violation

# headers that describe one hop, not the message (RFC 9110 section 7.6.1)
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


@dataclass
class Exchange:
    """One proxied request and response, as the proxy saw them."""

    method: str
    url: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    response_headers: list[tuple[str, str]]
    response_body: bytes
    seconds: float
    violations: list[Violation] = field(default_factory=list)

    def interaction(self) -> Interaction:
        """The exchange in the shape replay validates (bodies decompressed for reading)."""
        response_headers = _grouped(self.response_headers)
        request_headers = _grouped(self.request_headers)
        encoding = (response_headers.get("content-encoding") or [""])[0]
        return Interaction(
            method=self.method,
            uri=self.url,
            request_headers=request_headers,
            request_body=self.request_body.decode("utf-8", "replace") or None,
            status=self.status,
            response_headers=response_headers,
            response_body=_decoded(self.response_body, encoding).decode("utf-8", "replace"),
        )


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Header pairs as vcrpy keeps them: lower-case name -> every value, in order."""
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name.lower(), []).append(value)
    return out


def _decoded(body: bytes, encoding: str) -> bytes:
    try:
        if encoding == "gzip":
            return zlib.decompress(body, 16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            return zlib.decompress(body)
    except zlib.error:
        return body
    return body


class ValidatingProxy:
    """An ASGI app forwarding everything to `upstream` and validating each exchange."""

    def __init__(
        self,
        upstream: str,
        *,
        mode: Mode = "strict",
        on_exchange: Callable[[Exchange], None] | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.mode = mode
        self.on_exchange = on_exchange
        self.exchanges: list[Exchange] = []
        self.upstream_errors = 0
        self._client = httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        query = scope.get("query_string", b"").decode("latin-1")
        url = self.upstream + scope.get("raw_path", scope["path"].encode()).decode("latin-1")
        url += f"?{query}" if query else ""
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in scope["headers"]
            if k.decode("latin-1").lower() not in HOP_BY_HOP | {"host", "content-length"}
        ]
        started = time.perf_counter()
        request = self._client.build_request(scope["method"], url, headers=headers, content=body)
        try:
            response = await self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            self.upstream_errors += 1
            text = f"sms-contract proxy: upstream unreachable: {type(exc).__name__}".encode()
            await _answer(send, 502, [(b"content-type", b"text/plain")], text)
            return
        sent_headers = [
            (k.encode("latin-1"), v.encode("latin-1"))
            for k, v in response.headers.multi_items()
            if k.lower() not in HOP_BY_HOP
        ]
        await send({"type": "http.response.start", "status": response.status_code,
                    "headers": sent_headers})  # fmt: skip
        received = []
        try:
            async for chunk in response.aiter_raw():
                received.append(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            await response.aclose()
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        exchange = Exchange(
            scope["method"],
            url,
            headers,
            body,
            response.status_code,
            [(k.decode("latin-1"), v.decode("latin-1")) for k, v in sent_headers],
            b"".join(received),
            time.perf_counter() - started,
        )
        self._check(exchange)

    def _check(self, exchange: Exchange) -> None:
        # an operation outside the contract is itself a finding, so everything is checked
        exchange.violations = validate_interaction(exchange.interaction(), self.mode)
        self.exchanges.append(exchange)
        if self.on_exchange:
            self.on_exchange(exchange)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    start: Message = {"type": "http.response.start", "status": status, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": body})


def write_cassette(exchanges: list[Exchange], path: Any, secrets: tuple[str, ...] = ()) -> None:
    """The exchanges as one vcrpy cassette, through the same scrubber as recording."""
    from vcr.request import Request as VcrRequest
    from vcr.serialize import serialize
    from vcr.serializers import yamlserializer

    from sms_contract.cassettes import scrubber

    before_request, before_response = scrubber(secrets)
    requests, responses = [], []
    for exchange in exchanges:
        interaction = exchange.interaction()
        request = before_request(
            VcrRequest(
                exchange.method,
                exchange.url,
                exchange.request_body or None,
                interaction.request_headers,
            )
        )
        response = before_response(
            {
                "status": {"code": exchange.status, "message": ""},
                "headers": {
                    k: v for k, v in interaction.response_headers.items() if k != "content-encoding"
                },
                "body": {"string": interaction.response_body or ""},
            }
        )
        requests.append(request)
        responses.append(response)
    text = serialize({"requests": requests, "responses": responses}, yamlserializer)
    path.write_text(text, encoding="utf-8")

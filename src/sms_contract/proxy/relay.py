"""A validating reverse proxy: traffic passes unchanged, every exchange is checked.

The proxy forwards each request to the upstream and relays the upstream's answer back byte
for byte as it arrives (status line, headers, framing and body as sent, compressed or not).
Only after the answer has gone out does it validate the exchange with the same checks as
replay, choosing the response schema by the response's actual Content-Type; an exchange
outside the contract's paths (the Voice API on the same host) is relayed and counted, never
checked. An upstream that
cannot be reached gets a 502 from the proxy (reported as such); any answer the upstream gives,
5xx included, passes through.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote, urlsplit

import httptools

from sms_contract.cassettes.cassette import Interaction, validate_interaction
from sms_contract.contract.schemastore import Mode
from sms_contract.contract.scope import in_scope
from sms_contract.contract.violations import Violation
from sms_contract.proxy.http1 import ClientRequest, RequestReader, Response

# headers that describe one hop, not the message (RFC 9110 section 7.6.1)
HOP_BY_HOP = {
    b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te",
    b"trailer", b"transfer-encoding", b"upgrade",
}  # fmt: skip


@dataclass
class ProxiedExchange:
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
    # outside the contract's paths (another API on the same host): relayed, never checked
    outside: bool = False

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
    """A reverse proxy forwarding everything to `upstream` and validating each exchange.

    It speaks HTTP/1.x on asyncio streams with httptools, not through an ASGI server and an
    HTTP client: those cost more CPU per request than the simulator behind them (measured,
    0.51x direct throughput), while a relay that only frames messages adds little. Each
    client connection has its own upstream connection, kept alive as long as both sides
    keep theirs, so the upstream sees the client's own connection semantics.
    """

    def __init__(
        self,
        upstream: str,
        *,
        mode: Mode = "strict",
        on_exchange: Callable[[ProxiedExchange], None] | None = None,
        timeout: float = 60.0,
        keep_exchanges: bool = True,
    ) -> None:
        parts = urlsplit(upstream)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"upstream must be an http:// or https:// URL, got {upstream!r}")
        self.upstream = upstream.rstrip("/")
        self.mode = mode
        self.on_exchange = on_exchange
        self.timeout = timeout
        # every exchange, for a caller that reads them afterwards; a long-running proxy passes
        # keep_exchanges=False and counts them in on_exchange, so its memory stays flat
        self.exchanges: list[ProxiedExchange] = []
        self.keep_exchanges = keep_exchanges
        self.upstream_errors = 0
        # exchanges are checked on one worker thread, off the event loop: a slow check holds
        # back only the next request of its own connection, never the relay of the others
        self._checker = concurrent.futures.ThreadPoolExecutor(1, "sms-contract-check")
        self._address = (parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        self._tls = parts.scheme == "https"
        self._prefix = parts.path.rstrip("/").encode("latin-1")
        self._host = parts.netloc.rpartition("@")[2].encode("idna")
        # credentials in the upstream URL (https://KEY:TOKEN@host, as Exotel's examples write
        # it) authenticate the requests that bring none of their own
        self._authorization = (
            b"Basic "
            + base64.b64encode(
                f"{unquote(parts.username or '')}:{unquote(parts.password or '')}".encode()
            )
            if parts.username is not None
            else None
        )
        self._origin = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
        self._connections: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        # seconds a stop waits for a connection still relaying before it cuts it off
        self.grace = 5.0

    async def serve(
        self,
        host: str,
        port: int,
        stop: asyncio.Event,
        ready: Callable[[str], None] | None = None,
    ) -> None:
        """Listen on host:port until `stop` is set (raises OSError if it cannot listen)."""
        server = await asyncio.start_server(self._client, host, port)
        bound = server.sockets[0].getsockname()[1]
        if ready:
            ready(f"http://{host}:{bound}")
        async with server:
            await stop.wait()
            server.close()
            for writer in list(self._connections):
                writer.close()
            # let each connection's handler see its end and close its upstream, so no
            # handler outlives the loop it runs on
            handlers = set(self._handlers)
            if handlers:
                _, late = await asyncio.wait(handlers, timeout=self.grace)
                for task in late:
                    task.cancel()
                if late:
                    await asyncio.wait(late, timeout=5)
            # the checker runs its queue in order: once this no-op has run, every exchange
            # relayed so far is checked and counted, however slow the machine is
            await asyncio.wrap_future(self._checker.submit(lambda: None))
            await server.wait_closed()

    @contextlib.contextmanager
    def running(self, host: str = "127.0.0.1") -> Iterator[str]:
        """Serve on a free port in a background thread; yield the proxy's base URL."""
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        started: list[str] = []
        failed: list[BaseException] = []

        def run() -> None:
            try:
                loop.run_until_complete(self.serve(host, 0, stop, started.append))
            except BaseException as exc:  # reported to the caller below
                failed.append(exc)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 60  # generous: only waited out when something is wrong
        while not started:
            if failed or not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the proxy did not start: {failed[:1]}")
            time.sleep(0.01)
        try:
            yield started[0]
        finally:
            loop.call_soon_threadsafe(stop.set)
            thread.join(timeout=60)
            loop.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handler = asyncio.current_task()
        if handler is not None:
            self._handlers.add(handler)
            handler.add_done_callback(self._handlers.discard)
        self._connections.add(writer)
        requests = RequestReader(reader, writer)
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while True:
                request = await requests.next()
                if request is None:
                    return
                response, upstream = await self._forward(request, upstream, writer)
                if response is None or not (request.keep_alive and response.keep_alive):
                    return
        except (ConnectionError, httptools.HttpParserError, asyncio.IncompleteReadError):
            return  # a client that hung up or sent something that is not HTTP
        finally:
            self._connections.discard(writer)
            writer.close()
            if upstream is not None:
                upstream[1].close()

    async def _forward(
        self,
        request: ClientRequest,
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None,
        writer: asyncio.StreamWriter,
    ) -> tuple[Response | None, tuple[asyncio.StreamReader, asyncio.StreamWriter] | None]:
        """Send one request upstream and relay its answer; (None, None) after a 502."""
        started = time.perf_counter()
        target = _origin_form(request.target)
        message = self._request_bytes(request, target)
        # a kept-alive upstream connection may have been closed in the meantime: one retry on
        # a fresh connection when it answers nothing at all
        response = Response(head_only=request.method == "HEAD")
        for reused in (True, False) if upstream is not None else (False,):
            try:
                if upstream is None:
                    upstream = await asyncio.wait_for(self._connect(), self.timeout)
                up_reader, up_writer = upstream
                up_writer.write(message)
                await response.relay(up_reader, writer, self.timeout)
                break
            except (OSError, TimeoutError, httptools.HttpParserError) as exc:
                if upstream is not None:
                    upstream[1].close()
                upstream = None
                if response.relayed:
                    # part of the answer is with the client already: all it can be told now is
                    # that the connection ended early, as a direct connection would tell it
                    self.upstream_errors += 1
                    raise ConnectionError("the upstream broke off its answer") from exc
                if not (reused and isinstance(exc, ConnectionError)):
                    return await self._unreachable(writer, exc)
        exchange = ProxiedExchange(
            request.method,
            self._origin + (self._prefix + target).decode("latin-1"),
            [
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, v in request.headers
                if k.lower() not in _NOT_RECORDED
            ],
            request.body,
            response.status,
            [
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, v in response.headers
                if k.lower() not in HOP_BY_HOP
            ],
            response.body,
            time.perf_counter() - started,
        )
        # shielded: a stop that cancels this handler must not drop the check of an answer the
        # client already has (a loaded machine checks slower than it relays); `serve` waits
        # for every check queued before it returns
        check = self._checker.submit(self._check, exchange)
        await asyncio.shield(asyncio.wrap_future(check))
        if not response.keep_alive and upstream is not None:
            upstream[1].close()
            upstream = None
        return response, upstream

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        host, port = self._address
        return await asyncio.open_connection(host, port, ssl=self._tls or None)

    def _request_bytes(self, request: ClientRequest, target: bytes) -> bytes:
        """The request as the upstream gets it: Host rewritten, body whole with its length."""
        lines = [
            request.method.encode("ascii"), b" ", self._prefix, target,
            b" HTTP/", request.version.encode("ascii"), b"\r\nHost: ", self._host, b"\r\n",
        ]  # fmt: skip
        for name, value in request.headers:
            if name.lower() not in _NOT_FORWARDED:
                lines += (name, b": ", value, b"\r\n")
        if self._authorization and request.header(b"authorization") is None:
            lines += (b"Authorization: ", self._authorization, b"\r\n")
        if (
            request.body
            or request.header(b"content-length")
            or request.header(b"transfer-encoding")
        ):
            lines.append(b"Content-Length: %d\r\n" % len(request.body))
        lines += (b"\r\n", request.body)
        return b"".join(lines)

    async def _unreachable(
        self, writer: asyncio.StreamWriter, exc: BaseException
    ) -> tuple[None, None]:
        """Answer 502 for an upstream that could not be reached (or broke off its answer)."""
        self.upstream_errors += 1
        if not writer.is_closing():
            text = f"sms-contract proxy: upstream unreachable: {type(exc).__name__}".encode()
            writer.write(
                b"HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\n"
                b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(text), text)
            )
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        return None, None

    def _check(self, exchange: ProxiedExchange) -> None:
        """Check one exchange (on the checker thread). Outside the contract's paths it is only
        counted; inside them a wrong method or an unknown operation is a finding."""
        exchange.outside = not in_scope(exchange.url)
        if not exchange.outside:
            exchange.violations = validate_interaction(exchange.interaction(), self.mode)
        if self.keep_exchanges:
            self.exchanges.append(exchange)
        if self.on_exchange:
            self.on_exchange(exchange)


# headers of the client's hop the upstream does not get as they were: Host is the upstream's,
# the body is sent whole with its own length, Expect was answered, and Upgrade is not relayed
_NOT_FORWARDED = {
    b"host", b"content-length", b"transfer-encoding", b"expect", b"upgrade", b"te",
    b"proxy-connection", b"proxy-authorization",
}  # fmt: skip
_NOT_RECORDED = HOP_BY_HOP | {b"host", b"content-length"}


def _origin_form(target: bytes) -> bytes:
    """`http://host/p?q` (a request to a forward proxy) -> `/p?q`; other targets as they are."""
    if target.startswith((b"http://", b"https://")):
        path_start = target.find(b"/", target.find(b"//") + 2)
        return target[path_start:] if path_start >= 0 else b"/"
    return target


class CassetteWriter:
    """A vcrpy cassette written one exchange at a time, through the same scrubber as recording:
    a proxy that runs for days keeps none of them in memory, and what was written stays
    readable if it is stopped hard. Nothing is written (no file) until the first exchange."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._handle: TextIO | None = None

    def add(self, exchange: ProxiedExchange, secrets: tuple[str, ...] = ()) -> None:
        from vcr.serializers import compat, yamlserializer

        request, response = _recorded(exchange, secrets)
        item = {
            "request": compat.convert_to_unicode(request._to_dict()),
            "response": compat.convert_to_unicode(response),
        }
        if self._handle is None:
            self._handle = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
            self._handle.write("interactions:\n")
        self._handle.write(yamlserializer.serialize([item]))
        self._handle.flush()
        self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.write("version: 1\n")
            self._handle.close()
            self._handle = None


def _recorded(exchange: ProxiedExchange, secrets: tuple[str, ...]) -> tuple[Any, dict[str, Any]]:
    """The exchange as vcrpy's request and response, scrubbed."""
    from vcr.request import Request as VcrRequest

    from sms_contract.cassettes.cassette import scrubber

    before_request, before_response = scrubber(secrets)
    interaction = exchange.interaction()
    request = before_request(
        VcrRequest(
            exchange.method, exchange.url, exchange.request_body or None,
            interaction.request_headers,
        )
    )  # fmt: skip
    response = before_response(
        {
            "status": {"code": exchange.status, "message": ""},
            "headers": {
                k: v for k, v in interaction.response_headers.items() if k != "content-encoding"
            },
            "body": {"string": interaction.response_body or ""},
        }
    )
    return request, response


def write_cassette(
    exchanges: list[ProxiedExchange], path: Path, secrets: tuple[str, ...] = ()
) -> None:
    """The exchanges as one vcrpy cassette, through the same scrubber as recording."""
    writer = CassetteWriter(path)
    try:
        for exchange in exchanges:
            writer.add(exchange, secrets)
    finally:
        writer.close()

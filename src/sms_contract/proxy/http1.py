"""HTTP/1.x message framing for the proxy, with httptools (llhttp, the parser Node.js uses).

The proxy reads whole requests (an SMS API's requests are small forms) and relays responses
as they arrive, byte for byte. These classes only find where messages begin and end and what
they say; they never change the bytes a response carries.
"""

from __future__ import annotations

import asyncio

import httptools


class ClientRequest:
    """One request as the client sent it: method, target, version, headers, whole body."""

    __slots__ = ("body", "headers", "keep_alive", "method", "target", "version")

    def __init__(self) -> None:
        self.method = ""
        self.target = b""
        self.version = "1.1"
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = b""
        self.keep_alive = True

    def header(self, name: bytes) -> bytes | None:
        """The first value of a header (`name` in lower case)."""
        return next((v for k, v in self.headers if k.lower() == name), None)


class RequestReader:
    """Parses the requests of one client connection, in order.

    A client that sends `Expect: 100-continue` waits for a go-ahead before its body: the reader
    gives it at once (the proxy takes every body), as uvicorn and other servers do.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._parser = httptools.HttpRequestParser(self)
        self._ready: list[ClientRequest] = []
        self._current = ClientRequest()
        self._url: list[bytes] = []
        self._body: list[bytes] = []

    async def next(self) -> ClientRequest | None:
        """The next complete request, or None when the client has closed the connection.

        Raises `httptools.HttpParserError` for bytes that are not HTTP/1.x.
        """
        while not self._ready:
            data = await self._reader.read(65536)
            if not data:
                return None
            try:
                self._parser.feed_data(data)
            except httptools.HttpParserUpgrade:
                # a request to switch protocols (WebSocket): the proxy relays HTTP only, so it
                # is forwarded without its Upgrade header, answered, and the connection ends
                if not self._ready:
                    return None
                self._ready[-1].keep_alive = False
        return self._ready.pop(0)

    # -- httptools callbacks ---------------------------------------------------------------
    def on_message_begin(self) -> None:
        self._current = ClientRequest()
        self._url.clear()
        self._body.clear()

    def on_url(self, url: bytes) -> None:
        self._url.append(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._current.headers.append((name, value.strip()))

    def on_headers_complete(self) -> None:
        request = self._current
        request.method = self._parser.get_method().decode("ascii")
        request.version = self._parser.get_http_version()
        request.target = b"".join(self._url)
        request.keep_alive = self._parser.should_keep_alive()
        if (request.header(b"expect") or b"").lower() == b"100-continue":
            self._writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self._current.body = b"".join(self._body)
        self._ready.append(self._current)


class UpstreamClosed(ConnectionError):
    """The upstream closed the connection before it sent a byte of its answer."""


class Response:
    """One upstream answer as it was relayed: status, headers, the body without its framing."""

    __slots__ = (
        "_body", "_done", "_keep_alive", "_parser", "_until_eof", "head_only", "headers",
        "relayed", "status",
    )  # fmt: skip

    def __init__(self, head_only: bool) -> None:
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.head_only = head_only  # the answer to HEAD: headers only, whatever they announce
        self._body: list[bytes] = []
        self._done = False
        self._keep_alive = False
        self._until_eof = False  # a body with neither a length nor chunks ends with the connection
        self.relayed = False  # True once a byte of the answer has gone to the client
        self._parser = httptools.HttpResponseParser(self)

    @property
    def body(self) -> bytes:
        return b"".join(self._body)

    @property
    def keep_alive(self) -> bool:
        """Whether the upstream keeps the connection open after this answer."""
        return self._keep_alive

    async def relay(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, idle_timeout: float
    ) -> None:
        """Read one answer from `reader`, writing every byte to `writer` as it arrives.

        Raises `UpstreamClosed` when the upstream closes before its first byte, TimeoutError
        when it sends nothing for `idle_timeout` seconds (a long stream that keeps sending is
        fine), and `httptools.HttpParserError` for an answer that is not HTTP/1.x.
        """
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(idle_timeout) as deadline:
            while not self._done:
                deadline.reschedule(loop.time() + idle_timeout)
                data = await reader.read(65536)
                if not data:
                    if not self.relayed:
                        raise UpstreamClosed("the upstream closed the connection")
                    if not self._until_eof:
                        raise ConnectionError("the upstream broke off its answer")
                    self._done, self._keep_alive = True, False
                    return
                self.relayed = True
                if not writer.is_closing():  # a client that left still gets its answer checked
                    writer.write(data)
                self._parser.feed_data(data)
                if writer.transport.get_write_buffer_size() > 262144:
                    await writer.drain()  # a slow client: do not buffer the whole body

    # -- httptools callbacks ---------------------------------------------------------------
    def on_message_begin(self) -> None:
        self.headers = []
        self._body = []

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value.strip()))

    def on_headers_complete(self) -> None:
        self.status = self._parser.get_status_code()
        # read now: llhttp forgets a message's flags once it is complete
        self._keep_alive = self._parser.should_keep_alive()
        framed = {name.lower() for name, _ in self.headers} & {
            b"content-length",
            b"transfer-encoding",
        }
        self._until_eof = not framed and self.status >= 200 and self.status not in (204, 304)
        if self.head_only and self.status >= 200:
            self._done = True

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        # an interim answer (100 Continue, 103 Early Hints) is relayed; the final one follows
        if self.status >= 200 or self.status == 101:
            self._done = True

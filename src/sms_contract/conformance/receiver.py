"""A throwaway webhook receiver on loopback that records what the target delivers to it."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class ReceivedCallback:
    """One POST the receiver got."""

    path: str
    content_type: str
    body: bytes

    def form(self) -> dict[str, str]:
        """The body read as a form (last value wins)."""
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))


class CallbackReceiver:
    """`with CallbackReceiver() as r:` serves `r.url`, answering 200 to every POST."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.deliveries: list[ReceivedCallback] = []
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                delivery = ReceivedCallback(
                    self.path, self.headers.get("Content-Type", ""), self.rfile.read(length)
                )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with receiver._arrived:
                    receiver.deliveries.append(delivery)
                    receiver._arrived.notify_all()

            def log_message(self, format: str, *args: object) -> None:
                pass  # the report says what arrived; access logs would only be noise

        self._server = ThreadingHTTPServer((host, 0), Handler)
        # shutdown() waits for the serving loop's next poll: at the default 0.5 s, every
        # receiver closed half a second late (a check run has five)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/status-callback"

    def wait(self, count: int, timeout: float) -> list[ReceivedCallback]:
        """Block until `count` deliveries arrived or `timeout` seconds passed; all so far."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.deliveries) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._arrived.wait(left)
            return list(self.deliveries)

    def __enter__(self) -> CallbackReceiver:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

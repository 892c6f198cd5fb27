"""The simulator served by uvicorn on a background thread: a real HTTP server for one run."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

from sms_contract.simulator.app import create_app
from sms_contract.simulator.config import SimulatorConfig


@contextlib.contextmanager
def running(
    app: ASGIApp | None = None, config: SimulatorConfig | None = None, host: str = "127.0.0.1"
) -> Iterator[str]:
    """Serve `app` (default: a fresh in-memory simulator) on a free port; yield its base URL."""
    if app is None:
        app = create_app(config or SimulatorConfig(db=":memory:"))
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=0, log_level="error", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the embedded simulator did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)

"""Soak: 100,000 requests through `sms-contract proxy` and its resident memory stays flat
after warm-up (every exchange is counted and dropped, not kept). Run with `-m slow -s` to see
the figures."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TOTAL = 100_000
WARM_UP = 20_000
CLIENTS = 4
# growth of the proxy's resident memory from warm-up to the end that still counts as flat
# (keeping every exchange, as before, grew it by hundreds of MB over this run)
FLAT_MB = 16

GOOD = (
    b'{"SMSMessage": {"Sid": "f7cc4bb4b4b44f9bb4b50b3f4670fdb8", "AccountSid": "simaccount", '
    b'"From": "ACME", "To": "+9100020005", "DateCreated": "2026-11-25 18:03:29", '
    b'"DateUpdated": "2026-11-25 18:03:29", "DateSent": null, "Body": "soak", '
    b'"Direction": "outbound-api", '
    b'"Uri": "/v1/Accounts/simaccount/SMS/Messages/f7cc4bb4b4b44f9bb4b50b3f4670fdb8.json", '
    b'"ApiVersion": null, "Price": null, "Status": "queued", "DetailedStatusCode": 21010, '
    b'"DetailedStatus": "PENDING_TO_OPERATOR", "SmsUnits": null}}'
)
BROKEN = GOOD.replace(b'"DateCreated": "2026-11-25 18:03:29", ', b"")
CALL = b'{"Call": {"Sid": "c1", "Status": "in-progress"}}'
FORM = b"From=ACME&To=%2B9100020005&Body=soak"


def _answer(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (
        len(body),
        body,
    )


async def _upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A fast stand-in for the provider's host: SMS sends (some broken) and Voice calls."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length: *(\d+)", head)
            if length:
                await reader.readexactly(int(length.group(1)))
            path = head.split(b" ", 2)[1]
            if b"/Calls/" in path:
                writer.write(_answer(CALL))
            else:
                writer.write(_answer(BROKEN if b"break" in head.lower() else GOOD))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()


@pytest.fixture
def upstream() -> Iterator[str]:
    loop = asyncio.new_event_loop()
    ready: list[int] = []
    stop = asyncio.Event()

    async def serve() -> None:
        server = await asyncio.start_server(_upstream, "127.0.0.1", 0)
        ready.append(server.sockets[0].getsockname()[1])
        async with server:
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    while not ready:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{ready[0]}"
    loop.call_soon_threadsafe(stop.set)
    thread.join(timeout=30)


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]


def _request(index: int) -> bytes:
    if index % 10 == 9:  # the Voice API on the same host, a new call id each time
        return (
            b"POST /v1/Accounts/simaccount/Calls/%d/connect.json HTTP/1.1\r\nhost: x\r\n"
            b"content-length: 7\r\n\r\nFrom=01" % index
        )
    extra = b"x-break: 1\r\n" if index % 10 == 5 else b""  # a broken answer now and then
    return (
        b"POST /v1/Accounts/simaccount/Sms/send.json HTTP/1.1\r\nhost: x\r\n%s"
        b"content-type: application/x-www-form-urlencoded\r\ncontent-length: %d\r\n\r\n%s"
        % (extra, len(FORM), FORM)
    )


def _client(port: int, start: int, count: int, done: list[int]) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=120) as conn:
        buffer = b""
        for index in range(start, start + count):
            conn.sendall(_request(index))
            while b"\r\n\r\n" not in buffer:
                buffer += conn.recv(65536)
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
            while len(buffer) < length:
                buffer += conn.recv(65536)
            buffer = buffer[length:]
            done[0] += 1


def _drive(port: int, first: int, count: int) -> None:
    done = [0]
    per = count // CLIENTS
    threads = [
        threading.Thread(target=_client, args=(port, first + i * per, per, done))
        for i in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_proxy_memory_stays_flat_over_100000_requests(upstream: str, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "sms_contract.cli", "proxy", "--upstream", upstream,
         "--listen", f"127.0.0.1:{port}", "--report", str(tmp_path / "soak.md"),
         "--fail-on-violation"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert time.monotonic() < deadline, "the proxy did not start"
            time.sleep(0.05)
        started = time.perf_counter()
        _drive(port, 0, WARM_UP)
        samples = [(WARM_UP, _rss_mb(process.pid))]
        sent = WARM_UP
        while sent < TOTAL:
            _drive(port, sent, 20_000)
            sent += 20_000
            samples.append((sent, _rss_mb(process.pid)))
        seconds = time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=300)
    growth = max(mb for _, mb in samples) - samples[0][1]
    print(
        f"\nproxy soak: {sent} requests in {seconds:.0f} s ({sent / seconds:.0f}/s); "
        f"RSS after warm-up {samples[0][1]:.1f} MB, then "
        + ", ".join(f"{n // 1000}k: {mb:.1f} MB" for n, mb in samples[1:])
        + f"; growth {growth:.1f} MB"
    )
    assert process.returncode == 1  # the broken answers were found
    assert f"{TOTAL * 8 // 10} exchanges passed, {TOTAL // 10} failed, {TOTAL // 10} outside" in out
    assert growth < FLAT_MB, samples

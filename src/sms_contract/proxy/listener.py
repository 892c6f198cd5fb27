"""One proxy session: relay and check until stopped, count into a `ProxyReport`, and record
the traffic the contract speaks for. The `proxy` command is a shell around `run_proxy`.

Nothing of an exchange is kept once counted and written, so a proxy that runs for days holds
the same memory as one that ran for a minute.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import datetime as dt
import itertools
import signal
import time
from collections.abc import Callable
from pathlib import Path

from sms_contract.cassettes.filters import redact_url
from sms_contract.checks.coverage import Gate
from sms_contract.contract.schemastore import Mode
from sms_contract.proxy.relay import CassetteWriter, ProxiedExchange, ValidatingProxy
from sms_contract.proxy.tally import ProxyReport


def credentials(authorization: str) -> set[str]:
    """The secret parts of an Authorization value: the whole credential and, for Basic, the
    token inside it, so neither can reach a log or a report."""
    scheme, _, credential = authorization.partition(" ")
    found = {credential}
    if scheme.lower() == "basic":
        with contextlib.suppress(binascii.Error, UnicodeDecodeError):
            found.add(base64.b64decode(credential).decode("utf-8").partition(":")[2])
    return {s for s in found if s}


def new_report(upstream: str, mode: Mode, gate: Gate) -> ProxyReport:
    """An empty report for a session relaying to `upstream` (shown without credentials)."""
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return ProxyReport(redact_url(upstream), mode, started, gate=gate)


def run_proxy(
    upstream: str,
    host: str,
    port: int,
    report: ProxyReport,
    *,
    record: Path | None = None,
    on_listening: Callable[[str], None] = lambda url: None,
    on_violation: Callable[[str], None] = lambda line: None,
) -> ProxyReport:
    """Relay `host:port` -> `upstream` until SIGINT or SIGTERM (or Ctrl-C), counting each
    exchange into `report` and writing the checked ones to a cassette under `record`.

    Raises ValueError for an upstream the proxy cannot use and OSError when it cannot listen.
    """
    secrets: set[str] = set()
    writer: CassetteWriter | None = None
    seen = itertools.count()

    def counted(exchange: ProxiedExchange) -> None:
        for name, value in exchange.request_headers:
            if name.lower() == "authorization" and " " in value:
                secrets.update(credentials(value))
        report.secrets = tuple(secrets)
        for violation in exchange.violations:
            on_violation(report.scrub(f"violation: {violation}"))
        report.add(exchange, next(seen))
        # the cassette holds what the contract speaks for, so validating it later agrees with
        # the proxy; the rest of the traffic is only listed
        if writer is not None and not exchange.outside:
            writer.add(exchange, report.secrets)

    app = ValidatingProxy(upstream, mode=report.mode, on_exchange=counted, keep_exchanges=False)
    if record is not None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        writer = CassetteWriter(record / f"proxy-{stamp}.yaml")
    started = time.perf_counter()
    try:
        asyncio.run(_serve_until_signalled(app, host, port, on_listening))
    except KeyboardInterrupt:
        pass  # where the loop cannot take signals (Windows), Ctrl-C arrives here
    finally:
        if writer is not None:
            writer.close()
        report.upstream_errors = app.upstream_errors
        report.seconds = time.perf_counter() - started
        report.coverage.narrow_to_seen_providers()
    return report


async def _serve_until_signalled(
    app: ValidatingProxy, host: str, port: int, on_listening: Callable[[str], None]
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    await app.serve(host, port, stop, on_listening)

"""`serve` and `proxy`: the reference simulator, and the validating proxy."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sms_contract.checks.coverage import Gate
from sms_contract.cli.group import (
    EXIT_NOTHING_CHECKED,
    EXIT_OK,
    EXIT_VIOLATIONS,
    fail,
    main,
    require_contract,
)
from sms_contract.cli.options import (
    coverage_options,
    gate_in_scope,
    mode_option,
    report_path,
    writable_folder,
)
from sms_contract.cli.output import is_html, print_proxy_summary, write_report
from sms_contract.contract.schemastore import Mode
from sms_contract.simulator.config import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_API_KEY,
    DEFAULT_API_TOKEN,
    DEFAULT_DB,
    SimulatorConfig,
)

if TYPE_CHECKING:
    from sms_contract.proxy.tally import ProxyReport


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite file, or :memory:")
@click.option("--account-sid", default=DEFAULT_ACCOUNT_SID, show_default=True)
@click.option("--api-key", default=DEFAULT_API_KEY, show_default=True)
@click.option("--api-token", default=DEFAULT_API_TOKEN, help="default: the documented token")
@click.option("--realistic", is_flag=True, help="1 s per lifecycle step instead of instant")
@click.option(
    "--post-limit",
    type=click.IntRange(min=1),
    default=None,
    help="POST requests a minute per account before 429 (default: Exotel's published 200)",
)
@click.option("--get-limit", type=click.IntRange(min=1), default=None, help="GET requests a minute")
def serve(
    host: str,
    port: int,
    db: str,
    account_sid: str,
    api_key: str,
    api_token: str,
    realistic: bool,
    post_limit: int | None,
    get_limit: int | None,
) -> None:
    """Serve the reference Exotel-compatible simulator until stopped.

    Example: sms-contract serve --port 8765 --db :memory:
    """
    import uvicorn

    config = SimulatorConfig(
        account_sid=account_sid, api_key=api_key, api_token=api_token, db=db, instant=not realistic
    )
    config.post_limit_per_minute = post_limit or config.post_limit_per_minute
    config.get_limit_per_minute = get_limit or config.get_limit_per_minute
    # the socket and the database first: either failing is one line, before any banner
    listening = bind(host, port)
    port = listening.getsockname()[1]  # --port 0: the port the system gave
    app = open_simulator(config)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"sms-contract simulator on http://{shown}:{port}")
    click.echo(f"  account SID: {account_sid}")
    click.echo(f"  API key:     {api_key}")
    if config.token_is_default:
        click.echo(f"  API token:   {api_token} (the documented default)")
    click.echo(f"  send:        POST http://{shown}:{port}/v1/Accounts/{account_sid}/Sms/send.json")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    try:
        server.run(sockets=[listening])
    except KeyboardInterrupt:
        pass  # uvicorn has stopped; stopping the simulator is its normal end
    finally:
        listening.close()


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; one `error:` line when it cannot be had."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )[0]
        # proto=IPPROTO_TCP, not socket.create_server's 0: asyncio sets TCP_NODELAY only on
        # connections whose socket says TCP, and without it each answer waited ~40 ms for a
        # delayed ACK (Nagle), 44 ms a request instead of 0.5
        listening = socket.socket(family, kind, proto)
        try:
            # as socket.create_server does: reuse a port in TIME_WAIT (not on Windows, where
            # the flag lets a second server take a port in use), and an IPv6 host only IPv6
            if os.name not in ("nt", "cygwin") and hasattr(socket, "SO_REUSEADDR"):
                listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                listening.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            listening.bind(address)
            listening.listen()
        except OSError:
            listening.close()
            raise
        return listening
    except OSError as exc:
        reason = (exc.strerror or str(exc)).split(" (while attempting")[0]
        fail(f"cannot listen on {host}:{port}: {reason}")


def open_simulator(config: SimulatorConfig) -> Any:
    """The simulator app with its database open; a --db that cannot be one is one line."""
    import sqlite3

    from sms_contract.simulator import create_app

    db = Path(config.db)
    if config.db != ":memory:":
        if db.is_dir():
            fail(f"--db {db}: is a folder, not a file")
        if not db.parent.is_dir():
            fail(f"--db {db}: the folder {db.parent} does not exist")
    try:
        return create_app(config)
    except (sqlite3.Error, OSError) as exc:
        if "not a database" in str(exc):
            fail(f"--db {db}: not an SQLite database")
        fail(f"--db {db}: cannot open or write it ({exc}); use a writable path or :memory:")


@main.command()
@click.option("--upstream", required=True, metavar="URL", help="the SMS API to forward to")
@click.option(
    "--listen",
    default="127.0.0.1:8780",
    show_default=True,
    metavar="HOST:PORT",
    help="where the proxy listens (loopback by default)",
)
@click.option(
    "--record", type=click.Path(path_type=Path), help="folder for a cassette of the traffic"
)
@click.option("--report", type=click.Path(path_type=Path), help=".html or .md")
@click.option(
    "--fail-on-violation",
    is_flag=True,
    help="exit 1 when any exchange broke it, 5 when none was checked",
)
@mode_option
@coverage_options
def proxy(
    upstream: str,
    listen: str,
    record: Path | None,
    report: Path | None,
    fail_on_violation: bool,
    mode: Mode,
    gate: Gate,
) -> None:
    """Sit between an application and an SMS API; check every exchange, change nothing.

    Point your application (or its integration tests) at the proxy. Each violation is logged as
    it happens, one line each; the summary comes at exit (Ctrl-C). Traffic outside the
    contract's paths (the Voice API on the same host) is relayed, counted and listed, never a
    violation, and not recorded. With --fail-on-violation: exit 1 on a violation, 5 when
    nothing was checked (an unreachable upstream, no traffic). The summary says which
    documented behaviours the traffic exercised; --min-coverage / --require-coverage make
    the ones it never exercised exit 1.

    \b
    Example:
      sms-contract proxy --upstream https://api.exotel.com --record cassettes/live \\
          --report proxy.html --fail-on-violation
    """
    require_contract()
    from sms_contract.proxy.listener import new_report, run_proxy

    if not upstream.startswith(("http://", "https://")):
        fail(f"--upstream must start with http:// or https://, got {upstream!r}")
    host, sep, port_text = listen.rpartition(":")
    if not sep or not port_text.isdigit() or not host:
        fail(f"--listen must be HOST:PORT, got {listen!r}")
    report_path(report)
    if record is not None:
        writable_folder(record, "--record")
    run = new_report(upstream, mode, gate)
    gate_in_scope(gate, run.coverage, "proxy")
    try:
        run_proxy(
            upstream,
            host,
            int(port_text),
            run,
            record=record,
            on_listening=lambda url: click.echo(
                f"sms-contract proxy on {url} -> {run.upstream}", err=True
            ),
            on_violation=lambda line: click.echo(line, err=True),
        )
    except ValueError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot listen on {listen}: {exc.strerror or exc}")
    print_proxy_summary(run)
    if report:
        write_report(report, run.to_html if is_html(report) else run.to_markdown)
    if run.upstream_errors:
        click.echo(f"{run.upstream_errors} requests could not reach {run.upstream}", err=True)
    sys.exit(proxy_exit_code(run, fail_on_violation))


def echo_err(line: str) -> None:
    click.echo(line, err=True)


def proxy_exit_code(run: ProxyReport, fail_on_violation: bool) -> int:
    """1 for uncovered behaviours the gate requires; with --fail-on-violation, 1 for a
    violation and 5 when nothing was checked (an unreachable upstream, an idle proxy)."""
    if run.uncovered:
        return EXIT_VIOLATIONS
    if not fail_on_violation:
        return EXIT_OK
    if run.failed:
        return EXIT_VIOLATIONS
    return EXIT_OK if run.checked else EXIT_NOTHING_CHECKED

"""The `sms-contract` command line."""

from __future__ import annotations

import sys

import click

from sms_contract.simulator.config import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_API_KEY,
    DEFAULT_API_TOKEN,
    DEFAULT_DB,
    SimulatorConfig,
)


@click.group()
@click.version_option(package_name="sms-contract")
def main() -> None:
    """Contract tests and recorded fixtures for SMS provider APIs."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite file, or :memory:")
@click.option("--account-sid", default=DEFAULT_ACCOUNT_SID, show_default=True)
@click.option("--api-key", default=DEFAULT_API_KEY, show_default=True)
@click.option("--api-token", default=DEFAULT_API_TOKEN, help="default: the documented token")
@click.option("--realistic", is_flag=True, help="1 s per lifecycle step instead of instant")
def serve(
    host: str, port: int, db: str, account_sid: str, api_key: str, api_token: str, realistic: bool
) -> None:
    """Serve the reference Exotel-compatible simulator until stopped.

    Example: sms-contract serve --port 8765 --db :memory:
    """
    import uvicorn

    from sms_contract.simulator import create_app

    config = SimulatorConfig(
        account_sid=account_sid, api_key=api_key, api_token=api_token, db=db, instant=not realistic
    )
    app = create_app(config)
    click.echo(f"sms-contract simulator on http://{host}:{port}")
    click.echo(f"  account SID: {account_sid}")
    click.echo(f"  API key:     {api_key}")
    if config.token_is_default:
        click.echo(f"  API token:   {api_token} (the documented default)")
    click.echo(f"  send:        POST http://{host}:{port}/v1/Accounts/{account_sid}/Sms/send.json")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    except OSError as exc:
        click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(2)

"""The `sms-contract` group, its exit codes, and the one way a command fails.

Exit codes: 0 conforms, 1 violations found, 2 usage error / bad input / unreachable target,
130 interrupted (what finished is still reported).
"""

from __future__ import annotations

import sys
from typing import NoReturn

import click

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """One clear line on stderr and a CI-usable exit code; never a traceback."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def require_contract() -> None:
    """Load the contract up front, so a broken spec is one line, not a traceback mid-run."""
    from sms_contract.contract.spec import ContractError, load_contract

    try:
        load_contract()
    except ContractError as exc:
        fail(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sms-contract")
def main() -> None:
    """Contract tests and recorded fixtures for SMS provider APIs.

    \b
    sms-contract check                      conformance suite + fuzz vs the embedded simulator
    sms-contract check --target-url URL     ... vs your SMS API
    sms-contract validate cassettes/        validate recorded vcrpy cassettes
    """

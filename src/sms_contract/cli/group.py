"""The `sms-contract` group, its exit codes, and the one way a command fails.

Exit codes: 0 conforms, 1 violations found, 2 usage error / bad input / unreachable target,
5 nothing was checked (a gate that checked nothing is never green), 130 interrupted (what
finished is still reported).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from sms_contract.report import EXIT_NOTHING_CHECKED as EXIT_NOTHING_CHECKED

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


def keep_working_folder_clean() -> None:
    """Hypothesis (under schemathesis and the callback payloads) keeps a `.hypothesis/` cache
    in the working folder; a command run in a repository must not leave one there. It goes to
    the user's cache folder instead, unless HYPOTHESIS_STORAGE_DIRECTORY says otherwise."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    os.environ.setdefault(
        "HYPOTHESIS_STORAGE_DIRECTORY", str(cache / "sms-contract" / "hypothesis")
    )


class Commands(click.Group):
    """The command group, with click's own errors in the project's form: a usage error is one
    `error:` line (exit 2), and Ctrl-C outside a command's own handling exits 130, never 1
    with "Aborted!"."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        keep_working_folder_clean()
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(EXIT_USAGE)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "sms-contract"
            fail(f"{exc.format_message()} (see {where} --help)")
        except click.ClickException as exc:
            fail(exc.format_message(), exc.exit_code)
        except click.exceptions.Abort:
            fail("interrupted", EXIT_INTERRUPTED)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sms-contract")
def main() -> None:
    """Contract tests and recorded fixtures for SMS provider APIs.

    \b
    sms-contract check                      conformance suite + fuzz vs the embedded simulator
    sms-contract check --target-url URL     ... vs your SMS API
    sms-contract validate cassettes/        validate recorded vcrpy cassettes
    """

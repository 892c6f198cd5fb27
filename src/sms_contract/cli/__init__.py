"""The `sms-contract` command line: a thin shell over the library, one module per concern.

Importing this package registers every command on `main` (the console script's target).
"""

from sms_contract.cli import callbacks, cassettes, mutants, serve, suite
from sms_contract.cli.group import (
    EXIT_INTERRUPTED,
    EXIT_NOTHING_CHECKED,
    EXIT_OK,
    EXIT_USAGE,
    EXIT_VIOLATIONS,
    main,
)

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_NOTHING_CHECKED",
    "EXIT_OK",
    "EXIT_USAGE",
    "EXIT_VIOLATIONS",
    "callbacks",
    "cassettes",
    "main",
    "mutants",
    "serve",
    "suite",
]

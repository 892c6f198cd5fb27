"""sms-contract: contract tests and recorded fixtures for SMS provider APIs.

from sms_contract import validate_response
report = validate_response("POST", url, response.status_code, response.headers, response.content)
assert not report, report.explain()
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sms_contract.checks.conforms import assert_conforms
    from sms_contract.checks.validate import (
        PROVIDERS,
        validate_callback,
        validate_exchange,
        validate_payload,
        validate_request,
        validate_response,
    )
    from sms_contract.contract.schemastore import Mode
    from sms_contract.contract.spec import Contract, Operation, load_contract
    from sms_contract.contract.violations import AcceptedVariant, Report, Violation

# Exported names load on first use: `python -m sms_contract.contract.registry` and the CLI's fast
# paths do not pay for (or re-import) the whole checks library.
_EXPORTS = {
    "assert_conforms": "sms_contract.checks.conforms",
    "Contract": "sms_contract.contract.spec",
    "Operation": "sms_contract.contract.spec",
    "load_contract": "sms_contract.contract.spec",
    "Mode": "sms_contract.contract.schemastore",
    "PROVIDERS": "sms_contract.checks.validate",
    "validate_callback": "sms_contract.checks.validate",
    "validate_exchange": "sms_contract.checks.validate",
    "validate_payload": "sms_contract.checks.validate",
    "validate_request": "sms_contract.checks.validate",
    "validate_response": "sms_contract.checks.validate",
    "AcceptedVariant": "sms_contract.contract.violations",
    "Report": "sms_contract.contract.violations",
    "Violation": "sms_contract.contract.violations",
}
__all__ = [
    "PROVIDERS",
    "AcceptedVariant",
    "Contract",
    "Mode",
    "Operation",
    "Report",
    "Violation",
    "assert_conforms",
    "load_contract",
    "validate_callback",
    "validate_exchange",
    "validate_payload",
    "validate_request",
    "validate_response",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sms_contract' has no attribute {name!r}")

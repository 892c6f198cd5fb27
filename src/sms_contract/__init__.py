"""sms-contract: contract tests and recorded fixtures for SMS provider APIs.

from sms_contract import validate_response
report = validate_response("POST", url, response.status_code, response.headers, response.content)
assert not report, report.explain()
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sms_contract.contract import Contract, Operation, load_contract
    from sms_contract.schemastore import Mode
    from sms_contract.validate import (
        PROVIDERS,
        validate_callback,
        validate_exchange,
        validate_payload,
        validate_request,
        validate_response,
    )
    from sms_contract.violations import AcceptedVariant, Report, Violation

# Exported names load on first use: `python -m sms_contract.registry` and the CLI's fast
# paths do not pay for (or re-import) the whole checks library.
_EXPORTS = {
    "Contract": "sms_contract.contract",
    "Operation": "sms_contract.contract",
    "load_contract": "sms_contract.contract",
    "Mode": "sms_contract.schemastore",
    "PROVIDERS": "sms_contract.validate",
    "validate_callback": "sms_contract.validate",
    "validate_exchange": "sms_contract.validate",
    "validate_payload": "sms_contract.validate",
    "validate_request": "sms_contract.validate",
    "validate_response": "sms_contract.validate",
    "AcceptedVariant": "sms_contract.violations",
    "Report": "sms_contract.violations",
    "Violation": "sms_contract.violations",
}
__all__ = [
    "PROVIDERS",
    "AcceptedVariant",
    "Contract",
    "Mode",
    "Operation",
    "Report",
    "Violation",
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

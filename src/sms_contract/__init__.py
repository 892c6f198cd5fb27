"""sms-contract: contract tests and recorded fixtures for SMS provider APIs.

from sms_contract import validate_response
report = validate_response("POST", url, response.status_code, response.headers, response.content)
assert not report, report.explain()
"""

from sms_contract.contract import Contract, Operation, load_contract
from sms_contract.schemastore import Mode
from sms_contract.validate import (
    PROVIDERS,
    validate_callback,
    validate_payload,
    validate_request,
    validate_response,
)
from sms_contract.violations import AcceptedVariant, Report, Violation

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
    "validate_payload",
    "validate_request",
    "validate_response",
]
__version__ = "0.1.0"

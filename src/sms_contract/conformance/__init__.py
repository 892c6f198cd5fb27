"""The live conformance suite as a library: targets, scenarios, and one run orchestration.

The pytest suites (`tests/contract/`), `sms-contract check` and `fuzz`, and the mutation
harness all run through `sms_contract.conformance.run.run_conformance(target, Plan(...))`
(not imported here: it loads schemathesis).
"""

from sms_contract.conformance.budget import Budget, BudgetExhausted
from sms_contract.conformance.outcome import Outcome, run_scenario
from sms_contract.conformance.scenarios import Scenario, all_scenarios, select
from sms_contract.conformance.session import (
    Session,
    TargetUnreachable,
    UnsafeRecipient,
)
from sms_contract.conformance.target import Target, default_recipients, is_local

__all__ = [
    "Budget",
    "BudgetExhausted",
    "Outcome",
    "Scenario",
    "Session",
    "Target",
    "TargetUnreachable",
    "UnsafeRecipient",
    "all_scenarios",
    "default_recipients",
    "is_local",
    "run_scenario",
    "select",
]

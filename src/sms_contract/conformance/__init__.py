"""The live conformance suite as a library: targets, scenarios, and a runner.

The pytest suite (`tests/contract/`), `sms-contract check` and the mutation harness all run
these same scenarios.
"""

from sms_contract.conformance.runner import Outcome, run_scenario, run_scenarios
from sms_contract.conformance.scenarios import Scenario, all_scenarios, select
from sms_contract.conformance.session import (
    BudgetExhausted,
    Session,
    TargetUnreachable,
    UnsafeRecipient,
)
from sms_contract.conformance.target import Target, default_recipients, is_local

__all__ = [
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
    "run_scenarios",
    "select",
]

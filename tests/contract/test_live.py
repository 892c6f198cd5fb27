"""The live conformance suite: one test per documented behaviour, error row and final code.

Runs against the embedded simulator, or `pytest --target-url URL [--target-auth KEY:TOKEN]`.
Each test is one `run_conformance` of one scenario (the plugin's `sms_conformance`), so the
accounts and the budget are decided where `sms-contract check` decides them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sms_contract.conformance import all_scenarios
from sms_contract.conformance.run import Plan
from sms_contract.conformance.scenarios import Scenario
from sms_contract.report import RunReport

SCENARIOS = all_scenarios()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(
    scenario: Scenario,
    sms_conformance: Callable[[Plan], RunReport],
    sms_record: Callable[[str], Any],
) -> None:
    with sms_record(scenario.id):
        report = sms_conformance(Plan([scenario]))
    assert not report.error, report.error
    (outcome,) = report.outcomes
    if outcome.status == "not run":
        pytest.skip(outcome.reason)
    assert outcome.status == "passed", f"{scenario.title}:\n" + "\n".join(
        str(v) for v in outcome.violations
    )

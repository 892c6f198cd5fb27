"""The live conformance suite: one test per documented behaviour, error row and final code.

Runs against the embedded simulator, or `pytest --target-url URL [--target-auth KEY:TOKEN]`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from sms_contract.conformance import Session, all_scenarios, run_scenario
from sms_contract.conformance.scenarios import Scenario
from sms_contract.integrations.pytest_plugin import contract_mode

SCENARIOS = all_scenarios()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(
    scenario: Scenario, sms_session: Session, sms_record: Any, request: pytest.FixtureRequest
) -> None:
    session = sms_session
    if scenario.kind == "rate-limit" and request.config.getoption("--target-url") is None:
        # on the embedded simulator a probe gets its own account, so the throttle it provokes
        # cannot reach the other tests (xdist may run them after it on the same worker)
        from sms_contract.simulator.server import add_account

        account = add_account(session.target.base, f"simlimit{scenario.id.endswith('[json]'):d}")
        session.target = dataclasses.replace(session.target, account_sid=account)
    with sms_record(scenario.id):
        outcome = run_scenario(scenario, session, contract_mode(request.config))  # type: ignore[arg-type]
    if outcome.status == "not run":
        pytest.skip(outcome.reason)
    assert outcome.status == "passed", f"{scenario.title}:\n" + "\n".join(
        str(v) for v in outcome.violations
    )

"""The suite catches broken servers: the pristine simulator passes, every mutant is killed by
the checks it names, and every response-side check is proven by at least one mutant."""

from __future__ import annotations

import pytest

from sms_contract.checks.semantic import CHECKS
from sms_contract.conformance.scenarios import SCENARIO_CHECKS
from sms_contract.mutants import catalogue, run_mutant, run_pristine

MUTANTS = catalogue()
RESPONSE_CHECKS = {
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "callback_schema_conformance",
}


def test_pristine_simulator_passes() -> None:
    result = run_pristine()
    assert not result.failed_scenarios, dict(result.checks)


@pytest.mark.parametrize("name", list(MUTANTS))
def test_mutant_is_killed_by_its_checks(name: str) -> None:
    mutant = MUTANTS[name]
    result = run_mutant(mutant)
    assert result.killed, f"{name} survived: {mutant.description}"
    missing = set(mutant.kills) - set(result.checks)
    assert not missing, f"{name}: expected {missing} to report it; found {dict(result.checks)}"


def test_every_check_is_proven_by_a_mutant() -> None:
    assert len(MUTANTS) >= 30
    assert all(m.kills for m in MUTANTS.values()), [n for n, m in MUTANTS.items() if not m.kills]
    proven = {check for m in MUTANTS.values() for check in m.kills}
    unproven = (set(CHECKS) | set(SCENARIO_CHECKS) | RESPONSE_CHECKS) - proven
    assert not unproven, f"no mutant proves these checks can fail: {sorted(unproven)}"

"""The Mobizon mutants: the pristine simulator passes the Mobizon scenarios, the identity
control survives, each fault is killed by the checks it names, and every check the Mobizon part
adds is proven able to fail."""

from __future__ import annotations

import pytest

from sms_contract.checks.mobizon import MOBIZON_CHECKS
from sms_contract.conformance.mobizon.scenarios import MOBIZON_SCENARIO_CHECKS
from sms_contract.mutants import catalogue, run_mutant, run_pristine
from sms_contract.mutants.mobizon import mobizon_mutants

MUTANTS = mobizon_mutants()


def test_pristine_simulator_passes_the_mobizon_scenarios() -> None:
    result = run_pristine(provider="mobizon")
    assert not result.failed_scenarios, dict(result.checks)


def test_the_identity_control_survives() -> None:
    result = run_mutant(MUTANTS["mobizon-identity"])
    assert not result.killed, dict(result.checks)


@pytest.mark.parametrize("name", [n for n, m in MUTANTS.items() if not m.survives])
def test_mobizon_mutant_is_killed_by_its_checks(name: str) -> None:
    mutant = MUTANTS[name]
    result = run_mutant(mutant)  # ends once the checks it names have reported it
    assert result.killed, f"{name} survived: {mutant.description}"
    missing = set(mutant.kills) - set(result.checks)
    assert not missing, f"{name}: expected {missing} to report it; found {dict(result.checks)}"


def test_every_mobizon_check_is_proven_by_a_mobizon_mutant() -> None:
    faults = {n: m for n, m in MUTANTS.items() if not m.survives}
    assert len(faults) >= 8 and set(MUTANTS) <= set(catalogue())
    assert sum(m.conditional for m in faults.values()) > len(faults) / 2
    proven = {check for m in faults.values() for check in m.kills}
    needed = (
        set(MOBIZON_CHECKS)
        | set(MOBIZON_SCENARIO_CHECKS)
        | {
            "response_schema_conformance",
            "content_type_conformance",
            "status_code_conformance",
            "callback_schema_conformance",
        }
    )
    assert not needed - proven, f"no Mobizon mutant proves: {sorted(needed - proven)}"

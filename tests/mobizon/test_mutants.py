"""The Mobizon mutants: the pristine simulator passes the Mobizon scenarios, and every check the
Mobizon part adds is proven able to fail by a mutant (tests/mutants runs each one)."""

from __future__ import annotations

from sms_contract.checks.mobizon import MOBIZON_CHECKS
from sms_contract.conformance.mobizon.scenarios import MOBIZON_SCENARIO_CHECKS
from sms_contract.mutants import catalogue, run_pristine
from sms_contract.mutants.mobizon import mobizon_mutants


def test_pristine_simulator_passes_the_mobizon_scenarios() -> None:
    result = run_pristine(provider="mobizon")
    assert not result.failed_scenarios, dict(result.checks)


def test_every_mobizon_check_is_proven_by_a_mobizon_mutant() -> None:
    mutants = mobizon_mutants()
    assert len(mutants) >= 8
    assert set(mutants) <= set(catalogue()), "registered into the catalogue"
    proven = {check for m in mutants.values() for check in m.kills}
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

"""The suite catches broken servers: the pristine simulator passes, the identity mutant (every
answer re-serialised unchanged) survives, every mutant is killed by the checks it names, and
every response-side check is proven by at least one mutant.

The default run sweeps the controls and the reviewer's six conditional bugs of issue 17; the
whole catalogue runs under `-m slow` (and `sms-contract mutants`).
"""

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
# the bugs a reviewer wrote into the simulator, which survived the suite before issue 17
REVIEWER_BUGS = (
    "sms-units-ignore-length",
    "sms-units-ignore-encoding",
    "static-bulk-100-rejected",
    "dynamic-bulk-index-as-string",
    "bulk-duplicate-sid",
    "rate-limit-199",
    "rate-limit-150",
)
# checks no mutant can prove: an honest run of the simulator never throttles a scenario
UNPROVABLE: set[str] = set()


def test_pristine_simulator_passes() -> None:
    result = run_pristine()
    assert not result.failed_scenarios, dict(result.checks)


def test_identity_mutant_survives() -> None:
    """Re-serialising every answer changes nothing a check may see: the harness creates no
    kills of its own."""
    result = run_mutant(MUTANTS["identity"])
    assert not result.killed, dict(result.checks)


def _assert_killed(name: str) -> None:
    mutant = MUTANTS[name]
    result = run_mutant(mutant)
    assert result.killed, f"{name} survived: {mutant.description}"
    missing = set(mutant.kills) - set(result.checks)
    assert not missing, f"{name}: expected {missing} to report it; found {dict(result.checks)}"


@pytest.mark.parametrize("name", REVIEWER_BUGS)
def test_reviewer_bug_is_killed_by_its_checks(name: str) -> None:
    _assert_killed(name)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", [n for n, m in MUTANTS.items() if not m.survives and n not in REVIEWER_BUGS]
)
def test_mutant_is_killed_by_its_checks(name: str) -> None:
    _assert_killed(name)


def test_catalogue_declares_its_killers_and_is_mostly_conditional() -> None:
    faults = {n: m for n, m in MUTANTS.items() if not m.survives}
    assert all(m.kills for m in faults.values()), [n for n, m in faults.items() if not m.kills]
    assert all(not m.kills for m in MUTANTS.values() if m.survives)
    conditional = [n for n, m in faults.items() if m.conditional]
    assert len(conditional) >= 30, len(conditional)
    assert len(conditional) > len(faults) - len(conditional)


def test_every_check_is_proven_by_a_mutant() -> None:
    proven = {check for m in MUTANTS.values() for check in m.kills}
    unproven = (set(CHECKS) | set(SCENARIO_CHECKS) | RESPONSE_CHECKS) - proven - UNPROVABLE
    assert not unproven, f"no mutant proves these checks can fail: {sorted(unproven)}"

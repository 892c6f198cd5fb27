"""schemathesis over openapi.yaml against the target, with the project's hooks and checks.

One test per operation and generation mode, bounded by --fuzz-examples (ini
sms_contract_fuzz_examples) and deterministic. Each test is one `run_conformance` (the plugin's
`sms_conformance`), the same run as `sms-contract check` and `sms-contract fuzz`, so a failure
here reproduces there.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sms_contract.conformance.fuzz import FuzzResult, operation_labels
from sms_contract.conformance.run import Plan
from sms_contract.conformance.target import Target
from sms_contract.integrations.pytest_plugin import fuzz_examples
from sms_contract.report import RunReport

Conformance = Callable[[Plan, Target], RunReport]

CASES = [(label, mode) for label in operation_labels() for mode in ("positive", "negative")]


@pytest.mark.parametrize(
    ("operation", "mode"), CASES, ids=[f"{label} {mode}" for label, mode in CASES]
)
def test_operation(
    operation: str,
    mode: str,
    sms_fuzz_target: Target,
    sms_conformance: Conformance,
    request: pytest.FixtureRequest,
) -> None:
    examples = fuzz_examples(request.config)
    if examples == 0:
        pytest.skip("--fuzz-examples 0")
    result = fuzzed(sms_conformance, sms_fuzz_target, examples, operation, mode)
    assert result.cases > 0, result.reason or "no case was generated"
    assert not result.failures, "\n\n".join(
        f"[{f.check}] {f.message}\nReproduce with: {f.reproduce}" for f in result.failures
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("operation", "mode"), CASES, ids=[f"{label} {mode}" for label, mode in CASES]
)
def test_operation_deeply(
    operation: str, mode: str, sms_fuzz_target: Target, sms_conformance: Conformance
) -> None:
    """1000 cases per operation and mode (pytest -m slow); the default run keeps it small."""
    result = fuzzed(sms_conformance, sms_fuzz_target, 1000, operation, mode)
    assert not result.failures, "\n\n".join(
        f"[{f.check}] {f.message}\nReproduce with: {f.reproduce}" for f in result.failures
    )


def fuzzed(
    conformance: Conformance, target: Target, examples: int, operation: str, mode: str
) -> FuzzResult:
    plan = Plan(fuzz_examples=examples, fuzz_operation=operation, fuzz_modes=(mode,))
    report = conformance(plan, target)
    assert not report.error, report.error
    (result,) = report.fuzz
    return result

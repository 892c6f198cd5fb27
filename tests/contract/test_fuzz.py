"""schemathesis over openapi.yaml against the target, with the project's hooks and checks.

One test per operation and generation mode, bounded by --fuzz-examples (ini
sms_contract_fuzz_examples) and deterministic. It runs `sms_contract.conformance.fuzz`, the same code as
`sms-contract check` and `sms-contract fuzz`, so a failure here reproduces there.
"""

from __future__ import annotations

from typing import Any

import pytest

from sms_contract.conformance.fuzz import fuzz, operation_labels
from sms_contract.integrations.pytest_plugin import fuzz_examples

CASES = [(label, mode) for label in operation_labels() for mode in ("positive", "negative")]


@pytest.mark.parametrize(
    ("operation", "mode"), CASES, ids=[f"{label} {mode}" for label, mode in CASES]
)
def test_operation(
    operation: str, mode: str, sms_fuzz_target: Any, request: pytest.FixtureRequest
) -> None:
    examples = fuzz_examples(request.config)
    if examples == 0:
        pytest.skip("--fuzz-examples 0")
    (result,) = fuzz(sms_fuzz_target, examples=examples, operation=operation, modes=(mode,))
    assert result.cases > 0, result.reason or "no case was generated"
    assert not result.failures, "\n\n".join(
        f"[{f.check}] {f.message}\nReproduce with: {f.reproduce}" for f in result.failures
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("operation", "mode"), CASES, ids=[f"{label} {mode}" for label, mode in CASES]
)
def test_operation_deeply(operation: str, mode: str, sms_fuzz_target: Any) -> None:
    """1000 cases per operation and mode (pytest -m slow); the default run keeps it small."""
    (result,) = fuzz(sms_fuzz_target, examples=1000, operation=operation, modes=(mode,))
    assert not result.failures, "\n\n".join(
        f"[{f.check}] {f.message}\nReproduce with: {f.reproduce}" for f in result.failures
    )

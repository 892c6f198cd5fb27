"""Settings of the project's contract suites (the plugin supplies the options and fixtures)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sms_contract.conformance import embedded as targets
from sms_contract.simulator import SimulatorConfig


@pytest.fixture(scope="session")
def sms_fuzz_target(sms_target: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The fuzz suite's target: --target-url, or a simulator of its own whose rate limits are
    out of reach, so deep runs exercise the API rather than its throttle."""
    if request.config.getoption("--target-url") is not None:
        yield sms_target
        return
    with targets.embedded(SimulatorConfig.unthrottled(db=":memory:")) as target:
        yield target

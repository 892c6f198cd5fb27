"""Settings of the project's contract suites (the plugin supplies the options and fixtures)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest


@pytest.fixture(scope="session")
def sms_fuzz_target(sms_target: Any, request: pytest.FixtureRequest) -> Any:
    """The fuzz suite's target; on the embedded simulator its own account (rate-limit window)."""
    if request.config.getoption("--target-url") is not None:
        return sms_target
    from sms_contract.simulator.server import add_account

    return dataclasses.replace(sms_target, account_sid=add_account(sms_target.base, "simfuzz"))

"""The sms-contract pytest plugin: options -> config -> fixtures; the work is in the library."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from sms_contract.contract import Contract, load_contract
from sms_contract.validate import validate_response
from sms_contract.violations import Report


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sms-contract")
    group.addoption("--target-url", default=None, help="base URL of the SMS API under test")
    group.addoption(
        "--target-auth",
        default=None,
        help="KEY:TOKEN for the target (or env SMS_CONTRACT_AUTH; never printed)",
    )
    group.addoption(
        "--contract-mode",
        default="strict",
        choices=("strict", "tolerant"),
        help="strict: the documented reading; tolerant: also the known variants",
    )
    parser.addini("sms_contract_mode", "default --contract-mode", default="strict")


def _mode(config: pytest.Config) -> str:
    option = config.getoption("--contract-mode")
    return str(option if option != "strict" else config.getini("sms_contract_mode") or option)


def target_auth(config: pytest.Config) -> tuple[str, str] | None:
    """KEY:TOKEN from --target-auth or SMS_CONTRACT_AUTH, split once."""
    raw = config.getoption("--target-auth") or os.environ.get("SMS_CONTRACT_AUTH")
    if not raw:
        return None
    key, _, token = str(raw).partition(":")
    return key, token


@pytest.fixture(scope="session")
def sms_contract() -> Contract:
    """The loaded contract (spec, operations, registries)."""
    return load_contract()


@pytest.fixture
def assert_conforms(request: pytest.FixtureRequest) -> Callable[..., Report]:
    """Assert that an httpx or requests response conforms to the contract."""
    mode = _mode(request.config)

    def check(response: Any, mode: str = mode) -> Report:
        sent = response.request
        url = str(sent.url)
        body = getattr(sent, "content", None) if hasattr(sent, "content") else sent.body
        report = validate_response(
            sent.method,
            url,
            response.status_code,
            dict(response.headers),
            response.content,
            mode=mode,  # type: ignore[arg-type]
            request_body=body,
        )
        assert not report, "response breaks the contract:\n" + report.explain()
        return report

    return check

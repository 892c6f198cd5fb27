"""The simulator answers an unexpected exception with the documented 500, and logs it first."""

from __future__ import annotations

import logging

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response

from sms_contract import validate_response
from sms_contract.simulator import SimulatorConfig, app, create_app

URL = "http://sim/v1/Accounts/simaccount/Sms/send.json"


async def test_an_unexpected_exception_is_logged_with_its_traceback_then_answered_500(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(request: Request) -> Response:
        raise RuntimeError("a simulator bug")

    monkeypatch.setattr(app, "provider_api", broken)
    simulator = create_app(SimulatorConfig(db=":memory:"))
    transport = httpx.ASGITransport(app=simulator)
    with caplog.at_level(logging.ERROR, logger="sms_contract.simulator"):
        async with httpx.AsyncClient(transport=transport) as client:
            response = await client.post(URL, data={"From": "A", "To": "1", "Body": "x"})
    assert response.status_code == 500
    report = validate_response(
        "POST", URL, response.status_code, response.headers, response.content
    )
    assert not report, report.explain()  # the documented processing error
    (record,) = [r for r in caplog.records if r.name == "sms_contract.simulator.app"]
    assert "POST /v1/Accounts/simaccount/Sms/send.json" in record.getMessage()
    assert record.exc_info is not None and "a simulator bug" in str(record.exc_info[1])


async def test_bad_input_is_not_logged_as_an_error(caplog: pytest.LogCaptureFixture) -> None:
    simulator = create_app(SimulatorConfig(db=":memory:"))
    transport = httpx.ASGITransport(app=simulator)
    with caplog.at_level(logging.ERROR, logger="sms_contract.simulator"):
        async with httpx.AsyncClient(transport=transport, auth=("simkey", "simtoken")) as client:
            response = await client.post(
                URL,
                content=b"\xff\xfe=%%%",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
    assert response.status_code == 400, response.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

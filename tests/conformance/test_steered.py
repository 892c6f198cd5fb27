"""The scenarios that steer the simulator: each passes the simulator and fails a broken one."""

from __future__ import annotations

from typing import Any

import pytest

from sms_contract.conformance import all_scenarios
from sms_contract.conformance.embedded import embedded_target
from sms_contract.conformance.run import Plan, run_conformance
from sms_contract.conformance.scenarios import BULKSEND, DETAILS, SEND, SUFFIXES
from sms_contract.conformance.steered import ANY_OPERATION, SCOPES
from sms_contract.conformance.target import Target
from sms_contract.contract.registry import load_registries
from sms_contract.simulator import SimulatorConfig, create_app
from sms_contract.simulator.callback_sender import Callback, CallbackSender, Payload
from sms_contract.simulator.server import running

CONFIG = SimulatorConfig(db=":memory:")


def run_ids(app: Any, *ids: str) -> dict[str, list[str]]:
    """Scenario id -> the checks it failed, against `app` as the embedded target."""
    chosen = [s for s in all_scenarios() if s.id in ids]
    assert {s.id for s in chosen} == set(ids)
    with running(app) as url:
        report = run_conformance(embedded_target(url), Plan(chosen))
    assert not report.error, report.error
    assert all(o.status != "not run" for o in report.outcomes), report.outcomes
    return {o.id: sorted({v.check for v in o.violations}) for o in report.outcomes}


class Rewrite:
    """ASGI middleware replacing bytes in every response body (a broken server)."""

    def __init__(self, app: Any, *pairs: tuple[bytes, bytes]) -> None:
        self.app, self.pairs = app, pairs

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def rewrite(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (k, v) for k, v in message["headers"] if k.lower() != b"content-length"
                ]
            if message["type"] == "http.response.body":
                body = message.get("body", b"")
                for old, new in self.pairs:
                    body = body.replace(old, new)
                message = {**message, "body": body}
            await send(message)

        await self.app(scope, receive, rewrite)


def test_every_error_row_runs_on_every_operation_of_its_scope() -> None:
    ids = {s.id for s in all_scenarios()}
    where = {SEND: "", BULKSEND: "bulksend-", DETAILS: "details-"}
    for row in load_registries().http_errors:
        if row.trigger == "request" and row.id not in ANY_OPERATION:
            continue  # caused by one request to one operation (conformance.triggers)
        for fmt in SUFFIXES:
            for operation in SCOPES[row.scope]:
                assert f"error-{row.id}[{where[operation]}{fmt}]" in ids


def test_scenarios_needing_the_control_api_do_not_run_elsewhere() -> None:
    remote = Target("https://sms.example", "acme")
    steered = [s for s in all_scenarios() if "control_api" in s.needs]
    assert steered and all(s.applies_to(remote) for s in steered)
    assert all("control API" in str(s.applies_to(remote)) for s in steered if s.kind == "error")


def test_account_errors_pass_the_simulator_and_fail_a_wrong_code() -> None:
    ids = ("error-throttled[json]", "error-account_inactive[details-xml]")
    assert run_ids(create_app(CONFIG), *ids) == {i: [] for i in ids}
    # throttling still answered with the code the table replaced (35006 -> 40405)
    broken = Rewrite(create_app(CONFIG), (b"40405", b"35006"))
    found = run_ids(broken, "error-throttled[json]")
    assert "documented_error" in found["error-throttled[json]"]


def test_intermediate_states_pass_the_simulator_and_fail_a_server_that_skips_them() -> None:
    assert run_ids(create_app(CONFIG), "intermediate-states[json]") == {
        "intermediate-states[json]": []
    }
    skipped = Rewrite(
        create_app(CONFIG), (b'"sending"', b'"queued"'), (b"21015", b"21010"),
        (b"SENDING_TO_OPERATOR", b"PENDING_TO_OPERATOR"),
    )  # fmt: skip
    found = run_ids(skipped, "intermediate-states[json]")
    assert found["intermediate-states[json]"] == ["reports_current_state"]


class ClickAsStatus(CallbackSender):
    """Click-tracking callbacks sent with a StatusCallback's fields instead."""

    def payload(self, callback: Callback) -> Payload | None:
        if callback.kind != "click":
            return super().payload(callback)
        fields = {"SmsSid": "x", "Status": "sent", "DetailedStatusCode": 20005}
        return super().payload(Callback("status", fields))


@pytest.mark.parametrize(("sender", "checks"), [(None, []), (ClickAsStatus(), "fails")])
def test_click_tracking_callback(sender: CallbackSender | None, checks: Any) -> None:
    found = run_ids(create_app(CONFIG, callbacks=sender), "click-tracking-callback")
    if checks == "fails":
        assert "click_callback_recognised" in found["click-tracking-callback"]
    else:
        assert found == {"click-tracking-callback": []}

"""The simulator's Mobizon API: lifecycle, webhook, and every code and status on purpose."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import httpx
import pytest

from sms_contract import validate_callback, validate_exchange
from sms_contract.conformance.mobizon.scenarios import mobizon_scenarios
from sms_contract.conformance.mobizon.target import embedded
from sms_contract.conformance.mobizon.triggers import triggers
from sms_contract.conformance.run import Plan, run_conformance
from sms_contract.conformance.target import Target
from sms_contract.contract import mobizon_spec as mobizon
from sms_contract.simulator.config import DEFAULT_MOBIZON_API_KEY, SimulatorConfig
from sms_contract.simulator.server import running

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _post(base: str, name: str, form: str, output: str = "json") -> httpx.Response:
    query = urlencode({"output": output, "apiKey": DEFAULT_MOBIZON_API_KEY})
    url = f"{base}/service/{name}?{query}"
    response = httpx.post(url, content=form, headers=FORM)
    report = validate_exchange(
        "POST", url, FORM, form, response.status_code, response.headers, response.content
    )
    assert not report, report.explain()
    return response


def test_every_situation_of_the_registry_has_a_trigger() -> None:
    known = triggers(Target("http://x", "x"))
    for row in mobizon.result_codes().values():
        for situation in row.situations:
            assert situation.id == "test_recipient" or situation.id in known, situation.id


def test_the_scenarios_reach_every_code_and_every_status_and_pass_on_the_simulator() -> None:
    scenarios = mobizon_scenarios()
    ids = {s.id for s in scenarios}
    for code in mobizon.result_codes():
        assert any(i.startswith(f"mobizon-code-{code}-") for i in ids), code
    for status in mobizon.statuses():
        for output in ("json", "xml"):
            assert f"mobizon-status-{status.status}[{output}]" in ids
        assert (f"mobizon-webhook-{status.status}" in ids) == status.final
    with embedded() as target:
        report = run_conformance(target, Plan(scenarios, preflight=False))
    failed = [(o.id, o.reason, [str(v) for v in o.violations]) for o in report.outcomes]
    assert all(o.status == "passed" for o in report.outcomes), [
        f for f, o in zip(failed, report.outcomes, strict=True) if o.status != "passed"
    ]
    assert len(report.outcomes) == len(scenarios)


def test_a_message_passes_through_the_documented_statuses_on_the_virtual_clock() -> None:
    config = SimulatorConfig(db=":memory:", instant=False, step_seconds=60)
    with running(config=config) as base:
        sent = _post(base, mobizon.SEND, "recipient=77011234567&text=hello").json()
        message_id = sent["data"]["messageId"]
        seen = []
        for _ in range(len(mobizon.lifecycle_steps()) + 1):
            item = _post(base, mobizon.STATUS, f"ids[]={message_id}").json()["data"][0]
            seen.append(item["status"])
            if item["status"] == "NEW":  # not sent yet: no timestamps
                assert item["startSendTs"] is None and item["statusUpdateTs"] is None
            httpx.post(f"{base}/_control/clock/advance", json={"seconds": 60})
        xml = _post(base, mobizon.STATUS, f"ids={message_id}", "xml").text
    assert seen == [s.status for s in mobizon.lifecycle_steps()] + [mobizon.default_final().status]
    assert xml.startswith("<?xml") and "<response><code>0</code>" in xml


class _Flaky:
    """A receiver that answers 500 to the first delivery, then 200; keeps every body."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                owner.bodies.append(body)
                self.send_response(500 if len(owner.bodies) == 1 else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def flaky() -> Iterator[_Flaky]:
    receiver = _Flaky()
    yield receiver
    receiver.server.shutdown()


def test_the_webhook_is_signed_retried_and_sent_once_per_message(flaky: _Flaky) -> None:
    config = SimulatorConfig(db=":memory:", callback_backoff=0.01)
    with running(config=config) as base:
        httpx.post(f"{base}/_control/mobizon/webhooks", json={"url": flaky.url, "secret": "s3"})
        parked = mobizon.status("ACCEPTD")
        assert parked is not None and not parked.final
        _post(base, mobizon.SEND, f"recipient={parked.test_recipient}&text=parked")
        sent = _post(base, mobizon.SEND, "recipient=77011234567&text=hello").json()
        for _ in range(200):
            deliveries = httpx.get(f"{base}/_control/mobizon/deliveries").json()["deliveries"]
            if any(d["status_code"] == 200 for d in deliveries):
                break
            threading.Event().wait(0.05)
    assert [d["attempt"] for d in deliveries] == [1, 2]
    assert {d["message_id"] for d in deliveries} == {sent["data"]["messageId"]}  # not the parked
    for body in flaky.bodies:
        event = json.loads(body)
        assert not validate_callback("mobizon", body, "application/json")
        text = f"{event['eventId']}|{event['attempt']}|{event['eventCreateTs']}|s3"
        assert event["sign"] == hashlib.sha1(text.encode()).hexdigest()
        assert event["data"]["status"] == mobizon.default_final().status

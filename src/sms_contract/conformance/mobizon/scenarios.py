"""The Mobizon scenarios: every result code from its situations, every status through a lookup,
every final status through the sms-delivery-report webhook, in JSON and XML.

Each response is checked by `validate_response` (which recognises Mobizon by its path: the
envelope, the code table, the status table); the scenarios add what only they know: the code
the situation must produce (`mobizon_result_code`), the status a test recipient ends in, that a
final status stays final, and what the webhook carries.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

import httpx

from sms_contract.checks.validate import validate_callback
from sms_contract.conformance.mobizon.target import api_key
from sms_contract.conformance.mobizon.triggers import Trigger, send_form, trigger_for
from sms_contract.conformance.receiver import CallbackReceiver
from sms_contract.conformance.scenarios import Run, Scenario
from sms_contract.conformance.session import Call
from sms_contract.contract import mobizon_spec as mobizon

FORMATS = ("json", "xml")
SECRET = "sms-contract-webhook-secret"
MOBIZON_SCENARIO_CHECKS = (
    "mobizon_result_code",
    "sid_returned",
    "reaches_final_state",
    "test_number_outcome",
    "mobizon_final_is_final",
    "callback_delivered",
    "callback_matches_message",
    "mobizon_webhook_signature",
)


def _label(name: str, output: str) -> str:
    """`message/sendSmsMessage (xml)`: the operation and the form asked for."""
    return f"{mobizon.operation(name).name} ({output})"


def _call(r: Run, trigger: Trigger, output: str, form: Any = None) -> Call:
    url = trigger.url(r.target, api_key(r.target), output)
    return r.call("POST", url, form=trigger.form if form is None else form, auth="none")


def _envelope(r: Run, call: Call) -> dict[str, Any]:
    data = r.data(call)
    return data if isinstance(data, dict) else {}


def _expect_code(r: Run, call: Call, code: int, why: str) -> bool:
    got = _envelope(r, call).get("code")
    return r.expect(
        got == code, "mobizon_result_code", "/code", code, got, f"{why} must be result code {code}"
    )


def _send(r: Run, recipient: str, output: str) -> int | None:
    """Send one message; its messageId (None, with the violation recorded, if not accepted)."""
    call = _call(r, Trigger(mobizon.SEND, send_form(recipient)), output)
    if not _expect_code(r, call, 0, "a valid send"):
        return None
    data = _envelope(r, call).get("data")
    message_id = data.get("messageId") if isinstance(data, dict) else None
    if not r.expect(
        isinstance(message_id, int),
        "sid_returned",
        "/data/messageId",
        "a messageId",
        message_id,
        "an accepted message has a messageId",
    ):
        return None
    assert isinstance(message_id, int)
    return message_id


def _lookup(r: Run, message_id: int, output: str) -> dict[str, Any]:
    call = _call(r, Trigger(mobizon.STATUS, (("ids[]", str(message_id)),)), output)
    if not _expect_code(r, call, 0, "a lookup of a message that was sent"):
        return {}
    items = _envelope(r, call).get("data")
    found = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    return next((i for i in found if i.get("id") == message_id), {})


def _code_scenario(code: mobizon.ResultCode, situation: str, output: str) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        trigger = trigger_for(r.target, situation, code)
        form = trigger.form
        if trigger.send_first:
            message_id = _send(r, r.target.recipient(0), output)
            if message_id is None:
                return
            form = (("ids[]", str(message_id)),)
        call = _call(r, trigger, output, form)
        _expect_code(r, call, code.code, f"{situation.replace('_', ' ')}")

    return run


def _status_scenario(status: mobizon.SmsStatus, output: str) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        message_id = _send(r, status.test_recipient, output)
        if message_id is None:
            return
        deadline = time.monotonic() + r.target.patience
        item = _lookup(r, message_id, output)
        while item.get("status") != status.status and time.monotonic() < deadline:
            got = mobizon.status(str(item.get("status")))
            if got is None or got.final:
                break  # unknown (the schema reported it) or final: waiting cannot change it
            time.sleep(0.2)
            item = _lookup(r, message_id, output)
        got = mobizon.status(str(item.get("status")))
        if status.final and not r.expect(
            got is not None and got.final,
            "reaches_final_state",
            "/data/0/status",
            "a final status",
            item.get("status"),
            f"the message must be final within {r.target.patience:g} s",
        ):
            return
        if not r.expect(
            item.get("status") == status.status,
            "test_number_outcome",
            "/data/0/status",
            status.status,
            item.get("status"),
            f"a message to test recipient {status.test_recipient} shows {status.status}",
        ):
            return
        if status.final:
            again = _lookup(r, message_id, output)
            r.expect(
                again.get("status") == status.status,
                "mobizon_final_is_final",
                "/data/0/status",
                status.status,
                again.get("status"),
                f"{status.status} is final: a later lookup shows it still",
            )

    return run


def _webhook_scenario(status: mobizon.SmsStatus) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        with CallbackReceiver() as receiver:
            httpx.post(
                f"{r.target.base}/_control/mobizon/webhooks",
                json={"url": receiver.url, "secret": SECRET},
                timeout=10,
            ).raise_for_status()
            message_id = _send(r, status.test_recipient, "json")
            if message_id is None:
                return
            deliveries = receiver.wait(1, r.target.patience)
        if not r.expect(
            len(deliveries) >= 1,
            "callback_delivered",
            "",
            "one sms-delivery-report POST",
            f"{len(deliveries)} deliveries",
            f"the webhook must arrive within {r.target.patience:g} s of the final status",
        ):
            return
        delivery = deliveries[0]
        since = len(r.violations)
        report = validate_callback("mobizon", delivery.body, delivery.content_type, r.mode)
        r.violations.extend(report)
        r.accepted.extend(report.accepted)
        event = report.data if isinstance(report.data, dict) else {}
        if not event:
            import json

            try:
                event = json.loads(delivery.body)
            except ValueError:
                return
        data = event.get("data") if isinstance(event.get("data"), dict) else {}
        assert isinstance(data, dict)
        r.expect(
            data.get("messageId") == message_id,
            "callback_matches_message",
            "/data/messageId",
            message_id,
            data.get("messageId"),
            "the report names the message that was sent",
        )
        r.expect(
            data.get("status") == status.status,
            "callback_matches_message",
            "/data/status",
            status.status,
            data.get("status"),
            f"a message to test recipient {status.test_recipient} is reported {status.status}",
        )
        text = f"{event.get('eventId')}|{event.get('attempt')}|{event.get('eventCreateTs')}|"
        expected = hashlib.sha1(f"{text}{SECRET}".encode()).hexdigest()
        r.expect(
            event.get("sign") == expected,
            "mobizon_webhook_signature",
            "/sign",
            "sha1(eventId|attempt|eventCreateTs|secretKey)",
            event.get("sign"),
            "the report is signed as Mobizon documents",
        )
        r.callbacks.append((report, len(r.violations) > since))  # for the coverage model

    return run


def mobizon_scenarios() -> list[Scenario]:
    """Every Mobizon scenario: codes, then statuses by lookup, then webhooks."""
    out: list[Scenario] = []
    for code in mobizon.result_codes().values():
        for situation in code.situations:
            operation = (
                situation.operation if situation.operation != mobizon.ANY else mobizon.STATUS
            )
            needs = frozenset({"test_numbers"}) if situation.id == "test_recipient" else frozenset()
            formats = ("json",) if situation.id == "output_invalid" else FORMATS
            for output in formats:
                suffix = "" if situation.id == "output_invalid" else f"[{output}]"
                out.append(
                    Scenario(
                        f"mobizon-code-{code.code}-{situation.id}{suffix}",
                        _label(operation, output),
                        f"code {code.code}: {situation.when}",
                        _code_scenario(code, situation.id, output),
                        cost=2 if situation.id == "status_found" else 1,
                        needs=needs,
                        kind="behaviour" if code.code == 0 else "error",
                    )
                )
    for status in mobizon.statuses():
        for output in FORMATS:
            out.append(
                Scenario(
                    f"mobizon-status-{status.status}[{output}]",
                    _label(mobizon.STATUS, output),
                    f"test recipient {status.test_recipient} "
                    + ("ends in" if status.final else "parks at")
                    + f" {status.status}, seen by getSMSStatus",
                    _status_scenario(status, output),
                    cost=40,
                    needs=frozenset({"test_numbers"}),
                    kind="lifecycle",
                )
            )
    for status in mobizon.final_statuses():
        out.append(
            Scenario(
                f"mobizon-webhook-{status.status}",
                "webhook mobizonWebhook",
                f"sms-delivery-report of a message that ends in {status.status}",
                _webhook_scenario(status),
                cost=1,
                needs=frozenset({"local_receiver", "test_numbers"}),
                kind="callback",
                recordable=False,
            )
        )
    return out

"""What the tests build on: one valid SMSMessage, varied per test; a `check` interrupted."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from sms_contract.simulator import SimulatorConfig, create_app
from sms_contract.simulator.server import running


def sms_message(sid: str | None = "a1", to: str = "09999900001", **over: Any) -> dict[str, Any]:
    """A valid SMSMessage object (queued, account `acme`), with fields overridden by `over`."""
    base: dict[str, Any] = {
        "Sid": sid,
        "AccountSid": "acme",
        "From": "080/ACME",
        "To": to,
        "DateCreated": "2026-01-02 03:04:05",
        "DateUpdated": "2026-01-02 03:04:05",
        "DateSent": None,
        "Body": "Hi",
        "Direction": "outbound-api",
        "Uri": f"/v1/Accounts/acme/SMS/Messages/{sid}.json" if sid else None,
        "ApiVersion": None,
        "Price": None,
        "Status": "queued",
        "DetailedStatusCode": 21010,
        "DetailedStatus": "PENDING_TO_OPERATOR",
        "SmsUnits": None,
    }
    base.update(over)
    return base


def interrupted_check(config: SimulatorConfig, after: int, *args: str) -> tuple[int, str, str]:
    """`sms-contract check --target-url SIMULATOR *args` in a process, sent SIGINT once the
    simulator has had `after` requests: (exit code, stdout, stderr)."""
    seen: list[str] = []
    inner = create_app(config)

    async def counting(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            seen.append(scope["path"])
        await inner(scope, receive, send)

    with running(counting) as url:
        process = subprocess.Popen(
            [sys.executable, "-m", "sms_contract.cli", "check", "--target-url", url, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while len(seen) < after and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    return process.returncode, out, err

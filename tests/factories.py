"""Payloads the tests build on: one valid SMSMessage, varied per test."""

from __future__ import annotations

from typing import Any


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

"""Bandwidth's official SDK (bandwidth-sdk) agrees with the contract on callbacks.

Every delivery `sms-contract callbacks` generates for Bandwidth parses with the SDK's
`bandwidth.models.Callback`, and the SDK's own callback example validates with
`validate_callback` where the document agrees with it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from bandwidth.models import (
    Callback,
    InboundCallback,
    InboundCallbackMessage,
    StatusCallback,
    StatusCallbackMessage,
)

from sms_contract import validate_callback
from sms_contract.callbacks.payloads import deliveries

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


@pytest.mark.parametrize("seed", [0, 1])
def test_every_generated_bandwidth_delivery_parses_with_the_sdk(seed: int) -> None:
    events = [
        (d.id, event)
        for d in deliveries("bandwidth", seed=seed)
        if d.valid
        for event in json.loads(d.body)
    ]
    assert len(events) >= 10
    for delivery_id, event in events:
        parsed = Callback.from_dict(event).actual_instance
        inbound = event["type"] == "message-received"
        assert isinstance(parsed, InboundCallback if inbound else StatusCallback), delivery_id
        # deliveries the provider could send: an inbound message comes in, every event has a
        # destination, and no text carries control characters
        assert parsed.message.direction.value == ("in" if inbound else "out"), delivery_id
        assert parsed.to, delivery_id
        assert not any(ord(c) < 32 for c in json.dumps(event, ensure_ascii=False)), delivery_id


def test_the_documents_example_parses_with_the_sdk_and_validates() -> None:
    lines = (REFERENCE / "bandwidth-message-failed.txt").read_text().split("\n")
    body = "\n".join(lines[57:83])  # lines 58-83: the Example Error 4432 array
    events = json.loads(body)
    assert isinstance(Callback.from_dict(events[0]).actual_instance, StatusCallback)
    assert not validate_callback("bandwidth", body)


def _sdk(model: Any) -> dict[str, Any]:
    """What the SDK serialises (its to_dict, times in ISO 8601), as it would arrive."""
    data: dict[str, Any] = json.loads(json.dumps(model.to_dict(), default=_iso))
    return data


def _iso(value: datetime) -> str:
    return value.isoformat()


# the SDK's own Callback example (Bandwidth/python-sdk, test/unit/models/test_callback.py)
INBOUND = InboundCallback(
    time="2024-12-02T20:15:57.278Z",
    type="message-received",
    to="+15552223333",
    description="Incoming message received",
    message=InboundCallbackMessage(
        id="1661365814859loidf7mcwd4qacn7",
        owner="+15553332222",
        application_id="93de2206-9669-4e07-948d-329f4b722ee2",
        time="2024-12-02T20:15:57.666Z",
        segment_count=1,
        direction="in",
        to=["+15552223333"],
        var_from="+15553332222",
    ),
    carrier_name="AT&T",
)
STATUS = StatusCallback(
    time="2024-12-02T20:15:57.278Z",
    event_time="2024-12-02T20:15:58.278Z",
    type="message-delivered",
    to="+15552223333",
    description="Message delivered to carrier.",
    message=StatusCallbackMessage(
        id="1661365814859loidf7mcwd4qacn7",
        owner="+15553332222",
        application_id="93de2206-9669-4e07-948d-329f4b722ee2",
        time="2024-12-02T20:15:57.666Z",
        segment_count=1,
        direction="in",
        to=["+15552223333"],
        var_from="+15553332222",
        text="Hello world",
        tag="custom string",
        media=[
            "https://dev.bandwidth.com/images/bandwidth-logo.png",
            "https://dev.bandwidth.com/images/github_logo.png",
        ],
        priority="default",
        channel="RBM",
    ),
    error_code=4405,
    carrier_name="AT&T",
)


def test_the_sdks_inbound_example_validates() -> None:
    report = validate_callback("bandwidth", json.dumps([_sdk(INBOUND)]))
    assert not report, report.explain()


def test_the_sdks_status_example_differs_from_the_document_only_where_the_document_does() -> None:
    # the SDK's example puts errorCode on message-delivered; the document's errorCode is on
    # message-failed only (reference/README.md), so exactly that is reported
    report = validate_callback("bandwidth", json.dumps([_sdk(STATUS)]))
    assert [v.pointer for v in report] == ["/0"], report.explain()
    assert "errorCode" in report.explain()
    without = {k: v for k, v in _sdk(STATUS).items() if k != "errorCode"}
    assert not validate_callback("bandwidth", json.dumps([without]))

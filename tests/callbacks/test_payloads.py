"""The callback variants cover the registries, are valid (or deliberately not), and repeat."""

from __future__ import annotations

import json
from urllib.parse import unquote_plus

import pytest

from sms_contract.callbacks import Delivery, deliveries
from sms_contract.checks.validate import validate_callback
from sms_contract.contract.registry import load_registries

ALL = deliveries(malformed=True)


@pytest.mark.parametrize("delivery", ALL, ids=[d.id for d in ALL])
def test_valid_variants_conform_and_malformed_ones_do_not(delivery: Delivery) -> None:
    report = validate_callback(delivery.provider, delivery.body, delivery.content_type)
    assert delivery.valid == (not report), report.explain()


def test_every_registry_entry_has_a_variant() -> None:
    registries = load_registries()
    ids = {d.id for d in ALL}
    for code in registries.dscs():
        if code.final and code.reached == "delivery":
            assert f"exotel/status-{code.code}" in ids
    for event in registries.bandwidth["types"]:
        assert any(i.startswith(f"bandwidth/{event['type']}") for i in ids)
    for status in registries.mobizon_statuses:
        assert (f"mobizon/sms-delivery-report-{status['status']}" in ids) == status["final"]
    for event in registries.hubbucs["types"]:
        assert f"hubbucs/{event['type']}" in ids
    assert "exotel/click-tracking" in ids


def test_delivery_semantics_the_providers_document() -> None:
    by_id = {d.id: d for d in ALL}
    for provider in ("exotel", "bandwidth", "hubbucs", "mobizon"):
        duplicate = by_id[f"{provider}/duplicate"]
        assert duplicate.body == by_id[duplicate.repeats or ""].body
    batch = json.loads(by_id["bandwidth/several-events"].body)
    assert [e["type"] for e in batch] == ["message-sending", "message-sent", "message-delivered"]
    late = json.loads(by_id["bandwidth/out-of-order"].body)
    assert [e["type"] for e in late] == ["message-delivered", "message-sent"]
    assert "नमस्ते" in unquote_plus(by_id["exotel/unicode-custom-field"].body.decode())
    extra = json.loads(by_id["hubbucs/extra-fields"].body)
    assert set(extra) - {"type", "message_id", "from", "to", "errorCode", "description"}
    assert by_id["hubbucs/message-failed"].content_type == "application/json; charset=utf-8"
    failed = json.loads(by_id["bandwidth/message-failed-4432"].body)[0]
    assert failed["errorCode"] == 4432


def test_a_seed_makes_a_run_reproducible() -> None:
    again = deliveries(malformed=True)
    assert [d.body for d in again] == [d.body for d in ALL]
    other = deliveries(seed=7)
    assert [d.body for d in other] != [d.body for d in ALL if d.valid]


def test_unknown_provider() -> None:
    with pytest.raises(ValueError, match="unknown provider"):
        deliveries("twilio")

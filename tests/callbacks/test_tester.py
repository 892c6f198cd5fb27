"""The receiver tester passes a robust receiver and names what a fragile one gets wrong."""

from __future__ import annotations

from collections import Counter

import pytest
from examples.receivers import fragile, robust

from sms_contract.callbacks import check_answer, deliver_all, deliveries
from sms_contract.conformance.session import TargetUnreachable
from sms_contract.simulator.server import running


def test_the_robust_example_receiver_passes_everything() -> None:
    with running(robust.app) as url:
        outcomes = deliver_all(f"{url}/hooks", deliveries(malformed=True), expect_reject=True)
    failed = {o.id: [str(v) for v in o.violations] for o in outcomes if o.status == "failed"}
    assert not failed
    assert len(outcomes) == len(deliveries(malformed=True))


def test_the_fragile_example_receiver_is_caught() -> None:
    with running(fragile.app) as url:
        outcomes = deliver_all(f"{url}/hooks", deliveries(malformed=True), expect_reject=True)
    checks = Counter(v.check for o in outcomes for v in o.violations)
    assert checks["receiver_no_server_error"] > 10  # arrays, unknown statuses, unicode
    assert checks["duplicate_answered_alike"] >= 1
    failing = {o.id for o in outcomes if o.status == "failed"}
    assert {
        "bandwidth/message-delivered",
        "exotel/status-23005",
        "exotel/unicode-custom-field",
    } <= failing


def test_deadline_and_duplicates_are_judged_per_provider() -> None:
    delivery = next(d for d in deliveries("bandwidth") if d.id == "bandwidth/message-delivered")
    assert not check_answer(delivery, 200, 9.0, None, None, False)
    late = check_answer(delivery, 200, 10.5, None, None, False)
    assert [v.check for v in late] == ["receiver_deadline"]
    exotel = next(d for d in deliveries("exotel") if d.id == "exotel/duplicate")
    assert not check_answer(exotel, 200, 14.0, None, 200, False)  # Exotel allows 15 s
    assert [v.check for v in check_answer(exotel, 409, 0.1, None, 200, False)] == [
        "receiver_accepts",
        "duplicate_answered_alike",
    ]


def test_an_unreachable_receiver_is_one_error() -> None:
    with pytest.raises(TargetUnreachable, match="cannot reach"):
        deliver_all("http://127.0.0.1:9/hooks", deliveries("hubbucs"))

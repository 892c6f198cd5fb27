"""The live session is safe by construction: a budget, a pace, and an allowlist."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from sms_contract.conformance import Budget, BudgetExhausted, Session, Target, UnsafeRecipient
from sms_contract.conformance.embedded import TargetConfigError, embedded, remote_target
from sms_contract.conformance.session import TargetUnreachable, unsafe_recipients
from sms_contract.conformance.target import default_recipients, is_local, may_send_to


@pytest.fixture
def target() -> Iterator[Target]:
    with embedded() as t:
        yield t


def test_budget_stops_the_next_request(target: Target) -> None:
    with httpx.Client() as client:
        session = Session(target, client, budget=Budget(2))
        session.request("GET", "/SMS/Messages/nosuchsid.json")
        session.request("GET", "/SMS/Messages/nosuchsid.json")
        with pytest.raises(BudgetExhausted):
            session.request("GET", "/SMS/Messages/nosuchsid.json")
        assert session.budget.used == 2


def test_rate_paces_requests(target: Target) -> None:
    with httpx.Client() as client:
        session = Session(target, client, rate=20)
        started = time.monotonic()
        for _ in range(5):
            session.request("GET", "/SMS/Messages/nosuchsid.json")
        assert time.monotonic() - started >= 4 / 20


def test_only_allowlisted_numbers_are_sent_to(target: Target) -> None:
    with httpx.Client() as client:
        session = Session(target, client)
        with pytest.raises(UnsafeRecipient, match="919812345678"):
            session.request("POST", "/Sms/send.json", form=(("To[]", "+919812345678"),))
        assert session.budget.used == 0
    allowed = default_recipients()
    form = (("Messages[0][To]", "+14155550100"), ("To", allowed[0]), ("To", "not-a-number"))
    assert unsafe_recipients(form, allowed) == ["+14155550100"]
    assert may_send_to("abc", allowed) and not may_send_to("9812345678", allowed)


def test_default_recipients_are_test_numbers_success_first() -> None:
    numbers = default_recipients()
    # +91 followed by 0: no Indian subscriber number starts with 0, so none reaches a person
    assert all(n.startswith("+910") for n in numbers)
    assert numbers[0] == "+9100020005"  # DELIVERED_TO_HANDSET: what an ordinary send ends in


def test_unreachable_target_is_one_clear_error() -> None:
    target = Target("http://127.0.0.1:9", "acc", ("k", "t"))
    with httpx.Client() as client, pytest.raises(TargetUnreachable) as caught:
        Session(target, client).request("GET", "/SMS/Messages/x.json")
    assert "127.0.0.1:9" in str(caught.value) and "t" not in str(caught.value).split()


def test_remote_targets_need_consent_and_credentials() -> None:
    assert is_local("http://localhost:8765") and is_local("http://[::1]:80")
    assert not is_local("https://api.exotel.com")
    with pytest.raises(TargetConfigError, match="--allow-remote"):
        remote_target("https://staging.example", "k:t", "acc")
    with pytest.raises(TargetConfigError, match="credentials"):
        remote_target("https://staging.example", None, "acc", allow_remote=True)
    with pytest.raises(TargetConfigError, match="--recipient"):
        remote_target("https://staging.example", "k:t", "acc", allow_remote=True)
    remote = remote_target(
        "https://staging.example", "k:t", "acc", allow_remote=True, recipients=("+9199",)
    )
    assert remote.auth == ("k", "t") and not remote.test_numbers and "t" in remote.secrets
    assert remote.recipients == ("+9199",)

"""Deliver every callback variant to a webhook receiver and check how it answers.

A receiver must answer every valid delivery 2xx within its provider's deadline, never 5xx,
and a repeated delivery the way it answered the first; with `expect_reject`, each malformed
delivery must get a 4xx.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import httpx

from sms_contract.callbacks.payloads import Delivery
from sms_contract.conformance.outcome import Outcome
from sms_contract.conformance.session import TargetUnreachable
from sms_contract.contract.registry import load_registries
from sms_contract.contract.violations import Violation, show


def _deadline(provider: str) -> float:
    return float(load_registries().delivery(provider)["deadline_seconds"])


def check_answer(
    delivery: Delivery,
    status: int | None,
    seconds: float,
    error: str | None,
    first_status: int | None,
    expect_reject: bool,
) -> list[Violation]:
    """What is wrong with the receiver's answer to one delivery (empty: nothing)."""
    label = f"{delivery.provider} callback"
    out: list[Violation] = []

    def violation(check: str, expected: object, actual: object, message: str) -> None:
        out.append(Violation(check, "/status", show(expected), show(actual), message, label))

    deadline = _deadline(delivery.provider)
    if status is None:
        violation("receiver_answers", f"an answer within {deadline:g} s", error, "no answer")
        return out
    if seconds > deadline:
        violation(
            "receiver_deadline",
            f"at most {deadline:g} s",
            f"{seconds:.2f} s",
            f"{delivery.provider} gives up after {deadline:g} s and redelivers",
        )
    if status >= 500:
        violation("receiver_no_server_error", "not 5xx", status, "the receiver crashed on it")
    elif delivery.valid and not 200 <= status < 300:
        violation(
            "receiver_accepts", "2xx", status, f"a documented delivery: {delivery.description}"
        )
    elif not delivery.valid and expect_reject and not 400 <= status < 500:
        violation("receiver_rejects_malformed", "4xx", status, delivery.description)
    if delivery.repeats and first_status is not None and status != first_status:
        violation(
            "duplicate_answered_alike",
            first_status,
            status,
            f"the same delivery ({delivery.repeats}) got another answer the second time",
        )
    return out


def deliver_all(
    receiver_url: str,
    deliveries: Iterable[Delivery],
    *,
    expect_reject: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """POST each delivery to `receiver_url` in order; one outcome per delivery.

    Malformed deliveries are sent only with `expect_reject`. An unreachable receiver raises
    `TargetUnreachable` before anything is reported.
    """
    answers: dict[str, int | None] = {}
    outcomes: list[Outcome] = []
    # a fresh connection per delivery, as providers' webhook senders make them: a receiver that
    # drops a connection after a crash must not make the next delivery fail
    with httpx.Client(limits=httpx.Limits(max_keepalive_connections=0)) as client:
        for delivery in deliveries:
            if not delivery.valid and not expect_reject:
                continue
            started = time.perf_counter()
            status: int | None = None
            error: str | None = None
            try:
                response = client.post(
                    receiver_url,
                    content=delivery.body,
                    headers={"Content-Type": delivery.content_type},
                    timeout=_deadline(delivery.provider) + 5,
                )
                status = response.status_code
            except httpx.TimeoutException:
                error = "timed out"
            except httpx.TransportError as exc:
                if not outcomes:
                    raise TargetUnreachable(f"cannot reach {receiver_url}: {exc}") from None
                error = str(exc) or type(exc).__name__
            seconds = time.perf_counter() - started
            answers[delivery.id] = status
            first = answers.get(delivery.repeats) if delivery.repeats else None
            found = check_answer(delivery, status, seconds, error, first, expect_reject)
            outcome = Outcome(
                delivery.id,
                f"{delivery.provider} callback",
                delivery.description,
                "callback",
                "failed" if found else "passed",
                violations=found,
                requests=1,
                seconds=seconds,
            )
            outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)
    return outcomes

"""One scenario against a session, and what it found (`conformance.run` runs a whole plan)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

from sms_contract.checks.coverage import Coverage
from sms_contract.conformance.budget import BudgetExhausted
from sms_contract.conformance.scenarios import Run, Scenario
from sms_contract.conformance.session import Call, Session, UnsafeRecipient
from sms_contract.contract.schemastore import Mode
from sms_contract.contract.violations import AcceptedVariant, Violation

Status = Literal["passed", "failed", "not run"]


@dataclass
class Outcome:
    """What one scenario found."""

    id: str
    operation: str
    title: str
    kind: str
    status: Status
    violations: list[Violation] = field(default_factory=list)
    accepted: list[AcceptedVariant] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    reason: str = ""


def run_scenario(
    scenario: Scenario, session: Session, mode: Mode, coverage: Coverage | None = None
) -> Outcome:
    """Run one scenario; `TargetUnreachable` and `KeyboardInterrupt` propagate. `coverage`
    counts what its exchanges and callbacks exercised."""
    started = time.perf_counter()
    outcome = Outcome(scenario.id, scenario.operation, scenario.title, scenario.kind, "passed")
    why_not = scenario.applies_to(session.target)
    remaining = session.remaining
    if why_not is None and remaining is not None and remaining < scenario.cost:
        why_not = f"needs up to {scenario.cost} requests, {remaining} left in the budget"
    if why_not:
        outcome.status, outcome.reason = "not run", why_not
        return outcome
    run = Run(session, mode, scenario.operation)
    run.expects_throttling = scenario.kind == "rate-limit"
    try:
        scenario.run(run)
    except (BudgetExhausted, UnsafeRecipient) as exc:
        outcome.status, outcome.reason = "not run", str(exc)
    finally:
        if coverage is not None:
            cover(coverage, run)
    if run.throttled is not None and run.violations:
        # one cause, not a list of its consequences: the target throttled the run
        run.violations = [throttled(run.throttled, session, scenario.operation)]
    outcome.violations, outcome.accepted = run.violations, run.accepted
    outcome.requests = len(run.calls)
    if outcome.violations:
        outcome.status = "failed"
    outcome.seconds = time.perf_counter() - started
    return outcome


def cover(coverage: Coverage, run: Run) -> None:
    """Count what one scenario's exchanges and callbacks exercised, each failed when the
    contract's checks or the scenario's own expectations found something on it."""
    for checked in run.exchanges:
        call = checked.call
        coverage.add_exchange(
            checked.report,
            call.method,
            call.url,
            call.status,
            call.request_body,
            call.headers,
            call.body,
            failed=bool(checked.findings),
        )
    for report, wrong in run.callbacks:
        coverage.add_callback(report, failed=bool(report) or wrong)


def throttled(call: Call, session: Session, operation: str) -> Violation:
    """The finding for a scenario whose target answered 429 to a request that asked none."""
    return Violation(
        "throttled",
        "/status",
        "an answer within the published rate limit",
        "429",
        f"the target throttled this run ({call.method} answered 429 after "
        f"{session.posts_in_last_minute()} POSTs in the last minute on account "
        f"{session.target.account_sid}): this scenario could not be checked; slow the run "
        "(--rate) or give it an account of its own",
        operation,
    )

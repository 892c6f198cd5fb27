"""One conformance run: the scenarios, the fuzz pass, then the rate-limit probes, against one
target under one request budget, into one report.

`sms-contract check` and `fuzz`, the mutant harness and the pytest suites all run through
`run_conformance`; they differ only in the `Plan` they pass and in how they show the report.
Accounts are decided in `conformance.accounts`, the budget is one `Budget` shared by every part.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from sms_contract.cassettes.filters import redact_url
from sms_contract.checks.coverage import API_GROUPS, CALLBACK_TYPES, Coverage
from sms_contract.conformance.accounts import Accounts, accounts_for
from sms_contract.conformance.budget import Budget
from sms_contract.conformance.fuzz import FuzzResult, fuzz, fuzz_stateful, operation_labels
from sms_contract.conformance.outcome import Outcome, run_scenario
from sms_contract.conformance.preflight import TargetProblem, preflight
from sms_contract.conformance.scenarios import Scenario
from sms_contract.conformance.session import Session, TargetUnreachable
from sms_contract.conformance.target import Target
from sms_contract.contract.schemastore import Mode
from sms_contract.report import RunReport

FUZZ_MODES = ("positive", "negative")
# what a run's API traffic and the StatusCallbacks its scenarios receive can exercise
CHECK_GROUPS = (*API_GROUPS, CALLBACK_TYPES)


@dataclass(frozen=True)
class Plan:
    """What one run does (the how-carefully is in `run_conformance`'s keyword arguments)."""

    scenarios: Sequence[Scenario] = ()
    mode: Mode = "strict"
    # schemathesis cases per operation and generation mode (0: no fuzz pass)
    fuzz_examples: int = 0
    # fuzz only the operation(s) with this `METHOD /path` label (None: every operation)
    fuzz_operation: str | tuple[str, ...] | None = None
    fuzz_modes: tuple[str, ...] = FUZZ_MODES
    # hypothesis' seed for the fuzz pass: the same seed sends the same cases
    fuzz_seed: int = 0
    # one harmless request first, so an unreachable or wrong target is one clear error
    preflight: bool = True
    # after the per-operation fuzz pass, schemathesis' stateful phase along the links
    stateful: bool = True

    @property
    def probes(self) -> list[Scenario]:
        """The rate-limit probes: they leave their account throttled, so they run last."""
        return [s for s in self.scenarios if s.kind == "rate-limit"]

    @property
    def steps(self) -> int:
        """How many times `on_step` will be called (for a progress bar)."""
        fuzzed = 0
        if self.fuzz_examples:
            only = self.fuzz_operation
            operations = (
                len(operation_labels())
                if only is None
                else 1
                if isinstance(only, str)
                else len(only)
            )
            fuzzed = operations * len(self.fuzz_modes)
            fuzzed += 1 if self.stateful and not self.fuzz_operation else 0
        return len(self.scenarios) + fuzzed


def run_conformance(
    target: Target,
    plan: Plan,
    *,
    budget: Budget | None = None,
    rate: float | None = None,
    timeout: float = 30.0,
    accounts: Accounts | None = None,
    label: str | None = None,
    on_step: Callable[[str], None] | None = None,
    stop: Callable[[Outcome], bool] | None = None,
) -> RunReport:
    """Run `plan` against `target` and report what it found.

    Never raises for what the target does: an unreachable target or one that cannot be checked
    ends the run with `report.error`; Ctrl-C ends it with `report.interrupted`. Either way the
    report holds everything that finished. `stop` ends the run early once it returns true for
    a scenario's outcome (the mutant harness: the verdict is reached).
    """
    started = time.perf_counter()
    report = RunReport(
        label or redact_url(target.base),
        plan.mode,
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        secrets=target.secrets,
        coverage=Coverage(CHECK_GROUPS),
        fuzz_seed=plan.fuzz_seed,
    )
    try:
        if plan.preflight:
            preflight(target, timeout)
        _run(
            target,
            plan,
            report,
            budget or Budget(),
            rate,
            timeout,
            accounts,
            on_step or (lambda label: None),
            stop or (lambda outcome: False),
        )
    except (TargetUnreachable, TargetProblem) as exc:
        report.error = report.scrub(str(exc))
    except KeyboardInterrupt:
        report.interrupted = True
        # what Ctrl-C kept from running is counted as not run, not left out of the totals
        ran = {o.id for o in report.outcomes}
        report.outcomes.extend(
            Outcome(s.id, s.operation, s.title, s.kind, "not run", reason="interrupted")
            for s in plan.scenarios
            if s.id not in ran
        )
    if report.coverage is not None:
        report.coverage.narrow_to_seen_providers()
    report.seconds = time.perf_counter() - started
    return report


def _run(
    target: Target,
    plan: Plan,
    report: RunReport,
    budget: Budget,
    rate: float | None,
    timeout: float,
    accounts: Accounts | None,
    on_step: Callable[[str], None],
    stop: Callable[[Outcome], bool],
) -> None:
    """Fill `report` as each part finishes, so an interrupted run keeps what it found."""
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        accounts = accounts or accounts_for(target, client)
        session = Session(target, client, budget=budget, rate=rate)
        session.ledger.tolerant = plan.mode == "tolerant"
        for scenario in plan.scenarios:
            if scenario.kind != "rate-limit":
                session.target = accounts.for_scenario(target, scenario)
                outcome = run_scenario(scenario, session, plan.mode, report.coverage)
                report.outcomes.append(outcome)
                on_step(scenario.id)
                if stop(outcome):
                    return
        if plan.fuzz_examples:

            def fuzzed(result: FuzzResult) -> None:
                report.fuzz.append(result)
                on_step(f"fuzz {result.operation}")

            fuzz(
                accounts.for_fuzz(target),
                examples=plan.fuzz_examples,
                budget=budget,
                seed=plan.fuzz_seed,
                timeout=timeout,
                operation=plan.fuzz_operation,
                modes=plan.fuzz_modes,
                on_result=fuzzed,
                coverage=report.coverage,
            )
            if plan.fuzz_operation is None and plan.stateful:
                # sequences along openapi.yaml's links: send / bulk -> details of each Sid
                fuzzed(
                    fuzz_stateful(
                        accounts.for_fuzz(target),
                        steps=2 * plan.fuzz_examples,
                        budget=budget,
                        seed=plan.fuzz_seed,
                        timeout=timeout,
                        coverage=report.coverage,
                    )
                )
        for scenario in plan.probes:
            session.target = accounts.for_probe(target, scenario)
            outcome = run_scenario(scenario, session, plan.mode, report.coverage)
            report.outcomes.append(outcome)
            on_step(scenario.id)
            if stop(outcome):
                break
        session.target = target

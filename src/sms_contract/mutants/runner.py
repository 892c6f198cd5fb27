"""Run the conformance scenarios against the pristine simulator and every mutant.

`python -m sms_contract.mutants` (or `sms-contract mutants`) prints, per mutant, killed or
survived and the checks that killed it; exit 0 only when the pristine target passes and every
mutant is killed.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.types import ASGIApp

from sms_contract.conformance import all_scenarios
from sms_contract.conformance.embedded import embedded_target
from sms_contract.conformance.outcome import Outcome
from sms_contract.conformance.run import Plan, run_conformance
from sms_contract.mutants.catalogue import Mutant, catalogue
from sms_contract.simulator import SimulatorConfig, create_app
from sms_contract.simulator.server import running

PRISTINE = "pristine"


@dataclass
class MutantResult:
    """What the suite found on one target."""

    name: str
    description: str
    failed_scenarios: list[str] = field(default_factory=list)
    checks: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    # a control (pristine, identity): the suite must pass it
    control: bool = False

    @property
    def killed(self) -> bool:
        return bool(self.failed_scenarios)

    @property
    def as_expected(self) -> bool:
        """A fault killed, a control passed."""
        return self.killed != self.control


def run_target(
    name: str,
    description: str,
    app: ASGIApp,
    fuzz_examples: int = 0,
    until: tuple[str, ...] = (),
    provider: str = "exotel",
) -> MutantResult:
    """The conformance run (scenarios, and optionally a fuzz pass) against one app.

    `until`: stop once every one of these checks has reported the target (a mutant's declared
    killers: the verdict is reached, the rest of the suite would only add to its list).
    """
    result = MutantResult(name, description)
    found: set[str] = set()

    def killed_by_all(outcome: Outcome) -> bool:
        found.update(v.check for v in outcome.violations)
        return bool(until) and set(until) <= found

    with running(app) as url:
        target, plan = embedded_target(url), Plan(all_scenarios(), fuzz_examples=fuzz_examples)
        if provider == "mobizon":  # the Mobizon scenarios (no fuzz pass)
            from sms_contract.conformance.mobizon import target as mobizon_target
            from sms_contract.conformance.mobizon.scenarios import mobizon_scenarios

            # the simulator is instant and local: a final status or a webhook that has not come
            # in 3 s is not coming (a margin for loaded machines that keeps the waits of the
            # mutants that never finish a message short)
            target = dataclasses.replace(mobizon_target.embedded_target(url), patience=3.0)
            plan = Plan(mobizon_scenarios(), preflight=False)
        report = run_conformance(target, plan, stop=killed_by_all if until else None)
    if report.interrupted:
        raise KeyboardInterrupt
    if report.error:
        # a target the run could not finish against is caught, but by no check
        result.failed_scenarios.append(f"error: {report.error}")
    for outcome in report.outcomes:
        if outcome.status == "failed":
            result.failed_scenarios.append(outcome.id)
            result.checks.update({v.check for v in outcome.violations})
    for fuzzed in report.fuzz:
        if fuzzed.failures:
            result.failed_scenarios.append(f"fuzz {fuzzed.operation} {fuzzed.mode}")
            result.checks.update({f"fuzz: {f.check}" for f in fuzzed.failures})
    result.seconds = report.seconds
    return result


def run_mutant(mutant: Mutant, fuzz_examples: int = 0, *, full: bool = False) -> MutantResult:
    """One mutant; unless `full`, its run ends once the checks it declares have killed it."""
    until = () if full or fuzz_examples or mutant.survives else mutant.kills
    provider = getattr(mutant, "provider", "exotel")
    app = mutant.app()
    result = run_target(mutant.name, mutant.description, app, fuzz_examples, until, provider)
    result.control = mutant.survives
    return result


def run_pristine(fuzz_examples: int = 0, provider: str = "exotel") -> MutantResult:
    app = create_app(SimulatorConfig(db=":memory:"))
    name = PRISTINE if provider == "exotel" else f"{PRISTINE}-{provider}"
    result = run_target(name, "the reference simulator", app, fuzz_examples, (), provider)
    result.control = True
    return result


def run_all(
    names: list[str] | None = None,
    fuzz_examples: int = 0,
    on_result: Callable[[MutantResult], None] | None = None,
    *,
    full: bool = False,
) -> list[MutantResult]:
    """Pristine first, then each mutant (all, or those named)."""
    mutants = catalogue()
    unknown = sorted(set(names or []) - set(mutants))
    if unknown:
        raise KeyError(f"unknown mutant(s): {', '.join(unknown)}")
    chosen = [mutants[n] for n in (names or list(mutants))]
    # the pristine simulator must pass every provider's scenarios the chosen mutants run
    providers = sorted({getattr(m, "provider", "exotel") for m in chosen} - {"exotel"})
    results = []
    for item in [None, *chosen]:
        if item is None:
            result = run_pristine(fuzz_examples)
            for provider in providers:
                other = run_pristine(provider=provider)
                result.failed_scenarios += other.failed_scenarios
                result.checks.update(other.checks)
                result.seconds += other.seconds
        else:
            result = run_mutant(item, fuzz_examples, full=full)
        results.append(result)
        if on_result:
            on_result(result)
    return results

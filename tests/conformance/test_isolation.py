"""Verdicts that depend neither on the previous run nor on the machine's load: each scenario
gets its own account on the simulator, throttling is named as the cause, and waiting for a
message to become final advances the simulator's clock instead of this machine's."""

from __future__ import annotations

from sms_contract.conformance import Outcome, Target, all_scenarios, select
from sms_contract.conformance.embedded import embedded, embedded_target, remote_target
from sms_contract.conformance.run import Plan, run_conformance
from sms_contract.conformance.scenarios import Scenario
from sms_contract.contract.registry import load_registries
from sms_contract.simulator import SimulatorConfig, create_app
from sms_contract.simulator.config import DEFAULT_ACCOUNT_SID
from sms_contract.simulator.server import running

_LIMIT = load_registries().http_error("post_rate_limited").limit_per_minute
assert _LIMIT is not None, "the registry publishes the POST limit"
LIMIT: int = _LIMIT


def run_scenarios(target: Target, scenarios: list[Scenario]) -> list[Outcome]:
    report = run_conformance(target, Plan(scenarios))
    assert not report.error, report.error
    return report.outcomes


def test_a_second_run_against_the_same_simulator_still_conforms() -> None:
    """The rate-limit probe spends a whole window: a run right after it must not pay for it."""
    scenarios = list(
        select(all_scenarios(), ["send[json]", "static-bulk-2[json]", "error-post_rate_limited"])
    )
    with running(config=SimulatorConfig(db=":memory:")) as url:
        target = remote_target(url, None, DEFAULT_ACCOUNT_SID)  # as `check --target-url`
        for _ in range(2):
            outcomes = run_scenarios(target, scenarios)
            assert [o.status for o in outcomes] == ["passed"] * len(scenarios), [
                (o.id, [str(v) for v in o.violations]) for o in outcomes
            ]


def test_a_target_that_throttles_early_fails_the_probe_and_names_the_cause_elsewhere() -> None:
    scenarios = list(
        select(all_scenarios(), ["parameter-Priority[json]", "error-post_rate_limited[xml]"])
    )
    with embedded(SimulatorConfig(db=":memory:", post_limit_per_minute=3)) as target:
        outcomes = {o.id: o for o in run_scenarios(target, scenarios)}
    throttled = outcomes["parameter-Priority[json]"]
    assert throttled.status == "failed"
    assert [v.check for v in throttled.violations] == ["throttled"]
    assert "throttled this run" in throttled.violations[0].message
    probe = outcomes["error-post_rate_limited[xml]"]
    assert "rate_limit_exact" in {v.check for v in probe.violations}
    assert f"request {LIMIT + 1}" in str(probe.violations[0])


def test_lifecycle_advances_the_simulators_clock_instead_of_waiting() -> None:
    app = create_app(SimulatorConfig(db=":memory:", instant=False, step_seconds=2.0))
    with running(app) as url:
        target = embedded_target(url)
        outcomes = run_scenarios(target, list(select(all_scenarios(), ["lifecycle-23010"])))
    assert [o.status for o in outcomes] == ["passed"], [str(v) for v in outcomes[0].violations]
    assert app.state.simulator.clock.offset >= 2.0

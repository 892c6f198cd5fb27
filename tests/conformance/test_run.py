"""One orchestration: the scenarios, then the fuzz pass, then the rate-limit probes, under one
budget and the account policy of `conformance.accounts`, into one report."""

from __future__ import annotations

import dataclasses

import httpx

from sms_contract.conformance import Budget, Target, all_scenarios
from sms_contract.conformance.accounts import SharedAccount, SimulatorAccounts, accounts_for
from sms_contract.conformance.embedded import embedded_target
from sms_contract.conformance.run import Plan, run_conformance
from sms_contract.simulator import SimulatorConfig, create_app
from sms_contract.simulator.server import running

SCENARIOS = {s.id: s for s in all_scenarios()}
PROBE, SEND = SCENARIOS["error-post_rate_limited[json]"], SCENARIOS["send[json]"]


def test_probes_run_last_on_accounts_of_their_own() -> None:
    # a low limit keeps the probe short; the plan lists it first
    app = create_app(SimulatorConfig(db=":memory:", post_limit_per_minute=5))
    with running(app) as url:
        # its limit is lowered on purpose, so the probe is not held to the published one
        target = dataclasses.replace(embedded_target(url), published_limits=False)
        report = run_conformance(target, Plan([PROBE, SEND]))
        after = httpx.post(
            f"{target.api}/Sms/send.json",
            data={"From": "ACME", "To": target.recipient(0), "Body": "after the probe"},
            auth=target.auth,
        )
        accounts = app.state.simulator.accounts()
    assert [o.id for o in report.outcomes] == [SEND.id, PROBE.id]
    assert [o.status for o in report.outcomes] == ["passed", "passed"], report.failures()
    # every scenario on an account named for this run, the probe's for its error row
    assert any(a.startswith("run") and a.endswith("postratelimited") for a in accounts), accounts
    # the probe throttled its own account, not the one the run was given
    assert after.status_code == 200, after.text


def test_one_budget_for_the_scenarios_and_the_fuzz_pass() -> None:
    app = create_app(SimulatorConfig.unthrottled(db=":memory:"))
    budget = Budget(5)
    with running(app) as url:
        report = run_conformance(embedded_target(url), Plan([SEND], fuzz_examples=5), budget=budget)
    assert budget.used == 5
    assert report.outcomes[0].requests + sum(r.cases for r in report.fuzz) == 5
    assert any(r.reason for r in report.fuzz), "the fuzz pass stops when the budget is spent"


def test_an_unreachable_target_ends_the_run_with_an_error_not_an_exception() -> None:
    target = dataclasses.replace(embedded_target("http://127.0.0.1:9"), adds_accounts=False)
    report = run_conformance(target, Plan([SEND], fuzz_examples=1))
    assert "127.0.0.1:9" in report.error
    assert not report.outcomes and not report.fuzz


def test_a_target_that_cannot_add_accounts_shares_its_own() -> None:
    target = Target("https://staging.example", "ACME", ("key", "token"))
    accounts = accounts_for(target)
    assert isinstance(accounts, SharedAccount)
    assert accounts.for_fuzz(target) is target and accounts.for_probe(target, PROBE) is target
    assert isinstance(accounts_for(embedded_target("http://127.0.0.1:1")), SimulatorAccounts)

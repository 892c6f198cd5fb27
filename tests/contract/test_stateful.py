"""schemathesis' stateful phase: openapi.yaml links send, static bulk and dynamic bulk to the
details of each answered Sid, and every step is checked, the run's ledger included."""

from __future__ import annotations

import dataclasses

import schemathesis

from sms_contract.conformance.embedded import embedded_target
from sms_contract.conformance.fuzz import fuzz_stateful
from sms_contract.contract.resources import openapi_path
from sms_contract.mutants import catalogue
from sms_contract.simulator import SimulatorConfig, create_app
from sms_contract.simulator.config import NO_LIMIT
from sms_contract.simulator.server import running

UNTHROTTLED = {"post_limit_per_minute": NO_LIMIT, "get_limit_per_minute": NO_LIMIT}


def test_links_lead_from_every_send_to_details() -> None:
    machine = schemathesis.openapi.from_path(openapi_path()).as_state_machine()
    links = [name for name in dir(machine) if "__GET_" in name and "SMS_Messages" in name]
    sources = {name.split("___")[0] for name in links}
    assert sources == {
        "POST_v1_Accounts_AccountSid_Sms_send_json",
        "POST_v1_Accounts_AccountSid_Sms_bulksend_json",
    }
    assert any("DetailsOfSent" in n for n in links)  # a single send
    assert any("DetailsOfSecondInBulk" in n for n in links)  # a static bulk's second message
    assert any("DetailsOfSecond_" in n for n in links)  # a dynamic bulk's second message


def test_the_simulator_passes_the_stateful_phase() -> None:
    with running(create_app(SimulatorConfig.unthrottled(db=":memory:"))) as url:
        result = fuzz_stateful(embedded_target(url), steps=20)
    assert result.cases > 0 and not result.failures, [f.message for f in result.failures]


def test_the_ledger_runs_on_every_step() -> None:
    """Details that forget what send just accepted: only the checks across exchanges see it."""
    mutant = catalogue()["details-forgets-messages"]
    mutant = dataclasses.replace(mutant, config={**mutant.config, **UNTHROTTLED})
    with running(mutant.app()) as url:
        result = fuzz_stateful(embedded_target(url), steps=20)
    assert any("details_match_accepted" in f.message for f in result.failures), [
        f.message for f in result.failures
    ]

"""Every documented, request-triggerable behaviour has a scenario, with a stable id."""

from __future__ import annotations

from sms_contract.conformance import all_scenarios
from sms_contract.conformance.scenarios import SUFFIXES
from sms_contract.conformance.target import Target
from sms_contract.conformance.triggers import limits, triggers
from sms_contract.contract.registry import load_registries


def test_every_request_triggerable_error_row_has_a_trigger_and_scenarios() -> None:
    rows = [e for e in load_registries().http_errors if e.trigger == "request"]
    known = triggers(Target("http://x", "acc"))
    assert {r.id for r in rows} == set(known)
    ids = {s.id for s in all_scenarios()}
    for row in rows:
        for fmt in SUFFIXES:
            assert f"error-{row.id}[{fmt}]" in ids


def test_every_final_code_has_a_lifecycle_scenario() -> None:
    ids = {s.id for s in all_scenarios()}
    for code in load_registries().dscs():
        if code.final and code.reached == "delivery":
            assert f"lifecycle-{code.code}" in ids
        else:  # 23000 answers a request: no message can be driven to it
            assert f"lifecycle-{code.code}" not in ids


def test_scenario_ids_are_unique_and_stable() -> None:
    ids = [s.id for s in all_scenarios()]
    assert len(ids) == len(set(ids))
    assert ids[0] == "send[xml]" and "send[json]" in ids
    assert all(s.kind == "rate-limit" for s in all_scenarios()[-4:])


def test_limits_come_from_the_schemas() -> None:
    body, static, dynamic = limits()
    assert (body, static, dynamic) == (2000, 100, 100)
    too_many = triggers(Target("http://x", "acc"))["static_bulk_too_many"].form or ()
    assert sum(1 for name, _ in too_many if name == "To[]") == static + 1

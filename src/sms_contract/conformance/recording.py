"""Record the conformance scenarios as scrubbed vcrpy cassettes, one file per scenario."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
import vcr

from sms_contract.cassettes.cassette import scrubber
from sms_contract.cassettes.filters import redact_url
from sms_contract.conformance.budget import Budget
from sms_contract.conformance.outcome import Outcome, run_scenario
from sms_contract.conformance.scenarios import Scenario
from sms_contract.conformance.session import Session
from sms_contract.conformance.target import Target
from sms_contract.contract.schemastore import Mode

RECORD_MODES = ("none", "once", "new_episodes", "all")


def cassette_name(scenario_id: str) -> str:
    """`error-body_empty[json]` -> `error-body_empty-json.yaml`."""
    return scenario_id.replace("[", "-").replace("]", "") + ".yaml"


def record(
    target: Target,
    out_dir: Path,
    scenarios: Iterable[Scenario],
    *,
    mode: Mode = "strict",
    record_mode: str = "all",
    max_requests: int | None = None,
    rate: float | None = None,
    timeout: float = 30.0,
    between: Callable[[], None] | None = None,
    recorded_base: str | None = None,
    on_outcome: Callable[[Outcome, Path | None], None] | None = None,
) -> list[tuple[Outcome, Path | None]]:
    """Run each recordable scenario inside its own cassette; `between` runs before each.

    A scenario that did not run leaves no file. `recorded_base` replaces the target's base URL
    in the cassettes. Returns each outcome with its cassette path.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    rename = (target.base, recorded_base) if recorded_base else None
    before_request, before_response = scrubber(target.secrets, rename)

    def provider_only(request: Any) -> Any:
        # the simulator's control API (an account per scenario, its clock) is the suite's
        # bookkeeping, not the provider's traffic
        if "/_control/" in request.path:
            return None
        return before_request(request)

    recorder = vcr.VCR(
        record_mode=record_mode,
        before_record_request=provider_only,
        before_record_response=before_response,
        decode_compressed_response=True,
        match_on=("method", "uri", "body"),
    )
    results: list[tuple[Outcome, Path | None]] = []
    budget = Budget(max_requests)
    for scenario in scenarios:
        if not scenario.recordable:
            continue
        if between:
            between()
        path = out_dir / cassette_name(scenario.id)
        if record_mode == "all" and path.exists():
            path.unlink()  # "all" re-records; stale interactions must not survive
        with recorder.use_cassette(str(path)) as cassette:
            cassette.get_metadata(
                "provenance",
                {
                    "recorded_by": "sms-contract record",
                    "scenario": scenario.id,
                    "title": scenario.title,
                    "operation": scenario.operation,
                    "target": recorded_base or redact_url(target.base),
                    "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                },
            )
            with httpx.Client(timeout=timeout) as client:
                session = Session(target, client, budget=budget, rate=rate)
                outcome = run_scenario(scenario, session, mode)
        written: Path | None = path if path.exists() else None
        if outcome.status == "not run" and written:
            written.unlink()
            written = None
        results.append((outcome, written))
        if on_outcome:
            on_outcome(outcome, written)
    return results

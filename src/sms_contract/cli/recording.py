"""`record`, for every provider: scenarios run into cassettes, counted as each one finishes.

One loop serves Exotel (two simulators on an embedded run: the rate-limit probes come from one
whose limits are lowered) and Mobizon (one target). Ctrl-C ends it with exit 130 and the count
of cassettes on disk, wherever it lands: `interrupts()` remembers one that a library swallowed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from sms_contract.cli.group import EXIT_INTERRUPTED, EXIT_OK, EXIT_VIOLATIONS, fail
from sms_contract.cli.options import TargetArgs, request_limits
from sms_contract.cli.output import interrupts, progress

if TYPE_CHECKING:
    from sms_contract.conformance.outcome import Outcome
    from sms_contract.conformance.scenarios import Scenario
    from sms_contract.conformance.target import Target


@dataclasses.dataclass
class RecordJob:
    """Scenarios recorded from one target, entered only when its turn comes."""

    target: contextlib.AbstractContextManager[Target]
    scenarios: Sequence[Scenario]
    adjust: Callable[[Target], Target] = lambda live: live


def _written_since(folder: Path, started: float) -> int:
    """Cassette files in `folder` written since `started` (a time.time())."""
    return sum(
        1
        for path in folder.glob("*")
        if path.suffix in (".yaml", ".yml", ".json") and path.stat().st_mtime >= started - 1
    )


def _echo_broken(outcome: Outcome) -> None:
    click.echo(f"{outcome.id}: recorded, but the target broke the contract:")
    for violation in outcome.violations:
        click.echo(f"  {violation}")


def record_jobs(
    jobs: Sequence[RecordJob],
    out: Path,
    args: TargetArgs,
    record_mode: str,
    preflight: Callable[[Target, float], None],
    recorded_base: str | None,
) -> NoReturn:
    """Record each job's scenarios into `out`; exit 0, 1 (a target broke the contract) or 130.

    `recorded_base` replaces an embedded simulator's base URL in the cassettes (and resets the
    simulator between scenarios); None records a named target as it is.
    """
    import httpx

    from sms_contract.conformance import is_local
    from sms_contract.conformance.preflight import TargetProblem
    from sms_contract.conformance.recording import record
    from sms_contract.conformance.session import TargetUnreachable

    written = failed = 0
    started = time.time()
    try:
        with interrupts() as pressed, progress(sum(len(j.scenarios) for j in jobs), False) as tick:

            def counted(outcome: Outcome, path: Path | None) -> None:
                nonlocal written, failed
                if pressed():  # a Ctrl-C that a library caught: this outcome was cut short
                    raise KeyboardInterrupt
                tick(outcome.id)
                written += path is not None
                if outcome.status == "failed":
                    failed += 1
                    _echo_broken(outcome)

            for job in jobs:
                if not job.scenarios:
                    continue
                with job.target as entered:
                    live = job.adjust(entered)
                    budget, pace = request_limits(args.max_requests, args.rate, is_local(live.url))

                    def reset(base: str = live.base) -> None:
                        httpx.post(f"{base}/_control/reset", json={}).raise_for_status()

                    try:
                        preflight(live, args.timeout)
                        record(
                            live,
                            out,
                            job.scenarios,
                            mode=args.mode,
                            record_mode=record_mode,
                            max_requests=budget,
                            rate=pace,
                            timeout=args.timeout,
                            between=reset if recorded_base else None,
                            recorded_base=recorded_base,
                            on_outcome=counted,
                        )
                    except (TargetUnreachable, TargetProblem) as exc:
                        fail(str(exc))
                    except OSError as exc:
                        fail(f"cannot write to {out}: {exc.strerror or exc}")
                if pressed():
                    raise KeyboardInterrupt
    except KeyboardInterrupt:
        # wherever Ctrl-C lands (a scenario, a simulator's shutdown), what is on disk is the
        # truth: a scenario interrupted mid-way may have saved its cassette before it counted
        written = max(written, _written_since(out, started))
        click.echo(f"INTERRUPTED: {written} cassettes written to {out}")
        sys.exit(EXIT_INTERRUPTED)
    click.echo(f"{written} cassettes written to {out} ({failed} scenarios with violations)")
    sys.exit(EXIT_VIOLATIONS if failed else EXIT_OK)

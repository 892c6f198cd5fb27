"""`--provider`: which provider's API `check` and `record` run against (Exotel by default).

Mobizon runs its own scenarios (conformance/mobizon/) against a Mobizon target: the embedded
simulator, or `--target-url` (the part before /service/...) with `--auth KEY` (its apiKey).
Mobizon has no fuzz pass yet: its run is the scenarios.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from sms_contract.cassettes.filters import redact_url
from sms_contract.cli.group import fail
from sms_contract.cli.options import ReportArgs, TargetArgs, run_plan
from sms_contract.cli.output import interrupts, write_outputs

if TYPE_CHECKING:
    from sms_contract.conformance.scenarios import Scenario
    from sms_contract.conformance.target import Target

PROVIDERS = ("exotel", "mobizon")
provider_option = click.option(
    "--provider",
    type=click.Choice(PROVIDERS),
    default="exotel",
    show_default=True,
    help="the provider API the target speaks (mobizon: /service/<module>/<method>, "
    "--auth is its apiKey)",
)


def mobizon_scenarios(patterns: tuple[str, ...], recordable: bool = False) -> list[Scenario]:
    from sms_contract.conformance import select
    from sms_contract.conformance.mobizon.scenarios import mobizon_scenarios as every

    found = [s for s in select(every(), list(patterns)) if s.recordable or not recordable]
    if not found:
        fail(f"no Mobizon scenario id contains {' or '.join(patterns)}")
    return found


@contextlib.contextmanager
def mobizon_target(args: TargetArgs) -> Iterator[Target]:
    from sms_contract.conformance.mobizon import target as targets
    from sms_contract.simulator.config import SimulatorConfig

    if args.target_url is None:
        with targets.embedded(SimulatorConfig(db=":memory:")) as target:
            yield target
        return
    try:
        target = targets.remote_target(
            args.target_url,
            args.auth,
            allow_remote=args.allow_remote,
            recipients=args.recipients,
        )
    except targets.MobizonTargetError as exc:
        fail(str(exc))
    yield target


def check_mobizon(args: TargetArgs, patterns: tuple[str, ...], output: ReportArgs) -> NoReturn:
    """`check --provider mobizon`: the Mobizon scenarios through `run_conformance`."""
    from sms_contract.conformance.mobizon.preflight import preflight
    from sms_contract.conformance.preflight import TargetProblem
    from sms_contract.conformance.run import Plan
    from sms_contract.conformance.session import TargetUnreachable

    scenarios = mobizon_scenarios(patterns)
    plan = Plan(scenarios, mode=args.mode, fuzz_examples=0, preflight=False)
    with interrupts() as pressed, mobizon_target(args) as target:
        label = "embedded simulator (Mobizon)" if args.target_url is None else None
        try:
            preflight(target, args.timeout)
        except (TargetUnreachable, TargetProblem) as exc:
            fail(str(exc))
        report = run_plan(
            target, plan, args, label or redact_url(target.base), output.as_json, pressed
        )
    if report.error:
        fail(report.error)
    write_outputs(report, output)
    sys.exit(report.exit_code)


def record_mobizon(
    args: TargetArgs, out: Path, record_mode: str, patterns: tuple[str, ...], base: str
) -> NoReturn:
    """`record --provider mobizon`: one scrubbed cassette per recordable Mobizon scenario."""
    from sms_contract.cli.recording import RecordJob, record_jobs
    from sms_contract.conformance.mobizon.preflight import preflight

    job = RecordJob(mobizon_target(args), mobizon_scenarios(patterns, recordable=True))
    record_jobs([job], out, args, record_mode, preflight, base if args.target_url is None else None)

"""`check` and `fuzz`: the conformance scenarios and the schemathesis pass against a target."""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any, NoReturn

import click

from sms_contract.cassettes.filters import redact_url
from sms_contract.cli.app import fail, main, require_contract
from sms_contract.cli.options import (
    ReportArgs,
    TargetArgs,
    report_options,
    request_limits,
    resolve_target,
    select_option,
    target_options,
)
from sms_contract.cli.output import progress, write_outputs
from sms_contract.simulator.config import SimulatorConfig

FUZZ_ACCOUNT = "simfuzz"
EMBEDDED_BASE = "http://127.0.0.1:8765"


def fuzz_target(target: Any, embedded: bool) -> Any:
    """On the embedded simulator the fuzz pass gets its own account, so its requests do not
    share the scenarios' rate-limit window."""
    if not embedded:
        return target
    import dataclasses

    from sms_contract.simulator.server import add_account

    return dataclasses.replace(target, account_sid=add_account(target.base, FUZZ_ACCOUNT))


@main.command()
@target_options
@click.option(
    "--fuzz-examples",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="schemathesis cases per operation and mode after the scenarios (0: no fuzz pass)",
)
@select_option
@report_options
def check(
    target: TargetArgs,
    fuzz_examples: int,
    patterns: tuple[str, ...],
    output: ReportArgs,
) -> None:
    """Run the live conformance suite and a bounded fuzz pass against a target.

    With no --target-url it starts the embedded reference simulator.

    \b
    Examples:
      sms-contract check
      sms-contract check --target-url http://127.0.0.1:8765 --report report.html
      SMS_CONTRACT_AUTH=KEY:TOKEN sms-contract check --target-url https://staging.example \\
          --account-sid ACME --allow-remote --recipient +919900000001 --max-requests 300
    """
    from sms_contract.conformance import all_scenarios, select

    scenarios = list(select(all_scenarios(), list(patterns)))
    if not scenarios:
        fail(f"no scenario id contains {' or '.join(patterns)}")
    run_suite(target, scenarios, fuzz_examples, output)


@main.command()
@target_options
@click.option(
    "--examples",
    type=click.IntRange(min=1),
    default=25,
    show_default=True,
    help="schemathesis cases per operation and generation mode",
)
@report_options
def fuzz(target: TargetArgs, examples: int, output: ReportArgs) -> None:
    """Fuzz the target with schemathesis over openapi.yaml (valid and invalid cases).

    Recipients of generated sends are replaced by allowed numbers, so fuzzing staging texts
    nobody. Deterministic: the same command generates the same cases.

    \b
    Examples:
      sms-contract fuzz --examples 200
      sms-contract fuzz --target-url http://127.0.0.1:8765 --max-requests 500
    """
    run_suite(target, [], examples, output)


def run_suite(
    args: TargetArgs, scenarios: list[Any], fuzz_examples: int, output: ReportArgs
) -> NoReturn:
    """Scenarios, then the fuzz pass, then the rate-limit probes; report; exit."""
    require_contract()
    import httpx

    from sms_contract.conformance import fuzz as fuzzing
    from sms_contract.conformance import is_local
    from sms_contract.conformance.preflight import TargetProblem, preflight
    from sms_contract.conformance.runner import run_scenario
    from sms_contract.conformance.session import Session, TargetUnreachable
    from sms_contract.report import RunReport

    started = time.perf_counter()
    # without the rate-limit probes, an embedded simulator need not throttle the fuzz pass
    unthrottled = SimulatorConfig.unthrottled(db=":memory:")
    embedded = None if any(s.kind == "rate-limit" for s in scenarios) else unthrottled
    target_url, mode, timeout = args.target_url, args.mode, args.timeout
    with resolve_target(args, embedded) as target:
        budget, pace = request_limits(args.max_requests, args.rate, is_local(target.url))
        run = RunReport(
            "embedded simulator" if target_url is None else redact_url(target_url),
            mode,
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            secrets=target.secrets,
        )
        fuzz_steps = 2 * len(fuzzing.operation_labels()) if fuzz_examples else 0
        try:
            preflight(target, timeout)
            with (
                progress(len(scenarios) + fuzz_steps, output.as_json) as tick,
                httpx.Client(timeout=timeout) as client,
            ):
                session = Session(target, client, max_requests=budget, rate=pace)
                # rate-limit probes leave the account throttled, so they come after the fuzz pass
                probes = [s for s in scenarios if s.kind == "rate-limit"]
                for scenario in [s for s in scenarios if s.kind != "rate-limit"]:
                    run.outcomes.append(run_scenario(scenario, session, mode))  # type: ignore[arg-type]
                    tick(scenario.id)
                if fuzz_examples:
                    left = None if budget is None else max(budget - session.used, 0)

                    def fuzzed(result: Any) -> None:
                        run.fuzz.append(result)
                        tick(f"fuzz {result.operation}")

                    fuzzing.fuzz(
                        fuzz_target(target, target_url is None),
                        examples=fuzz_examples,
                        max_requests=left,
                        timeout=timeout,
                        on_result=fuzzed,
                    )
                    session.used += sum(r.cases for r in run.fuzz)
                for scenario in probes:
                    run.outcomes.append(run_scenario(scenario, session, mode))  # type: ignore[arg-type]
                    tick(scenario.id)
        except (TargetUnreachable, TargetProblem) as exc:
            fail(run.scrub(str(exc)))
        except KeyboardInterrupt:
            run.interrupted = True
        run.seconds = time.perf_counter() - started
    write_outputs(run, output)
    sys.exit(run.exit_code)

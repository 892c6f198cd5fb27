"""`check` and `fuzz`: the conformance scenarios and the schemathesis pass against a target."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

import click

from sms_contract.cassettes.filters import redact_url
from sms_contract.checks.coverage import Gate
from sms_contract.cli.group import fail, main, require_contract
from sms_contract.cli.options import (
    ReportArgs,
    TargetArgs,
    coverage_options,
    gate_in_scope,
    report_options,
    resolve_target,
    run_plan,
    seed_option,
    select_option,
    target_options,
)
from sms_contract.cli.output import interrupts, write_outputs
from sms_contract.cli.provider import check_mobizon, provider_option
from sms_contract.conformance.budget import MAX_FUZZ_EXAMPLES

if TYPE_CHECKING:
    from sms_contract.conformance.scenarios import Scenario


@main.command()
@target_options
@click.option(
    "--fuzz-examples",
    type=click.IntRange(min=0, max=MAX_FUZZ_EXAMPLES),
    default=10,
    show_default=True,
    help="schemathesis cases per operation and mode after the scenarios (0: no fuzz pass)",
)
@seed_option
@select_option
@coverage_options
@provider_option
@report_options
def check(
    target: TargetArgs,
    fuzz_examples: int,
    seed: int,
    patterns: tuple[str, ...],
    gate: Gate,
    provider: str,
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
      sms-contract check --provider mobizon
      sms-contract check --seed 1028          # replay the fuzz cases of a reported seed
    """
    if provider == "mobizon":
        require_contract()
        if gate:
            fail(
                "--min-coverage and --require-coverage gate Exotel's coverage; "
                "they are not available with --provider mobizon"
            )
        check_mobizon(target, patterns, output)
    from sms_contract.conformance import all_scenarios, select

    scenarios = list(select(all_scenarios(), list(patterns)))
    if not scenarios:
        fail(f"no scenario id contains {' or '.join(patterns)}")
    only: tuple[str, ...] | None = None
    if patterns:
        # -k narrows the fuzz pass too: to the operations the selected scenarios exercise
        from sms_contract.contract.spec import load_contract

        exercised = {s.operation for s in scenarios}
        only = tuple(o.label for o in load_contract().operations if o.label in exercised)
        if not only:
            fuzz_examples = 0
    run_suite(target, scenarios, fuzz_examples, output, gate, only, seed)


@main.command()
@target_options
@click.option(
    "--examples",
    type=click.IntRange(min=1, max=MAX_FUZZ_EXAMPLES),
    default=25,
    show_default=True,
    help="schemathesis cases per operation and generation mode",
)
@seed_option
@coverage_options
@report_options
def fuzz(target: TargetArgs, examples: int, seed: int, gate: Gate, output: ReportArgs) -> None:
    """Fuzz the target with schemathesis over openapi.yaml (valid and invalid cases).

    Recipients of generated sends are replaced by allowed numbers, so fuzzing staging texts
    nobody. Deterministic: the same command generates the same cases.

    \b
    Examples:
      sms-contract fuzz --examples 200
      sms-contract fuzz --target-url http://127.0.0.1:8765 --max-requests 500
    """
    run_suite(target, [], examples, output, gate, seed=seed)


def run_suite(
    args: TargetArgs,
    scenarios: list[Scenario],
    fuzz_examples: int,
    output: ReportArgs,
    gate: Gate | None = None,
    fuzz_operations: tuple[str, ...] | None = None,
    seed: int = 0,
) -> NoReturn:
    """Run the plan through `run_conformance`, print the report, exit with its code."""
    require_contract()
    from sms_contract.checks.coverage import Coverage
    from sms_contract.conformance.embedded import simulator_config
    from sms_contract.conformance.run import CHECK_GROUPS, Plan

    if gate:
        gate_in_scope(gate, Coverage(CHECK_GROUPS), "check")
    plan = Plan(
        scenarios,
        mode=args.mode,
        fuzz_examples=fuzz_examples,
        fuzz_operation=fuzz_operations,
        fuzz_seed=seed,
    )
    with interrupts() as pressed, resolve_target(args, simulator_config(plan.probes)) as target:
        label = "embedded simulator" if args.target_url is None else redact_url(args.target_url)
        report = run_plan(target, plan, args, label, output.as_json, pressed)
    if report.error:
        fail(report.error)
    if gate:
        report.gate = gate
    write_outputs(report, output)
    sys.exit(report.exit_code)

"""`validate`, `record` and `drift`: cassettes checked, made, and compared."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sms_contract.checks.coverage import Gate
from sms_contract.cli.group import (
    EXIT_INTERRUPTED,
    EXIT_NOTHING_CHECKED,
    EXIT_OK,
    EXIT_VIOLATIONS,
    fail,
    main,
    require_contract,
)
from sms_contract.cli.options import (
    ReportArgs,
    TargetArgs,
    coverage_options,
    gate_in_scope,
    mode_option,
    report_options,
    resolve_target,
    select_option,
    target_options,
    writable_folder,
)
from sms_contract.cli.output import interrupts, progress, write_files
from sms_contract.cli.provider import provider_option, record_mobizon
from sms_contract.cli.recording import RecordJob, record_jobs
from sms_contract.contract.schemastore import Mode
from sms_contract.simulator.config import SimulatorConfig

if TYPE_CHECKING:
    from sms_contract.conformance.target import Target

# where `sms-contract serve` listens by default: the base URL cassettes recorded from the
# embedded simulator name, so they replay against it
EMBEDDED_BASE = "http://127.0.0.1:8765"


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@mode_option
@coverage_options
@report_options
@click.option(
    "--shard",
    "shard_spec",
    metavar="I/N",
    help="validate only shard I of N (files split deterministically): N CI jobs, one per "
    "shard, validate the whole corpus together",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="processes to validate with (default: one per core for 4 MiB of cassettes or more)",
)
def validate(
    paths: tuple[Path, ...],
    mode: Mode,
    gate: Gate,
    output: ReportArgs,
    shard_spec: str | None,
    jobs: int | None,
) -> None:
    """Validate vcrpy cassettes (files or folders) against the contract.

    One line per violation: file#interaction, operation, check, field; then which documented
    behaviours the recordings exercised. Exit 0 when every interaction conforms, 1 on
    violations (or when a coverage gate is not met), 2 when a path is not a cassette, 5 when
    the cassettes hold no interaction (nothing was checked).

    \b
    Examples:
      sms-contract validate cassettes/
      sms-contract validate my-cassettes/ --report coverage.html
      sms-contract validate tests/cassettes/ --require-coverage error-rows --min-coverage 60
      sms-contract validate tests/cassettes/test_billing.yaml --mode tolerant
      sms-contract validate cassettes/ --shard 2/4    # the second of four CI jobs
    """
    import datetime as dt
    import json

    require_contract()
    from sms_contract.cassettes.cassette import (
        CassetteError,
        cassette_files,
        default_jobs,
        shard,
    )
    from sms_contract.checks.coverage import API_GROUPS, Coverage
    from sms_contract.report import RunReport

    started = time.perf_counter()
    coverage = Coverage(API_GROUPS)
    gate_in_scope(gate, coverage, "validate")
    part = _parse_shard(shard_spec) if shard_spec else None
    try:
        files = cassette_files(paths)
        if part:
            everything = len(files)
            files = shard(files, *part)
            if not files:
                fail(f"shard {shard_spec} has no files ({everything} cassette files in all)")
        workers = jobs or default_jobs(files)
        results, interrupted = _validated(files, mode, workers, coverage, output.as_json)
    except CassetteError as exc:
        fail(str(exc))
    findings = [f for _, _, found in results for f in found]
    total = sum(count for _, count, _ in results)
    coverage.narrow_to_seen_providers()
    run = RunReport(
        ", ".join(map(str, paths)),
        mode,
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        outcomes=[_cassette_outcome(path, count, found) for path, count, found in results],
        seconds=time.perf_counter() - started,
        unit="cassettes",
        coverage=coverage,
        gate=gate,
        interrupted=interrupted,
    )
    if output.as_json:
        click.echo(
            json.dumps(
                {
                    "files": len(files),
                    "validated": len(results),
                    "interrupted": interrupted,
                    "interactions": total,
                    **({"shard": shard_spec, "cassettes": [str(p) for p in files]} if part else {}),
                    "violations": [
                        {"file": str(f.path), "interaction": f.index, "operation": f.operation}
                        | f.violation.to_dict()
                        for f in findings
                    ],
                    "coverage": coverage.to_dict(),
                    "coverage_gate": run.to_dict()["coverage_gate"],
                },
                indent=2,
            )
        )
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(f"coverage: {coverage.summary()}")
        for line in run.gate_lines():
            click.echo(line)
        verdict = (
            "INTERRUPTED"
            if interrupted
            else "FAILED"
            if findings
            else "NOT COVERED"
            if run.uncovered
            else "CONFORMS"
            if total
            else "NOTHING CHECKED"
        )
        done = f"{len(results)} of {len(files)}" if interrupted else f"{len(files)}"
        click.echo(
            f"{verdict}: {done} cassettes, {total} interactions, "
            f"{len(findings)} violations ({mode}{f', shard {shard_spec}' if part else ''})"
        )
    write_files(run, output)
    if interrupted:
        if not output.as_json:
            unchecked = files[len(results) :]
            click.echo(
                f"not validated: {', '.join(p.name for p in unchecked[:5])}"
                + (f" and {len(unchecked) - 5} more" if len(unchecked) > 5 else "")
            )
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(
        EXIT_VIOLATIONS
        if findings or run.uncovered
        else (EXIT_OK if total else EXIT_NOTHING_CHECKED)
    )


def _validated(
    files: list[Path], mode: Mode, workers: int, coverage: Any, quiet: bool
) -> tuple[list[Any], bool]:
    """The results of the files validated, and whether Ctrl-C stopped the run first."""
    from sms_contract.cassettes.cassette import iter_validated

    results: list[Any] = []
    read: dict[Path, int] = {}
    # a bar on a terminal, a plain line every few seconds in a CI log; in bytes read, so it
    # moves within one large cassette too
    with interrupts() as pressed, progress(_total_size(files), quiet, in_bytes=True) as tick:

        def reading(path: Path, at: int) -> None:
            tick(path.name, max(0, at - read.get(path, 0)))
            read[path] = max(at, read.get(path, 0))
            if pressed():  # a Ctrl-C that a library caught still ends the run here
                raise KeyboardInterrupt

        try:
            for result in iter_validated(files, mode, workers, coverage, reading):
                results.append(result)
        except KeyboardInterrupt:
            return results, True  # what finished is still reported
    return results, False


def _total_size(files: list[Path]) -> int:
    total = 0
    for path in files:
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total


def _cassette_outcome(path: Path, count: int, findings: list[Any]) -> Any:
    """One report row per cassette file (a recorded test); each violation names its
    interaction (`#index`) and operation."""
    import dataclasses

    from sms_contract.conformance.outcome import Outcome

    operations = sorted({f.operation for f in findings})
    return Outcome(
        str(path),
        ", ".join(operations) if operations else "-",
        f"{count} interactions",
        "cassette",
        "failed" if findings else "passed",
        violations=[
            dataclasses.replace(f.violation, operation=f"#{f.index} {f.operation}")
            for f in findings
        ],
        requests=count,
    )


def _parse_shard(spec: str) -> tuple[int, int]:
    index, _, count = spec.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        fail(f"--shard {spec}: expected I/N with 1 <= I <= N (e.g. 2/4)")
    return int(index), int(count)


def _record_groups(
    chosen: list[Any], embedded_run: bool
) -> list[tuple[SimulatorConfig | None, list[Any]]]:
    """Which simulator records which scenarios: the embedded simulator keeps its published
    limits, except for the rate-limit probes, recorded from a second one whose limits are
    lowered so their cassettes stay small. A named target records them all."""
    if not embedded_run:
        return [(None, chosen)]
    lowered = SimulatorConfig(db=":memory:", post_limit_per_minute=5, get_limit_per_minute=5)
    return [
        (SimulatorConfig(db=":memory:"), [s for s in chosen if s.kind != "rate-limit"]),
        (lowered, [s for s in chosen if s.kind == "rate-limit"]),
    ]


@main.command()
@target_options
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="folder for the cassettes (one per scenario)",
)
@click.option(
    "--record-mode",
    type=click.Choice(["once", "new_episodes", "all"]),
    default="all",
    show_default=True,
    help="vcrpy record mode",
)
@select_option
@provider_option
def record(
    target: TargetArgs, out: Path, record_mode: str, patterns: tuple[str, ...], provider: str
) -> None:
    """Record every conformance scenario as a scrubbed vcrpy cassette.

    Without --target-url it records from the embedded simulator (the rate-limit probes from a
    second one whose limits are lowered, so their cassettes stay small): that is how
    cassettes/simulator/ is made.

    \b
    Examples:
      sms-contract record --out cassettes/simulator
      SMS_CONTRACT_AUTH=KEY:TOKEN sms-contract record --target-url https://staging.example \\
          --account-sid ACME --allow-remote --out cassettes/staging
      sms-contract record --provider mobizon --out cassettes/mobizon
    """
    require_contract()
    writable_folder(out, "--out")
    if provider == "mobizon":
        record_mobizon(target, out, record_mode, patterns, EMBEDDED_BASE)
    from sms_contract.conformance import all_scenarios, select
    from sms_contract.conformance.preflight import preflight

    embedded_run = target.target_url is None
    chosen = [s for s in select(all_scenarios(), list(patterns)) if s.recordable]
    if not chosen:
        fail(f"no recordable scenario id contains {' or '.join(patterns)}")
    jobs = [
        RecordJob(resolve_target(target, config), scenarios, _lowered_limits(config))
        for config, scenarios in _record_groups(chosen, embedded_run)
    ]
    # as if recorded from `sms-contract serve` on its default port
    record_jobs(jobs, out, target, record_mode, preflight, EMBEDDED_BASE if embedded_run else None)


def _lowered_limits(config: SimulatorConfig | None) -> Callable[[Target], Target]:
    """A simulator with lowered limits does not publish them (its rate-limit probes then
    count the requests themselves)."""
    if config is not None and config.post_limit_per_minute < 10:
        return lambda live: dataclasses.replace(live, published_limits=False)
    return lambda live: live


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@mode_option
@click.option("--json", "as_json", is_flag=True, help="print the differences as JSON")
def drift(old: Path, new: Path, mode: Mode, as_json: bool) -> None:
    """Compare two recordings of the same scenarios (cassette files or folders).

    Reports structural changes, not byte changes: fields added or removed, types changed,
    status codes and Content-Types changed, code values never seen before; Sids, dates and
    prices are never drift. Each change says whether the contract still allows it. Exit 0
    when nothing changed, 1 when something did, 2 on bad input, 5 when no interaction could
    be paired (nothing was compared).

    \b
    Example (nightly: re-record against a sandbox, then gate on drift):
      sms-contract record --target-url $SANDBOX --allow-remote --out /tmp/tonight
      sms-contract drift cassettes/sandbox /tmp/tonight
    """
    import json

    require_contract()
    from sms_contract.cassettes.cassette import CassetteError
    from sms_contract.cassettes.drift import compare

    try:
        found = compare(old, new, mode)
    except CassetteError as exc:
        fail(str(exc))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "pairs": found.pairs,
                    "unpaired": found.unpaired,
                    "differences": [d.__dict__ for d in found.differences],
                },
                indent=2,
            )
        )
    else:
        for line in found.unpaired:
            click.echo(f"unpaired: {line}")
        for difference in found.differences:
            click.echo(str(difference))
        breaking = sum(not d.allowed for d in found.differences)
        head = "DRIFT" if found.drifted else ("NO DRIFT" if found.pairs else "NOTHING COMPARED")
        click.echo(
            f"{head}: {found.pairs} interactions compared, "
            f"{len(found.differences)} differences ({breaking} break the contract), "
            f"{len(found.unpaired)} unpaired"
        )
    sys.exit(
        EXIT_VIOLATIONS if found.drifted else (EXIT_OK if found.pairs else EXIT_NOTHING_CHECKED)
    )

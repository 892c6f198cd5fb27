"""The `sms-contract` command line: a thin shell over the library.

Exit codes: 0 conforms, 1 violations found, 2 usage error / bad input / unreachable target,
130 interrupted (what finished is still reported).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from sms_contract.simulator.config import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_API_KEY,
    DEFAULT_API_TOKEN,
    DEFAULT_DB,
    SimulatorConfig,
)

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """One clear line on stderr and a CI-usable exit code; never a traceback."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def require_contract() -> None:
    """Load the contract up front, so a broken spec is one line, not a traceback mid-run."""
    from sms_contract.contract import ContractError, load_contract

    try:
        load_contract()
    except ContractError as exc:
        fail(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sms-contract")
def main() -> None:
    """Contract tests and recorded fixtures for SMS provider APIs.

    \b
    sms-contract check                      conformance suite + fuzz vs the embedded simulator
    sms-contract check --target-url URL     ... vs your SMS API
    sms-contract validate cassettes/        validate recorded vcrpy cassettes
    """


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite file, or :memory:")
@click.option("--account-sid", default=DEFAULT_ACCOUNT_SID, show_default=True)
@click.option("--api-key", default=DEFAULT_API_KEY, show_default=True)
@click.option("--api-token", default=DEFAULT_API_TOKEN, help="default: the documented token")
@click.option("--realistic", is_flag=True, help="1 s per lifecycle step instead of instant")
@click.option(
    "--post-limit",
    type=click.IntRange(min=1),
    default=None,
    help="POST requests a minute per account before 429 (default: Exotel's published 200)",
)
@click.option("--get-limit", type=click.IntRange(min=1), default=None, help="GET requests a minute")
def serve(
    host: str,
    port: int,
    db: str,
    account_sid: str,
    api_key: str,
    api_token: str,
    realistic: bool,
    post_limit: int | None,
    get_limit: int | None,
) -> None:
    """Serve the reference Exotel-compatible simulator until stopped.

    Example: sms-contract serve --port 8765 --db :memory:
    """
    import uvicorn

    from sms_contract.simulator import create_app

    config = SimulatorConfig(
        account_sid=account_sid, api_key=api_key, api_token=api_token, db=db, instant=not realistic
    )
    config.post_limit_per_minute = post_limit or config.post_limit_per_minute
    config.get_limit_per_minute = get_limit or config.get_limit_per_minute
    app = create_app(config)
    click.echo(f"sms-contract simulator on http://{host}:{port}")
    click.echo(f"  account SID: {account_sid}")
    click.echo(f"  API key:     {api_key}")
    if config.token_is_default:
        click.echo(f"  API token:   {api_token} (the documented default)")
    click.echo(f"  send:        POST http://{host}:{port}/v1/Accounts/{account_sid}/Sms/send.json")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    except SystemExit as exc:  # uvicorn exits 1 when it cannot bind
        if exc.code not in (0, None):
            fail(f"cannot listen on {host}:{port}")
        raise


@dataclass(frozen=True)
class TargetArgs:
    """What the target options say: which target, and how carefully to use it."""

    target_url: str | None
    auth: str | None
    account_sid: str
    mode: str
    allow_remote: bool
    recipients: tuple[str, ...]
    max_requests: int | None
    rate: float | None
    timeout: float


@dataclass(frozen=True)
class ReportArgs:
    """Where the report goes besides the terminal."""

    junit_xml: Path | None
    report: Path | None
    as_json: bool


def _grouped(cls: Any, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Collect the options that are fields of `cls` into one `name` argument."""
    fields = list(cls.__dataclass_fields__)

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> Any:
            grouped = cls(**{field: kwargs.pop(field) for field in fields})
            return func(**{name: grouped}, **kwargs)

        return wrapper

    return decorate


def target_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options that say which target to check and how carefully (-> `target: TargetArgs`)."""
    func = _grouped(TargetArgs, "target")(func)
    options = [
        click.option(
            "--target-url",
            metavar="URL",
            help="base URL of the SMS API (before /v1/Accounts/...); default: start the "
            "embedded simulator",
        ),
        click.option(
            "--auth",
            metavar="KEY:TOKEN",
            envvar="SMS_CONTRACT_AUTH",
            help="credentials for the target (or env SMS_CONTRACT_AUTH); never printed",
        ),
        click.option(
            "--account-sid",
            default=DEFAULT_ACCOUNT_SID,
            show_default=True,
            help="the account SID in /v1/Accounts/<SID>/",
        ),
        click.option(
            "--mode",
            type=click.Choice(["strict", "tolerant"]),
            default="strict",
            show_default=True,
            help="strict: the documented reading; tolerant: also known provider variants",
        ),
        click.option(
            "--allow-remote",
            is_flag=True,
            help="allow a target that is not on this machine (staging); required for one",
        ),
        click.option(
            "--recipient",
            "recipients",
            multiple=True,
            metavar="NUMBER",
            help="a number the run may send to (repeatable); default: the simulator's test "
            "numbers, which reach no handset",
        ),
        click.option(
            "--max-requests",
            type=click.IntRange(min=0),
            default=None,
            help="request budget for the whole run (default: none locally, 2000 remotely)",
        ),
        click.option(
            "--rate",
            type=click.FloatRange(min=0, min_open=True),
            default=None,
            help="at most this many requests a second (default: none locally, 3 remotely)",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=30.0,
            show_default=True,
            help="seconds to wait for each answer",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def report_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--junit-xml, --report and --json (-> `output: ReportArgs`)."""
    func = _grouped(ReportArgs, "output")(func)
    options = [
        click.option("--junit-xml", type=click.Path(dir_okay=False, path_type=Path)),
        click.option(
            "--report",
            type=click.Path(dir_okay=False, path_type=Path),
            help="write a report a person can read: .html or .md",
        ),
        click.option("--json", "as_json", is_flag=True, help="print the report as JSON"),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@contextlib.contextmanager
def _target(args: TargetArgs, embedded: SimulatorConfig | None = None) -> Iterator[Any]:
    """The target to run against: the named one, or an embedded simulator for the run."""
    from sms_contract import targets

    if args.target_url is None:
        with targets.embedded(embedded, args.recipients) as target:
            yield target
        return
    try:
        target = targets.remote_target(
            args.target_url,
            args.auth,
            args.account_sid,
            allow_remote=args.allow_remote,
            recipients=args.recipients,
        )
    except targets.TargetConfigError as exc:
        fail(str(exc))
    yield target


def _write_outputs(report: Any, output: ReportArgs) -> None:
    from rich.console import Console

    if output.as_json:
        click.echo(report.to_json())
    else:
        _print_summary(report, Console())
    report_path = output.report
    try:
        if output.junit_xml:
            output.junit_xml.write_text(report.to_junit(), encoding="utf-8")
        if report_path:
            text = (
                report.to_html()
                if report_path.suffix.lower() in (".html", ".htm")
                else (report.to_markdown())
            )
            report_path.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write the report: {exc.strerror or exc} ({exc.filename})")


def _print_summary(report: Any, console: Any) -> None:
    from rich.table import Table

    from sms_contract.report import short

    if report.outcomes:
        table = Table(title="Conformance by operation", title_justify="left")
        for column in ("operation", "passed", "failed", "not run", "failing checks @ field"):
            table.add_column(column)
        for op, passed, failed, not_run, findings in report.by_operation():
            style = "red" if failed else None
            table.add_row(
                short(op),
                str(passed),
                str(failed),
                str(not_run),
                "\n".join(findings) or "-",
                style=style,
            )
        console.print(table)
    if report.fuzz:
        table = Table(title="Fuzz (schemathesis)", title_justify="left")
        for column in ("operation", "mode", "cases", "result"):
            table.add_column(column)
        for r in report.fuzz:
            result = ", ".join(sorted({f.check for f in r.failures})) or r.status
            style = "red" if r.failures else None
            table.add_row(short(r.operation), r.mode, str(r.cases), result, style=style)
        console.print(table)
    failures = report.failures()
    if failures:
        console.print("[bold]Failures[/bold]")
        for line in failures:
            console.print(f"  {line}", markup=False, highlight=False)
    not_run = [o for o in report.outcomes if o.status == "not run"]
    if not_run:
        console.print(f"[bold]Not run[/bold] ({len(not_run)})")
        for o in not_run[:20]:
            console.print(f"  {o.id}: {o.reason}", markup=False, highlight=False)
    colour = "red" if report.failed or report.interrupted else "green"
    console.print(f"[bold {colour}]{report.verdict()}[/]", highlight=False)


@contextlib.contextmanager
def _progress(total: int, quiet: bool) -> Iterator[Callable[[str], None]]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    )
    task = progress.add_task("checking", total=total)

    def advance(label: str) -> None:
        progress.update(task, advance=1, description=label[:60])

    with progress:
        yield advance


FUZZ_ACCOUNT = "simfuzz"
EMBEDDED_BASE = "http://127.0.0.1:8765"


def _fuzz_target(target: Any, embedded: bool) -> Any:
    """On the embedded simulator the fuzz pass gets its own account, so its requests do not
    share the scenarios' rate-limit window."""
    if not embedded:
        return target
    import dataclasses

    from sms_contract.simulator.server import add_account

    return dataclasses.replace(target, account_sid=add_account(target.base, FUZZ_ACCOUNT))


def _budget(max_requests: int | None, rate: float | None, local: bool) -> tuple[Any, Any]:
    if local:
        return max_requests, rate
    return (2000 if max_requests is None else max_requests), (3.0 if rate is None else rate)


@main.command()
@target_options
@click.option(
    "--fuzz-examples",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="schemathesis cases per operation and mode after the scenarios (0: no fuzz pass)",
)
@click.option(
    "--select",
    "-k",
    "patterns",
    multiple=True,
    metavar="TEXT",
    help="only scenarios whose id contains TEXT (repeatable)",
)
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
    _run_suite(target, scenarios, fuzz_examples, output)


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
    _run_suite(target, [], examples, output)


def _run_suite(
    args: TargetArgs, scenarios: list[Any], fuzz_examples: int, output: ReportArgs
) -> NoReturn:
    """Scenarios, then the fuzz pass, then the rate-limit probes; report; exit."""
    require_contract()
    import httpx

    from sms_contract import fuzz as fuzzing
    from sms_contract.conformance import is_local
    from sms_contract.conformance.preflight import TargetProblem, preflight
    from sms_contract.conformance.runner import run_scenario
    from sms_contract.conformance.session import Session, TargetUnreachable
    from sms_contract.report import RunReport

    started = time.perf_counter()
    # without the rate-limit probes, an embedded simulator need not throttle the fuzz pass
    unthrottled = SimulatorConfig(
        db=":memory:", post_limit_per_minute=10**9, get_limit_per_minute=10**9
    )
    embedded = None if any(s.kind == "rate-limit" for s in scenarios) else unthrottled
    target_url, mode, timeout = args.target_url, args.mode, args.timeout
    with _target(args, embedded) as target:
        budget, pace = _budget(args.max_requests, args.rate, is_local(target.url))
        run = RunReport(
            "embedded simulator" if target_url is None else _redact(target_url),
            mode,
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            secrets=target.secrets,
        )
        fuzz_steps = 2 * len(fuzzing.operation_labels()) if fuzz_examples else 0
        try:
            preflight(target, timeout)
            with (
                _progress(len(scenarios) + fuzz_steps, output.as_json) as tick,
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
                        _fuzz_target(target, target_url is None),
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
    _write_outputs(run, output)
    sys.exit(run.exit_code)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--mode",
    type=click.Choice(["strict", "tolerant"]),
    default="strict",
    show_default=True,
    help="strict: the documented reading; tolerant: also known provider variants",
)
@click.option("--json", "as_json", is_flag=True, help="print the findings as JSON")
def validate(paths: tuple[Path, ...], mode: str, as_json: bool) -> None:
    """Validate vcrpy cassettes (files or folders) against the contract.

    One line per violation: file#interaction, operation, check, field. Exit 0 when every
    interaction conforms, 1 on violations, 2 when a path is not a cassette.

    \b
    Examples:
      sms-contract validate cassettes/
      sms-contract validate tests/cassettes/test_billing.yaml --mode tolerant
    """
    import json

    require_contract()
    from sms_contract.cassettes import CassetteError, cassette_files, validate_cassette

    try:
        files = cassette_files(paths)
        results = [(path, *validate_cassette(path, mode)) for path in files]  # type: ignore[arg-type]
    except CassetteError as exc:
        fail(str(exc))
    findings = [f for _, _, found in results for f in found]
    total = sum(count for _, count, _ in results)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "files": len(files),
                    "interactions": total,
                    "violations": [
                        {"file": str(f.path), "interaction": f.index, "operation": f.operation}
                        | f.violation.to_dict()
                        for f in findings
                    ],
                },
                indent=2,
            )
        )
    else:
        for finding in findings:
            click.echo(str(finding))
        verdict = "FAILED" if findings else "CONFORMS"
        click.echo(
            f"{verdict}: {len(files)} cassettes, {total} interactions, "
            f"{len(findings)} violations ({mode})"
        )
    sys.exit(EXIT_VIOLATIONS if findings else EXIT_OK)


@main.command()
@target_options
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="folder for the cassettes (one per scenario)",
)
@click.option(
    "--record-mode",
    type=click.Choice(["once", "new_episodes", "all"]),
    default="all",
    show_default=True,
    help="vcrpy record mode",
)
@click.option("--select", "-k", "patterns", multiple=True, metavar="TEXT")
def record(target: TargetArgs, out: Path, record_mode: str, patterns: tuple[str, ...]) -> None:
    """Record every conformance scenario as a scrubbed vcrpy cassette.

    Without --target-url it records from the embedded simulator (with its rate limits lowered
    so the rate-limit cassettes stay small): that is how cassettes/simulator/ is made.

    \b
    Examples:
      sms-contract record --out cassettes/simulator
      SMS_CONTRACT_AUTH=KEY:TOKEN sms-contract record --target-url https://staging.example \\
          --account-sid ACME --allow-remote --out cassettes/staging
    """
    import httpx

    require_contract()
    from sms_contract.conformance import all_scenarios, is_local, select
    from sms_contract.conformance.preflight import TargetProblem, preflight
    from sms_contract.conformance.session import TargetUnreachable
    from sms_contract.recording import record as record_scenarios

    args = target
    embedded_run = args.target_url is None
    embedded = SimulatorConfig(db=":memory:", post_limit_per_minute=5, get_limit_per_minute=5)
    with _target(args, embedded) as live:
        budget, pace = _budget(args.max_requests, args.rate, is_local(live.url))
        scenarios = [s for s in select(all_scenarios(), list(patterns)) if s.recordable]
        if not scenarios:
            fail(f"no recordable scenario id contains {' or '.join(patterns)}")

        def reset() -> None:
            httpx.post(f"{live.base}/_control/reset", json={}).raise_for_status()

        written = failed = 0
        try:
            preflight(live, args.timeout)
            with _progress(len(scenarios), False) as tick:
                for outcome, path in record_scenarios(
                    live,
                    out,
                    scenarios,
                    mode=args.mode,  # type: ignore[arg-type]
                    record_mode=record_mode,
                    max_requests=budget,
                    rate=pace,
                    timeout=args.timeout,
                    between=reset if embedded_run else None,
                    # as if recorded from `sms-contract serve` on its default port
                    recorded_base=EMBEDDED_BASE if embedded_run else None,
                ):
                    tick(outcome.id)
                    written += path is not None
                    if outcome.status == "failed":
                        failed += 1
                        click.echo(f"{outcome.id}: recorded, but the target broke the contract:")
                        for violation in outcome.violations:
                            click.echo(f"  {violation}")
        except (TargetUnreachable, TargetProblem) as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"cannot write to {out}: {exc.strerror or exc}")
        except KeyboardInterrupt:
            click.echo(f"interrupted: {written} cassettes written to {out}", err=True)
            sys.exit(EXIT_INTERRUPTED)
    click.echo(f"{written} cassettes written to {out} ({failed} scenarios with violations)")
    sys.exit(EXIT_VIOLATIONS if failed else EXIT_OK)


@main.command()
@click.option("--only", "names", multiple=True, metavar="NAME", help="run only this mutant")
@click.option("--list", "list_only", is_flag=True, help="list the mutants and exit")
@click.option(
    "--fuzz-examples",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="also fuzz each mutant with this many cases per operation and mode",
)
@click.option("--json", "as_json", is_flag=True, help="print the results as JSON")
def mutants(names: tuple[str, ...], list_only: bool, fuzz_examples: int, as_json: bool) -> None:
    """Prove the suite catches broken servers: run it against every mutant of the simulator.

    Exit 0 only when the pristine simulator passes and every mutant is killed.

    \b
    Examples:
      sms-contract mutants
      sms-contract mutants --only partial-success-200 --only bulk-missing-item
    """
    import json

    from rich.console import Console
    from rich.table import Table

    require_contract()
    from sms_contract.mutants import catalogue, run_all

    known = catalogue()
    if list_only:
        for mutant in known.values():
            click.echo(f"{mutant.name:28} {mutant.description}")
        return
    unknown = sorted(set(names) - set(known))
    if unknown:
        fail(f"unknown mutant {', '.join(unknown)}; see sms-contract mutants --list")
    started = time.perf_counter()
    try:
        with _progress(len(names or known) + 1, as_json) as tick:
            results = run_all(list(names) or None, fuzz_examples, on_result=lambda r: tick(r.name))
    except KeyboardInterrupt:
        fail("interrupted", EXIT_INTERRUPTED)
    seconds = time.perf_counter() - started
    pristine, rest = results[0], results[1:]
    killed = sum(r.killed for r in rest)
    ok = not pristine.killed and killed == len(rest)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "pristine_passes": not pristine.killed,
                    "killed": killed,
                    "mutants": len(rest),
                    "seconds": round(seconds, 2),
                    "results": [
                        {
                            "name": r.name,
                            "description": r.description,
                            "killed": r.killed,
                            "checks": dict(r.checks),
                            "failed_scenarios": r.failed_scenarios,
                        }
                        for r in results
                    ],
                },
                indent=2,
            )
        )
    else:
        table = Table(title="Mutants", title_justify="left")
        for column in ("mutant", "result", "killed by (check: failing scenarios)"):
            table.add_column(column)
        for r in results:
            if r is pristine:
                verdict = "[red]FAILS[/]" if r.killed else "[green]passes[/]"
            else:
                verdict = "[green]killed[/]" if r.killed else "[red]SURVIVED[/]"
            found = ", ".join(f"{check}: {n}" for check, n in r.checks.most_common())
            table.add_row(f"{r.name}\n[dim]{r.description}[/]", verdict, found or "-")
        Console().print(table)
        if pristine.killed:
            click.echo("the pristine simulator fails: " + ", ".join(pristine.failed_scenarios))
        click.echo(
            f"{'OK' if ok else 'FAILED'}: {killed}/{len(rest)} mutants killed "
            f"({100 * killed / max(len(rest), 1):.0f}%), pristine "
            f"{'fails' if pristine.killed else 'passes'}; {seconds:.1f} s"
        )
    sys.exit(EXIT_OK if ok else EXIT_VIOLATIONS)


@main.command()
@click.option("--receiver-url", metavar="URL", help="your webhook endpoint")
@click.option(
    "--provider",
    type=click.Choice(["exotel", "bandwidth", "hubbucs", "mobizon", "all"]),
    default="all",
    show_default=True,
)
@click.option("--seed", type=int, default=0, show_default=True, help="same seed, same payloads")
@click.option(
    "--expect-reject", is_flag=True, help="also send malformed deliveries; they must get 4xx"
)
@click.option("--allow-remote", is_flag=True, help="allow a receiver that is not on this machine")
@click.option("--list", "list_only", is_flag=True, help="list the deliveries and exit")
@report_options
def callbacks(
    receiver_url: str | None,
    provider: str,
    seed: int,
    expect_reject: bool,
    allow_remote: bool,
    list_only: bool,
    output: ReportArgs,
) -> None:
    """Deliver every documented callback variant to your webhook receiver.

    Exotel StatusCallback for every Status and DetailedStatusCode and the click-tracking
    callback; Bandwidth v2 events (JSON arrays, several events, out of order); HubBucs;
    Mobizon delivery reports. Each is generated from the schemas (seeded) and sent the way the
    provider sends it, duplicates included. The receiver must answer 2xx within the provider's
    deadline and never 5xx.

    \b
    Examples:
      sms-contract callbacks --receiver-url http://127.0.0.1:8000/sms/status --provider exotel
      sms-contract callbacks --receiver-url http://127.0.0.1:8000/hooks --expect-reject
    """
    require_contract()
    from sms_contract.callbacks import deliver_all, deliveries
    from sms_contract.conformance import is_local
    from sms_contract.conformance.session import TargetUnreachable
    from sms_contract.report import RunReport

    if not list_only:
        if not receiver_url:
            fail("--receiver-url is required (or --list to see the deliveries)")
        if not receiver_url.startswith(("http://", "https://")):
            fail(f"--receiver-url must start with http:// or https://, got {receiver_url!r}")
        if not is_local(receiver_url) and not allow_remote:
            fail(f"{receiver_url} is not on this machine: confirm with --allow-remote")
    planned = deliveries(provider, seed=seed, malformed=expect_reject)
    if list_only or not receiver_url:
        for delivery in planned:
            click.echo(f"{delivery.id:42} {delivery.content_type:36} {delivery.description}")
        return
    started = time.perf_counter()
    run = RunReport(
        _redact(receiver_url),
        f"callbacks ({provider}, seed {seed})",
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    try:
        with _progress(sum(d.valid or expect_reject for d in planned), output.as_json) as tick:

            def delivered(outcome: Any) -> None:
                run.outcomes.append(outcome)
                tick(outcome.id)

            deliver_all(receiver_url, planned, expect_reject=expect_reject, on_outcome=delivered)
    except TargetUnreachable as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        run.interrupted = True
    run.seconds = time.perf_counter() - started
    _write_outputs(run, output)
    sys.exit(run.exit_code)


@main.command()
@click.option("--upstream", required=True, metavar="URL", help="the SMS API to forward to")
@click.option(
    "--listen",
    default="127.0.0.1:8780",
    show_default=True,
    metavar="HOST:PORT",
    help="where the proxy listens (loopback by default)",
)
@click.option("--record", type=click.Path(file_okay=False, path_type=Path), help="write a cassette")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help=".html or .md")
@click.option("--fail-on-violation", is_flag=True, help="exit 1 when any exchange broke it")
@click.option(
    "--mode", type=click.Choice(["strict", "tolerant"]), default="strict", show_default=True
)
def proxy(
    upstream: str,
    listen: str,
    record: Path | None,
    report: Path | None,
    fail_on_violation: bool,
    mode: str,
) -> None:
    """Sit between an application and an SMS API; check every exchange, change nothing.

    Point your application (or its integration tests) at the proxy. Each violation is logged as
    it happens, one line each; the summary comes at exit (Ctrl-C).

    \b
    Example:
      sms-contract proxy --upstream https://api.exotel.com --record cassettes/live \\
          --report proxy.html --fail-on-violation
    """
    require_contract()
    import uvicorn

    from sms_contract.proxy import ValidatingProxy, write_cassette
    from sms_contract.report import RunReport

    if not upstream.startswith(("http://", "https://")):
        fail(f"--upstream must start with http:// or https://, got {upstream!r}")
    host, sep, port_text = listen.rpartition(":")
    if not sep or not port_text.isdigit() or not host:
        fail(f"--listen must be HOST:PORT, got {listen!r}")
    upstream_shown = _redact(upstream)
    secrets: set[str] = set()

    def logged(exchange: Any) -> None:
        for name, value in exchange.request_headers:
            if name.lower() == "authorization" and " " in value:
                secrets.update(_credentials(value))
        for violation in exchange.violations:
            click.echo(f"violation: {violation}", err=True)

    app = ValidatingProxy(upstream, mode=mode, on_exchange=logged)  # type: ignore[arg-type]
    click.echo(f"sms-contract proxy on http://{host}:{port_text} -> {upstream_shown}", err=True)
    started = time.perf_counter()
    try:
        uvicorn.run(app, host=host, port=int(port_text), log_level="warning")
    except OSError as exc:
        fail(f"cannot listen on {listen}: {exc.strerror or exc}")
    except SystemExit as exc:
        if exc.code not in (0, None):
            fail(f"cannot listen on {listen}")
    from sms_contract.cassettes import operation_label
    from sms_contract.conformance.runner import Outcome

    run = RunReport(f"proxy -> {upstream_shown}", mode, dt.datetime.now(dt.UTC).isoformat(
        timespec="seconds"), secrets=tuple(secrets))  # fmt: skip
    for index, exchange in enumerate(app.exchanges):
        run.outcomes.append(
            Outcome(
                f"{index}: {exchange.method} {_redact(exchange.url)}",
                operation_label(exchange.interaction()),
                f"HTTP {exchange.status}",
                "proxied",
                "failed" if exchange.violations else "passed",
                violations=exchange.violations,
                requests=1,
                seconds=exchange.seconds,
            )
        )
    run.seconds = time.perf_counter() - started
    if record and app.exchanges:
        record.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        write_cassette(app.exchanges, record / f"proxy-{stamp}.yaml", tuple(secrets))
    _write_outputs(run, ReportArgs(None, report, False))
    if app.upstream_errors:
        click.echo(f"{app.upstream_errors} requests could not reach {upstream_shown}", err=True)
    sys.exit(EXIT_VIOLATIONS if fail_on_violation and run.failed else EXIT_OK)


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--mode", type=click.Choice(["strict", "tolerant"]), default="strict", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="print the differences as JSON")
def drift(old: Path, new: Path, mode: str, as_json: bool) -> None:
    """Compare two recordings of the same scenarios (cassette files or folders).

    Reports structural changes, not byte changes: fields added or removed, types changed,
    status codes and Content-Types changed, code values never seen before; Sids, dates and
    prices are never drift. Each change says whether the contract still allows it. Exit 0
    when nothing changed, 1 when something did, 2 on bad input.

    \b
    Example (nightly: re-record against a sandbox, then gate on drift):
      sms-contract record --target-url $SANDBOX --allow-remote --out /tmp/tonight
      sms-contract drift cassettes/sandbox /tmp/tonight
    """
    import json

    require_contract()
    from sms_contract.cassettes import CassetteError
    from sms_contract.drift import compare

    try:
        found = compare(old, new, mode)  # type: ignore[arg-type]
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
        click.echo(
            f"{'DRIFT' if found.drifted else 'NO DRIFT'}: {found.pairs} interactions compared, "
            f"{len(found.differences)} differences ({breaking} break the contract), "
            f"{len(found.unpaired)} unpaired"
        )
    sys.exit(EXIT_VIOLATIONS if found.drifted else EXIT_OK)


def _credentials(authorization: str) -> set[str]:
    """The secret parts of an Authorization value: the whole credential and, for Basic, the
    token inside it, so neither can reach a log or a report."""
    import base64
    import binascii

    scheme, _, credential = authorization.partition(" ")
    found = {credential}
    if scheme.lower() == "basic":
        with contextlib.suppress(binascii.Error, UnicodeDecodeError):
            found.add(base64.b64decode(credential).decode("utf-8").partition(":")[2])
    return {s for s in found if s}


def _redact(url: str) -> str:
    from sms_contract.scrubbing import redact_url

    return redact_url(url)


if __name__ == "__main__":  # pragma: no cover
    main()

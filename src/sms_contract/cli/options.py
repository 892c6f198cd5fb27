"""The options commands share, collected into small frozen dataclasses."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sms_contract.checks.coverage import GROUPS, Gate
from sms_contract.cli.group import fail
from sms_contract.contract.schemastore import MODES, Mode
from sms_contract.simulator.config import DEFAULT_ACCOUNT_SID, SimulatorConfig

if TYPE_CHECKING:
    from sms_contract.conformance.run import Plan
    from sms_contract.conformance.target import Target
    from sms_contract.report import RunReport

mode_option = click.option(
    "--mode",
    type=click.Choice(MODES),
    default="strict",
    show_default=True,
    help="strict: the documented reading; tolerant: also known provider variants",
)
select_option = click.option(
    "--select",
    "-k",
    "patterns",
    multiple=True,
    metavar="TEXT",
    help="only scenarios whose id contains TEXT (repeatable)",
)


@dataclass(frozen=True)
class TargetArgs:
    """What the target options say: which target, and how carefully to use it."""

    target_url: str | None
    auth: str | None
    account_sid: str
    mode: Mode
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


def grouped(cls: Any, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
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
    func = grouped(TargetArgs, "target")(func)
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
        mode_option,
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
            help="a number the run may send to (repeatable; required for a remote target); "
            "default for a local one: the simulator's test numbers",
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


# what --report writes, by the file's extension (anything else is a usage error)
REPORT_SUFFIXES = (".html", ".htm", ".md", ".markdown")


def writable_file(path: Path, option: str) -> None:
    """Fail (exit 2) unless `path` can be written, before the work starts: a run must not
    end, minutes later, unable to write what it found."""
    if path.is_dir():
        fail(f"{option} {path}: is a folder, not a file")
    if not path.parent.is_dir():
        fail(f"{option} {path}: the folder {path.parent} does not exist")
    existed = path.exists()
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        fail(f"{option} {path}: cannot write: {exc.strerror or exc}")
    if not existed:
        path.unlink(missing_ok=True)


def writable_folder(path: Path, option: str) -> None:
    """Fail (exit 2) unless `path` is, or can be made, a folder this run can write into; it
    is created now (the run would create it anyway)."""
    import tempfile

    if path.exists() and not path.is_dir():
        fail(f"{option} {path}: is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        fail(f"{option} {path}: cannot write: {exc.strerror or exc}")


def report_path(path: Path | None, option: str = "--report") -> None:
    """A --report path: a known extension, and writable."""
    if path is None:
        return
    if path.is_dir():
        fail(f"{option} {path}: is a folder, not a file")
    if path.suffix.lower() not in REPORT_SUFFIXES:
        fail(
            f"{option} {path}: unknown report type {path.suffix or '(no extension)'!r}; "
            f"use {' or '.join(REPORT_SUFFIXES)}"
        )
    writable_file(path, option)


def check_outputs(output: ReportArgs) -> None:
    """Every output path of a run checked before the run starts."""
    report_path(output.report)
    if output.junit_xml is not None:
        writable_file(output.junit_xml, "--junit-xml")


def report_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--junit-xml, --report and --json (-> `output: ReportArgs`), checked before the command
    does any work."""

    command = func

    @functools.wraps(command)
    def checked(*args: Any, output: ReportArgs, **kwargs: Any) -> Any:
        check_outputs(output)
        return command(*args, output=output, **kwargs)

    func = grouped(ReportArgs, "output")(checked)
    options = [
        click.option("--junit-xml", type=click.Path(path_type=Path)),
        click.option(
            "--report",
            type=click.Path(path_type=Path),
            help="write a report a person can read: .html or .md",
        ),
        click.option("--json", "as_json", is_flag=True, help="print the report as JSON"),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def coverage_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--min-coverage and --require-coverage (-> `gate: Gate`; empty: report only)."""

    @functools.wraps(func)
    def wrapper(
        min_coverage: float | None, require_coverage: tuple[str, ...], **kwargs: Any
    ) -> Any:
        return func(gate=Gate(min_coverage, tuple(dict.fromkeys(require_coverage))), **kwargs)

    options = [
        click.option(
            "--min-coverage",
            type=click.FloatRange(0, 100),
            default=None,
            metavar="PERCENT",
            help="exit 1 unless at least PERCENT of the documented behaviours in scope were "
            "exercised, listing those never exercised (default: report only)",
        ),
        click.option(
            "--require-coverage",
            multiple=True,
            type=click.Choice(GROUPS),
            metavar="GROUP",
            help="exit 1 unless every item of GROUP was exercised (repeatable): "
            + ", ".join(GROUPS),
        ),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def gate_in_scope(gate: Gate, coverage: Any, command: str) -> None:
    """A required group the command cannot exercise is a usage error, not a silent pass."""
    for group in gate.groups:
        if group not in coverage.groups():
            fail(f"--require-coverage {group}: {command} exercises " + ", ".join(coverage.groups()))


@contextlib.contextmanager
def resolve_target(args: TargetArgs, embedded: SimulatorConfig | None = None) -> Iterator[Target]:
    """The target to run against: the named one, or an embedded simulator for the run."""
    from sms_contract.conformance import embedded as targets

    if args.target_url is None:
        try:
            targets.check_recipients(args.recipients)
        except targets.TargetConfigError as exc:
            fail(str(exc))
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


def request_limits(
    max_requests: int | None, rate: float | None, local: bool
) -> tuple[int | None, float | None]:
    if local:
        return max_requests, rate
    return (2000 if max_requests is None else max_requests), (3.0 if rate is None else rate)


seed_option = click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="hypothesis seed of the fuzz pass: the same seed sends the same cases (see the report)",
)


def run_plan(
    target: Target,
    plan: Plan,
    args: TargetArgs,
    label: str,
    quiet: bool,
    pressed: Callable[[], bool],
) -> RunReport:
    """`run_conformance` as the CLI runs it, for every provider: the request budget and pace
    of a local or remote target, progress, and a Ctrl-C that a library swallowed (`pressed`,
    from `output.interrupts()`) still ending the run."""
    from sms_contract.cli.output import progress
    from sms_contract.conformance import is_local
    from sms_contract.conformance.budget import Budget
    from sms_contract.conformance.run import run_conformance

    budget, pace = request_limits(args.max_requests, args.rate, is_local(target.url))
    with progress(plan.steps, quiet) as tick:

        def step(name: str) -> None:
            tick(name)
            if pressed():
                raise KeyboardInterrupt

        report = run_conformance(
            target,
            plan,
            budget=Budget(budget),
            rate=pace,
            timeout=args.timeout,
            label=label,
            on_step=step,
        )
    report.interrupted = report.interrupted or pressed()
    return report

"""What a run shows: progress on a terminal, the summary tables, and the report files."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sms_contract.cli.group import fail
from sms_contract.cli.options import ReportArgs

if TYPE_CHECKING:
    from rich.table import Table

    from sms_contract.proxy.tally import ProxyReport


def write_outputs(report: Any, output: ReportArgs) -> None:

    if output.as_json:
        click.echo(report.to_json())
    else:
        print_summary(report, console())
    write_files(report, output)


def write_files(report: Any, output: ReportArgs) -> None:
    """The JUnit XML and the HTML or Markdown report, where the options ask for them."""
    if output.junit_xml:
        write_report(output.junit_xml, report.to_junit)
    if output.report:
        write_report(
            output.report, report.to_html if is_html(output.report) else report.to_markdown
        )


def is_html(path: Path) -> bool:
    return path.suffix.lower() in (".html", ".htm")


def write_report(path: Path, render: Callable[[], str]) -> None:
    """Write `render()` to `path`; a path that cannot be written is one `error:` line."""
    try:
        path.write_text(render(), encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write the report: {exc.strerror or exc} ({exc.filename})")


def print_proxy_summary(report: ProxyReport) -> None:
    """The proxy's exchanges per operation, its failures, and its verdict."""
    from rich.table import Table

    from sms_contract.report import short

    out = console()
    if report.checked:
        table = Table(title="Proxied exchanges by operation", title_justify="left")
        for column in ("operation", "exchanges", "failed", "failing checks @ field"):
            table.add_column(column)
        for row in report.by_operation():
            table.add_row(
                short(row.operation),
                str(row.exchanges),
                str(row.failed),
                "\n".join(row.findings) or "-",
                style="red" if row.failed else None,
            )
        out.print(table)
    for line in report.failures():
        out.print(f"  {line}", markup=False, highlight=False)
    if report.outside:
        out.print(f"[bold]Outside the contract[/bold] ({report.outside_total}, passed through)")
        for key, count in report.outside.items():
            out.print(f"  {key}: {count}", markup=False, highlight=False)
    out.print(f"coverage: {report.coverage.summary()}", markup=False, highlight=False)
    for line in report.gate_lines():
        out.print(line, markup=False, highlight=False)
    colour = "red" if report.failed or not report.checked or report.uncovered else "green"
    out.print(f"[bold {colour}]{report.verdict()}[/]", highlight=False)


def print_summary(report: Any, console: Any) -> None:
    """The tables, the failures and what did not run, the coverage, then the verdict."""
    if report.outcomes:
        console.print(_outcome_table(report))
    if report.fuzz:
        console.print(_fuzz_table(report))
    _print_lines(console, "Failures", report.failures())
    not_run = [f"{o.id}: {o.reason}" for o in report.outcomes if o.status == "not run"]
    _print_lines(console, f"Not run ({len(not_run)})", not_run[:20])
    coverage = getattr(report, "coverage", None)
    if coverage is not None:
        console.print(f"coverage: {coverage.summary()}", markup=False, highlight=False)
        for line in report.gate_lines():
            console.print(line, markup=False, highlight=False)
    green = not (report.failed or report.interrupted or report.uncovered or not report.checked)
    console.print(f"[bold {'green' if green else 'red'}]{report.verdict()}[/]", highlight=False)


def _print_lines(console: Any, title: str, lines: list[str]) -> None:
    if lines:
        console.print(f"[bold]{title}[/bold]")
        for line in lines:
            console.print(f"  {line}", markup=False, highlight=False)


def _outcome_table(report: Any) -> Table:
    from rich.table import Table

    from sms_contract.report import short

    table = Table(title="Conformance by operation", title_justify="left")
    for column in ("operation", "passed", "failed", "not run", "failing checks @ field"):
        table.add_column(column)
    for op, passed, failed, not_run, findings in report.by_operation():
        table.add_row(
            short(op),
            str(passed),
            str(failed),
            str(not_run),
            "\n".join(findings) or "-",
            style="red" if failed else None,
        )
    return table


def _fuzz_table(report: Any) -> Table:
    from rich.table import Table

    from sms_contract.report import short

    table = Table(title="Fuzz (schemathesis)", title_justify="left")
    for column in ("operation", "mode", "cases", "result"):
        table.add_column(column)
    for r in report.fuzz:
        result = ", ".join(sorted({f.check for f in r.failures})) or r.status
        style = "red" if r.failures else None
        table.add_row(short(r.operation), r.mode, str(r.cases), result, style=style)
    return table


# off a terminal (a CI log), a long run says where it is this often (seconds), one plain line
# each time; SMS_CONTRACT_PROGRESS_SECONDS changes it (0: after every step)
PROGRESS_ENV = "SMS_CONTRACT_PROGRESS_SECONDS"
PLAIN_PROGRESS_SECONDS = 10.0


def console(stderr: bool = False) -> Any:
    """A rich console that never wraps a line off a terminal: in a CI log one violation is one
    line, whatever its length (on a terminal, the terminal's width)."""
    from rich.console import Console

    terminal = Console(stderr=stderr)
    if terminal.is_terminal:
        return terminal
    return Console(stderr=stderr, width=100_000, soft_wrap=True)


def _amount(done: int, total: int) -> str:
    """`3.1/50.0 MB`, or in kB below 10 MB in all."""
    scale, unit = (1e6, "MB") if total >= 10**7 else (1e3, "kB")
    digits = 1 if unit == "MB" else 0
    return f"{done / scale:.{digits}f}/{total / scale:.{digits}f} {unit}"


@contextlib.contextmanager
def progress(total: int, quiet: bool, *, in_bytes: bool = False) -> Iterator[Callable[..., None]]:
    """A bar on a terminal; off one, a plain `progress:` line on stderr every
    PLAIN_PROGRESS_SECONDS, so a CI log shows that a long run is alive and where it is.
    Yields `tick(label, amount=1)`; `in_bytes` counts bytes read (a bar that moves within one
    large file) and shows megabytes."""
    import time

    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    err = console(stderr=True)
    terminal = err.is_terminal
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn() if in_bytes else MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet or not terminal,
    )
    task = progress.add_task("checking", total=total)
    started = last = time.monotonic()
    done = 0
    said = [""]
    try:
        every = float(os.environ.get(PROGRESS_ENV, PLAIN_PROGRESS_SECONDS))
    except ValueError:
        every = PLAIN_PROGRESS_SECONDS

    def advance(label: str, amount: int = 1) -> None:
        nonlocal last, done
        done += amount
        progress.update(task, advance=amount, description=label[:60])
        now = time.monotonic()
        if not quiet and not terminal and now - last >= every:
            count = _amount(done, total) if in_bytes else f"{done}/{total}"
            line = f"progress: {count} ({label}), {now - started:.0f} s"
            if line != said[0]:  # a line only when it says something new
                last, said[0] = now, line
                click.echo(line, err=True)

    with progress:
        yield advance


@contextlib.contextmanager
def interrupts() -> Iterator[Callable[[], bool]]:
    """Ctrl-C raises KeyboardInterrupt as usual, and is remembered: one that lands where Python
    can only print it and go on (in a finalizer, say) still ends the run as interrupted, at
    the next step, instead of being swallowed. Yields "was Ctrl-C pressed?"."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    pressed = threading.Event()

    def handler(signum: int, frame: Any) -> None:
        pressed.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield pressed.is_set
    finally:
        signal.signal(signal.SIGINT, previous)

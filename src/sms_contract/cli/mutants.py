"""`mutants`: the suite against every broken variant of the simulator."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

import click

from sms_contract.cli.group import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_VIOLATIONS,
    fail,
    main,
    require_contract,
)
from sms_contract.cli.output import console, interrupts, progress
from sms_contract.conformance.budget import MAX_FUZZ_EXAMPLES

if TYPE_CHECKING:
    from rich.table import Table


@main.command()
@click.option("--only", "names", multiple=True, metavar="NAME", help="run only this mutant")
@click.option("--list", "list_only", is_flag=True, help="list the mutants and exit")
@click.option(
    "--fuzz-examples",
    type=click.IntRange(min=0, max=MAX_FUZZ_EXAMPLES),
    default=0,
    show_default=True,
    help="also fuzz each mutant with this many cases per operation and mode",
)
@click.option(
    "--full",
    is_flag=True,
    help="run the whole suite on each mutant (default: stop once its declared checks killed it)",
)
@click.option("--json", "as_json", is_flag=True, help="print the results as JSON")
def mutants(
    names: tuple[str, ...], list_only: bool, fuzz_examples: int, full: bool, as_json: bool
) -> None:
    """Prove the suite catches broken servers: run it against every mutant of the simulator.

    Exit 0 only when the pristine simulator (and each control mutant, such as `identity`)
    passes and every other mutant is killed.

    \b
    Examples:
      sms-contract mutants
      sms-contract mutants --only partial-success-200 --only bulk-missing-item
    """
    import json

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
    results: list[Any] = []
    interrupted = False
    try:
        with interrupts() as pressed, progress(len(names or known) + 1, as_json) as tick:

            def finished(result: Any) -> None:
                if pressed():  # a Ctrl-C that a library caught: this result was cut short
                    raise KeyboardInterrupt
                results.append(result)
                tick(result.name)

            run_all(list(names) or None, fuzz_examples, on_result=finished, full=full)
    except KeyboardInterrupt:
        interrupted = True  # what finished is still reported below
    if not results:
        fail("interrupted before the pristine simulator was checked", EXIT_INTERRUPTED)
    seconds = time.perf_counter() - started
    pristine = results[0]
    rest = [r for r in results[1:] if not r.control]
    controls = [r for r in results if r.control]
    killed = sum(r.killed for r in rest)
    ok = all(r.as_expected for r in results)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "pristine_passes": not pristine.killed,
                    "interrupted": interrupted,
                    "killed": killed,
                    "mutants": len(rest),
                    "seconds": round(seconds, 2),
                    "results": [
                        {
                            "name": r.name,
                            "description": r.description,
                            "killed": r.killed,
                            "control": r.control,
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
        console().print(_table(results))
        for control in controls:
            if control.killed:
                click.echo(f"control {control.name} fails: " + ", ".join(control.failed_scenarios))
        head = "INTERRUPTED" if interrupted else ("OK" if ok else "FAILED")
        planned = f" ({len(rest)} of {len(names or known)} run)" if interrupted else ""
        click.echo(
            f"{head}: {killed}/{len(rest)} mutants killed{planned} "
            f"({100 * killed / max(len(rest), 1):.0f}%), "
            f"{sum(not c.killed for c in controls)}/{len(controls)} controls pass "
            f"(pristine {'fails' if pristine.killed else 'passes'}); {seconds:.1f} s"
        )
    sys.exit(EXIT_INTERRUPTED if interrupted else (EXIT_OK if ok else EXIT_VIOLATIONS))


def _table(results: list[Any]) -> Table:
    """One row per target: the verdict, and the checks that killed it."""
    from rich.table import Table

    table = Table(title="Mutants", title_justify="left")
    for column in ("mutant", "result", "killed by (check: failing scenarios)"):
        table.add_column(column)
    for r in results:
        if r.control:
            verdict = "[red]FAILS[/]" if r.killed else "[green]passes[/]"
        else:
            verdict = "[green]killed[/]" if r.killed else "[red]SURVIVED[/]"
        found = ", ".join(f"{check}: {n}" for check, n in r.checks.most_common())
        table.add_row(f"{r.name}\n[dim]{r.description}[/]", verdict, found or "-")
    return table

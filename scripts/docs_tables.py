"""The generated tables of `docs/`: tables that must say what the data says.

A developer tool, run from a checkout (it rewrites this repository's `docs/` pages between
their `<!-- generated:NAME -->` markers):

    python scripts/docs_tables.py --write   # refresh the tables
    python scripts/docs_tables.py --check   # exit 1 if a page is stale (CI and a test)
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from sms_contract.contract.registry import load_registries, number_for

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_number_table() -> str:
    """Each simulator test number and the final DetailedStatusCode it drives."""
    registries = load_registries()
    lines = ["| number | Status | DetailedStatusCode | DetailedStatus |", "|---|---|---|---|"]
    for code in registries.dscs():
        if code.final and code.reached == "delivery":
            lines.append(
                f"| `{number_for(code.code)}` | {code.status} | {code.code} | {code.name} |"
            )
    return "\n".join(lines)


def error_table() -> str:
    """Each HTTP error a request can trigger, as the live suite provokes it."""
    from sms_contract.conformance.target import Target
    from sms_contract.conformance.triggers import triggers

    known = triggers(Target("http://host", "SID"))
    lines = ["| error id | HTTP | Code | provoked by |", "|---|---|---|---|"]
    for row in load_registries().http_errors:
        if row.trigger != "request":
            continue
        trigger = known[row.id]
        how = row.when.rstrip(".")
        if trigger.repeat > 1:
            how += f" (up to {trigger.repeat} requests)"
        lines.append(f"| `{row.id}` | {row.status} | {row.code or '-'} | {how} |")
    return "\n".join(lines)


def mutant_table() -> str:
    """Each mutant and the checks that must kill it."""
    from sms_contract.mutants import catalogue

    lines = ["| mutant | the bug | fires | killed by |", "|---|---|---|---|"]
    for mutant in catalogue().values():
        fires = (
            "conditionally" if mutant.conditional else "control" if mutant.survives else "always"
        )
        killers = ", ".join(mutant.kills) or "nothing: must survive"
        lines.append(f"| `{mutant.name}` | {mutant.description} | {fires} | {killers} |")
    return "\n".join(lines)


def mobizon_status_table() -> str:
    """Each Mobizon test recipient and the status its message ends in (or parks at)."""
    from sms_contract.contract import mobizon_spec as mobizon

    lines = ["| recipient | status | final |", "|---|---|---|"]
    for status in mobizon.statuses():
        final = "yes" if status.final else "no (the message parks there)"
        lines.append(f"| `{status.test_recipient}` | {status.status} | {final} |")
    return "\n".join(lines)


def mobizon_code_table() -> str:
    """Each Mobizon result code, its HTTP status, its data shape and what produces it."""
    from sms_contract.contract import mobizon_spec as mobizon

    lines = ["| code | HTTP | data | provoked by |", "|---|---|---|---|"]
    for row in mobizon.result_codes().values():
        how = []
        for situation in row.situations:
            if situation.id == "test_recipient":
                how.append(f"sendSmsMessage to `{row.test_recipient}`")
            else:
                how.append(f"{situation.operation.split('/')[-1]}: {situation.when}")
        lines.append(f"| {row.code} | {row.http_status} | {row.data} | {'; '.join(how)} |")
    return "\n".join(lines)


# page -> its generated sections
SECTIONS: dict[str, dict[str, Callable[[], str]]] = {
    "simulator.md": {"test-numbers": test_number_table, "error-scenarios": error_table},
    "mutants.md": {"mutants": mutant_table},
    "mobizon.md": {"mobizon-statuses": mobizon_status_table, "mobizon-codes": mobizon_code_table},
}


def render(text: str, sections: dict[str, Callable[[], str]]) -> str:
    """`text` with each of `sections` refreshed between its markers."""
    for name, make in sections.items():
        pattern = re.compile(
            rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.DOTALL
        )
        match = pattern.search(text)
        if match is None:
            raise ValueError(f"no <!-- generated:{name} --> section")
        text = (
            text[: match.start()]
            + match.group(1)
            + make()
            + "\n"
            + match.group(2)
            + text[match.end() :]
        )
    return text


def stale_pages() -> dict[Path, str]:
    """Each page whose tables are out of date, with its fresh text."""
    stale = {}
    for page, sections in SECTIONS.items():
        path = DOCS / page
        current = path.read_text(encoding="utf-8")
        fresh = render(current, sections)
        if fresh != current:
            stale[path] = fresh
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="refresh the generated tables of docs/")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true", help="exit 1 if a page is stale")
    group.add_argument("--write", action="store_true", help="rewrite the stale pages")
    args = parser.parse_args(argv)
    stale = stale_pages()
    for path, fresh in stale.items():
        if args.write:
            path.write_text(fresh, encoding="utf-8")
            print(f"updated {path}")
        else:
            print(f"stale: {path} (run python scripts/docs_tables.py --write)")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())

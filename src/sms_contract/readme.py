"""The README's generated sections: tables that must say what the data says.

python -m sms_contract.readme --write   # refresh README.md between its markers
python -m sms_contract.readme --check   # exit 1 if README.md is stale (a test runs this)
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from sms_contract.contract.registry import load_registries, number_for

README = Path(__file__).resolve().parents[2] / "README.md"


def test_numbers() -> str:
    """Each simulator test number and the final DetailedStatusCode it drives."""
    registries = load_registries()
    lines = ["| number | Status | DetailedStatusCode | DetailedStatus |", "|---|---|---|---|"]
    for code in registries.dscs():
        if code.final:
            lines.append(
                f"| `{number_for(code.code)}` | {code.status} | {code.code} | {code.name} |"
            )
    return "\n".join(lines)


def error_scenarios() -> str:
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


def mutants() -> str:
    """Each mutant and the checks that must kill it."""
    from sms_contract.mutants import catalogue

    lines = ["| mutant | the bug | killed by |", "|---|---|---|"]
    for mutant in catalogue().values():
        lines.append(f"| `{mutant.name}` | {mutant.description} | {', '.join(mutant.kills)} |")
    return "\n".join(lines)


SECTIONS: dict[str, Callable[[], str]] = {
    "test-numbers": test_numbers,
    "error-scenarios": error_scenarios,
    "mutants": mutants,
}


def render(text: str) -> str:
    """`text` with every generated section between its markers refreshed."""
    for name, make in SECTIONS.items():
        pattern = re.compile(
            rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise ValueError(f"README.md has no <!-- generated:{name} --> section")
        match = pattern.search(text)
        assert match is not None
        text = (
            text[: match.start()]
            + match.group(1)
            + make()
            + "\n"
            + match.group(2)
            + text[match.end() :]
        )
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="refresh the README's generated tables")
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is stale")
    parser.add_argument("--write", action="store_true", help="rewrite README.md")
    args = parser.parse_args(argv)
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if args.write and fresh != current:
        README.write_text(fresh, encoding="utf-8")
        print("README.md updated")
    elif args.check and fresh != current:
        print("README.md is stale: python -m sms_contract.readme --write")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

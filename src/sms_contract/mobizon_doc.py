"""docs/mobizon.md's generated tables: the Mobizon test inputs and the situation of each code.

python -m sms_contract.mobizon_doc --write   # refresh docs/mobizon.md between its markers
python -m sms_contract.mobizon_doc --check   # exit 1 if it is stale (a test runs this)
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from sms_contract.contract import mobizon

DOC = Path(__file__).resolve().parents[2] / "docs" / "mobizon.md"


def status_recipients() -> str:
    lines = ["| recipient | status | final |", "|---|---|---|"]
    for status in mobizon.statuses():
        final = "yes" if status.final else "no (the message parks there)"
        lines.append(f"| `{status.test_recipient}` | {status.status} | {final} |")
    return "\n".join(lines)


def result_codes() -> str:
    lines = ["| code | HTTP | data | provoked by |", "|---|---|---|---|"]
    for row in mobizon.result_codes().values():
        how = []
        for situation in row.situations:
            if situation.id == "test_recipient":
                how.append(f"sendSmsMessage to `{row.test_recipient}`")
            else:
                where = situation.operation.split("/")[-1]
                how.append(f"{where}: {situation.when}")
        lines.append(f"| {row.code} | {row.http_status} | {row.data} | {'; '.join(how)} |")
    return "\n".join(lines)


SECTIONS: dict[str, Callable[[], str]] = {
    "mobizon-statuses": status_recipients,
    "mobizon-codes": result_codes,
}


def render(text: str) -> str:
    for name, make in SECTIONS.items():
        pattern = re.compile(
            rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.DOTALL
        )
        match = pattern.search(text)
        if match is None:
            raise ValueError(f"{DOC.name} has no <!-- generated:{name} --> section")
        text = (
            text[: match.start()]
            + match.group(1)
            + make()
            + "\n"
            + match.group(2)
            + (text[match.end() :])
        )
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="refresh docs/mobizon.md's generated tables")
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    parser.add_argument("--write", action="store_true", help="rewrite the page")
    args = parser.parse_args(argv)
    current = DOC.read_text(encoding="utf-8")
    fresh = render(current)
    if args.write and fresh != current:
        DOC.write_text(fresh, encoding="utf-8")
        print(f"{DOC.name} updated")
    elif args.check and fresh != current:
        print(f"{DOC.name} is stale: python -m sms_contract.mobizon_doc --write")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

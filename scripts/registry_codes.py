"""Generate the schema enums (`schemas/<provider>/codes*.json`) from `schemas/registries/`.

A developer tool, run from a checkout (it writes into this repository's `schemas/`):

    python scripts/registry_codes.py --write   # regenerate
    python scripts/registry_codes.py --check   # exit 1 if any is out of date (CI and a test)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sms_contract.contract.registry import DetailedStatusCode, Registries, load_registries

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"

_GENERATED = (
    "Generated from schemas/registries/ by `python scripts/registry_codes.py --write`. Do not edit."
)


def _enum(values: list[Any], description: str) -> dict[str, Any]:
    return {"description": description, "enum": values}


def _exotel_codes(reg: Registries, *, tolerant: bool) -> dict[str, Any]:
    statuses = reg.statuses(tolerant=tolerant)
    dscs = reg.dscs(tolerant=tolerant)
    names = sorted({d.name for d in dscs if d.name})
    error_codes = sorted({e.code for e in reg.http_errors if e.code is not None})
    if tolerant:
        error_codes = sorted(
            set(error_codes) | {e.previous_code for e in reg.http_errors if e.previous_code}
        )
    detailed_status: dict[str, Any] = _enum(
        names, "DetailedStatus: the name of a DetailedStatusCode."
    )
    if tolerant:
        # Variant catalogues name codes the reference does not describe: accept any NAME.
        detailed_status = {
            "description": "DetailedStatus (tolerant): a documented name or any UPPER_SNAKE name.",
            "anyOf": [detailed_status, {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$"}],
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Exotel codes ({'tolerant' if tolerant else 'strict'})",
        "description": _GENERATED,
        "$defs": {
            "Status": _enum([s.status for s in statuses], "SMS Status."),
            "FinalStatus": _enum([s.status for s in statuses if s.final], "A terminal Status."),
            "FailedStatus": _enum(
                [s.status for s in statuses if s.final and s.success is False],
                "A terminal Status of a message that was not delivered.",
            ),
            "Direction": _enum(list(reg.exotel_directions), "Message direction."),
            "DetailedStatusCode": {
                "type": "integer",
                "description": "DetailedStatusCode: a row of the table, or a reserved code.",
                "anyOf": [
                    {"enum": [d.code for d in dscs]},
                    *({"minimum": r.start, "maximum": r.end} for r in reg.reserved),
                ],
            },
            "DetailedStatus": detailed_status,
            "DetailedStatusPairing": _reserved_pairing(reg, dscs, detailed_status),
            "ErrorCode": {"type": "integer", **_enum(error_codes, "RestException Code.")},
            "ErrorHttpStatus": {
                "type": "integer",
                **_enum(sorted({e.status for e in reg.http_errors}), "RestException Status."),
            },
        },
    }


def _reserved_pairing(
    reg: Registries, dscs: list[DetailedStatusCode], detailed_status: dict[str, Any]
) -> dict[str, Any]:
    """A code of a reserved range that no row names carries the range's Status and any
    UPPER_SNAKE DetailedStatus; every other code carries a documented DetailedStatus."""
    known = [d.code for d in dscs]
    branches: list[dict[str, Any]] = [
        {
            "if": {
                "properties": {
                    "DetailedStatusCode": {
                        "type": "integer",
                        "minimum": r.start,
                        "maximum": r.end,
                        "not": {"enum": [c for c in known if r.start <= c <= r.end]},
                    }
                },
                "required": ["DetailedStatusCode"],
            },
            "then": {
                "properties": {
                    "Status": {"const": r.status},
                    "DetailedStatus": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$"},
                }
            },
            "else": {"properties": {"DetailedStatus": detailed_status}},
        }
        for r in reg.reserved
    ]
    return {
        "description": "The DetailedStatus of a code (reserved codes: line "
        + ", ".join(str(r.line) for r in reg.reserved)
        + ").",
        "allOf": branches or [{"properties": {"DetailedStatus": detailed_status}}],
    }


def _bandwidth_codes(reg: Registries) -> dict[str, Any]:
    types = reg.bandwidth["types"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Bandwidth v2 callback codes",
        "description": _GENERATED,
        "$defs": {
            "EventType": _enum([t["type"] for t in types], "Callback event type."),
            "ErrorEventType": _enum(
                [t["type"] for t in types if t["has_error_code"]],
                "Event types that carry errorCode.",
            ),
            "OutboundEventType": _enum(
                [t["type"] for t in types if t["direction"] == "out"],
                "Receipts of outbound messages (they carry `to`).",
            ),
        },
    }


def _hubbucs_codes(reg: Registries) -> dict[str, Any]:
    types = reg.hubbucs["types"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "HubBucs SMS callback codes",
        "description": _GENERATED,
        "$defs": {
            "Type": _enum([t["type"] for t in types], "Callback type."),
            "ErrorType": _enum(
                [t["type"] for t in types if t["has_error_code"]], "Types that carry errorCode."
            ),
        },
    }


def _mobizon_codes(reg: Registries) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Mobizon codes",
        "description": _GENERATED,
        "$defs": {
            "ResultCode": {
                "type": "integer",
                **_enum([c["code"] for c in reg.mobizon_result_codes], "API result code."),
            },
            "SmsStatus": _enum([s["status"] for s in reg.mobizon_statuses], "SMS status."),
            "FinalSmsStatus": _enum(
                [s["status"] for s in reg.mobizon_statuses if s["final"]],
                "A final SMS status (what an sms-delivery-report carries).",
            ),
        },
    }


def generated_schemas() -> dict[Path, dict[str, Any]]:
    """Every generated enum schema, by its path under `schemas/`."""
    reg = load_registries()
    root = SCHEMAS
    return {
        root / "exotel" / "codes.json": _exotel_codes(reg, tolerant=False),
        root / "exotel" / "codes.tolerant.json": _exotel_codes(reg, tolerant=True),
        root / "bandwidth" / "codes.json": _bandwidth_codes(reg),
        root / "hubbucs" / "codes.json": _hubbucs_codes(reg),
        root / "mobizon" / "codes.json": _mobizon_codes(reg),
    }


def render(document: dict[str, Any]) -> str:
    """The canonical text of a generated schema file."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def stale_files() -> list[Path]:
    """Generated files whose content differs from what the registries say."""
    stale = []
    for path, document in generated_schemas().items():
        if not path.is_file() or path.read_text(encoding="utf-8") != render(document):
            stale.append(path)
    return stale


def main(argv: list[str] | None = None) -> int:
    """`python scripts/registry_codes.py --write | --check`."""
    parser = argparse.ArgumentParser(description=__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true", help="regenerate the enum schemas")
    group.add_argument("--check", action="store_true", help="exit 1 if any is out of date")
    args = parser.parse_args(argv)
    if args.write:
        for path, document in generated_schemas().items():
            path.write_text(render(document), encoding="utf-8")
            print(f"wrote {path}")
        return 0
    stale = stale_files()
    for path in stale:
        print(f"out of date: {path} (run python scripts/registry_codes.py --write)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())

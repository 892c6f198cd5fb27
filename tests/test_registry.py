"""The registries hold every row of the reference tables, and the schema enums agree with them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from sms_contract.contract.registry import REFERENCE, load_registries
from sms_contract.contract.resources import schemas_dir


def _dsc_rows(text: str) -> set[tuple[int, str, str, bool]]:
    """Every (code, status, name, final) row of every status table in the Exotel document."""
    lines = text.split("\n")
    rows = set()
    for i, line in enumerate(lines[:-3]):
        nature = lines[i + 1]
        if re.fullmatch(r"\d{5}", line) and nature.startswith(("Final", "Intermediate")):
            rows.add((int(line), lines[i + 2], lines[i + 3], nature == "Final"))
    return rows


def test_detailed_status_codes_are_every_row_of_the_reference(reference_dir: Path) -> None:
    documented = _dsc_rows((reference_dir / "exotel-sms-api.txt").read_text())
    # 23000 is printed only by the dynamic-bulk partial-success example, in no table
    registry = {
        (d.code, d.status, d.name, d.final)
        for d in load_registries().dscs()
        if d.reached == "delivery"
    }
    assert registry == documented
    outside = [d.code for d in load_registries().dscs() if d.reached != "delivery"]
    assert outside == [23000]


def test_detailed_status_code_lines_point_at_their_rows(reference_dir: Path) -> None:
    lines = (reference_dir / "exotel-sms-api.txt").read_text().split("\n")
    for row in load_registries().dscs():
        assert row.line is not None
        if row.reached == "delivery":
            assert lines[row.line - 1] == str(row.code)
        else:  # an example's line
            assert f'"DetailedStatusCode": {row.code},' in lines[row.line - 1]


def test_reserved_range_is_the_documents_sentence(reference_dir: Path) -> None:
    lines = (reference_dir / "exotel-sms-api.txt").read_text().split("\n")
    (reserved,) = load_registries().reserved
    sentence = lines[reserved.line - 1]
    assert f"range of {reserved.start}-{reserved.end} are reserved for future" in sentence


def test_variant_rows_are_never_reference_rows() -> None:
    reg = load_registries()
    reference = {d.code for d in reg.dscs()}
    variants = {d.code for d in reg.detailed_status_codes if d.catalogue != REFERENCE}
    assert variants and not reference & variants


def test_http_errors_are_every_row_of_the_reference(reference_dir: Path) -> None:
    lines = (reference_dir / "exotel-sms-api.txt").read_text().split("\n")
    reg = load_registries()
    for row in reg.http_errors:
        block = "\n".join(lines[row.line - 1 : row.line + 8])
        assert str(row.status) in block, row.id
        if row.code is not None:
            assert re.search(rf"(^|\D){row.code}(\D|$)", block), row.id
        first_words = row.message.split("$")[0][:30]
        assert first_words in block, row.id
    # every distinct API error code in the document is a row
    text = "\n".join(lines)
    documented = {int(c) for c in re.findall(r"^\n?(\d{5,6})$", text, re.M)}
    codes = {e.code for e in reg.http_errors} | {e.previous_code for e in reg.http_errors}
    dscs = {d.code for d in reg.detailed_status_codes}
    assert documented - dscs <= codes


def test_mobizon_registries_are_every_row(reference_dir: Path) -> None:
    text = (reference_dir / "mobizon-api-codes-and-statuses.txt").read_text()
    codes = {int(c) for c in re.findall(r"^(\d+) \|", text, re.M)}
    statuses = dict(re.findall(r"^([A-Z]+) \| (yes|no) \|", text, re.M))
    reg = load_registries()
    assert {c["code"] for c in reg.mobizon_result_codes} == codes
    assert {s["status"]: ("yes" if s["final"] else "no") for s in reg.mobizon_statuses} == statuses


def test_generated_enum_schemas_are_up_to_date() -> None:
    """`python scripts/registry_codes.py --check`, as CI runs it."""
    script = Path(__file__).resolve().parents[1] / "scripts" / "registry_codes.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _enum(path: Path, name: str) -> list[object]:
    defs = json.loads(path.read_text())["$defs"]
    values: list[object] = defs[name]["enum"]
    return values


def test_schema_enums_agree_with_registries_both_ways() -> None:
    reg = load_registries()
    codes = schemas_dir() / "exotel" / "codes.json"
    assert set(_enum(codes, "Status")) == {s.status for s in reg.statuses()}
    dsc = json.loads(codes.read_text())["$defs"]["DetailedStatusCode"]["anyOf"]
    assert set(dsc[0]["enum"]) == {d.code for d in reg.dscs()}
    assert [(r["minimum"], r["maximum"]) for r in dsc[1:]] == [(23084, 24000)]
    assert set(_enum(codes, "ErrorCode")) == {e.code for e in reg.http_errors if e.code}
    tolerant = schemas_dir() / "exotel" / "codes.tolerant.json"
    assert set(_enum(tolerant, "Status")) == {s.status for s in reg.exotel_statuses}
    bandwidth = schemas_dir() / "bandwidth" / "codes.json"
    assert set(_enum(bandwidth, "EventType")) == {t["type"] for t in reg.bandwidth["types"]}
    mobizon = schemas_dir() / "mobizon" / "codes.json"
    assert set(_enum(mobizon, "SmsStatus")) == {s["status"] for s in reg.mobizon_statuses}


def test_no_code_number_is_typed_in_a_hand_written_schema() -> None:
    """Codes live in the registries; hand-written schemas only reference codes.json."""
    reg = load_registries()
    numbers = {str(d.code) for d in reg.detailed_status_codes}
    numbers |= {str(e.code) for e in reg.http_errors if e.code}
    for path in schemas_dir().rglob("*.json"):
        if path.name.startswith("codes"):
            continue
        text = path.read_text()
        typed = {n for n in numbers if re.search(rf"(?<![\d.]){n}(?![\d])", text)}
        assert not typed, f"{path.name} types codes {typed}"

"""Cassette drift: what changed between two recordings of the same scenarios, structurally.

Interactions are paired by cassette file (relative name) and position, as vcrpy replays them,
and must agree on method and operation. For each pair the response is reduced to its shape:
the status, the media type, every field as `/pointer: type` (array indexes folded to `/*`),
and the values of the code fields (Status, DetailedStatusCode, error Code, ...). Values that
change on every run (Sids, dates, prices) are never compared. Each difference says whether the
contract still allows the new recording.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sms_contract.cassettes.cassette import (
    Interaction,
    cassette_files,
    interactions,
    operation_label,
    validate_interaction,
)
from sms_contract.checks.validate import header, media_type, response_data
from sms_contract.contract.schemastore import Mode

# fields whose values are codes: a value never seen before is drift; other values are volatile
CODE_FIELDS = {
    "Status",
    "DetailedStatus",
    "DetailedStatusCode",
    "Code",
    "Direction",
    "type",
    "errorCode",
    "status",
    "code",
}


@dataclass(frozen=True)
class Difference:
    """One structural change between the old and the new recording."""

    where: str  # file#index operation
    kind: str  # status, content-type, field-added, field-removed, type-changed, new-code, ...
    pointer: str
    old: str
    new: str
    allowed: bool  # the new interaction still conforms to the contract
    violation: str = ""

    def __str__(self) -> str:
        verdict = (
            "allowed by the contract" if self.allowed else f"BREAKS THE CONTRACT: {self.violation}"
        )
        field_ = self.pointer or "(body)"
        return f"{self.where}: {self.kind} {field_}: {self.old} -> {self.new} ({verdict})"


@dataclass
class DriftReport:
    differences: list[Difference] = field(default_factory=list)
    unpaired: list[str] = field(default_factory=list)
    pairs: int = 0

    @property
    def drifted(self) -> bool:
        return bool(self.differences or self.unpaired)


def _type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def shape(data: Any) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(pointer -> types seen, code pointer -> values seen), array indexes folded to `*`."""
    types: dict[str, set[str]] = {}
    codes: dict[str, set[str]] = {}

    def walk(node: Any, pointer: str, name: str) -> None:
        types.setdefault(pointer, set()).add(_type(node))
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{pointer}/{key}", key)
        elif isinstance(node, list):
            for value in node:
                walk(value, f"{pointer}/*", name)
        elif name in CODE_FIELDS and node is not None:
            codes.setdefault(pointer, set()).add(str(node))

    walk(data, "", "")
    return types, codes


def _files(root: Path) -> dict[str, Path]:
    base = root if root.is_dir() else root.parent
    return {str(p.relative_to(base)): p for p in cassette_files([root])}


def _summary(item: Interaction) -> tuple[int, str, Any]:
    media = media_type(header(item.response_headers, "Content-Type"))
    data = response_data(item.method, item.uri, item.status, item.response_headers,
                         item.response_body)  # fmt: skip
    return item.status, media, data


def compare(old: Path, new: Path, mode: Mode = "strict") -> DriftReport:
    """Structural differences between two recordings (cassette files or folders)."""
    report = DriftReport()
    old_files, new_files = _files(old), _files(new)
    report.unpaired += [
        f"{name}: only in {old}" for name in sorted(set(old_files) - set(new_files))
    ]
    report.unpaired += [
        f"{name}: only in {new}" for name in sorted(set(new_files) - set(old_files))
    ]
    for name in sorted(set(old_files) & set(new_files)):
        before, after = list(interactions(old_files[name])), list(interactions(new_files[name]))
        if len(before) != len(after):
            report.unpaired.append(f"{name}: {len(before)} interactions, now {len(after)}")
        for index, (a, b) in enumerate(zip(before, after, strict=False)):
            where = f"{name}#{index} {operation_label(b)}"
            if (a.method, operation_label(a)) != (b.method, operation_label(b)):
                report.unpaired.append(f"{where}: was {a.method} {operation_label(a)}")
                continue
            report.pairs += 1
            report.differences += list(_diff(where, a, b, mode))
    return report


def _diff(where: str, a: Interaction, b: Interaction, mode: Mode) -> Iterator[Difference]:
    found = validate_interaction(b, mode)
    allowed, problem = not found, str(found[0]) if found else ""

    def difference(
        kind: str, pointer: str, old: Any, new: Any, own_problem: str = ""
    ) -> Difference:
        related = [
            v for v in found if pointer and v.pointer.startswith(pointer.replace("/*", "/0"))
        ]
        text = str(related[0]) if related else (own_problem or problem)
        return Difference(where, kind, pointer, str(old), str(new), allowed and not related, text)

    (status_a, media_a, data_a), (status_b, media_b, data_b) = _summary(a), _summary(b)
    if status_a != status_b:
        yield difference("status", "/status", status_a, status_b)
    if media_a != media_b:
        yield difference("content-type", "/headers/Content-Type", media_a, media_b)
    types_a, codes_a = shape(data_a)
    types_b, codes_b = shape(data_b)
    for pointer in sorted(set(types_b) - set(types_a)):
        yield difference("field-added", pointer, "absent", "/".join(sorted(types_b[pointer])))
    for pointer in sorted(set(types_a) - set(types_b)):
        yield difference("field-removed", pointer, "/".join(sorted(types_a[pointer])), "absent")
    for pointer in sorted(set(types_a) & set(types_b)):
        if types_a[pointer] != types_b[pointer]:
            yield difference("type-changed", pointer, "/".join(sorted(types_a[pointer])),
                             "/".join(sorted(types_b[pointer])))  # fmt: skip
    for pointer in sorted(set(codes_b)):
        unseen = codes_b[pointer] - codes_a.get(pointer, set())
        if unseen and pointer in codes_a:
            yield difference("new-code", pointer, ", ".join(sorted(codes_a[pointer])),
                             ", ".join(sorted(unseen)))  # fmt: skip

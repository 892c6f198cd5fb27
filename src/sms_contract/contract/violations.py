"""What a check returns: violations with a JSON pointer, and the variants tolerant mode accepted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


def show(value: Any, limit: int = 80, *, quote: bool = False) -> str:
    """A short, one-line rendering of a value; `quote` shows strings as JSON strings."""
    if isinstance(value, str) and not quote:
        text = value
    else:
        text = json.dumps(value, default=str, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class Violation:
    """One way a request, response or callback breaks the contract."""

    check: str
    pointer: str
    expected: str
    actual: str
    message: str
    operation: str | None = None

    def __str__(self) -> str:
        where = f"{self.operation}: " if self.operation else ""
        field_ = self.pointer or "(body)"
        return (
            f"{where}[{self.check}] {field_}: {self.message} "
            f"(expected {self.expected}, got {self.actual})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "pointer": self.pointer,
            "expected": self.expected,
            "actual": self.actual,
            "message": self.message,
            "operation": self.operation,
        }


@dataclass(frozen=True)
class AcceptedVariant:
    """A known variant that tolerant mode accepted instead of reporting it."""

    variant: str
    pointer: str
    detail: str

    def __str__(self) -> str:
        return f"accepted variant {self.variant} at {self.pointer or '(body)'}: {self.detail}"


class Report(list[Violation]):
    """A list of violations (empty when the payload conforms) and the variants accepted.

    A check also leaves what it read, so a caller (the coverage model) need not read it again:
    `operation` (the label of the operation or callback matched, None when none was), `data`
    (the body as checked, in the JSON shape; None when it did not parse) and `request` (the
    request form as decoded, when the check decoded it).
    """

    def __init__(self, violations: list[Violation] | None = None) -> None:
        super().__init__(violations or [])
        self.accepted: list[AcceptedVariant] = []
        self.operation: str | None = None
        self.data: Any = None
        self.request: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"Report(violations={list(self)!r}, accepted={self.accepted!r})"

    def explain(self) -> str:
        """Every violation and accepted variant, one per line."""
        return "\n".join([*map(str, self), *map(str, self.accepted)])

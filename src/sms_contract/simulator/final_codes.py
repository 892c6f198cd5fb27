"""Deterministic outcomes: test numbers and Body markers, derived from the DSC registry.

Every final DetailedStatusCode C of the registry has a test number `+91000C`; sending to it
(or putting `[dsc:C]` in the Body) makes the message end in C. Any other valid number ends in
the first `sent` code of the registry (delivered to handset).
"""

from __future__ import annotations

import re

from sms_contract.contract.registry import DetailedStatusCode, load_registries, number_for

_MARKER = re.compile(r"\[dsc:(\d+)\]")
_VALID = re.compile(r"^\+?[0-9]{6,15}$")


def final_codes() -> list[DetailedStatusCode]:
    """Every final reference DetailedStatusCode a delivery can end in, in registry order."""
    return [d for d in load_registries().dscs() if d.final and d.reached == "delivery"]


def codes_by_test_number() -> dict[str, DetailedStatusCode]:
    """Every test number and the final code it drives."""
    return {number_for(d.code): d for d in final_codes()}


def default_final() -> DetailedStatusCode:
    """Where a message to an ordinary number ends: the first successful final code."""
    registries = load_registries()
    success = {s.status for s in registries.statuses() if s.success}
    return next(d for d in final_codes() if d.status in success)


def is_valid_number(number: str) -> bool:
    """Digits with an optional +, 6 to 15 of them (E.164 length)."""
    return bool(_VALID.match(number.replace(" ", "").replace("-", "")))


def outcome(to: str, body: str) -> DetailedStatusCode:
    """The final DetailedStatusCode a message to `to` with `body` will reach."""
    by_code = {d.code: d for d in final_codes()}
    marker = _MARKER.search(body or "")
    if marker and int(marker.group(1)) in by_code:
        return by_code[int(marker.group(1))]
    return codes_by_test_number().get(to.strip(), default_final())

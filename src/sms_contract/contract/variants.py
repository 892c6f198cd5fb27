"""Tolerant mode: normalise the known variants of `schemas/registries/variants.yaml`.

Each variant kind is implemented once here; which fields it applies to is data. Normalising
turns a variant into the strict reading and records what was accepted, so the same schema
validates both modes and the report says exactly which variants a target relied on.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sms_contract.contract.registry import VARIANT, Variant, load_registries
from sms_contract.contract.violations import AcceptedVariant

_DIGITS = re.compile(r"^-?[0-9]+$")


def _iso_to_exotel(value: str) -> str | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if "T" not in value:
        return None
    return parsed.strftime("%Y-%m-%d %H:%M:%S")


def _matches(variant: Variant, parent: str | None, key: str) -> bool:
    return key in variant.fields or (parent is not None and f"{parent}.{key}" in variant.fields)


def normalize(data: Any, provider: str) -> tuple[Any, list[AcceptedVariant]]:
    """Return `data` with `provider`'s known variants normalised, and what was accepted."""
    registries = load_registries()
    variants = [v for v in registries.variants if v.provider == provider]
    catalogue_codes = {d.code for d in registries.detailed_status_codes if d.catalogue == VARIANT}
    catalogue_statuses = {s.status for s in registries.exotel_statuses if s.catalogue == VARIANT}
    accepted: list[AcceptedVariant] = []

    def visit(node: Any, pointer: str, parent: str | None) -> Any:
        if isinstance(node, list):
            return [visit(item, f"{pointer}/{i}", parent) for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            name = key
            for variant in variants:
                if variant.kind == "rename" and key in variant.rename:
                    name = variant.rename[key]
                    accepted.append(
                        AcceptedVariant(variant.id, f"{pointer}/{key}", f"{key} read as {name}")
                    )
            here = f"{pointer}/{name}"
            value = visit(value, here, name)
            for variant in variants:
                if not _matches(variant, parent, name):
                    continue
                if (
                    variant.kind == "digit-string-to-integer"
                    and isinstance(value, str)
                    and _DIGITS.match(value)
                ):
                    accepted.append(
                        AcceptedVariant(variant.id, here, f"string {value!r} read as integer")
                    )
                    value = int(value)
                elif variant.kind == "exotel-date-iso" and isinstance(value, str):
                    converted = _iso_to_exotel(value)
                    if converted is not None:
                        accepted.append(
                            AcceptedVariant(variant.id, here, f"{value!r} read as {converted!r}")
                        )
                        value = converted
                elif variant.kind == "catalogue" and (
                    value in catalogue_codes or value in catalogue_statuses
                ):
                    accepted.append(
                        AcceptedVariant(
                            variant.id, here, f"{value!r} is not in the reference tables"
                        )
                    )
            out[name] = value
        return out

    return visit(data, "", None), accepted


def accepted_media_types(provider: str, documented: str) -> dict[str, str]:
    """Other media types tolerant mode accepts for `documented`, mapped to their variant id."""
    out: dict[str, str] = {}
    for variant in load_registries().variants:
        if variant.provider == provider and variant.kind == "content-type":
            for alternative in variant.media_types.get(documented, []):
                out[alternative] = variant.id
    return out


def accepted_statuses(provider: str, situation: str) -> dict[int, str]:
    """Other HTTP statuses tolerant mode accepts for a documented situation (an error id)."""
    out: dict[int, str] = {}
    for variant in load_registries().variants:
        if (
            variant.provider == provider
            and variant.kind == "status-code"
            and variant.situation == situation
        ):
            for status in variant.statuses:
                out[status] = variant.id
    return out

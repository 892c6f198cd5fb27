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


def _convert(variant: Variant, value: Any, here: str, catalogue: set[Any]) -> tuple[Any, str]:
    """`value` read through `variant`, and what was accepted ("" when the variant did not
    apply). `catalogue` holds the codes and statuses only the variant catalogues name."""
    if variant.kind == "digit-string-to-integer" and isinstance(value, str):
        if _DIGITS.match(value):
            return int(value), f"string {value!r} read as integer"
    elif variant.kind == "exotel-date-iso" and isinstance(value, str):
        converted = _iso_to_exotel(value)
        if converted is not None:
            return converted, f"{value!r} read as {converted!r}"
    elif variant.kind == "catalogue" and value in catalogue:
        return value, f"{value!r} is not in the reference tables"
    return value, ""


def normalize(
    data: Any, provider: str, *, documented_only: bool = False
) -> tuple[Any, list[AcceptedVariant]]:
    """Return `data` with `provider`'s known variants normalised, and what was accepted.

    `documented_only` (strict mode) applies only the variants the reference document itself
    prints (`documented: true`), so a response exactly as the document shows it conforms in
    both modes.
    """
    registries = load_registries()
    variants = [
        v
        for v in registries.variants
        if v.provider == provider and (v.documented or not documented_only)
    ]
    if not variants or (documented_only and not _may_need(data, variants)):
        return data, []
    catalogue: set[Any] = {
        d.code for d in registries.detailed_status_codes if d.catalogue == VARIANT
    } | {s.status for s in registries.exotel_statuses if s.catalogue == VARIANT}
    accepted: list[AcceptedVariant] = []

    def renamed(key: str, pointer: str) -> str:
        name = key
        for variant in variants:
            if variant.kind == "rename" and key in variant.rename:
                name = variant.rename[key]
                accepted.append(
                    AcceptedVariant(variant.id, f"{pointer}/{key}", f"{key} read as {name}")
                )
        return name

    def visit(node: Any, pointer: str, parent: str | None) -> Any:
        if isinstance(node, list):
            return [visit(item, f"{pointer}/{i}", parent) for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            name = renamed(key, pointer)
            here = f"{pointer}/{name}"
            value = visit(value, here, name)
            for variant in variants:
                if _matches(variant, parent, name):
                    value, note = _convert(variant, value, here, catalogue)
                    if note:
                        accepted.append(AcceptedVariant(variant.id, here, note))
            out[name] = value
        return out

    return visit(data, "", None), accepted


def _may_need(data: Any, variants: list[Variant]) -> bool:
    """Whether any SMSMessage-level field of `data` could be a documented variant (a cheap
    look before the full walk, which strict mode would otherwise pay on every body)."""
    names = {f.rsplit(".", 1)[-1] for v in variants for f in v.fields}
    renames = {k for v in variants for k in v.rename}
    items = data if isinstance(data, list) else [data]
    for item in items:
        if not isinstance(item, dict):
            return True
        message = item.get("SMSMessage", item)
        if not isinstance(message, dict):
            return True
        if renames & message.keys():
            return True
        if any(isinstance(message.get(name), str) for name in names):
            return True
    return False


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


def path_case_variant(provider: str) -> str | None:
    """The id of `provider`'s variant that accepts an operation's path in another case."""
    variants = load_registries().variants
    return next((v.id for v in variants if v.provider == provider and v.kind == "path-case"), None)

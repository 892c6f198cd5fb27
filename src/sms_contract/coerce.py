"""Schema-guided coercion of text-only data (XML bodies, form bodies) into the JSON shape.

XML and forms carry only text. This is the one documented mapping from text to the JSON shape
the schemas describe:
- digits become an integer, and a decimal a number, where the schema allows that type;
- "true" / "false" stay strings (the contract spells form booleans as strings);
- an object where the schema wants an array of single-key objects `[{"K": ...}]` is split
  into one item per `K` child (XML repeats `<SMSMessage>` for bulk responses); where the
  schema allows an object or an array, a repeated child means the array;
- everything else is left as it is, so the validator reports it.
"""

from __future__ import annotations

import re
from typing import Any

from sms_contract.schemastore import Mode, resolve

_INT = re.compile(r"^-?[0-9]+$")
_NUM = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")


_Plan = tuple[list[dict[str, Any]], set[str], dict[str, Any]]
_PLANS: dict[tuple[int, str], tuple[Any, _Plan]] = {}


def _plan(schema: Any, mode: Mode) -> _Plan:
    """The schema's branches (resolved, flattened), the types they allow and their properties.

    Memoized by identity: the schemas are the contract's own long-lived objects, and each
    entry keeps its key alive, so an id is never reused while cached.
    """
    key = (id(schema), mode)
    cached = _PLANS.get(key)
    if cached is not None and cached[0] is schema:
        return cached[1]
    branches = _flatten(schema, mode)
    properties: dict[str, Any] = {}
    for branch in branches:
        for name, sub in branch.get("properties", {}).items():
            properties.setdefault(name, sub)
    plan = (branches, _types(branches), properties)
    if len(_PLANS) < 4096:
        _PLANS[key] = (schema, plan)
    return plan


def _flatten(schema: Any, mode: Mode) -> list[dict[str, Any]]:
    schema = resolve(schema, mode)
    if not isinstance(schema, dict):
        return []
    out = [schema]
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            out.extend(_flatten(sub, mode))
    return out


def _types(branches: list[dict[str, Any]]) -> set[str]:
    types: set[str] = set()
    for branch in branches:
        declared = branch.get("type")
        if isinstance(declared, str):
            types.add(declared)
        elif isinstance(declared, list):
            types.update(declared)
        if "enum" in branch:
            types.update(type(v).__name__.replace("int", "integer") for v in branch["enum"])
        if "properties" in branch:
            types.add("object")
        if "items" in branch:
            types.add("array")
    return types


def coerce(data: Any, schema: Any, mode: Mode = "strict") -> Any:
    """Return `data` with text turned into the types `schema` (absolute `$ref`s) asks for."""
    branches, types, properties = _plan(schema, mode)
    if not branches:
        return data
    if isinstance(data, str):
        if "string" in types:
            return data
        if "integer" in types and _INT.match(data):
            return int(data)
        if "number" in types and _NUM.match(data):
            return float(data) if not _INT.match(data) else int(data)
        return data
    if isinstance(data, dict) and "array" in types and ("object" not in types or _repeated(data)):
        return coerce(_split(data), schema, mode)
    if isinstance(data, dict):
        return {
            key: coerce(value, properties[key], mode) if key in properties else value
            for key, value in data.items()
        }
    if isinstance(data, list):
        items = next((b["items"] for b in branches if isinstance(b.get("items"), dict)), None)
        if items is None:
            return data
        return [coerce(item, items, mode) for item in data]
    return data


def _repeated(data: dict[str, Any]) -> bool:
    """One child element, repeated: the XML form of an array of single-key objects."""
    return len(data) == 1 and isinstance(next(iter(data.values())), list)


def _split(data: dict[str, Any]) -> Any:
    """`{"K": [a, b]}` or `{"K": a}` -> `[{"K": a}, {"K": b}]` (repeated XML children)."""
    if len(data) != 1:
        return data
    ((key, value),) = data.items()
    values = value if isinstance(value, list) else [value]
    return [{key: item} for item in values]

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

from sms_contract.contract.schemastore import Mode, resolve

_INT = re.compile(r"^-?[0-9]+$")
_NUM = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")


class _Plan:
    """What coercion needs of one schema: the types its branches allow, its properties' plans
    (made on first use), and its items' plan."""

    __slots__ = ("_subplans", "branches", "items", "keeps_text", "mode", "properties", "types")

    def __init__(self, schema: Any, mode: Mode) -> None:
        self.mode = mode
        self.branches = _flatten(schema, mode)
        self.types = _types(self.branches)
        self.properties: dict[str, Any] = {}
        for branch in self.branches:
            for name, sub in branch.get("properties", {}).items():
                self.properties.setdefault(name, sub)
        self.items = next(
            (b["items"] for b in self.branches if isinstance(b.get("items"), dict)), None
        )
        # text is left as it is where the schema allows a string, or says nothing at all
        self.keeps_text = "string" in self.types or not self.branches
        self._subplans: dict[str, _Plan] | None = None

    def subplans(self) -> dict[str, _Plan]:
        """The plans of the properties (made on first use: a schema may refer to itself)."""
        if self._subplans is None:
            self._subplans = {name: _plan(sub, self.mode) for name, sub in self.properties.items()}
        return self._subplans


_PLANS: dict[tuple[int, str], tuple[Any, _Plan]] = {}


def _plan(schema: Any, mode: Mode) -> _Plan:
    """The coercion plan of a schema, memoized by identity: the schemas are the contract's own
    long-lived objects, and each entry keeps its key alive, so an id is never reused while
    cached."""
    key = (id(schema), mode)
    cached = _PLANS.get(key)
    if cached is not None and cached[0] is schema:
        return cached[1]
    plan = _Plan(schema, mode)
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
    return _coerce(data, _plan(schema, mode))


def _coerce(data: Any, plan: _Plan) -> Any:
    if not plan.branches:
        return data
    if isinstance(data, str):
        return data if plan.keeps_text else _number(data, plan.types)
    if isinstance(data, dict):
        if "array" in plan.types and ("object" not in plan.types or _repeated(data)):
            return _coerce(_split(data), plan)
        subplans = plan.subplans()
        out = {}
        for key, value in data.items():
            sub = subplans.get(key)
            # the common cases, a string field holding text or an empty element, without a call
            if (
                sub is not None
                and value is not None
                and not (sub.keeps_text and value.__class__ is str)
            ):
                value = _coerce(value, sub)
            out[key] = value
        return out
    if isinstance(data, list):
        if plan.items is None:
            return data
        item_plan = _plan(plan.items, plan.mode)
        return [_coerce(item, item_plan) for item in data]
    return data


def _number(text: str, types: set[str]) -> Any:
    if "integer" in types and _INT.match(text):
        return int(text)
    if "number" in types and _NUM.match(text):
        return float(text) if not _INT.match(text) else int(text)
    return text


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

"""The JSON Schemas of `schemas/` as one `referencing` registry, strict or tolerant.

Schemas are addressed by their file URI; relative `$ref`s resolve against it. Tolerant mode
serves `codes.tolerant.json` wherever a schema refers to `codes.json`, so one schema per
payload validates both readings (the variant catalogues are registry rows, see registry.py).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import url2pathname

from jsonschema import Draft202012Validator
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from sms_contract.contract.resources import openapi_path, schemas_dir

Mode = Literal["strict", "tolerant"]
MODES: tuple[Mode, ...] = ("strict", "tolerant")


def schema_uri(relative: str) -> str:
    """File URI of a schema given its path under `schemas/` (e.g. `exotel/sms-message.json`)."""
    return (schemas_dir() / relative).resolve().as_uri()


def openapi_uri() -> str:
    """File URI of openapi.yaml, the base for the spec's relative `$ref`s."""
    return openapi_path().resolve().as_uri()


def uri_path(uri: str) -> Path:
    """The path a `file://` URI names, percent-decoded (an install path may hold a space)."""
    return Path(url2pathname(urlsplit(uri).path))


@functools.cache
def _read(path: str) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _retriever(mode: Mode) -> Any:
    def retrieve(uri: str) -> Resource[Any]:
        if not uri.startswith("file://"):
            raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
        path = uri_path(uri)
        if mode == "tolerant" and path.name == "codes.json":
            tolerant = path.with_name("codes.tolerant.json")
            if tolerant.is_file():
                path = tolerant
        try:
            contents = _read(str(path))
        except OSError as exc:
            raise NoSuchResource(ref=uri) from exc  # type: ignore[call-arg]
        return DRAFT202012.create_resource(contents)

    return retrieve


@functools.cache
def registry(mode: Mode = "strict") -> Registry[Any]:
    """The schema registry for a mode: every file of `schemas/` loaded and crawled once.

    (A lazily retrieving registry is immutable, so it would fetch and crawl a file again on
    every lookup: measured, that was most of the time replay spent validating.)
    """
    retrieve = _retriever(mode)
    resources = [
        (path.resolve().as_uri(), retrieve(path.resolve().as_uri()))
        for path in sorted(schemas_dir().rglob("*.json"))
    ]
    base: Registry[Any] = Registry(retrieve=retrieve)  # type: ignore[call-arg]
    return base.with_resources(resources).crawl()


def absolutize(schema: Any, base: str) -> Any:
    """A copy of `schema` whose relative `$ref`s are made absolute against `base`."""
    if isinstance(schema, dict):
        out = {}
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = urljoin(base, value)
            else:
                out[key] = absolutize(value, base)
        return out
    if isinstance(schema, list):
        return [absolutize(item, base) for item in schema]
    return schema


def validator_for(schema: Any, mode: Mode = "strict") -> Validator:
    """A Draft 2020-12 validator for `schema` (absolute `$ref`s) in `mode`, with formats on."""
    return Draft202012Validator(
        schema,
        registry=registry(mode),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


@functools.lru_cache(maxsize=256)
def cached_validator(schema_json: str, mode: Mode = "strict") -> Validator:
    """A cached validator for a schema given as canonical JSON text."""
    return validator_for(json.loads(schema_json), mode)


def resolve(schema: Any, mode: Mode = "strict") -> Any:
    """Follow `$ref` (absolute) until a schema without one (treat the result as read-only)."""
    for _ in range(32):
        if not (isinstance(schema, dict) and "$ref" in schema):
            break
        schema = _target(schema["$ref"], mode)
    return schema


@functools.lru_cache(maxsize=1024)
def _target(ref: str, mode: Mode) -> Any:
    return absolutize(registry(mode).resolver().lookup(ref).contents, urldefrag(ref).url)


def bundle(relative: str, mode: Mode = "strict") -> Any:
    """One schema of `schemas/` with every `$ref` inlined, for generators and compiled
    validators that cannot follow references across files. The schemas have no recursion."""
    return inline_refs({"$ref": schema_uri(relative)}, mode)


def inline_refs(schema: Any, mode: Mode = "strict") -> Any:
    """`schema` (absolute `$ref`s) with every reference replaced by what it points at."""
    resolver = registry(mode).resolver()

    def inline(node: Any, base: str, depth: int) -> Any:
        if depth > 32:
            raise ValueError("$ref nesting deeper than 32")
        if isinstance(node, list):
            return [inline(item, base, depth) for item in node]
        if not isinstance(node, dict):
            return node
        out = {k: inline(v, base, depth) for k, v in node.items() if k not in ("$ref", "$defs")}
        out.pop("$schema", None)
        if isinstance(node.get("$ref"), str):
            uri = urljoin(base, node["$ref"])
            target = inline(resolver.lookup(uri).contents, urldefrag(uri).url, depth + 1)
            return {"allOf": [target, out]} if out else target
        return out

    return inline(schema, openapi_uri(), 0)


@functools.lru_cache(maxsize=256)
def compiled_validator(schema_json: str, mode: Mode = "strict") -> Any:
    """A jsonschema-rs validator (compiled, several times faster) for a schema given as
    canonical JSON text; the reference validator still explains what it rejects."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(
        inline_refs(json.loads(schema_json), mode), validate_formats=True
    )

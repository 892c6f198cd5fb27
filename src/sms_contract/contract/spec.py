"""The loaded contract: openapi.yaml parsed once, operations matched by method and path."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import yaml

from sms_contract.contract.registry import Registries, load_registries
from sms_contract.contract.resources import openapi_path
from sms_contract.contract.schemastore import absolutize, openapi_uri

_PARAM = re.compile(r"\{([^{}]+)\}")
_NO_MEDIA: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Operation:
    """One operation of openapi.yaml."""

    operation_id: str
    method: str
    path: str
    pattern: re.Pattern[str]
    responses: dict[str, dict[str, Any]]
    request_schema: Any | None
    parameters: dict[str, Any] = field(default_factory=dict)

    # cached: replay asks these of every interaction (a frozen dataclass keeps its __dict__)
    @functools.cached_property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @functools.cached_property
    def is_json(self) -> bool:
        """The `.json` variant answers JSON; the plain path answers XML."""
        return self.path.endswith(".json")

    @functools.cached_property
    def is_bulk(self) -> bool:
        return "/bulksend" in self.path

    @functools.cached_property
    def _media_by_status(self) -> dict[int, Mapping[str, Any]]:
        return {
            int(status): MappingProxyType(
                {m: spec.get("schema", {}) for m, spec in response.get("content", {}).items()}
            )
            for status, response in self.responses.items()
            if status.isdigit()
        }

    def media_types(self, status: int) -> Mapping[str, Any]:
        """Documented media types (-> absolute schema) for a status, or {} if undocumented."""
        return self._media_by_status.get(status, _NO_MEDIA)


def _compile(path: str, parameters: dict[str, Any]) -> re.Pattern[str]:
    out, last = [], 0
    for match in _PARAM.finditer(path):
        out.append(re.escape(path[last : match.start()]))
        out.append(f"(?P<{match.group(1)}>[^/]+?)")
        last = match.end()
    out.append(re.escape(path[last:]))
    return re.compile("^" + "".join(out) + "$")


class Contract:
    """The spec, its operations and the registries, loaded once per process."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.registries: Registries = load_registries()
        base = openapi_uri()
        components = spec.get("components", {})
        self.operations: list[Operation] = []
        for path, item in spec.get("paths", {}).items():
            for method, op in item.items():
                if method.startswith("x-") or not isinstance(op, dict):
                    continue
                responses = {
                    status: absolutize(self._deref(resp, components), base)
                    for status, resp in op.get("responses", {}).items()
                }
                body = op.get("requestBody", {}).get("content", {})
                form = body.get("application/x-www-form-urlencoded", {})
                # the checks read the decoded body; `schema` is the wire form for generic tools
                decoded = form.get("x-decoded-schema", form.get("schema"))
                request_schema = absolutize(decoded, base) if decoded is not None else None
                params = {}
                for param in op.get("parameters", []):
                    param = self._deref(param, components)
                    params[param["name"]] = param.get("schema", {})
                self.operations.append(
                    Operation(
                        operation_id=op.get("operationId", f"{method} {path}"),
                        method=method.upper(),
                        path=path,
                        pattern=_compile(path, params),
                        responses=responses,
                        request_schema=request_schema,
                        parameters=params,
                    )
                )
        # The plain path's `{SmsSid}` would also match `abc.json`: try literal suffixes first.
        self.operations.sort(key=lambda o: (not o.path.endswith(".json"), o.path))
        self._recent: dict[tuple[str, str], tuple[Operation, Mapping[str, str]]] = {}
        self._by_method: dict[str, list[Operation]] = {}
        for operation in self.operations:
            self._by_method.setdefault(operation.method, []).append(operation)

    @staticmethod
    def _deref(node: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            _, _, section, name = ref.split("/", 3)
            resolved: dict[str, Any] = components[section][name]
            return resolved
        return node

    def find_operation(
        self, method: str, url: str, *, ignore_case: bool = False
    ) -> tuple[Operation, Mapping[str, str]] | None:
        """The operation for a request and its path parameters (read-only), or None.

        `ignore_case` matches the path's fixed segments in any case (`Sms/Messages` for the
        document's `SMS/Messages`): the variant path-case, which only the checks decide on.
        """
        if ignore_case:
            return self._match(method, url, ignore_case=True)
        found = self._recent.get((method, url))
        if found is not None:
            return found
        found = self._match(method, url)
        # Remember the URLs that recur, those whose only parameter is the account: every send
        # of a recording goes to the same few. A details URL names a new Sid each time.
        if found is not None and len(found[1]) == 1 and "AccountSid" in found[1]:
            if len(self._recent) >= 1024:
                self._recent.clear()
            self._recent[(method, url)] = found
        return found

    def _match(
        self, method: str, url: str, *, ignore_case: bool = False
    ) -> tuple[Operation, Mapping[str, str]] | None:
        path = urlsplit(url).path if "://" in url or url.startswith("/") else url
        if "//" in path:
            path = re.sub(r"/{2,}", "/", path)
        # A target may be mounted under a prefix (a gateway, /exotel/...): match the API tail.
        start = path.find("/v1/")
        tail = path[start:] if start >= 0 else path
        for operation in self._by_method.get(method.upper(), ()):
            pattern = operation.pattern
            if ignore_case:
                pattern = re.compile(pattern.pattern, re.IGNORECASE)
            match = pattern.match(tail)
            if match:
                return operation, MappingProxyType(match.groupdict())
        return None


class ContractError(Exception):
    """openapi.yaml, a schema or a registry cannot be read (bad input: exit 2)."""


@functools.cache
def load_contract() -> Contract:
    """The contract: openapi.yaml and schemas/, parsed and compiled once per process.

    Raises `ContractError` with one readable line when a file is missing or does not parse.
    """
    try:
        path = openapi_path()
        with path.open(encoding="utf-8") as handle:
            spec = yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise ContractError(str(exc)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ContractError(
            f"{path} does not parse{where}: {getattr(exc, 'problem', exc)}"
        ) from None
    if not isinstance(spec, dict) or not isinstance(spec.get("paths"), dict):
        raise ContractError(f"{path} is not an OpenAPI document (no paths)")
    try:
        return Contract(spec)
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise ContractError(f"the contract in {path.parent} cannot be loaded: {exc}") from None

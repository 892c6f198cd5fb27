"""Mobizon's part of the contract: openapi-mobizon.yaml's operations and the Mobizon registries.

Mobizon traffic is recognised by its path, `/service/<module>/<method>` (module and method in
any case, as Mobizon's official client lowercases them; a gateway prefix allowed). Its answers
are the envelope {code, data, message} in JSON or XML (`output=json|xml`). Which code each
situation produces, its HTTP status and the shape of its data are rows of
`schemas/registries/mobizon-result-codes.yaml`; the statuses and their finality are rows of
`mobizon-sms-statuses.yaml`. Nothing here types a code or a status of its own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

from sms_contract.contract.registry import load_registries
from sms_contract.contract.resources import mobizon_openapi_path
from sms_contract.contract.schemastore import schema_uri
from sms_contract.contract.xmlbody import XmlError, parse_xml

_SERVICE = re.compile(r"/service/(?P<module>[^/?#]+)/(?P<method>[^/?#]+)/?$")
FORMATS = ("json", "xml")
SEND = "message/sendSmsMessage"
STATUS = "message/getSMSStatus"
ANY = "any"
SHORT = {"sendSmsMessage": SEND, "getSMSStatus": STATUS, "any": ANY}
STATUS_TEST_PREFIX = "7000001"
CODE_TEST_PREFIX = "7000002"


@dataclass(frozen=True)
class MobizonOperation:
    """One operation of openapi-mobizon.yaml."""

    name: str  # module/method as the documents spell it, or "any"
    operation_id: str
    path: str
    response_schema: str  # path under schemas/
    request_schema: str | None

    @property
    def label(self) -> str:
        return f"POST {self.path}"


@dataclass(frozen=True)
class Situation:
    id: str
    operation: str  # SEND, STATUS or ANY
    when: str


@dataclass(frozen=True)
class ResultCode:
    """One row of the result-code registry."""

    code: int
    outcome: str
    description: str
    http_status: int
    data: str  # a $def of schemas/mobizon/result-data.json, or "operation"
    situations: tuple[Situation, ...]

    @property
    def test_recipient(self) -> str:
        """The recipient the simulator answers with this code."""
        return f"{CODE_TEST_PREFIX}{self.code:04d}"


@dataclass(frozen=True)
class SmsStatus:
    status: str
    final: bool
    success: bool | None
    index: int

    @property
    def test_recipient(self) -> str:
        """The recipient whose message ends in (or parks at) this status in the simulator."""
        return f"{STATUS_TEST_PREFIX}{self.index:04d}"


@dataclass(frozen=True)
class Request:
    """What a Mobizon request says: its operation, module/method and query."""

    operation: MobizonOperation
    module: str
    method: str
    query: Mapping[str, str]

    @property
    def output(self) -> str:
        """The form asked for: json, xml, or the raw value (code 6 when it is neither)."""
        return self.query.get("output", "json").lower() or "json"


def _relative(ref: str) -> str:
    return ref.split("schemas/", 1)[1]


@functools.cache
def operations() -> tuple[MobizonOperation, ...]:
    """The operations of openapi-mobizon.yaml, the specific ones before the catch-all."""
    spec = yaml.safe_load(mobizon_openapi_path().read_text(encoding="utf-8"))
    responses = spec["components"]["responses"]
    out = []
    for path, item in spec["paths"].items():
        op = item["post"]
        response = op["responses"]["200"]
        if "$ref" in response:
            response = responses[response["$ref"].rsplit("/", 1)[1]]
        schema = _relative(response["content"]["application/json"]["schema"]["$ref"])
        body = op.get("requestBody", {}).get("content", {})
        form = body.get("application/x-www-form-urlencoded", {}).get("schema", {})
        match = _SERVICE.search(path)
        assert match is not None
        name = ANY if "{" in path else f"{match['module']}/{match['method']}"
        out.append(
            MobizonOperation(
                name, op["operationId"], path, schema, _relative(form["$ref"]) if form else None
            )
        )
    return tuple(sorted(out, key=lambda o: o.name == ANY))


def operation(name: str) -> MobizonOperation:
    return next(o for o in operations() if o.name == name)


def match(url: str) -> Request | None:
    """The Mobizon request a URL makes, or None when it is not Mobizon traffic."""
    parts = urlsplit(url)
    found = _SERVICE.search(parts.path)
    if found is None:
        return None
    module, method = found["module"], found["method"]
    name = f"{module}/{method}".lower()
    chosen = next((o for o in operations() if o.name.lower() == name), operation(ANY))
    query = {k: v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
    return Request(chosen, module, method, query)


def is_mobizon(url: str) -> bool:
    return match(url) is not None


@functools.cache
def result_codes() -> dict[int, ResultCode]:
    """Every result code of the registry, by code."""
    out = {}
    for row in load_registries().mobizon_result_codes:
        situations = tuple(
            Situation(s["id"], SHORT.get(s["operation"], s["operation"]), s["when"])
            for s in row.get("situations", ())
        )
        out[row["code"]] = ResultCode(
            row["code"],
            row["outcome"],
            row["description"],
            int(row["http_status"]),
            row["data"],
            situations,
        )
    return out


def code_for(situation: str, operation_name: str) -> ResultCode:
    """The result code the registry binds to `situation` of `operation_name`."""
    for row in result_codes().values():
        for s in row.situations:
            if s.id == situation and s.operation in (operation_name, ANY):
                return row
    raise KeyError(f"no Mobizon result code for situation {situation!r} of {operation_name}")


@functools.cache
def statuses() -> tuple[SmsStatus, ...]:
    rows = load_registries().mobizon_statuses
    return tuple(
        SmsStatus(r["status"], bool(r["final"]), r["success"], i) for i, r in enumerate(rows)
    )


def status(name: str) -> SmsStatus | None:
    return next((s for s in statuses() if s.status == name), None)


def final_statuses() -> tuple[SmsStatus, ...]:
    return tuple(s for s in statuses() if s.final)


def lifecycle_steps() -> tuple[SmsStatus, ...]:
    """The non-final statuses a message passes through: those before the first final one."""
    out = []
    for s in statuses():
        if s.final:
            break
        out.append(s)
    return tuple(out)


def default_final() -> SmsStatus:
    """Where a message to an ordinary recipient ends: the first successful final status."""
    return next(s for s in final_statuses() if s.success)


def data_schema(shape: str) -> dict[str, str]:
    """`{"$ref": ...}` for a data shape of schemas/mobizon/result-data.json."""
    return {"$ref": f"{schema_uri('mobizon/result-data.json')}#/$defs/{shape}"}


def parse_envelope_xml(text: bytes | str) -> Any:
    """The XML form of the envelope in the JSON shape: the root's children (any root name:
    the documents do not name it). A list where the operation's data is one (`<data>` with
    repeated children) is read by `list_data`."""
    return parse_xml(text, root=None)


def list_data(data: Any) -> Any:
    """XML data holding repeated items (`<data><item>..</item><item>..</item></data>`) as a
    list; one item is a list of one; an empty `<data/>` is an empty list."""
    if data is None:
        return []
    if isinstance(data, dict) and len(data) == 1:
        (value,) = data.values()
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            return [value]
    return data


__all__ = [
    "ANY",
    "SEND",
    "STATUS",
    "MobizonOperation",
    "Request",
    "ResultCode",
    "SmsStatus",
    "XmlError",
    "code_for",
    "default_final",
    "final_statuses",
    "is_mobizon",
    "lifecycle_steps",
    "match",
    "operation",
    "operations",
    "result_codes",
    "status",
    "statuses",
]

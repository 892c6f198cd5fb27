"""The checks of a Mobizon answer: the envelope, the code table and the status table.

A response to `/service/<module>/<method>` is checked for
- its HTTP status: documented for the operation, and the one the code's registry row gives
  (`mobizon_code_http_status`);
- its form: the one `output` asked for (`content_type_conformance`);
- the envelope {code, data, message} and, with code 0, the operation's data, statuses
  included (`response_schema_conformance`);
- the shape of `data` the code implies (`mobizon_code_data`);
- for getSMSStatus, that every item answers an id that was asked for (`mobizon_status_ids`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import orjson

from sms_contract.checks.validate import (
    Headers,
    _text,
    header,
    media_type,
    not_a_form,
    ref_schema,
    schema_violations,
)
from sms_contract.contract import mobizon_spec as mobizon
from sms_contract.contract.coerce import coerce
from sms_contract.contract.forms import FormError, decode_form
from sms_contract.contract.schemastore import Mode
from sms_contract.contract.variants import normalize
from sms_contract.contract.violations import Report, Violation, show
from sms_contract.contract.xmlbody import XmlError

XML_MEDIA = ("application/xml", "text/xml")
_INT = re.compile(r"^-?[0-9]+$")
MOBIZON_CHECKS = ("mobizon_code_http_status", "mobizon_code_data", "mobizon_status_ids")


def request_form(body: bytes | str | Mapping[str, Any] | None) -> dict[str, Any]:
    """The request's form ({} when there is none or it does not decode)."""
    if body is None:
        return {}
    if isinstance(body, Mapping):
        return dict(body)
    try:
        return decode_form(_text(body))
    except FormError:
        return {}


def requested_ids(form: Mapping[str, Any]) -> list[str]:
    """The ids a getSMSStatus request names (ids[]=1&ids[]=2, or ids=1,2)."""
    ids = form.get("ids")
    if ids is None:
        return []
    if isinstance(ids, list):
        return [str(i) for i in ids]
    if isinstance(ids, dict):
        return [str(i) for i in ids.values()]
    return [part for part in str(ids).split(",") if part]


def _xml_typed(envelope: Any, operation: mobizon.MobizonOperation, mode: Mode) -> Any:
    """The XML envelope with text typed the way the JSON form has it (code, data)."""
    if not isinstance(envelope, dict):
        return envelope
    out = dict(envelope)
    code = out.get("code")
    if isinstance(code, str) and _INT.match(code):
        out["code"] = code = int(code)
    if "message" in out and out["message"] is None:
        out["message"] = ""  # <message/>: the empty message
    if "data" not in out:
        return out
    row = mobizon.result_codes().get(code) if isinstance(code, int) else None
    data = out["data"]
    if row is not None and row.data == "operation" and operation.name == mobizon.STATUS:
        out["data"] = coerce(mobizon.list_data(data), ref_schema("mobizon/sms-status-list.json"))
    elif row is not None and row.data == "operation" and operation.name == mobizon.SEND:
        out["data"] = coerce(data, ref_schema("mobizon/send-sms-data.json"), mode)
    elif row is not None and row.data != "operation":
        out["data"] = coerce(data, mobizon.data_schema(row.data), mode)
    return out


def _parse(
    body: bytes | str | None, media: str, operation: mobizon.MobizonOperation, mode: Mode
) -> tuple[Any, Violation | None]:
    label = operation.label
    try:
        if media in XML_MEDIA:
            return _xml_typed(mobizon.parse_envelope_xml(body or b""), operation, mode), None
        return orjson.loads(_text(body)), None
    except json.JSONDecodeError as exc:
        problem = f"body is not valid JSON: {exc.msg} at line {exc.lineno}"
        expected = "a JSON envelope"
    except XmlError as exc:
        problem, expected = str(exc), "an XML envelope (a root with code, data, message)"
    return None, Violation(
        "response_schema_conformance", "", expected, show(_text(body), 40), problem, label
    )


def check_response(
    url: str,
    status: int,
    headers: Headers | None,
    body: bytes | str | None,
    mode: Mode = "strict",
    request_body: bytes | str | Mapping[str, Any] | None = None,
) -> Report:
    """Check one Mobizon answer (see the module's docstring); an empty report conforms."""
    request = mobizon.match(url)
    assert request is not None, "not a Mobizon URL"
    operation = request.operation
    label = operation.label
    report = Report()
    report.operation = label
    if status != 200:  # the one status openapi-mobizon.yaml documents
        report.append(
            Violation(
                "status_code_conformance",
                "/status",
                "200",
                str(status),
                f"HTTP {status} is not documented for this operation",
                label,
            )
        )
    media = media_type(header(headers, "Content-Type"))
    wanted = request.output
    accepted: tuple[str, ...] = XML_MEDIA if wanted == "xml" else ("application/json",)
    if wanted not in mobizon.FORMATS:  # code 6: the form is not documented, either is read
        accepted = (*XML_MEDIA, "application/json")
    if media not in accepted:
        report.append(
            Violation(
                "content_type_conformance",
                "/headers/Content-Type",
                " or ".join(accepted),
                media or "(none)",
                f"output={wanted} asks for this form of the envelope",
                label,
            )
        )
        return report
    data, problem = _parse(body, media, operation, mode)
    if problem:
        report.append(problem)
        return report
    if mode == "tolerant" and media == "application/json":
        data, variants = normalize(data, "mobizon")
        report.accepted.extend(variants)
    report.data = data
    report.extend(
        schema_violations(
            data,
            ref_schema(operation.response_schema),
            mode,
            label,
            "response_schema_conformance",
        )
    )
    if not isinstance(data, dict) or not isinstance(data.get("code"), int):
        return report
    row = mobizon.result_codes().get(data["code"])
    if row is None:
        return report  # the schema's enum has reported it
    report.extend(_code_agreement(row, status, data, mode, label))
    if row.code == 0 and operation.name == mobizon.STATUS and isinstance(data.get("data"), list):
        report.extend(_status_ids(data["data"], request_body, label))
    return report


def _code_agreement(
    row: mobizon.ResultCode, status: int, data: dict[str, Any], mode: Mode, label: str
) -> list[Violation]:
    """The HTTP status and the data a result code implies (the registry's row for it)."""
    found: list[Violation] = []
    if status != row.http_status:
        found.append(
            Violation(
                "mobizon_code_http_status",
                "/status",
                str(row.http_status),
                str(status),
                f"result code {row.code} is answered with HTTP {row.http_status}",
                label,
            )
        )
    if row.data != "operation" and "data" in data:
        for violation in schema_violations(
            data["data"], mobizon.data_schema(row.data), mode, label, "mobizon_code_data"
        ):
            found.append(
                Violation(
                    violation.check,
                    "/data" + violation.pointer,
                    f"{row.data} data for code {row.code}",
                    violation.actual,
                    f"code {row.code} implies {row.data} data ({violation.message})",
                    label,
                )
            )
    return found


def _status_ids(
    items: list[Any], request_body: bytes | str | Mapping[str, Any] | None, label: str
) -> list[Violation]:
    """getSMSStatus answers only the ids it was asked for."""
    asked = set(requested_ids(request_form(request_body)))
    found: list[Violation] = []
    if not asked:
        return found
    for index, item in enumerate(items):
        got = item.get("id") if isinstance(item, dict) else None
        if str(got) not in asked:
            found.append(
                Violation(
                    "mobizon_status_ids",
                    f"/data/{index}/id",
                    "one of the ids asked for",
                    show(got, quote=True),
                    "getSMSStatus answers only the ids of the request",
                    label,
                )
            )
    return found


def check_request(
    url: str, headers: Headers | None, body: bytes | str | None, mode: Mode = "strict"
) -> Report:
    """An accepted request's form against the operation's request schema."""
    request = mobizon.match(url)
    assert request is not None, "not a Mobizon URL"
    report = Report()
    operation = request.operation
    if operation.request_schema is None or body is None:
        return report
    wrong = not_a_form(headers, operation.label, "Mobizon requests are form-encoded")
    if wrong is not None:
        report.append(wrong)
        return report
    schema = ref_schema(operation.request_schema)
    form = coerce(request_form(body), schema, mode)
    report.extend(
        schema_violations(form, schema, mode, operation.label, "request_schema_conformance")
    )
    return report


def accepted_code(body: bytes | str | None, headers: Headers | None) -> int | None:
    """The result code of an answer, read loosely (for deciding whether a request was
    accepted); None when it cannot be read."""
    media = media_type(header(headers, "Content-Type"))
    try:
        if media in XML_MEDIA:
            data = mobizon.parse_envelope_xml(body or b"")
        else:
            data = orjson.loads(_text(body))
    except (json.JSONDecodeError, XmlError):
        return None
    code = data.get("code") if isinstance(data, dict) else None
    if isinstance(code, str) and _INT.match(code):
        return int(code)
    return code if isinstance(code, int) else None


def response_data(
    url: str, headers: Headers | None, body: bytes | str | None, mode: Mode = "strict"
) -> Any:
    """A Mobizon answer in the JSON shape (the XML form typed), or None."""
    request = mobizon.match(url)
    assert request is not None
    media = media_type(header(headers, "Content-Type"))
    data, problem = _parse(body, media, request.operation, mode)
    return None if problem else data

"""The public checks: validate a response, a request or a callback against the contract."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import orjson
from jsonschema.exceptions import ValidationError, best_match

from sms_contract.checks.semantic import Exchange, run_checks
from sms_contract.contract.coerce import coerce
from sms_contract.contract.forms import FormError, decode_form
from sms_contract.contract.paths import documented_errors
from sms_contract.contract.registry import load_registries
from sms_contract.contract.schemastore import Mode, cached_validator, compiled_validator, schema_uri
from sms_contract.contract.spec import Operation, load_contract
from sms_contract.contract.variants import (
    accepted_media_types,
    accepted_statuses,
    normalize,
    path_case_variant,
)
from sms_contract.contract.violations import AcceptedVariant, Report, Violation, show
from sms_contract.contract.xmlbody import XmlError, parse_xml

PROVIDERS = ("exotel", "bandwidth", "hubbucs", "mobizon")
Headers = Mapping[str, Any]

# the media type of every request body and of the Exotel callbacks
FORM = "application/x-www-form-urlencoded"


def header(headers: Headers | None, name: str) -> str | None:
    """A header value, case-insensitively; vcrpy's lists of values give their first value."""
    if not headers:
        return None
    # the spellings recordings use, looked up before a scan of every key
    for spelling in (name, name.lower()):
        if spelling in headers:
            value = headers[spelling]
            break
    else:
        name = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == name), None)
        if value is None:
            return None
    if isinstance(value, list | tuple):
        return str(value[0]) if value else None
    return str(value)


def media_type(content_type: str | None) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return (content_type or "").split(";")[0].strip().lower()


def _text(body: bytes | str | None) -> str:
    if body is None:
        return ""
    return body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body


def schema_violations(
    data: Any, schema: Any, mode: Mode, operation: str | None, check: str
) -> list[Violation]:
    """Schema errors as violations, the most relevant error of each branch, with pointers.

    The compiled validator answers first; only a payload it rejects goes through the reference
    validator, whose errors carry the pointers and messages (tests hold the two to agreement).
    """
    key = _schema_key(schema)
    if compiled_validator(key, mode).is_valid(data):
        return []
    validator = cached_validator(key, mode)
    return [
        _from_error(leaf, operation, check)
        for error in validator.iter_errors(data)
        for leaf in _leaves(error)
    ]


@functools.cache
def ref_schema(relative: str) -> dict[str, str]:
    """`{"$ref": <file URI>}` for a schema of `schemas/`: one object per file, so the caches
    keyed by schema identity hit (treat it as read-only)."""
    return {"$ref": schema_uri(relative)}


_KEYS: dict[int, tuple[Any, str]] = {}


def _schema_key(schema: Any) -> str:
    """Canonical JSON text of a schema (the validator caches' key), memoized by identity."""
    cached = _KEYS.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    key = json.dumps(schema, sort_keys=True)
    if len(_KEYS) < 4096:
        _KEYS[id(schema)] = (schema, key)
    return key


def _leaves(error: ValidationError) -> list[ValidationError]:
    """For anyOf / oneOf, the errors of the branch that came closest to matching."""
    if not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    if error.validator == "oneOf" and not any(branches.values()):
        return [error]

    def progress(errors: list[ValidationError]) -> tuple[int, int]:
        return (max(len(e.absolute_path) for e in errors), -len(errors))

    best = max(branches.values(), key=progress)
    if progress(best)[0] == len(error.absolute_path):
        # every branch fails at this level (e.g. wrong type): no branch is closer, report once
        return [best_match([error]) if error.validator != "oneOf" else error]
    return [leaf for sub in best for leaf in _leaves(sub)]


def _from_error(error: ValidationError, operation: str | None, check: str) -> Violation:
    pointer = "".join(f"/{part}" for part in error.absolute_path)
    rule = str(error.validator)
    if rule == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return Violation(
            check,
            f"{pointer}/{missing}",
            "present",
            "missing",
            f"required field {missing} is missing",
            operation,
        )
    if rule == "additionalProperties":
        return Violation(
            check,
            pointer,
            "no other fields",
            error.message.split("(")[-1].rstrip(")"),
            "field not in the schema (wrong nesting or unknown name)",
            operation,
        )
    expected = {
        "enum": lambda: "one of " + show(error.validator_value, 60),
        "type": lambda: f"type {show(error.validator_value)}",
        "const": lambda: show(error.validator_value),
        "pattern": lambda: f"pattern {error.validator_value}",
        "anyOf": lambda: _alternatives(error.validator_value),
        "oneOf": lambda: _alternatives(error.validator_value),
        "maxLength": lambda: f"at most {error.validator_value} characters",
        "minLength": lambda: f"at least {error.validator_value} characters",
        "maxItems": lambda: f"at most {error.validator_value} items",
        "minItems": lambda: f"at least {error.validator_value} items",
    }.get(rule, lambda: f"{rule} {show(error.validator_value, 40)}")()
    return Violation(
        check,
        pointer,
        expected,
        show(error.instance, quote=True),
        f"{rule} failed: {error.message[:120]}",
        operation,
    )


def _alternatives(branches: Any) -> str:
    names = []
    for branch in branches if isinstance(branches, list) else []:
        ref = branch.get("$ref", "") if isinstance(branch, dict) else ""
        names.append(ref.rsplit("/", 1)[-1] if ref else show(branch.get("type", branch), 30))
    return "one of: " + ", ".join(names)


def parse_body(body: bytes | str | None, media: str, schema: Any, mode: Mode) -> Any:
    """JSON as it is; XML and forms through the documented mapping and schema coercion."""
    text = _text(body)
    if media == "application/json" or media.endswith("+json"):
        # orjson: four times faster than json.loads on these bodies (measured), and strict
        # RFC 8259 JSON: NaN and Infinity, which json.loads lets through, are findings
        return orjson.loads(text)
    if media.endswith("/xml") or media.endswith("+xml"):
        return coerce(parse_xml(text), schema, mode)
    if media == FORM:
        return coerce(decode_form(text), schema, mode)
    raise ValueError(f"unsupported media type {media or '(none)'}")


def _body_or_violation(
    body: bytes | str | None, media: str, schema: Any, mode: Mode, operation: str | None, check: str
) -> tuple[Any, Violation | None]:
    try:
        return parse_body(body, media, schema, mode), None
    except json.JSONDecodeError as exc:
        return None, Violation(
            check,
            "",
            "a JSON document",
            show(_text(body), 40),
            f"body is not valid JSON: {exc.msg} at line {exc.lineno}",
            operation,
        )
    except (XmlError, FormError, ValueError) as exc:
        return None, Violation(
            check, "", media or "a body", show(_text(body), 40), str(exc), operation
        )


def _unknown_operation(method: str, url: str) -> Violation:
    return Violation(
        "operation",
        "",
        "an operation of openapi.yaml",
        f"{method.upper()} {urlsplit(url).path}",
        "no operation of the contract matches this request",
    )


def _outside_contract(
    method: str, url: str, status: int, headers: Headers | None, body: bytes | str | None,
    mode: Mode,
) -> Report:  # fmt: skip
    """A response to a URL outside the four operations: the document answers such URLs with
    error rows (paths.documented_errors), so the response is checked against those rows."""
    registries = load_registries()
    ids = documented_errors(method, url)
    rows = [registries.http_error(i) for i in ids]
    label = f"{method.upper()} {urlsplit(url).path}"
    # no operation: the coverage model tells the rows answered outside the contract by that
    report = Report()
    expected = next(r for r in rows)
    if not any(r.status == status for r in rows):
        report.append(
            Violation(
                "operation",
                "/status",
                f"HTTP {expected.status} ({expected.id}, line {expected.line})",
                str(status),
                "no operation of the contract matches this request, and the document answers "
                f"this URL with error {expected.code or expected.message!r}",
                label,
            )
        )
        return report
    media = media_type(header(headers, "Content-Type"))
    if media not in ("application/json", "application/xml", "text/xml"):
        report.append(
            _wrong_media("application/json or application/xml", media,
                         "a documented error is a RestException in JSON or XML", label)
        )  # fmt: skip
        return report
    schema = ref_schema("exotel/rest-exception.json")
    data, problem = _body_or_violation(
        body, media, schema, mode, label, "response_schema_conformance"
    )
    if problem:
        report.append(problem)
        return report
    data = _conforms(report, data, schema, mode, label, "response_schema_conformance", "exotel")
    error = data.get("RestException") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return report
    matching = [
        r for r in rows
        if r.status == status and r.code == error.get("Code")
        and (not isinstance(error.get("Message"), str) or r.matches(error["Message"]))
    ]  # fmt: skip
    if not matching:
        report.append(
            Violation(
                "error_code_matches_status",
                "/RestException",
                " or ".join(f"{r.code} {r.message!r}" for r in rows if r.status == status),
                show({"Code": error.get("Code"), "Message": error.get("Message")}),
                "the error is not one the document answers on this URL",
                label,
            )
        )
    return report


def _wrong_media(expected: str, media: str, message: str, label: str | None) -> Violation:
    return Violation(
        "content_type_conformance", "/headers/Content-Type", expected, media or "(none)",
        message, label,
    )  # fmt: skip


def _conforms(
    report: Report, data: Any, schema: Any, mode: Mode, label: str, check: str, provider: str
) -> Any:
    """Add the schema's findings on `data` to `report` (tolerant mode first maps the known
    variants of `provider` back to the strict reading); return the data as checked."""
    data, accepted = normalize(data, provider, documented_only=mode != "tolerant")
    report.accepted.extend(accepted)
    report.extend(schema_violations(data, schema, mode, label, check))
    return data


def validate_response(
    method: str,
    url: str,
    status: int,
    headers: Headers | None,
    body: bytes | str | None,
    mode: Mode = "strict",
    request_body: bytes | str | Mapping[str, Any] | None = None,
) -> Report:
    """Check one response: operation, documented status, Content-Type, body schema, semantics.

    `request_body` (the form sent) enables the checks that compare a bulk response with its
    request. An empty report means the response conforms; `report.accepted` lists the variants
    tolerant mode accepted.
    """
    if _is_mobizon(url):
        from sms_contract.checks.mobizon import check_response

        return check_response(url, status, headers, body, mode, request_body)
    found, report = _find(method, url, mode)
    if found is None:
        return _outside_contract(method, url, status, headers, body, mode)
    operation, params = found
    report.operation = operation.label
    _check_response(report, operation, params, status, headers, body, mode, request_body)
    return report


def _find(
    method: str, url: str, mode: Mode
) -> tuple[tuple[Operation, Mapping[str, str]] | None, Report]:
    """The operation of a request; a path spelled in another case (`Sms/Messages`) is the
    recorded variant path-case: accepted in tolerant mode, a finding in strict mode."""
    contract = load_contract()
    report = Report()
    found = contract.find_operation(method, url)
    if found is not None:
        return found, report
    found = contract.find_operation(method, url, ignore_case=True)
    variant = path_case_variant("exotel")
    if found is None or variant is None:
        return None, report
    actual = urlsplit(url).path
    if mode == "tolerant":
        report.accepted.append(
            AcceptedVariant(variant, "/url", f"{actual} read as {found[0].path}")
        )
        return found, report
    report.append(
        Violation(
            "operation",
            "/url",
            found[0].path,
            actual,
            f"the path is spelled in another case than the document's (variant {variant}, "
            "accepted in tolerant mode)",
            found[0].label,
        )
    )
    return found, report


def _is_mobizon(url: str) -> bool:
    """Mobizon traffic, recognised by its path (`/service/<module>/<method>`)."""
    if "/service/" not in url:
        return False
    from sms_contract.contract.mobizon_spec import is_mobizon

    return is_mobizon(url)


def _check_response(
    report: Report,
    operation: Operation,
    params: Mapping[str, str],
    status: int,
    headers: Headers | None,
    body: bytes | str | None,
    mode: Mode,
    request_body: bytes | str | Mapping[str, Any] | None,
) -> None:
    """Add the response's findings to `report` (the reports of one exchange share it)."""
    label = operation.label
    media_map = operation.media_types(status)
    if not media_map and mode == "tolerant":
        for situation in ("sid_not_found",):
            variant = accepted_statuses("exotel", situation).get(status)
            if variant and operation.method == "GET":
                report.accepted.append(
                    AcceptedVariant(variant, "/status", f"HTTP {status} for {situation}")
                )
                media_map = {
                    m: ref_schema("exotel/rest-exception.json") for m in operation.media_types(200)
                }
                status_for_checks = 200
                break
    else:
        status_for_checks = status
    if not media_map:
        documented = ", ".join(sorted(operation.responses))
        report.append(
            Violation(
                "status_code_conformance",
                "/status",
                f"one of {documented}",
                str(status),
                f"HTTP {status} is not documented for this operation",
                label,
            )
        )
        return
    media = media_type(header(headers, "Content-Type"))
    schema = media_map.get(media)
    if schema is None and mode == "tolerant":
        for documented_media, documented_schema in media_map.items():
            variant = accepted_media_types("exotel", documented_media).get(media)
            if variant:
                report.accepted.append(
                    AcceptedVariant(
                        variant, "/headers/Content-Type", f"{media} for {documented_media}"
                    )
                )
                schema = documented_schema
    if schema is None:
        report.append(
            _wrong_media(
                " or ".join(media_map),
                media,
                "Content-Type is not documented for this operation and status",
                label,
            )
        )
        return
    data, problem = _body_or_violation(
        body, media, schema, mode, label, "response_schema_conformance"
    )
    if problem:
        report.append(problem)
        return
    data = _conforms(report, data, schema, mode, label, "response_schema_conformance", "exotel")
    report.data = data
    # only an accepted send is compared with its request (bulk item order); decoding the form
    # of every rejected one was measured to cost more than validating its response
    success = 200 <= status_for_checks < 300
    request = _request_data(request_body, operation, mode) if success else None
    exchange = Exchange(
        status=status_for_checks,
        data=data,
        operation=label,
        account_sid=params.get("AccountSid"),
        json_body=operation.is_json,
        is_bulk_endpoint=operation.is_bulk,
        request=request,
        tolerant=mode == "tolerant",
    )
    report.extend(run_checks(exchange))


def response_data(
    method: str,
    url: str,
    status: int,
    headers: Headers | None,
    body: bytes | str | None,
    mode: Mode = "strict",
) -> Any:
    """A response body in the JSON shape (XML mapped and typed by the schema), or None.

    Bodies of paths outside the contract are read as a RestException, which is what a
    documented error on any path carries.
    """
    if _is_mobizon(url):
        from sms_contract.checks import mobizon

        return mobizon.response_data(url, headers, body, mode)
    media = media_type(header(headers, "Content-Type"))
    schema: Any = ref_schema("exotel/rest-exception.json")
    found = load_contract().find_operation(method, url)
    if found is not None:
        schema = found[0].media_types(status).get(media, schema)
    try:
        return parse_body(body, media, schema, mode)
    except (json.JSONDecodeError, XmlError, FormError, ValueError):
        return None


def _request_data(
    request_body: bytes | str | Mapping[str, Any] | None, operation: Operation, mode: Mode
) -> dict[str, Any] | None:
    if request_body is None or operation.request_schema is None:
        return None
    if isinstance(request_body, Mapping):
        return dict(request_body)
    try:
        data: dict[str, Any] = coerce(
            decode_form(_text(request_body)), operation.request_schema, mode
        )
    except FormError:
        return None
    return data


def validate_request(
    method: str, url: str, headers: Headers | None, body: bytes | str | None, mode: Mode = "strict"
) -> Report:
    """Check one request: a known operation, a form Content-Type, the form against its schema."""
    if _is_mobizon(url):
        from sms_contract.checks.mobizon import check_request

        return check_request(url, headers, body, mode)
    found, report = _find(method, url, mode)
    if found is None:
        return Report([_unknown_operation(method, url)])
    report.operation = found[0].label
    report.request = _check_request(report, found[0], headers, body, mode)
    return report


def validate_exchange(
    method: str,
    url: str,
    request_headers: Headers | None,
    request_body: bytes | str | None,
    status: int,
    response_headers: Headers | None,
    response_body: bytes | str | None,
    mode: Mode = "strict",
) -> Report:
    """Check one recorded exchange: the response, and the request form when it was accepted.

    A request that breaks the schema and was answered 4xx is a recorded negative case, not a
    finding; one that was answered 2xx means the client or the server is wrong. The response's
    checks see the form the request carried (bulk item order). A Mobizon answer is always
    HTTP 200: its request is checked when the answer's result code is 0 (accepted).
    """
    if _is_mobizon(url):
        return _mobizon_exchange(
            url, request_headers, request_body, status, response_headers, response_body, mode
        )
    found, report = _find(method, url, mode)
    if found is None:
        return _outside_contract(method, url, status, response_headers, response_body, mode)
    operation, params = found
    request: bytes | str | Mapping[str, Any] | None = request_body
    report.operation = operation.label
    if request_body and method.upper() == "POST" and 200 <= status < 300:
        form = _check_request(report, operation, request_headers, request_body, mode)
        if form is not None:
            request = form  # decoded once, for both checks
            report.request = form
    _check_response(
        report, operation, params, status, response_headers, response_body, mode, request
    )
    return report


def _mobizon_exchange(
    url: str,
    request_headers: Headers | None,
    request_body: bytes | str | None,
    status: int,
    response_headers: Headers | None,
    response_body: bytes | str | None,
    mode: Mode,
) -> Report:
    from sms_contract.checks import mobizon

    report = Report()
    if request_body and mobizon.accepted_code(response_body, response_headers) == 0:
        found = mobizon.check_request(url, request_headers, request_body, mode)
        report.extend(found)
    found = mobizon.check_response(url, status, response_headers, response_body, mode, request_body)
    report.extend(found)
    report.accepted.extend(found.accepted)
    report.operation, report.data = found.operation, found.data
    return report


def not_a_form(headers: Headers | None, operation: str, why: str) -> Violation | None:
    """The violation of a request whose Content-Type is not a form, else None."""
    media = media_type(header(headers, "Content-Type"))
    if media == FORM:
        return None
    return Violation(
        "request_content_type", "/headers/Content-Type", FORM, media or "(none)", why, operation
    )


def _check_request(
    report: Report,
    operation: Operation,
    headers: Headers | None,
    body: bytes | str | None,
    mode: Mode,
) -> dict[str, Any] | None:
    """Add the request's findings to `report`; return the form it read (None if it read none)."""
    if operation.request_schema is None:
        return None
    wrong = not_a_form(headers, operation.label, "send requests are form-encoded")
    if wrong is not None:
        report.append(wrong)
        return None
    data, problem = _body_or_violation(
        body, FORM, operation.request_schema, mode, operation.label, "request_schema_conformance"
    )
    if problem:
        report.append(problem)
        return None
    report.extend(
        schema_violations(
            data, operation.request_schema, mode, operation.label, "request_schema_conformance"
        )
    )
    return data if isinstance(data, dict) else None


CALLBACK_SCHEMAS = {
    "exotel": ("exotel/status-callback.json", FORM),
    "exotel-click": ("exotel/click-tracking-callback.json", FORM),
    "bandwidth": ("bandwidth/callback.json", "application/json"),
    "hubbucs": ("hubbucs/callback.json", "application/json"),
    "mobizon": ("mobizon/webhook-envelope.json", "application/json"),
}


def _empty_as_null(form: dict[str, Any]) -> dict[str, Any]:
    """A callback's empty form value (`SmsUnits=`) is what a response's null is: a form has no
    other way to send one."""
    return {key: (None if value == "" else value) for key, value in form.items()}


def validate_callback(
    provider: str,
    body: bytes | str | Mapping[str, Any],
    content_type: str | None = None,
    mode: Mode = "strict",
) -> Report:
    """Check one callback delivery of `provider` (exotel, bandwidth, hubbucs or mobizon).

    Exotel's click-tracking callback (fields `sid`, `short_url`, ...) is recognised by its
    fields. `body` may be the raw body or an already-decoded mapping.
    """
    if provider not in CALLBACK_SCHEMAS:
        raise ValueError(f"unknown provider {provider!r}: expected one of {', '.join(PROVIDERS)}")
    relative, documented = CALLBACK_SCHEMAS[provider]
    media = media_type(content_type) if content_type else documented
    report = Report()
    label = f"{provider} callback"
    report.operation = label
    schema = ref_schema(relative)
    if isinstance(body, Mapping):
        data: Any = (
            coerce(_empty_as_null(dict(body)) if provider == "exotel" else dict(body), schema, mode)
            if media.endswith("urlencoded")
            else dict(body)
        )
    else:
        if provider == "exotel" and "short_url" in _text(body):
            return validate_callback("exotel-click", body, content_type, mode)
        accepted = {documented} | ({"application/json"} if provider == "exotel-click" else set())
        if media not in accepted:
            report.append(
                _wrong_media(documented, media, f"{provider} callbacks are {documented}", label)
            )
            return report
        if media.endswith("urlencoded"):
            try:
                form = decode_form(_text(body))
                data = coerce(_empty_as_null(form) if provider == "exotel" else form, schema, mode)
            except FormError as exc:
                report.append(
                    Violation("callback_schema_conformance", "", media, show(_text(body), 40),
                              str(exc), label)
                )  # fmt: skip
                return report
        else:
            data, problem = _body_or_violation(
                body, media, schema, mode, label, "callback_schema_conformance"
            )
            if problem:
                report.append(problem)
                return report
    family = provider.split("-")[0]
    data = _conforms(report, data, schema, mode, label, "callback_schema_conformance", family)
    report.data = data
    if provider == "exotel":
        report.extend(
            run_checks(
                Exchange(status=200, data={"SMSMessage": data}, operation=label),
                ["detailed_status_matches_status"],
            )
        )
    return report


def validate_payload(relative_schema: str, data: Any, mode: Mode = "strict") -> Report:
    """Validate already-parsed JSON against one schema file of `schemas/` (e.g. Mobizon data)."""
    report = Report()
    provider = relative_schema.split("/")[0]
    data, accepted = normalize(data, provider, documented_only=mode != "tolerant")
    report.accepted.extend(accepted)
    report.extend(
        schema_violations(
            data, ref_schema(relative_schema), mode, relative_schema, "schema_conformance"
        )
    )
    return report

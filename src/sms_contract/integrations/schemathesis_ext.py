"""schemathesis extensions for the SMS contract, registered when this module is imported:

- a deserializer for Exotel's XML (`<TwilioResponse>`), mapped and typed by the response schema,
- a form serializer in Exotel's bracket notation (`To[]=..`, `Messages[0][To]=..`),
- every semantic check of `sms_contract.checks.semantic` as a schemathesis check (one code path),
- the recipient and callback guards (`guard_case`); `sms_contract.schemathesis_hooks` installs
  them as a global hook for schemathesis' own CLI, while the project's fuzz pass applies them
  itself, so importing the library never rewrites other APIs' cases.

The allowlist is `SMS_CONTRACT_RECIPIENTS` (comma-separated), else the simulator's test numbers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import schemathesis
from schemathesis import CheckContext, DeserializationContext, SerializationContext

from sms_contract.checks.semantic import CHECKS, Exchange, run_checks
from sms_contract.checks.validate import media_type, parse_body
from sms_contract.conformance.target import default_recipients, may_send_to
from sms_contract.contract.forms import FormError, decode_form, encode_form
from sms_contract.contract.spec import load_contract

_RECIPIENT_KEYS = ("To",)
# openapi.yaml's wire keys of a recipient: `To`, `To[]`/`To[i]` (static bulk), `Messages[i][To]`
_WIRE_RECIPIENT = re.compile(r"^(To|To\[\d*\]|Messages\[\d+\]\[To\])$")


# where a case makes the target call back (StatusCallback, the click-tracking URL, in any form)
_CALLBACK_KEY = re.compile(r"(?:^|\[)(?:StatusCallback|ClickTrackingCallbackUrl)\]?$")
# the discard port on the target's own loopback: an IP (no DNS lookup) that refuses at once
CALLBACK_SINK = "127.0.0.1:9"


def allowed_recipients() -> tuple[str, ...]:
    """The numbers fuzzing may send to."""
    raw = os.environ.get("SMS_CONTRACT_RECIPIENTS", "")
    allowed = tuple(n.strip() for n in raw.split(",") if n.strip())
    return allowed or default_recipients()


def _operation(method: str, path: str) -> Any:
    for operation in load_contract().operations:
        if operation.method == method.upper() and operation.path == path:
            return operation
    return None


@schemathesis.deserializer("application/xml", "text/xml")
def deserialize_xml(ctx: DeserializationContext, response: schemathesis.Response) -> Any:
    """Exotel XML -> the JSON shape the response schema describes."""
    operation = _operation(ctx.operation.method, ctx.operation.path)
    media = media_type(response.headers.get("content-type", ["application/xml"])[0])
    schema = operation.media_types(response.status_code).get(media, {}) if operation else {}
    return parse_body(response.content, media, schema, "strict")


def serialize_form(ctx: SerializationContext, value: Any) -> bytes | None:
    """Nested form data in bracket notation; anything else as its text."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return encode_form(value).encode("utf-8")
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


schemathesis.serializer("application/x-www-form-urlencoded")(serialize_form)


def _guard(value: Any, allowed: tuple[str, ...], index: list[int], every: bool) -> Any:
    if isinstance(value, str) and (every or not may_send_to(value, allowed)):
        if value in allowed:
            return value
        index[0] += 1
        return allowed[index[0] % len(allowed)]
    if isinstance(value, list):
        return [_guard(item, allowed, index, every) for item in value]
    return value


def guard_recipients(body: Any, allowed: tuple[str, ...], *, every: bool = False) -> Any:
    """`body` with each phone-like recipient outside `allowed` replaced by an allowed one.

    With `every`, all recipients are replaced: a schema cannot say which strings are real
    numbers, so a valid case would otherwise mostly be rejected as all_numbers_invalid.
    """
    index = [-1]

    def fix(obj: dict[str, Any]) -> dict[str, Any]:
        return {
            k: _guard(v, allowed, index, every)
            if k in _RECIPIENT_KEYS or _WIRE_RECIPIENT.match(str(k))
            else v
            for k, v in obj.items()
        }

    if not isinstance(body, dict):
        return body
    out = fix(body)
    if isinstance(out.get("Messages"), list):
        out["Messages"] = [fix(m) if isinstance(m, dict) else m for m in out["Messages"]]
    return out


_WIRE_TO = re.compile(r"^To\[(\d+)\]$")
_WIRE_MESSAGE = re.compile(r"^Messages\[(\d+)\]\[(\w+)\]$")


def complete_messages(body: Any) -> Any:
    """A wire-form bulk body whose messages all have To and Body, numbered from 0.

    openapi.yaml's form schema cannot say, in a way schemathesis supports, that every
    `Messages[i]` has To and Body (the decoded schema says it): a valid case is kept valid by
    completing partial messages, and renumbered from 0 as a client numbers its messages.
    """
    if not isinstance(body, dict):
        return body
    indexed = sorted((int(m[1]), k) for k in body if (m := _WIRE_TO.match(str(k))))
    if indexed and [i for i, _ in indexed] != list(range(len(indexed))):
        # `To[0]=a&To[1]=b` (the document's PHP sample) numbered from 0 without gaps
        values = [body[k] for _, k in indexed]
        body = {k: v for k, v in body.items() if not _WIRE_TO.match(str(k))}
        body.update({f"To[{i}]": v for i, v in enumerate(values)})
    if not any(_WIRE_MESSAGE.match(str(k)) for k in body):
        return body
    messages: dict[int, dict[str, Any]] = {}
    rest: dict[str, Any] = {}
    for key, value in body.items():
        match = _WIRE_MESSAGE.match(str(key))
        if match:
            messages.setdefault(int(match[1]), {})[match[2]] = value
        else:
            rest[key] = value
    complete = [messages[i] for i in sorted(messages)]
    if all({"To", "Body"} <= m.keys() for m in complete) and sorted(messages) == list(
        range(len(messages))
    ):
        return body
    for index, message in enumerate(complete):
        # a missing To is filled by the recipient guard; a missing Body is the document's
        # empty one (code samples 51-57: answered 207 with 23000 FAILED_MISSING_BODY)
        message = {"To": "", "Body": ""} | message
        for field, value in message.items():
            rest[f"Messages[{index}][{field}]"] = value
    return rest


def _sink(value: Any) -> Any:
    if not isinstance(value, str) or value != value.strip() or not value.isprintable():
        return value  # not a URL as sent: a negative case's probe, sent as generated
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a port that is not one
    except ValueError:
        return value
    if not (parts.scheme and parts.hostname) or " " in parts.netloc:
        return value
    return urlunsplit(parts._replace(netloc=CALLBACK_SINK))


def guard_callbacks(body: Any) -> Any:
    """`body` with the host of every well-formed callback URL replaced by CALLBACK_SINK.

    A generated StatusCallback names any host (`https://0.com`): the provider would POST
    message data there, and a machine without DNS waits seconds for the name. A value that is
    not a well-formed URL with a host (a negative case's probe) is sent as generated, so the
    guard never makes an invalid case valid.
    """
    if isinstance(body, Mapping):
        return {
            k: _sink(v) if _CALLBACK_KEY.search(str(k)) else guard_callbacks(v)
            for k, v in body.items()
        }
    if isinstance(body, list):
        return [guard_callbacks(item) for item in body]
    return body


def guard_case(case: schemathesis.Case[Any], allowed: tuple[str, ...] | None = None) -> None:
    """Apply the recipient guard to a generated case (all recipients when the case is valid),
    and point every callback URL at CALLBACK_SINK."""
    meta = case.meta
    positive = meta is None or meta.generation.mode.is_positive
    body = complete_messages(case.body) if positive else case.body
    guarded = guard_recipients(body, allowed or allowed_recipients(), every=positive)
    guarded = guard_callbacks(guarded) if isinstance(guarded, Mapping) else guarded
    if guarded != case.body:
        case.body = guarded


def exchange_of(response: schemathesis.Response, case: schemathesis.Case[Any]) -> Exchange | None:
    """The semantic checks' view of a schemathesis response, or None outside the contract."""
    operation = _operation(case.operation.method, case.operation.path)
    if operation is None:
        return None
    media = media_type(response.headers.get("content-type", [""])[0])
    schema = operation.media_types(response.status_code).get(media)
    if schema is None:
        return None  # content_type_conformance / status_code_conformance report this
    try:
        data = parse_body(response.content, media, schema, "strict")
    except ValueError:
        return None
    return Exchange(
        status=response.status_code,
        data=data,
        operation=operation.label,
        account_sid=(case.path_parameters or {}).get("AccountSid"),
        json_body=operation.is_json,
        is_bulk_endpoint=operation.is_bulk,
        request=sent_form(response, case),
    )


def sent_form(
    response: schemathesis.Response, case: schemathesis.Case[Any]
) -> dict[str, Any] | None:
    """The request as the target got it: the form on the wire, decoded. A generated value the
    form encoding leaves out (null, an empty object or list) was never sent, so the generated
    structure could name more recipients than the target received (a false
    bulk_items_match_request under some seeds)."""
    request = getattr(response, "request", None)
    body = getattr(request, "body", None)
    content_type = str(getattr(request, "headers", {}).get("Content-Type", ""))
    if isinstance(body, bytes | str) and "x-www-form-urlencoded" in content_type.lower():
        try:
            return decode_form(body)
        except FormError:
            return None
    return dict(case.body) if isinstance(case.body, Mapping) else None


def _register(name: str) -> None:
    def semantic_check(
        ctx: CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
    ) -> bool | None:
        exchange = exchange_of(response, case)
        if exchange is None:
            return None
        found = run_checks(exchange, [name])
        if found:
            raise AssertionError("\n".join(str(v) for v in found))
        return True

    semantic_check.__name__ = name
    semantic_check.__doc__ = CHECKS[name].__doc__
    schemathesis.check(semantic_check)


for _name in CHECKS:
    _register(_name)

SEMANTIC_CHECKS = tuple(CHECKS)

"""The provider API: send, static bulk, dynamic bulk and details, as the reference documents them.

Every error answered here is a row of `schemas/registries/exotel-http-errors.yaml`, named by
its id; the request limits and enums are read from the request schemas of `schemas/exotel/`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import time
from collections import deque
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sms_contract.contract.forms import FormError, decode_form
from sms_contract.contract.registry import load_registries
from sms_contract.contract.resources import schemas_dir
from sms_contract.simulator import final_codes, lifecycle
from sms_contract.simulator.responses import (
    body_response,
    error_response,
    failed_item,
    message_object,
)
from sms_contract.simulator.state import SimulatorState
from sms_contract.simulator.store import Message

_PATH = re.compile(r"^/(?P<version>[^/]+)(?P<rest>/.*)?$")
_ALNUM = re.compile(r"^[A-Za-z0-9]+$")


@functools.cache
def _schema(name: str) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads((schemas_dir() / "exotel" / name).read_text())
    return data


def _enum(name: str) -> list[str]:
    values: list[str] = _schema("common.json")["$defs"][name]["enum"]
    return values


def _limit(schema: str, prop: str, key: str) -> int:
    node = _schema(schema)["properties"][prop]
    if "anyOf" in node:
        node = next(b for b in node["anyOf"] if b.get("type") == "array")
    value: int = node[key]
    return value


def _body_max() -> int:
    """The documented 2000 characters: not a request error, a message longer "may also end"
    in 23070 (common.json, MessageBody)."""
    value: int = _schema("common.json")["$defs"]["MessageBody"]["x-documented-max-length"]
    return value


# The account's ExoPhone and approved Sender ID: the document answers From as "<VN>/<SenderID>"
# (line 191, every example: "0XXXXXX4890/WEBDEV"), and a bulksend without From uses "default
# approved SENDER ID as per account" (line 1512).
DEFAULT_EXOPHONE = "08047112233"
DEFAULT_SENDER_ID = "SMSCTR"


def answered_from(sender: str | None) -> str:
    """The From of a response: `<VN>/<SenderID>` for an ExoPhone or a Sender ID sent."""
    if not sender:
        return f"{DEFAULT_EXOPHONE}/{DEFAULT_SENDER_ID}"
    if "/" in sender:
        return sender
    if sender.startswith(("0", "+")):  # an ExoPhone: "From = '080XXXXXX'" (line 37)
        return f"{sender}/{DEFAULT_SENDER_ID}"
    return f"{DEFAULT_EXOPHONE}/{sender}"


class RateLimiter:
    """A sliding one-minute window per account and method."""

    def __init__(self) -> None:
        self._hits: dict[tuple[str, str], deque[float]] = {}

    def allow(self, account: str, method: str, limit: int) -> bool:
        window = self._hits.setdefault((account, method), deque())
        now = time.monotonic()
        while window and now - window[0] > 60:
            window.popleft()
        if len(window) >= limit:
            return False
        window.append(now)
        return True

    def reset(self) -> None:
        self._hits.clear()


async def provider_api(request: Request) -> Response:
    """Route every /v1/... request by the documented path shapes and error rules."""
    state: SimulatorState = request.app.state.simulator
    path = request.url.path
    as_json = path.endswith(".json")
    found = _account(request, state, as_json)
    if isinstance(found, Response):
        return found
    account, tail = found
    method = request.method
    forced = state.take_forced_error(account, "details" if method == "GET" else "send")
    if forced:
        return error_response(forced, as_json, n=1, number="", body="", version="v1")
    if method == "POST":
        return await _post(request, state, account, tail, as_json)
    if method in ("GET", "HEAD"):
        return _get(state, account, tail, as_json)
    return _not_allowed(tail, as_json)


def _account(
    request: Request, state: SimulatorState, as_json: bool
) -> tuple[str, list[str]] | Response:
    """The account and the path after it, or the documented error for the path or the
    credentials (checked in the order the reference's error table implies)."""
    match = _PATH.match(request.url.path)
    if not match:
        return error_response("accounts_missing", as_json)
    if match.group("version") != "v1":
        return error_response("api_version_unsupported", as_json, version=match.group("version"))
    parts = [p for p in (match.group("rest") or "").split("/") if p]
    if not parts or parts[0] != "Accounts":
        return error_response("accounts_missing", as_json)
    if len(parts) < 2 or parts[1].lower() == "sms":
        return error_response("account_sid_missing", as_json)
    auth_error = _authenticate(request, state)
    if auth_error:
        return error_response(auth_error, as_json)
    if parts[1] not in state.accounts():
        return error_response("forbidden_resource", as_json)
    tail = [p.removesuffix(".json") for p in parts[2:]]
    # the fixed segments in any case, one rule for every route: the document spells them Sms
    # and SMS, and a client reading Sms/Messages has met the real server (variant path-case)
    return parts[1], [p.lower() if i < 2 else p for i, p in enumerate(tail)]


async def _post(
    request: Request, state: SimulatorState, account: str, tail: list[str], as_json: bool
) -> Response:
    if not state.limiter.allow(account, "POST", state.config.post_limit_per_minute):
        return error_response("post_rate_limited", as_json)
    if tail in (["sms", "send"], ["sms", "bulksend"]):
        return await _send(request, state, account, as_json, bulk=tail[1] == "bulksend")
    if tail in (["sms"], []):
        return error_response("invalid_parameters_sms_root", as_json)
    return _not_allowed(tail, as_json)


def _get(state: SimulatorState, account: str, tail: list[str], as_json: bool) -> Response:
    if not state.limiter.allow(account, "GET", state.config.get_limit_per_minute):
        return error_response("get_rate_limited", as_json)
    if len(tail) == 3 and tail[:2] == ["sms", "messages"]:
        return _details(state, account, tail[2], as_json)
    if tail in (["sms"], []):
        return error_response("invalid_parameters_sms_root", as_json)
    if tail in (["sms", "send"], ["sms", "bulksend"]):
        return _not_allowed(tail, as_json)
    return error_response("get_invalid_endpoint", as_json)


def _not_allowed(tail: list[str], as_json: bool) -> Response:
    """The documented 405, with the Allow header RFC 9110 requires of every 405."""
    response = error_response("method_not_supported", as_json)
    if tail in (["sms", "send"], ["sms", "bulksend"]):
        response.headers["Allow"] = "POST"
    elif len(tail) == 3 and tail[:2] == ["sms", "messages"]:
        response.headers["Allow"] = "GET, HEAD"
    else:
        response.headers["Allow"] = ""
    return response


def _authenticate(request: Request, state: SimulatorState) -> str | None:
    """The error id for the request's credentials, or None when they are right."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return "auth_missing"
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "auth_not_alphanumeric"
    key, _, token = decoded.partition(":")
    if not key or not token:
        return "auth_missing"
    if not (_ALNUM.match(key) and _ALNUM.match(token)):
        return "auth_not_alphanumeric"
    if (key, token) != (state.config.api_key, state.config.api_token):
        return "auth_invalid"
    return None


_SCALARS = (
    "From",
    "Body",
    "EncodingType",
    "ShortenUrl",
    "StatusCallback",
    "DltEntityId",
    "DltTemplateId",
    "SmsType",
    "CustomField",
    "Priority",
)


def _check_common(form: dict[str, Any], as_json: bool) -> Response | None:
    """Errors shared by send and bulksend: scalars, enums."""
    # "Invalid (Array) message body" is 40202 (line 456); any other parameter passed as an
    # array is 40207 (line 476)
    if isinstance(form.get("Body"), list | dict):
        return error_response("body_invalid", as_json)
    for name in _SCALARS:
        if isinstance(form.get(name), list | dict):
            return error_response("array_for_string", as_json)
    if "EncodingType" in form and form["EncodingType"] not in _enum("EncodingType"):
        return error_response("encoding_type_invalid", as_json, body=form.get("Body", ""))
    if "SmsType" in form and form["SmsType"] not in _enum("SmsType"):
        return error_response("sms_type_invalid", as_json)
    for name in ("Priority", "ShortenUrl"):
        enum = _enum("Priority" if name == "Priority" else "BooleanString")
        if name in form and form[name] not in enum:
            # No dedicated code is documented: the generic bad-parameter row.
            return error_response("invalid_parameters_sms_root", as_json)
    params = form.get("ShortenUrlParams")
    if params is not None and not isinstance(params, dict):
        return error_response("array_for_string", as_json)
    if isinstance(params, dict) and "TimeToExpiry" in params:
        expiry = _schema("common.json")["$defs"]["ShortenUrlParams"]["properties"]["TimeToExpiry"]
        value = params["TimeToExpiry"]
        if not (
            isinstance(value, str)
            and value.isdigit()
            and expiry["minimum"] <= int(value) <= expiry["maximum"]
        ):
            # "Minimum is 1 minute ... max. value is 365 days" (line 125): no dedicated code is
            # documented, the generic bad-parameter row as for Priority
            return error_response("invalid_parameters_sms_root", as_json)
    return None


def _sender_error(sender: Any, sms_type: Any, as_json: bool) -> Response | None:
    if sender is None:
        return error_response("from_missing", as_json)
    if sender == "":
        return error_response("from_empty", as_json)
    promotional = _enum("SmsType")[-1]
    if sms_type == promotional and not str(sender).isdigit():
        return error_response("from_sms_type_mismatch", as_json)
    return None


async def _send(
    request: Request, state: SimulatorState, account: str, as_json: bool, *, bulk: bool
) -> Response:
    raw = await request.body()
    try:
        form = decode_form(raw)
    except FormError as exc:
        if bulk and "Messages" in str(exc):
            return error_response("messages_not_array", as_json)
        if "'Body'" in str(exc):
            return error_response("body_invalid", as_json)
        return error_response("array_for_string", as_json)
    problem = _check_common(form, as_json)
    if problem:
        return problem
    if bulk:
        return _bulksend(state, account, form, as_json)
    problem = _sender_error(form.get("From"), form.get("SmsType"), as_json)
    if problem:
        return problem
    body = form.get("Body")
    if body is None or body == "":
        return error_response("body_empty", as_json)
    to = form.get("To")
    if isinstance(to, dict) or to is None:
        return error_response("all_numbers_invalid", as_json, number=to or "")
    recipients = to if isinstance(to, list) else [to]
    if any(isinstance(number, dict | list) for number in recipients):
        # `To[0][x]=...`: a recipient passed as an array, not a string (line 476)
        return error_response("array_for_string", as_json)
    if len(recipients) > _limit("send-request.json", "To", "maxItems"):
        return error_response("static_bulk_too_many", as_json)
    items = [(str(number), body, form["From"]) for number in recipients]
    if not any(final_codes.is_valid_number(n) for n, _, _ in items):
        return error_response(
            "all_numbers_invalid", as_json, number=",".join(n for n, _, _ in items)
        )
    return _accept(state, account, form, items, as_json, single=not isinstance(to, list))


def _bulksend(state: SimulatorState, account: str, form: dict[str, Any], as_json: bool) -> Response:
    messages = form.get("Messages")
    if messages is None or messages == "" or messages == []:
        return error_response("messages_missing", as_json)
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        return error_response("messages_not_array", as_json)
    if len(messages) > _limit("bulksend-request.json", "Messages", "maxItems"):
        return error_response("dynamic_bulk_too_many", as_json)
    items = []
    for message in messages:
        # From is optional on bulksend: "If not set, default approved SENDER ID as per account
        # will be used" (line 1512); a message's own From wins (line 1518)
        sender = message.get("From", form.get("From"))
        if sender is not None:
            problem = _sender_error(sender, message.get("SmsType", form.get("SmsType")), as_json)
            if problem:
                return problem
        if isinstance(message.get("Body"), list | dict):
            return error_response("body_invalid", as_json)
        if any(isinstance(v, list | dict) for v in message.values()):
            return error_response("array_for_string", as_json)
        if "SmsType" in message and message["SmsType"] not in _enum("SmsType"):
            return error_response("sms_type_invalid", as_json)
        body = message.get("Body") or ""
        items.append((str(message.get("To", "")), body, sender))
    if not any(b for _, b, _ in items):
        # "Message body for bulk send is invalid on account of it being empty/missing" (40201)
        return error_response("messages_missing", as_json)
    if not any(final_codes.is_valid_number(n) for n, b, _ in items if b):
        return error_response(
            "all_numbers_invalid", as_json, number=",".join(n for n, _, _ in items)
        )
    return _accept(state, account, form, items, as_json, single=False)


def _accept(
    state: SimulatorState,
    account: str,
    form: dict[str, Any],
    items: list[tuple[str, str, str]],
    as_json: bool,
    *,
    single: bool,
) -> Response:
    """Store the valid items, answer 200 (all accepted) or 207 (some failed), in request order."""
    registries = load_registries()
    invalid_number = registries.dsc_for_situation("invalid-destination")
    missing_body = registries.dsc_for_situation("missing-body")
    too_long = registries.dsc_for_situation("body-too-long")
    now = state.clock.now()
    params = form.get("ShortenUrlParams") if isinstance(form.get("ShortenUrlParams"), dict) else {}
    stored: list[Message] = []
    out: list[dict[str, Any]] = []
    for number, body, sender in items:
        if not body:
            # the document's example echoes the To of an item without a Body (line 1652)
            out.append(failed_item(account, number or None, body, missing_body))
            continue
        if not final_codes.is_valid_number(number):
            # and answers To null for an invalid destination (line 1048, code sample 37)
            out.append(failed_item(account, None, body, invalid_number))
            continue
        final = final_codes.outcome(number, body)
        if len(body) > _body_max():
            final = too_long
        message = Message(
            sid=state.store.new_sid(),
            account=account,
            sender=answered_from(sender),
            recipient=number,
            body=body,
            encoding=form.get("EncodingType", "plain"),
            created_at=now,
            final_code=final.code,
            forced_code=None,
            forced_at=None,
            status_callback=form.get("StatusCallback"),
            custom_field=form.get("CustomField"),
            click_callback=(params or {}).get("ClickTrackingCallbackUrl"),
            notified=False,
        )
        stored.append(message)
        out.append(message_object(message, lifecycle.initial(), now, 0, as_json))
    state.store.add_messages(stored)
    if single:
        return body_response(out[0], 200, as_json)
    return body_response(out, 207 if len(stored) < len(out) else 200, as_json)


def _details(state: SimulatorState, account: str, sid: str, as_json: bool) -> Response:
    message = state.store.get(account, sid)
    if message is None:
        return error_response("sid_not_found", as_json)
    now = state.clock.now()
    code = lifecycle.state_at(message, now, state.config)
    return body_response(
        message_object(
            message,
            code,
            lifecycle.final_at(message, state.config),
            lifecycle.units(message.body, message.encoding),
            as_json,
        ),
        200,
        as_json,
    )

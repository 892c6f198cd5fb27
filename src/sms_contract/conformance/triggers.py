"""How a client request triggers each documented HTTP error that a request alone can cause.

The error rows (status, code, message) are data in `schemas/registries/exotel-http-errors.yaml`;
this module only knows which request provokes each one. A test checks that every row with
`trigger: request` has an entry here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from sms_contract.conformance.session import AuthChoice, Form
from sms_contract.conformance.target import Target
from sms_contract.contract.registry import load_registries
from sms_contract.contract.resources import schemas_dir

SENDER = "ACME"
BODY = "sms-contract conformance check"


@dataclass(frozen=True)
class Trigger:
    """A request that the reference says must be answered with one error row."""

    method: str
    # relative to the account's API root (`/Sms/send`), or `//`-prefixed: relative to the host
    path: str
    form: tuple[tuple[str, str], ...] | None = None
    auth: AuthChoice = "default"
    # whether the request's path is an operation of openapi.yaml (so the full response check
    # applies) or deliberately outside it (only the error row is checked)
    in_contract: bool = True
    # repeat the request until the error appears, at most this many times (rate limits)
    repeat: int = 1

    def url(self, target: Target, suffix: str) -> str:
        if self.path.startswith("//"):
            return target.base + self.path[1:].format(sid=target.account_sid) + suffix
        return target.api + self.path + suffix


def _send(target: Target, *extra: tuple[str, str], to: str | None = None) -> Form:
    base = [("From", SENDER), ("To", target.recipient(0) if to is None else to), ("Body", BODY)]
    names = {name for name, _ in extra}
    return tuple([pair for pair in base if pair[0] not in names] + list(extra))


def _without(form: Form, name: str) -> Form:
    return tuple(pair for pair in form if pair[0] != name)


@cache
def _exotel_schema(name: str) -> Any:
    return json.loads((schemas_dir() / "exotel" / name).read_text(encoding="utf-8"))


def limits() -> tuple[int, int, int]:
    """The documented maxima: Body characters, static bulk recipients, dynamic bulk messages."""
    body = _exotel_schema("common.json")["$defs"]["MessageBody"]["x-documented-max-length"]
    to = _exotel_schema("send-request.json")["properties"]["To"]["anyOf"]
    static = next(branch["maxItems"] for branch in to if branch.get("type") == "array")
    dynamic = _exotel_schema("bulksend-request.json")["properties"]["Messages"]["maxItems"]
    return int(body), int(static), int(dynamic)


def _past_limit(error_id: str) -> int:
    limit = load_registries().http_error(error_id).limit_per_minute or 0
    return limit + limit // 10 + 10


def triggers(target: Target) -> dict[str, Trigger]:
    """Every request-triggerable error id -> the request that triggers it on `target`."""
    send = _send(target)
    key = target.auth[0] if target.auth else "key"
    _, static_max, dynamic_max = limits()
    many = tuple(("To[]", target.recipient(i)) for i in range(static_max + 1))
    dynamic = tuple(
        pair
        for i in range(dynamic_max + 1)
        for pair in ((f"Messages[{i}][To]", target.recipient(i)), (f"Messages[{i}][Body]", BODY))
    )
    return {
        "auth_missing": Trigger("POST", "/Sms/send", send, auth="none"),
        "auth_invalid": Trigger("POST", "/Sms/send", send, auth=(key, "wrongtoken0")),
        "auth_not_alphanumeric": Trigger("POST", "/Sms/send", send, auth=("bad-key", "x-y")),
        "account_sid_missing": Trigger("POST", "//v1/Accounts/Sms/send", send, in_contract=False),
        "accounts_missing": Trigger("POST", "//v1/{sid}/Sms/send", send, in_contract=False),
        "api_version_unsupported": Trigger(
            "POST", "//v2/Accounts/{sid}/Sms/send", send, in_contract=False
        ),
        "forbidden_resource": Trigger(
            "POST", "//v1/Accounts/{sid}x0/Sms/send", send, in_contract=False
        ),
        "invalid_parameters_sms_root": Trigger("POST", "/Sms", send, in_contract=False),
        "body_empty": Trigger("POST", "/Sms/send", _without(send, "Body")),
        # "Invalid (Array) message body" (line 456); a Body over 2000 characters is no request
        # error: such a message "may also end" in 23070 (line 320)
        "body_invalid": Trigger(
            "POST", "/Sms/send", (*_without(send, "Body"), ("Body[]", "a"), ("Body[]", "b"))
        ),
        "from_missing": Trigger("POST", "/Sms/send", _without(send, "From")),
        "from_empty": Trigger("POST", "/Sms/send", _send(target, ("From", ""))),
        "from_sms_type_mismatch": Trigger(
            "POST", "/Sms/send", _send(target, ("SmsType", "promotional"))
        ),
        "sms_type_invalid": Trigger("POST", "/Sms/send", _send(target, ("SmsType", "spam"))),
        "encoding_type_invalid": Trigger(
            "POST", "/Sms/send", _send(target, ("EncodingType", "ascii"))
        ),
        # any other parameter passed as an array (line 476)
        "array_for_string": Trigger(
            "POST", "/Sms/send", (*_without(send, "From"), ("From[]", SENDER), ("From[]", "B"))
        ),
        "all_numbers_invalid": Trigger("POST", "/Sms/send", _send(target, to="not-a-number")),
        "static_bulk_too_many": Trigger("POST", "/Sms/send", (*_without(send, "To"), *many)),
        "messages_missing": Trigger("POST", "/Sms/bulksend", (("From", SENDER),)),
        "messages_not_array": Trigger(
            "POST", "/Sms/bulksend", (("From", SENDER), ("Messages", "not-an-array"))
        ),
        "dynamic_bulk_too_many": Trigger("POST", "/Sms/bulksend", (("From", SENDER), *dynamic)),
        "method_not_supported": Trigger("POST", "/Sms/unknown", send, in_contract=False),
        "get_invalid_endpoint": Trigger("GET", "/Sms/unknown", in_contract=False),
        "sid_not_found": Trigger("GET", "/SMS/Messages/sms0contract0no0such0sid"),
        # cheap requests (a missing Body sends nothing) repeated past the registry's limit
        "post_rate_limited": Trigger(
            "POST", "/Sms/send", _without(send, "Body"), repeat=_past_limit("post_rate_limited")
        ),
        "get_rate_limited": Trigger(
            "GET", "/SMS/Messages/sms0contract0no0such0sid", repeat=_past_limit("get_rate_limited")
        ),
    }

"""The mutants: realistic integration bugs, each switched on by name, never by editing files.

Each is the reference simulator plus one fault, injected from here: a rewrite of its traffic
(ASGI middleware), a callback sender in place of the documented one, or a setting a real server
could have (no rate limit). The values they inject are taken from the registries where they must be
"another documented code", so the catalogue types no code number of its own.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp

from sms_contract.contract.registry import load_registries
from sms_contract.contract.xmlbody import render_xml
from sms_contract.mutants.middleware import (
    MutableRequest,
    MutableResponse,
    RequestRewrite,
    ResponseRewrite,
    Rewrite,
)
from sms_contract.mutants.senders import CallbacksWithout, JsonCallbacks, NoStatusCallbacks
from sms_contract.simulator import SimulatorConfig, create_app
from sms_contract.simulator.callback_sender import CallbackSender
from sms_contract.simulator.config import DEFAULT_API_KEY, DEFAULT_API_TOKEN, NO_LIMIT


@dataclass(frozen=True)
class Mutant:
    """A broken variant of the reference simulator."""

    name: str
    description: str
    response: ResponseRewrite | None = None
    request: RequestRewrite | None = None
    config: dict[str, Any] = field(default_factory=dict)
    callbacks: CallbackSender | None = None
    # the checks that must report it (the harness's proof that each check can fail)
    kills: tuple[str, ...] = ()
    # a control, not a fault: the suite must pass it (the harness itself creates no kills)
    survives: bool = False
    # fires only under a condition (a boundary, a parameter value, a character class, the
    # second request, the N-th message), not on every answer
    conditional: bool = False

    def app(self) -> ASGIApp:
        """A fresh in-memory simulator with this fault switched on."""
        config = SimulatorConfig(db=":memory:", **self.config)
        app: ASGIApp = create_app(config, callbacks=self.callbacks)
        if self.response or self.request:
            app = Rewrite(app, self.response, self.request)
        return app


MUTANTS: dict[str, Mutant] = {}


def mutant(
    name: str, description: str, *, kills: tuple[str, ...], **config: Any
) -> Callable[[ResponseRewrite], ResponseRewrite]:
    """Register a response-rewriting mutant and the checks that must report it."""

    def register(func: ResponseRewrite) -> ResponseRewrite:
        MUTANTS[name] = Mutant(name, description, response=func, config=config, kills=kills)
        return func

    return register


def _add(m: Mutant) -> None:
    MUTANTS[m.name] = m


# -- errors ---------------------------------------------------------------------------------


@mutant(
    "error-status-400-for-401",
    "a 401 auth error is answered with HTTP 400",
    kills=("expected_status",),
)
def _(ex: MutableResponse) -> None:
    if ex.status == 401:
        ex.status = 400


@mutant(
    "error-code-swapped",
    "a 400 error carries another documented 400 code",
    kills=("documented_error",),
)
def _(ex: MutableResponse) -> None:
    error = ex.error()
    if ex.status == 400 and error and error.get("Code"):
        codes = sorted(
            {e.code for e in load_registries().http_errors if e.status == 400 and e.code}
        )
        current = int(error["Code"])
        other = codes[(codes.index(current) + 1) % len(codes)] if current in codes else codes[0]
        error["Code"] = other if ex.is_json else str(other)


@mutant(
    "error-message-changed",
    "an error's Message is not the documented text",
    kills=("documented_error", "error_code_matches_status"),
)
def _(ex: MutableResponse) -> None:
    error = ex.error()
    if error and error.get("Message"):
        error["Message"] = "Bad request"


@mutant(
    "error-status-field-wrong",
    "RestException Status disagrees with the HTTP status",
    kills=("error_code_matches_status",),
)
def _(ex: MutableResponse) -> None:
    error = ex.error()
    if error and ex.status >= 400:
        error["Status"] = 500 if ex.is_json else "500"


@mutant(
    "server-error-on-bad-input",
    "bad input gets a 500 instead of its documented 4xx",
    kills=("expected_status",),
)
def _(ex: MutableResponse) -> None:
    if ex.status == 400:
        ex.status = 500


@mutant(
    "error-as-plain-text", "errors are answered as text/plain", kills=("content_type_conformance",)
)
def _(ex: MutableResponse) -> None:
    if ex.status >= 400:
        ex.headers["content-type"] = "text/plain"
        ex.data = None
        ex.body = b"error"


# -- status codes ----------------------------------------------------------------------------


@mutant(
    "partial-success-200",
    "a partially failed bulk is answered 200 instead of 207",
    kills=("partial_success_status",),
)
def _(ex: MutableResponse) -> None:
    if ex.status == 207:
        ex.status = 200


@mutant(
    "full-success-207", "a fully successful bulk is answered 207", kills=("partial_success_status",)
)
def _(ex: MutableResponse) -> None:
    if ex.status == 200 and len(list(ex.messages())) > 1:
        ex.status = 207


@mutant(
    "unknown-sid-404",
    "details of an unknown Sid answered 404 (the docs say 200)",
    kills=("status_code_conformance",),
)
def _(ex: MutableResponse) -> None:
    error = ex.error()
    if ex.method == "GET" and ex.status == 200 and error:
        ex.status = 404
        error["Status"] = 404 if ex.is_json else "404"


@mutant(
    "unknown-sid-fabricated",
    "details of an unknown Sid answered with an SMSMessage",
    kills=("response_schema_conformance",),
)
def _(ex: MutableResponse) -> None:
    if ex.method == "GET" and ex.status == 200 and ex.error() and ex.is_json:
        ex.data = {"SMSMessage": {"Sid": ex.path.rsplit("/", 1)[-1].removesuffix(".json")}}


# -- SMSMessage fields -----------------------------------------------------------------------


def _each(func: Callable[[dict[str, Any], MutableResponse], None]) -> ResponseRewrite:
    def rewrite(ex: MutableResponse) -> None:
        for message in ex.messages():
            func(message, ex)

    return rewrite


MessageRewrite = Callable[[dict[str, Any], MutableResponse], None]


def message_mutant(
    name: str, description: str, *, kills: tuple[str, ...]
) -> Callable[[MessageRewrite], MessageRewrite]:
    """Register a mutant that rewrites every SMSMessage object of every response."""

    def register(func: MessageRewrite) -> MessageRewrite:
        _add(Mutant(name, description, response=_each(func), kills=kills))
        return func

    return register


def _typed(value: int, ex: MutableResponse) -> int | str:
    """A number as the body's format writes it (XML carries text)."""
    return value if ex.is_json else str(value)


@message_mutant(
    "field-missing", "SMSMessage lacks DateCreated", kills=("response_schema_conformance",)
)
def _(m: dict[str, Any], ex: MutableResponse) -> None:
    m.pop("DateCreated", None)


# (SmsUnits spelled SMSUnits and DetailedStatusCode as a digit string are printed by the
# reference itself, so both modes accept them: variants.yaml, `documented: true`)
@message_mutant(
    "field-renamed", "DateSent spelled DateDelivered", kills=("response_schema_conformance",)
)
def _(m: dict[str, Any], ex: MutableResponse) -> None:
    m["DateDelivered"] = m.pop("DateSent", None)


@message_mutant(
    "dsc-as-string",
    "DetailedStatusCode is a JSON string that is not a number",
    kills=("response_schema_conformance",),
)
def _(m: dict[str, Any], ex: MutableResponse) -> None:
    if ex.is_json and m.get("DetailedStatusCode") is not None:
        m["DetailedStatusCode"] = f"DSC-{m['DetailedStatusCode']}"


@message_mutant(
    "dsc-unknown", "DetailedStatusCode outside the registry", kills=("response_schema_conformance",)
)
def _(m: dict[str, Any], ex: MutableResponse) -> None:
    if m.get("DetailedStatusCode"):
        known = {d.code for d in load_registries().dscs(tolerant=True)}
        m["DetailedStatusCode"] = _typed(max(known) + 1, ex)


@message_mutant(
    "status-outside-enum",
    "Status in capitals (DELIVERED, SENT)",
    kills=("response_schema_conformance", "reaches_final_state"),
)
def _(m: dict[str, Any], ex: MutableResponse) -> None:
    m["Status"] = str(m.get("Status", "")).upper()


@message_mutant(
    "date-iso-8601",
    "DateCreated in ISO 8601 with a T and a zone",
    kills=("response_schema_conformance",),
)
def _(m: dict[str, Any], ex: MutableResponse) -> None:
    m["DateCreated"] = str(m.get("DateCreated", "")).replace(" ", "T") + "Z"


@mutant(
    "sid-null-on-success",
    "an accepted message has Sid null",
    kills=("response_schema_conformance", "sid_returned"),
)
def _(ex: MutableResponse) -> None:
    if ex.method == "POST" and ex.status == 200:
        for m in ex.messages():
            m["Sid"] = None


@message_mutant("uri-wrong-sid", "Uri names another message", kills=("uri_matches_sid",))
def _(m: dict[str, Any], ex: MutableResponse) -> None:
    if m.get("Sid"):
        m["Uri"] = str(m.get("Uri", "")).replace(str(m["Sid"]), "0" * 32)


@message_mutant("uri-json-in-xml", "the XML body's Uri ends in .json", kills=("uri_matches_sid",))
def _(m: dict[str, Any], ex: MutableResponse) -> None:
    if ex.is_xml and m.get("Uri"):
        m["Uri"] = f"{m['Uri']}.json"


@message_mutant(
    "account-sid-wrong",
    "AccountSid in the body is not the caller's",
    kills=("account_sid_matches_path",),
)
def _(m: dict[str, Any], ex: MutableResponse) -> None:
    if m.get("Sid"):
        m["AccountSid"] = "otheraccount"


@message_mutant(
    "failure-code-with-sent",
    "a failure DetailedStatusCode paired with Status sent",
    kills=("detailed_status_matches_status",),
)
def _failure_as_sent(message: dict[str, Any], ex: MutableResponse) -> None:
    failures = {d.code for d in load_registries().failure_dscs()}
    if (
        message.get("DetailedStatusCode") is not None
        and int(message["DetailedStatusCode"]) in failures
    ):
        message["Status"] = "sent"


@message_mutant(
    "dsc-name-mismatch",
    "DetailedStatus is not the name of DetailedStatusCode",
    kills=("detailed_status_matches_status",),
)
def _wrong_name(message: dict[str, Any], ex: MutableResponse) -> None:
    if message.get("DetailedStatus"):
        message["DetailedStatus"] = (
            "DELIVERED_TO_OPERATOR"
            if message["DetailedStatus"] != "DELIVERED_TO_OPERATOR"
            else "DELIVERED_TO_HANDSET"
        )


@message_mutant(
    "outcome-ignores-number",
    "every message ends delivered, whatever its recipient",
    kills=("test_number_outcome",),
)
def _ignore_test_numbers(message: dict[str, Any], ex: MutableResponse) -> None:
    """Every message ends delivered, whatever its number: consistent, but not the outcome."""
    registries = load_registries()
    final = {d.code for d in registries.dscs() if d.final}
    code = message.get("DetailedStatusCode")
    if code is not None and int(code) in final:
        delivered = next(d for d in registries.dscs() if d.final and d.status == "sent")
        message["Status"] = delivered.status
        message["DetailedStatusCode"] = _typed(delivered.code, ex)
        message["DetailedStatus"] = delivered.name


# -- media types and shapes ------------------------------------------------------------------


@mutant(
    "json-as-text-plain", "JSON bodies labelled text/plain", kills=("content_type_conformance",)
)
def _(ex: MutableResponse) -> None:
    if ex.is_json:
        ex.headers["content-type"] = "text/plain; charset=utf-8"


@mutant("xml-for-json", ".json requests answered with XML", kills=("content_type_conformance",))
def _(ex: MutableResponse) -> None:
    if ex.is_json:
        ex.load()
        ex.body = render_xml(ex.data).encode()
        ex.data = None
        ex.headers["content-type"] = "application/xml"


@mutant(
    "xml-root-renamed",
    "the XML root is <Response>, not <TwilioResponse>",
    kills=("response_schema_conformance",),
)
def _(ex: MutableResponse) -> None:
    data = ex.load()
    if ex.is_xml and isinstance(data, dict) and "TwilioResponse" in data:
        ex.data = {"Response": data["TwilioResponse"]}


@mutant(
    "bulk-as-object",
    "a bulk answer is its first item, not an array",
    kills=("bulk_items_match_request",),
)
def _(ex: MutableResponse) -> None:
    data = ex.load()
    if ex.is_json and isinstance(data, list) and data:
        ex.data = data[0]


@mutant(
    "bulk-missing-item",
    "a bulk answer has one item fewer than recipients",
    kills=("bulk_items_match_request",),
)
def _(ex: MutableResponse) -> None:
    data = ex.load()
    if ex.is_json and isinstance(data, list) and len(data) > 1:
        data.pop()
    elif ex.is_xml and isinstance(data, dict):
        items = (data.get("TwilioResponse") or {}).get("SMSMessage")
        if isinstance(items, list) and len(items) > 1:
            items.pop()


@mutant(
    "single-as-array",
    "a single send answered with an array of one",
    kills=("bulk_items_match_request",),
)
def _(ex: MutableResponse) -> None:
    data = ex.load()
    if ex.is_json and ex.method == "POST" and isinstance(data, dict) and "SMSMessage" in data:
        ex.data = [data]


# -- requests and behaviour ------------------------------------------------------------------


def _force_auth(request: MutableRequest) -> None:
    token = base64.b64encode(f"{DEFAULT_API_KEY}:{DEFAULT_API_TOKEN}".encode())
    request.headers = [(k, v) for k, v in request.headers if k.lower() != b"authorization"]
    request.headers.append((b"authorization", b"Basic " + token))


_add(
    Mutant(
        "auth-not-enforced",
        "requests are served whatever their credentials",
        request=_force_auth,
        kills=("expected_status",),
    )
)


def _default_body(request: MutableRequest) -> None:
    if (
        request.method == "POST"
        and b"Body=" not in request.body
        and b"Messages" not in request.body
    ):
        request.body += b"&Body=hello"
        request.headers = [(k, v) for k, v in request.headers if k.lower() != b"content-length"]
        request.headers.append((b"content-length", str(len(request.body)).encode()))


_add(
    Mutant(
        "missing-body-accepted",
        "a send without Body is accepted with a default text",
        request=_default_body,
        kills=("expected_status",),
    )
)
_add(
    Mutant(
        "no-rate-limit",
        "the published POST and GET rate limits are not enforced",
        config={"post_limit_per_minute": NO_LIMIT, "get_limit_per_minute": NO_LIMIT},
        kills=("expected_status",),
    )
)
_add(
    Mutant(
        "callback-as-json",
        "StatusCallback is POSTed as JSON, not a form",
        callbacks=JsonCallbacks(),
        kills=("content_type_conformance", "callback_matches_message"),
    )
)
_add(
    Mutant(
        "callback-missing-field",
        "StatusCallback lacks DetailedStatusCode",
        callbacks=CallbacksWithout("DetailedStatusCode"),
        kills=("callback_schema_conformance",),
    )
)


_add(
    Mutant(
        "callback-never-sent",
        "StatusCallback is never delivered",
        callbacks=NoStatusCallbacks(),
        kills=("callback_delivered",),
    )
)


def _forget_messages(ex: MutableResponse) -> None:
    """Details answer every Sid as unknown: the documented error, for the wrong message."""
    if ex.method == "GET" and ex.status == 200 and ex.error() is None and ex.is_json:
        ex.data = {"RestException": {"Status": 200, "Message": "No matching results"}}


_add(
    Mutant(
        "details-forgets-messages",
        "details of a Sid that send just returned: 'No matching results'",
        response=_forget_messages,
        kills=("sid_found_by_details",),
    )
)


def _reserialise(ex: MutableResponse) -> None:
    """Parse every answer and write it back unchanged (JSON re-dumped, XML re-rendered)."""
    ex.load()
    ex.memory["seen"] = ex.memory.get("seen", 0) + 1


_add(
    Mutant(
        "identity",
        "every answer parsed and re-serialised unchanged: must SURVIVE (the harness's control)",
        response=_reserialise,
        survives=True,
    )
)


def catalogue() -> dict[str, Mutant]:
    """Every mutant by name: the blanket ones above, then the conditional ones."""
    from sms_contract.mutants import conditional  # noqa: F401  (registers its mutants)
    from sms_contract.mutants.mobizon import mobizon_mutants

    # Mobizon's (mutants/mobizon.py) are made afresh each time: some keep state across a run
    return {**MUTANTS, **mobizon_mutants()}

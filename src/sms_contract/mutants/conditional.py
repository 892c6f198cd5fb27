"""Conditional mutants: faults that fire only at a boundary, for one parameter value, one
character class, on the second request or at the N-th message, the way real gateways break.

Each declares, beside its definition, the checks that must report it. The first six are the
reviewer's bugs of issue 17, which survived the suite before its boundary scenarios.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from sms_contract.checks.semantic import parse_date
from sms_contract.contract.registry import load_registries
from sms_contract.contract.segments import sms_encoding
from sms_contract.mutants.catalogue import Mutant, _add
from sms_contract.mutants.middleware import (
    MutableRequest,
    MutableResponse,
    RequestRewrite,
    ResponseRewrite,
)


def conditional(
    name: str,
    description: str,
    *,
    kills: tuple[str, ...],
    request: RequestRewrite | None = None,
    **config: Any,
) -> Callable[[ResponseRewrite], ResponseRewrite]:
    """Register a response-rewriting conditional mutant and the checks that must report it."""

    def register(func: ResponseRewrite) -> ResponseRewrite:
        _add(
            Mutant(
                name,
                description,
                response=func,
                request=request,
                config=config,
                kills=kills,
                conditional=True,
            )
        )
        return func

    return register


def _error_row(ex: MutableResponse, error_id: str) -> None:
    row = load_registries().http_error(error_id)
    error: dict[str, Any] = {"Status": row.status, "Message": row.render_message()}
    if row.code is not None:
        error["Code"] = row.code
    ex.answer_error(row.status, error)


def _posts_to(ex: MutableResponse, endpoint: str) -> bool:
    return ex.method == "POST" and ex.path.removesuffix(".json").endswith(endpoint)


# -- the reviewer's six ---------------------------------------------------------------------


@conditional(
    "sms-units-ignore-length",
    "SmsUnits is 1 whatever the Body's length (shows past 160 GSM / 70 unicode characters)",
    kills=("sms_units_match_body",),
)
def _(ex: MutableResponse) -> None:
    for message in ex.messages():
        if message.get("SmsUnits") not in (None, ""):
            message["SmsUnits"] = 1 if ex.is_json else "1"


def _gsm_count(body: str) -> int:
    rule = sms_encoding().rules["plain"]
    return rule.units(len(body))


@conditional(
    "sms-units-ignore-encoding",
    "SmsUnits counts every Body as GSM 7-bit (shows for a unicode Body past 70 characters)",
    kills=("sms_units_match_body",),
)
def _(ex: MutableResponse) -> None:
    for message in ex.messages():
        if message.get("SmsUnits") not in (None, "") and isinstance(message.get("Body"), str):
            units = _gsm_count(message["Body"])
            message["SmsUnits"] = units if ex.is_json else str(units)


@conditional(
    "static-bulk-100-rejected",
    'a static bulk of exactly 100 recipients is rejected as "more than 100"',
    kills=("expected_status",),
)
def _(ex: MutableResponse) -> None:
    to = ex.form().get("To")
    if _posts_to(ex, "/Sms/send") and isinstance(to, list) and len(to) == 100:
        _error_row(ex, "static_bulk_too_many")


def _index_order(count: int) -> list[int]:
    return sorted(range(count), key=str)


@conditional(
    "dynamic-bulk-index-as-string",
    "a dynamic bulk is answered in the string order of its indexes (Messages[10] before [2])",
    kills=("bulk_items_match_request",),
)
def _(ex: MutableResponse) -> None:
    if _posts_to(ex, "/Sms/bulksend"):
        items = ex.items()
        items[:] = [items[i] for i in _index_order(len(items))]


@conditional(
    "bulk-duplicate-sid",
    "the second accepted message of a bulk gets the first one's Sid",
    kills=("sids_unique",),
)
def _(ex: MutableResponse) -> None:
    if ex.method != "POST":
        return
    accepted = [m for m in ex.messages() if m.get("Sid")]
    if len(accepted) >= 2:
        first, second = accepted[0], accepted[1]
        second["Uri"] = str(second.get("Uri", "")).replace(str(second["Sid"]), str(first["Sid"]))
        second["Sid"] = first["Sid"]


_POST_LIMIT = load_registries().http_error("post_rate_limited").limit_per_minute or 0

_add(
    Mutant(
        "rate-limit-199",
        "POSTs are throttled after 199 a minute, not the published 200",
        config={"post_limit_per_minute": _POST_LIMIT - 1},
        kills=("rate_limit_exact",),
        conditional=True,
    )
)
_add(
    Mutant(
        "rate-limit-150",
        "POSTs are throttled after 150 a minute, not the published 200",
        config={"post_limit_per_minute": _POST_LIMIT * 3 // 4},
        kills=("rate_limit_exact",),
        conditional=True,
    )
)


# -- more boundaries ------------------------------------------------------------------------


def _static_101_truncated(request: MutableRequest) -> None:
    """A static bulk of 101 silently loses its last recipient (the limit checked after a cut)."""
    to = request.form().get("To")
    if request.method == "POST" and isinstance(to, list) and len(to) == 101:
        pairs = request.body.decode().split("&")
        last = max(i for i, p in enumerate(pairs) if p.startswith(("To[]=", "To%5B%5D=")))
        request.replace_body("&".join(pairs[:last] + pairs[last + 1 :]).encode())


_add(
    Mutant(
        "static-bulk-101-accepted",
        "a static bulk of 101 recipients is cut to 100 and accepted instead of rejected",
        request=_static_101_truncated,
        kills=("expected_status",),
        conditional=True,
    )
)


@conditional(
    "dynamic-bulk-100-rejected",
    'a dynamic bulk of exactly 100 messages is rejected as "more than 100"',
    kills=("expected_status",),
)
def _(ex: MutableResponse) -> None:
    messages = ex.form().get("Messages")
    if _posts_to(ex, "/Sms/bulksend") and isinstance(messages, list) and len(messages) == 100:
        _error_row(ex, "dynamic_bulk_too_many")


@conditional(
    "dynamic-bulk-11th-dropped",
    "a dynamic bulk of more than 10 messages loses its 11th item from the answer",
    kills=("bulk_items_match_request",),
)
def _(ex: MutableResponse) -> None:
    if _posts_to(ex, "/Sms/bulksend"):
        items = ex.items()
        if len(items) > 10:
            del items[10]


@conditional(
    "static-bulk-of-one-as-object",
    "a static bulk of one recipient (To[]) is answered with an object, not an array",
    kills=("bulk_items_match_request",),
)
def _(ex: MutableResponse) -> None:
    data = ex.load()
    to = ex.form().get("To")
    if ex.is_json and isinstance(to, list) and len(to) == 1 and isinstance(data, list):
        ex.data = data[0]


def _units_rewrite(name: str, description: str, units: Callable[[str], int | None]) -> None:
    """A mutant that answers SmsUnits by its own (wrong) count, where that count applies."""

    def rewrite(ex: MutableResponse) -> None:
        for message in ex.messages():
            body = message.get("Body")
            if message.get("SmsUnits") in (None, "") or not isinstance(body, str):
                continue
            wrong = units(body)
            if wrong is not None:
                message["SmsUnits"] = wrong if ex.is_json else str(wrong)

    _add(
        Mutant(
            name,
            description,
            response=rewrite,
            kills=("sms_units_match_body",),
            conditional=True,
        )
    )


def _gsm(body: str) -> bool:
    return sms_encoding().is_gsm(body)


_units_rewrite(
    "sms-units-split-after-161",
    "a GSM Body of exactly 161 characters is counted as one SMS (split point off by one)",
    lambda body: 1 if _gsm(body) and len(body) == 161 else None,
)
_units_rewrite(
    "sms-units-no-concatenation-header",
    "multipart SMS counted at 160 GSM / 70 unicode characters a part, not 153 / 67",
    lambda body: math.ceil(len(body) / (160 if _gsm(body) else 70)) or 1,
)
_units_rewrite(
    "sms-units-extension-as-one",
    "GSM extension characters ({ } [ ] ~ € ...) counted as one septet, not two",
    lambda body: (
        sms_encoding().rules["plain"].units(len(body))
        if _gsm(body) and any(c in sms_encoding().extension for c in body)
        else None
    ),
)
_units_rewrite(
    "sms-units-code-points",
    "a unicode Body counted in code points, so an emoji is one character, not two",
    lambda body: (
        sms_encoding().rules["unicode"].units(len(body))
        if any(ord(c) > 0xFFFF for c in body)
        else None
    ),
)


def _remember_unicode(ex: MutableResponse) -> None:
    """EncodingType=unicode is forgotten once the message is stored: details count it GSM."""
    if ex.method == "POST" and ex.form().get("EncodingType") == "unicode":
        for message in ex.messages():
            if message.get("Sid"):
                ex.memory.setdefault("unicode", set()).add(message["Sid"])
    elif ex.method == "GET":
        for message in ex.messages():
            body = message.get("Body")
            if (
                message.get("Sid") in ex.memory.get("unicode", set())
                and message.get("SmsUnits") not in (None, "")
                and isinstance(body, str)
                and _gsm(body)
            ):
                units = sms_encoding().rules["plain"].units(len(body))
                message["SmsUnits"] = units if ex.is_json else str(units)


_add(
    Mutant(
        "sms-units-ignore-encoding-type",
        "a GSM Body sent with EncodingType=unicode is counted as GSM 7-bit in its details",
        response=_remember_unicode,
        kills=("sms_units_match_body",),
        conditional=True,
    )
)


# -- one parameter value --------------------------------------------------------------------


def _with_value(name: str, value: str) -> Callable[[MutableResponse], bool]:
    """True for a send whose request (or one of its messages) has `name` = `value`."""

    def matches(ex: MutableResponse) -> bool:
        if ex.method != "POST":
            return False
        form = ex.form()
        if "[" in name:
            top, _, key = name.partition("[")
            nested = form.get(top)
            return isinstance(nested, dict) and nested.get(key.rstrip("]")) == value
        messages = form.get("Messages")
        per_message = isinstance(messages, list) and any(
            isinstance(m, dict) and m.get(name) == value for m in messages
        )
        return form.get(name) == value or per_message

    return matches


def _rejects(
    mutant_name: str, description: str, name: str, value: str, error_id: str, **values: str
) -> None:
    matches = _with_value(name, value)

    def rewrite(ex: MutableResponse) -> None:
        if matches(ex) and ex.status in (200, 207):
            row = load_registries().http_error(error_id)
            error: dict[str, Any] = {"Status": row.status, "Message": row.render_message(**values)}
            if row.code is not None:
                error["Code"] = row.code
            ex.answer_error(row.status, error)

    _add(
        Mutant(
            mutant_name,
            description,
            response=rewrite,
            kills=("expected_status",),
            conditional=True,
        )
    )


_rejects(
    "priority-high-rejected",
    "Priority=high is rejected as an invalid parameter",
    "Priority",
    "high",
    "invalid_parameters_sms_root",
)
_rejects(
    "encoding-unicode-rejected",
    "EncodingType=unicode is rejected as an invalid encoding",
    "EncodingType",
    "unicode",
    "encoding_type_invalid",
    body="",
)
_rejects(
    "sms-type-opt-in-rejected",
    "SmsType=transactional_opt_in is rejected as an invalid SmsType",
    "SmsType",
    "transactional_opt_in",
    "sms_type_invalid",
)
_rejects(
    "shorten-url-true-500",
    "ShortenUrl=true fails with a processing error",
    "ShortenUrl",
    "true",
    "processing_error",
)
_rejects(
    "tracking-true-rejected",
    "ShortenUrlParams[Tracking]=true is rejected as an array passed for a string",
    "ShortenUrlParams[Tracking]",
    "true",
    "array_for_string",
)
_rejects(
    "time-to-expiry-max-rejected",
    "ShortenUrlParams[TimeToExpiry] at its documented maximum (365 days) is rejected",
    "ShortenUrlParams[TimeToExpiry]",
    "525600",
    "invalid_parameters_sms_root",
)
_rejects(
    "dlt-template-id-rejected",
    "a DltTemplateId is rejected as an invalid parameter",
    "DltTemplateId",
    "1107000000000000001",
    "invalid_parameters_sms_root",
)


def _drop_bulk_callback(request: MutableRequest) -> None:
    """StatusCallback is honoured on a single send only: a bulk's is dropped."""
    form = request.form()
    bulk = isinstance(form.get("To"), list) or "Messages" in form
    if request.method == "POST" and bulk and "StatusCallback" in form:
        pairs = request.body.decode().split("&")
        request.replace_body(
            "&".join(p for p in pairs if not p.startswith("StatusCallback=")).encode()
        )


_add(
    Mutant(
        "status-callback-ignored-on-bulk",
        "StatusCallback is honoured on a single send only, never for the messages of a bulk",
        request=_drop_bulk_callback,
        kills=("callback_delivered",),
        conditional=True,
    )
)


# -- one character class --------------------------------------------------------------------


def _rewrite_body_values(request: MutableRequest, rewrite: Callable[[str], str]) -> None:
    """Apply `rewrite` to the raw (percent-encoded) value of every Body field of a send."""
    if request.method != "POST":
        return
    pairs = request.body.decode("latin-1").split("&")
    out = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if sep and key.replace("%5B", "[").replace("%5D", "]").endswith(("Body", "[Body]")):
            value = rewrite(value)
        out.append(f"{key}{sep}{value}")
    request.replace_body("&".join(out).encode("latin-1"))


_add(
    Mutant(
        "body-plus-as-space",
        "a '+' in the Body arrives as a space (the form decoded twice)",
        request=lambda request: _rewrite_body_values(request, lambda v: v.replace("%2B", "+")),
        kills=("body_matches_request",),
        conditional=True,
    )
)
_add(
    Mutant(
        "body-percent-decoded-twice",
        "a '%' in the Body is percent-decoded a second time ('%41' becomes 'A')",
        request=lambda request: _rewrite_body_values(request, lambda v: v.replace("%25", "%")),
        kills=("body_matches_request",),
        conditional=True,
    )
)


def _each_body(
    ex: MutableResponse, rewrite: Callable[[str], str], *, json: bool, xml: bool
) -> None:
    if (ex.is_json and not json) or (ex.is_xml and not xml):
        return
    for message in ex.messages():
        if isinstance(message.get("Body"), str):
            message["Body"] = rewrite(message["Body"])


@conditional(
    "json-body-html-escaped",
    "a JSON answer echoes & < > in the Body as HTML entities",
    kills=("body_matches_request",),
)
def _(ex: MutableResponse) -> None:
    import html

    _each_body(ex, lambda b: html.escape(b, quote=False), json=True, xml=False)


@conditional(
    "xml-body-double-escaped",
    "an XML answer escapes & in the Body twice (the client reads &amp;)",
    kills=("body_matches_request",),
)
def _(ex: MutableResponse) -> None:
    _each_body(ex, lambda b: b.replace("&", "&amp;"), json=False, xml=True)


@conditional(
    "emoji-stripped",
    "characters beyond the Basic Multilingual Plane (emoji) are dropped from the Body",
    kills=("body_matches_request",),
)
def _(ex: MutableResponse) -> None:
    _each_body(ex, lambda b: "".join(c for c in b if ord(c) <= 0xFFFF), json=True, xml=True)


@conditional(
    "devanagari-mojibake",
    "a Devanagari Body comes back as UTF-8 read as Latin-1",
    kills=("body_matches_request",),
)
def _(ex: MutableResponse) -> None:
    def mangle(body: str) -> str:
        if any("\u0900" <= c <= "\u097f" for c in body):
            return body.encode("utf-8").decode("latin-1")
        return body

    _each_body(ex, mangle, json=True, xml=True)


def _details_body(name: str, description: str, rewrite: Callable[[str], str]) -> None:
    def response(ex: MutableResponse) -> None:
        if ex.method == "GET":
            _each_body(ex, rewrite, json=True, xml=True)

    _add(
        Mutant(
            name,
            description,
            response=response,
            kills=("details_match_accepted",),
            conditional=True,
        )
    )


_details_body(
    "details-newline-as-space",
    "details of a message answer its Body with newlines turned into spaces",
    lambda body: body.replace("\n", " "),
)
_details_body(
    "details-body-truncated",
    "details of a message answer its Body cut to 160 characters",
    lambda body: body[:160],
)


# -- the second request, the N-th message ---------------------------------------------------


@conditional(
    "sid-reused-by-second-send",
    "the second accepted single send gets the Sid of the first",
    kills=("sids_unique_across_run",),
)
def _(ex: MutableResponse) -> None:
    data = ex.load()
    single = isinstance(data, dict) and (
        "SMSMessage" in data or "SMSMessage" in (data.get("TwilioResponse") or {})
    )
    if ex.method != "POST" or ex.status != 200 or not single:
        return
    for message in ex.messages():
        if not message.get("Sid"):
            continue
        first = ex.memory.setdefault("first_sid", message["Sid"])
        ex.memory["sends"] = ex.memory.get("sends", 0) + 1
        if ex.memory["sends"] == 2:
            message["Uri"] = str(message.get("Uri", "")).replace(str(message["Sid"]), first)
            message["Sid"] = first


@conditional(
    "details-regresses-on-second-poll",
    "a final message answers its first Status again (queued) at its next poll",
    kills=("status_never_backwards",),
)
def _(ex: MutableResponse) -> None:
    if ex.method != "GET":
        return
    registries = load_registries()
    finals = {s.status for s in registries.statuses() if s.final}
    first = next(s for s in registries.statuses() if not s.final)
    initial = registries.dsc_for_status(first.status)[0]
    for message in ex.messages():
        sid = message.get("Sid")
        if message.get("Status") not in finals:
            continue
        polls = ex.memory.setdefault("final_polls", {})
        polls[sid] = polls.get(sid, 0) + 1
        if polls[sid] >= 2:
            message["Status"] = initial.status
            message["DetailedStatusCode"] = initial.code if ex.is_json else str(initial.code)
            message["DetailedStatus"] = initial.name


@conditional(
    "details-of-nth-bulk-message-wrong-to",
    "details of the second and later messages of a bulk name the first message's recipient",
    kills=("details_match_accepted",),
)
def _(ex: MutableResponse) -> None:
    if ex.method == "POST":
        accepted = [m for m in ex.messages() if m.get("Sid")]
        for message in accepted[1:]:
            ex.memory.setdefault("first_to", {})[message["Sid"]] = accepted[0].get("To")
    elif ex.method == "GET":
        for message in ex.messages():
            wrong = ex.memory.get("first_to", {}).get(message.get("Sid"))
            if wrong is not None and wrong != message.get("To"):
                message["To"] = wrong


# -- dates ----------------------------------------------------------------------------------


def _shift(value: Any, seconds: int) -> Any:
    parsed = parse_date(value)
    if parsed is None:
        return value
    return (parsed + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")


def _statuses(final: bool, success: bool | None = None) -> set[str]:
    return {
        s.status
        for s in load_registries().statuses()
        if s.final == final and (success is None or s.success == success)
    }


@conditional(
    "date-sent-while-queued",
    "a message not yet sent already carries a DateSent (its DateCreated)",
    kills=("dates_consistent",),
)
def _(ex: MutableResponse) -> None:
    waiting = _statuses(final=False)
    for message in ex.messages():
        if message.get("Sid") and message.get("Status") in waiting:
            message["DateSent"] = message.get("DateCreated")


@conditional(
    "date-updated-before-created",
    "a final message's DateUpdated is an hour before its DateCreated",
    kills=("dates_consistent",),
)
def _(ex: MutableResponse) -> None:
    for message in ex.messages():
        if message.get("Status") in _statuses(final=True) and message.get("Sid"):
            message["DateUpdated"] = _shift(message.get("DateCreated"), -3600)


@conditional(
    "date-sent-in-india-time",
    "a delivered message's DateSent is in India's zone (+05:30), its other dates in UTC",
    kills=("dates_consistent",),
)
def _(ex: MutableResponse) -> None:
    for message in ex.messages():
        if message.get("Status") in _statuses(final=True, success=True) and message.get("DateSent"):
            message["DateSent"] = _shift(message["DateSent"], 5 * 3600 + 1800)


# -- a callback and its message -------------------------------------------------------------


@conditional(
    "details-disagree-with-callback",
    "a failed message that asked for a StatusCallback is answered delivered by details",
    kills=("callback_matches_details",),
)
def _(ex: MutableResponse) -> None:
    if ex.method == "POST" and ex.form().get("StatusCallback"):
        for message in ex.messages():
            if message.get("Sid"):
                ex.memory.setdefault("callback_sids", set()).add(message["Sid"])
        return
    failed = _statuses(final=True, success=False)
    delivered = next(
        d for d in load_registries().dscs() if d.final and d.status in _statuses(True, True)
    )
    for message in ex.messages():
        if (
            ex.method == "GET"
            and message.get("Sid") in ex.memory.get("callback_sids", set())
            and message.get("Status") in failed
        ):
            message["Status"] = delivered.status
            message["DetailedStatusCode"] = delivered.code if ex.is_json else str(delivered.code)
            message["DetailedStatus"] = delivered.name
            if not message.get("DateSent"):
                message["DateSent"] = message.get("DateUpdated")


# -- the rate limit -------------------------------------------------------------------------

_add(
    Mutant(
        "rate-limit-201",
        "POSTs are throttled after 201 a minute, one more than the published 200",
        config={"post_limit_per_minute": _POST_LIMIT + 1},
        kills=("rate_limit_exact",),
        conditional=True,
    )
)


@conditional(
    "rate-limit-wrong-code",
    "a throttled POST is answered with the GET limit's code",
    kills=("documented_error",),
)
def _(ex: MutableResponse) -> None:
    error = ex.error()
    if ex.method == "POST" and ex.status == 429 and error is not None:
        other = load_registries().http_error("get_rate_limited").code
        error["Code"] = other if ex.is_json else str(other)


@conditional(
    "rate-limit-counts-messages",
    "the POST limit counts messages, not requests: a bulk of 100 is throttled",
    kills=("throttled",),
)
def _(ex: MutableResponse) -> None:
    form = ex.form()
    count = max(
        len(form["To"]) if isinstance(form.get("To"), list) else 1,
        len(form["Messages"]) if isinstance(form.get("Messages"), list) else 1,
    )
    if ex.method == "POST" and ex.status in (200, 207) and count >= 100:
        _error_row(ex, "post_rate_limited")

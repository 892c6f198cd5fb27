"""Semantic checks: what a schema cannot say (pairings, counts, cross-field agreement).

Each check is a small function over one exchange, registered in `CHECKS` by name. The same
functions run in the replay suite, in `validate_response`, and as schemathesis checks (see
`sms_contract.integrations.schemathesis_ext`), so no check is written twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, overload

from sms_contract.contract.registry import Registries, load_registries
from sms_contract.contract.segments import acceptable_units
from sms_contract.contract.violations import Violation, show
from sms_contract.contract.xmlbody import xml_round_trip


@dataclass
class Exchange:
    """One request/response pair as the semantic checks see it (bodies in the JSON shape)."""

    status: int
    data: Any
    operation: str | None = None
    account_sid: str | None = None
    json_body: bool = True
    is_bulk_endpoint: bool = False
    request: dict[str, Any] | None = None
    tolerant: bool = False
    registries: Registries = field(default_factory=load_registries)
    # every SMSMessage of the body with its pointer, found once for all the checks
    messages: list[tuple[str, dict[str, Any]]] = field(init=False, repr=False)
    is_error: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.messages = messages(self.data)
        self.is_error = isinstance(self.data, dict) and isinstance(
            self.data.get("RestException"), dict
        )


Check = Callable[[Exchange], Iterator[Violation]]
CHECKS: dict[str, Check] = {}


# what a check reads, where it reads only one part of the body: "messages" (SMSMessage
# objects) or "error" (a RestException). run_checks skips it for a body without that part,
# which it would pass at once anyway (measured: 5% of replay's time).
NEEDS: dict[str, str] = {}
# the checks that apply, by (the body has messages, the body is an error)
_APPLICABLE: dict[tuple[bool, bool], list[tuple[str, Check]]] = {}


@overload
def check(func: Check) -> Check: ...
@overload
def check(*, needs: str) -> Callable[[Check], Check]: ...
def check(
    func: Check | None = None, *, needs: str | None = None
) -> Check | Callable[[Check], Check]:
    """Register a semantic check under its function name (`needs`: see NEEDS)."""

    def register(func: Check) -> Check:
        CHECKS[func.__name__] = func
        if needs is not None:
            NEEDS[func.__name__] = needs
        _APPLICABLE.clear()
        return func

    return register(func) if func is not None else register


def _violation(
    ex: Exchange, name: str, pointer: str, expected: Any, actual: Any, message: str
) -> Violation:
    return Violation(name, pointer, show(expected), show(actual), message, ex.operation)


def messages(data: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every SMSMessage object in a response body, with its JSON pointer."""
    if isinstance(data, dict):
        single = data.get("SMSMessage")
        return [("/SMSMessage", single)] if isinstance(single, dict) else []
    if isinstance(data, list):
        return [
            (f"/{index}/SMSMessage", item["SMSMessage"])
            for index, item in enumerate(data)
            if isinstance(item, dict) and isinstance(item.get("SMSMessage"), dict)
        ]
    return []


def _failed(registries: Registries, message: dict[str, Any]) -> bool:
    return message.get("Sid") is None or message.get("Status") in registries.failed_statuses


@check(needs="messages")
def detailed_status_matches_status(ex: Exchange) -> Iterator[Violation]:
    """DetailedStatusCode belongs to Status, and DetailedStatus is its name."""
    for pointer, message in ex.messages:
        code = message.get("DetailedStatusCode")
        row = ex.registries.dsc(code) if isinstance(code, int) else None
        if row is None:
            continue  # an unknown code is the schema's finding, not this check's
        if row.status is not None and message.get("Status") != row.status:
            yield _violation(
                ex,
                "detailed_status_matches_status",
                f"{pointer}/Status",
                row.status,
                message.get("Status"),
                f"DetailedStatusCode {code} belongs to Status {row.status}",
            )
        if row.name is not None and message.get("DetailedStatus") != row.name:
            yield _violation(
                ex,
                "detailed_status_matches_status",
                f"{pointer}/DetailedStatus",
                row.name,
                message.get("DetailedStatus"),
                f"DetailedStatusCode {code} is named {row.name}",
            )


@check(needs="messages")
def uri_matches_sid(ex: Exchange) -> Iterator[Violation]:
    """Uri is the path of this message: its account, its Sid, `.json` only in JSON bodies."""
    for pointer, message in ex.messages:
        sid = message.get("Sid")
        if sid is None or "Uri" not in message:
            continue
        account = ex.account_sid or message.get("AccountSid")
        suffix = ".json" if ex.json_body else ""
        expected = f"/v1/Accounts/{account}/SMS/Messages/{sid}{suffix}"
        if message.get("Uri") != expected:
            yield _violation(
                ex,
                "uri_matches_sid",
                f"{pointer}/Uri",
                expected,
                message.get("Uri"),
                "Uri must be the details path of this message",
            )


@check(needs="messages")
def account_sid_matches_path(ex: Exchange) -> Iterator[Violation]:
    """AccountSid in the body is the account SID of the request path."""
    if ex.account_sid is None:
        return
    for pointer, message in ex.messages:
        if message.get("Sid") is None or "AccountSid" not in message:
            continue
        if message.get("AccountSid") != ex.account_sid:
            yield _violation(
                ex,
                "account_sid_matches_path",
                f"{pointer}/AccountSid",
                ex.account_sid,
                message.get("AccountSid"),
                "AccountSid must be the account of the request",
            )


@check(needs="error")
def error_code_matches_status(ex: Exchange) -> Iterator[Violation]:
    """A RestException's Status is the HTTP status, and (Status, Code, Message) is a table row."""
    if not ex.is_error:
        return
    error = ex.data["RestException"]
    status, code, text = error.get("Status"), error.get("Code"), error.get("Message")
    if status != ex.status:
        yield _violation(
            ex,
            "error_code_matches_status",
            "/RestException/Status",
            ex.status,
            status,
            "RestException Status must equal the HTTP status",
        )
    rows = ex.registries.http_error_rows(ex.status, code)
    if not rows:
        documented = sorted(
            {str(e.code) for e in ex.registries.http_errors if e.status == ex.status}
        )
        yield _violation(
            ex,
            "error_code_matches_status",
            "/RestException/Code",
            f"one of {', '.join(documented) or 'nothing'} for HTTP {ex.status}",
            code,
            f"error code {code} is not documented for HTTP {ex.status}",
        )
        return
    if isinstance(text, str) and not any(r.matches(text) for r in rows):
        yield _violation(
            ex,
            "error_code_matches_status",
            "/RestException/Message",
            rows[0].message,
            text,
            f"Message is not the documented text for code {code}",
        )


def recipients(request: dict[str, Any] | None) -> list[str] | None:
    """The recipients of a send request in order, or None when unknown or single."""
    if not request:
        return None
    if isinstance(request.get("Messages"), list):
        return [str(m.get("To", "")) if isinstance(m, dict) else "" for m in request["Messages"]]
    to = request.get("To")
    if isinstance(to, list):
        return [str(t) for t in to]
    return None


_NON_DIGIT = re.compile(r"\D")


def _digits(number: Any) -> str:
    return _NON_DIGIT.sub("", str(number))


def same_number(a: Any, b: Any) -> bool:
    """Equal up to prefixes and masking: the last digits (at most 8) agree."""
    x, y = _digits(a), _digits(b)
    n = min(len(x), len(y), 8)
    return x[-n:] == y[-n:] if n else str(a).strip() == str(b).strip()


@check
def bulk_items_match_request(ex: Exchange) -> Iterator[Violation]:
    """A bulk response has one item per recipient, in request order; a single send one object."""
    if ex.request is None or not 200 <= ex.status < 300:
        return
    wanted = recipients(ex.request)
    if wanted is None:
        if isinstance(ex.data, list) and not ex.is_bulk_endpoint:
            yield _violation(
                ex,
                "bulk_items_match_request",
                "",
                "an object for a single To",
                "an array",
                "a single-recipient send is answered with one SMSMessage object",
            )
        return
    data = ex.data
    if not ex.json_body and len(wanted) == 1 and isinstance(data, dict) and "SMSMessage" in data:
        # XML cannot tell a bulk of one (one repeated <SMSMessage>) from a single answer
        data = [data]
    if not isinstance(data, list):
        yield _violation(
            ex,
            "bulk_items_match_request",
            "",
            f"an array of {len(wanted)} items",
            type(ex.data).__name__,
            "a bulk request is answered with one item per recipient",
        )
        return
    if len(data) != len(wanted):
        yield _violation(
            ex,
            "bulk_items_match_request",
            "",
            f"{len(wanted)} items",
            f"{len(data)} items",
            "a bulk response has exactly one item per recipient",
        )
        return
    for index, (pointer, message) in enumerate(messages(data)):
        got = message.get("To")
        if got is not None and not same_number(got, wanted[index]):
            yield _violation(
                ex,
                "bulk_items_match_request",
                f"{pointer}/To",
                wanted[index],
                got,
                f"item {index} must answer recipient {index} of the request",
            )


@check
def partial_success_status(ex: Exchange) -> Iterator[Violation]:
    """HTTP 207 exactly when a bulk response mixes accepted and failed items."""
    if not isinstance(ex.data, list) or ex.status not in (200, 207):
        return
    items = [m for _, m in ex.messages]
    failed = sum(_failed(ex.registries, m) for m in items)
    if failed and ex.status == 200:
        yield _violation(
            ex,
            "partial_success_status",
            "/status",
            207,
            200,
            f"{failed} of {len(items)} items failed, so the status must be 207 (partial success)",
        )
    if ex.status == 207 and failed == 0:
        yield _violation(
            ex,
            "partial_success_status",
            "/status",
            200,
            207,
            "207 means partial success, but no item failed",
        )


def sent_bodies(request: dict[str, Any] | None) -> list[str] | None:
    """The Body of each message of a send request, in order (one for a single send)."""
    if not request:
        return None
    if isinstance(request.get("Messages"), list):
        return [str(m.get("Body", "")) if isinstance(m, dict) else "" for m in request["Messages"]]
    body = request.get("Body")
    if not isinstance(body, str):
        return None
    to = request.get("To")
    return [body] * len(to) if isinstance(to, list) else [body]


@check(needs="messages")
def body_matches_request(ex: Exchange) -> Iterator[Violation]:
    """Each answered message echoes the Body that was sent for it, character for character."""
    if ex.request is None or not 200 <= ex.status < 300:
        return
    wanted = sent_bodies(ex.request)
    if wanted is None or len(wanted) != len(ex.messages):
        return  # a missing or extra item is bulk_items_match_request's finding
    for (pointer, message), body in zip(ex.messages, wanted, strict=True):
        got = message.get("Body")
        if not ex.json_body:
            body = xml_round_trip(body)
        if got is not None and got != body:
            yield _violation(
                ex,
                "body_matches_request",
                f"{pointer}/Body",
                body,
                got,
                "the answer must echo the Body that was sent for this message",
            )


@check(needs="messages")
def sids_unique(ex: Exchange) -> Iterator[Violation]:
    """No two messages of one answer share a Sid."""
    seen: dict[Any, str] = {}
    for pointer, message in ex.messages:
        sid = message.get("Sid")
        if sid in (None, ""):
            continue
        if sid in seen:
            yield _violation(
                ex,
                "sids_unique",
                f"{pointer}/Sid",
                f"a Sid other than that of {seen[sid]}",
                sid,
                "each accepted message has its own Sid",
            )
        else:
            seen[sid] = pointer


_DATE = "%Y-%m-%d %H:%M:%S"


def parse_date(value: Any) -> dt.datetime | None:
    """An Exotel date (YYYY-MM-DD HH:mm:ss), or None when absent or not in that format."""
    if not isinstance(value, str):
        return None
    return _parse_date(value.strip())


@functools.lru_cache(maxsize=8192)
def _parse_date(text: str) -> dt.datetime | None:
    # strptime is most of dates_consistent's time; a recording repeats its seconds
    try:
        return dt.datetime.strptime(text, _DATE)
    except ValueError:
        return None


def _placeholder(sent: dt.datetime, created: dt.datetime | None) -> bool:
    """The document's not-yet-sent DateSent: the epoch ("1970-01-01 05:30:00", line 602)."""
    return sent.year == 1970 and (created is None or sent < created)


@check(needs="messages")
def dates_consistent(ex: Exchange) -> Iterator[Violation]:
    """DateCreated <= DateSent <= DateUpdated, all in one zone; DateSent exactly when sent.

    DateSent is "the time when the SMS was delivered": present when Status is a successful
    final one, absent (null, or the epoch placeholder of the document's example) otherwise.
    """
    success = {s.status for s in ex.registries.statuses(tolerant=True) if s.final and s.success}
    for pointer, message in ex.messages:
        if message.get("Sid") is None:
            continue
        created = parse_date(message.get("DateCreated"))
        updated = parse_date(message.get("DateUpdated"))
        sent = parse_date(message.get("DateSent"))
        if sent is not None and _placeholder(sent, created):
            sent = None
        if created and updated and updated < created:
            yield _violation(
                ex,
                "dates_consistent",
                f"{pointer}/DateUpdated",
                f"not before DateCreated {message.get('DateCreated')}",
                message.get("DateUpdated"),
                "a message is not updated before it is created",
            )
        delivered = message.get("Status") in success
        if delivered and sent is None and message.get("DateSent") in (None, ""):
            yield _violation(
                ex,
                "dates_consistent",
                f"{pointer}/DateSent",
                "the time of delivery",
                message.get("DateSent"),
                f"a message in Status {message.get('Status')} has a DateSent",
            )
        if not delivered and sent is not None:
            yield _violation(
                ex,
                "dates_consistent",
                f"{pointer}/DateSent",
                "null",
                message.get("DateSent"),
                f"DateSent is when it was delivered; {message.get('Status')} is not delivered",
            )
        if sent is not None and (
            (created is not None and sent < created) or (updated is not None and sent > updated)
        ):
            yield _violation(
                ex,
                "dates_consistent",
                f"{pointer}/DateSent",
                f"between DateCreated {message.get('DateCreated')} and DateUpdated "
                f"{message.get('DateUpdated')}",
                message.get("DateSent"),
                "DateSent lies outside the message's lifetime (another time zone?)",
            )


@check(needs="messages")
def sms_units_match_body(ex: Exchange) -> Iterator[Violation]:
    """SmsUnits is the Body's part count: 160 GSM 7-bit or 70 unicode characters in one SMS,
    153 or 67 per part beyond (tolerant mode also accepts length/160 or /70)."""
    known = ex.request is not None
    requested = ex.request.get("EncodingType") if ex.request else None
    for pointer, message in ex.messages:
        units, body = message.get("SmsUnits"), message.get("Body")
        if not isinstance(units, int) or isinstance(units, bool) or not isinstance(body, str):
            continue
        allowed = acceptable_units(
            body,
            requested if isinstance(requested, str) else None,
            known=known,
            tolerant=ex.tolerant,
        )
        if units not in allowed:
            yield _violation(
                ex,
                "sms_units_match_body",
                f"{pointer}/SmsUnits",
                " or ".join(str(u) for u in sorted(allowed)),
                units,
                f"a Body of {len(body)} characters is that many SMS units",
            )


def run_checks(exchange: Exchange, names: list[str] | None = None) -> list[Violation]:
    """Run the registered semantic checks (all, or those named) on one exchange."""
    situation = (bool(exchange.messages), exchange.is_error)
    applicable = _APPLICABLE.get(situation)
    if applicable is None:
        present = {"messages": situation[0], "error": situation[1]}
        applicable = _APPLICABLE[situation] = [
            (name, func) for name, func in CHECKS.items() if present.get(NEEDS.get(name, ""), True)
        ]
    out: list[Violation] = []
    for name, func in applicable:
        if names is None or name in names:
            out.extend(func(exchange))
    return out

"""The live conformance scenarios: one per documented behaviour, error row and final code.

A scenario drives the target through a `Run`, which validates every response against the
contract and collects what the scenario itself expects (documented status, error row, the Sid
found again by details). Scenario ids are stable: they are test ids and report rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sms_contract.checks.ledger import LEDGER_CHECKS
from sms_contract.checks.validate import response_data, validate_callback, validate_response
from sms_contract.conformance.receiver import CallbackReceiver, ReceivedCallback
from sms_contract.conformance.session import AuthChoice, Call, Form, Session
from sms_contract.conformance.target import Target, advance_clock
from sms_contract.conformance.triggers import BODY, SENDER, triggers
from sms_contract.contract.forms import FormError, decode_form
from sms_contract.contract.registry import HttpError, load_registries, number_for
from sms_contract.contract.schemastore import Mode
from sms_contract.contract.violations import AcceptedVariant, Report, Violation, show

SUFFIXES = {"xml": "", "json": ".json"}
# the checks scenarios report themselves, beside those of validate_response / validate_callback
SCENARIO_CHECKS = (
    "expected_status",
    "documented_error",
    "sid_returned",
    "sid_found_by_details",
    "reaches_final_state",
    "test_number_outcome",
    "callback_delivered",
    "callback_matches_message",
    "rate_limit_exact",
    "throttled",
    *LEDGER_CHECKS,
)


@dataclass
class Checked:
    """One exchange of a scenario: the call, what the checks library read of it, and the
    violations found on it (the contract's, when it was checked, and the scenario's own)."""

    call: Call
    report: Report
    findings: list[Violation] = field(default_factory=list)


class Run:
    """What one scenario did: its calls, the violations found, the variants accepted."""

    def __init__(self, session: Session, mode: Mode, operation: str) -> None:
        self.session = session
        self.target = session.target
        self.mode = mode
        self.operation = operation
        self.calls: list[Call] = []
        self.violations: list[Violation] = []
        self.accepted: list[AcceptedVariant] = []
        # for the coverage model: every exchange, and each callback received (its report and
        # whether the scenario found it wrong)
        self.exchanges: list[Checked] = []
        self.callbacks: list[tuple[Report, bool]] = []
        # the first answer 429 where the scenario did not ask for one: the target throttled
        self.throttled: Call | None = None
        self.expects_throttling = False

    def call(
        self,
        method: str,
        url: str,
        *,
        form: Form | None = None,
        auth: AuthChoice = "default",
        validate: bool = True,
    ) -> Call:
        """Make a request; unless told otherwise, check the response against the contract.

        Unchecked calls (a deliberate path outside the contract, a rate-limit probe's repeats)
        are still read, for the coverage model, but their findings are not the scenario's."""
        call = self.session.request(method, url, form=form, auth=auth)
        self.calls.append(call)
        report = validate_response(
            method,
            call.url,
            call.status,
            call.headers,
            call.body,
            mode=self.mode,
            request_body=call.request_body,
        )
        checked = Checked(call, report)
        self.exchanges.append(checked)
        if validate:
            self.violations.extend(report)
            self.accepted.extend(report.accepted)
            checked.findings.extend(report)
            before = len(self.violations)
            self._ledger(call)
            checked.findings.extend(self.violations[before:])
        if call.status == 429 and not self.expects_throttling and self.throttled is None:
            self.throttled = call
        return call

    def found_on(self, call: Call, since: int) -> None:
        """The violations recorded from index `since` on concern `call`."""
        for checked in reversed(self.exchanges):
            if checked.call is call:
                checked.findings.extend(self.violations[since:])
                return

    def _ledger(self, call: Call) -> None:
        """Feed the run's ledger: accepted messages, and details of them."""
        ledger = self.session.ledger
        is_json = call.url.endswith(".json")
        operation = _operation_of(call.method, call.url) + (".json" if is_json else "")
        if call.method == "POST" and call.status in (200, 207):
            try:
                request = decode_form(call.request_body or "")
            except FormError:
                return
            found = ledger.sent(operation, request, self.data(call), is_json)
            self.violations.extend(found)
        elif call.method == "GET" and call.status == 200 and "/Messages/" in call.url:
            sid = call.url.rsplit("/", 1)[-1].removesuffix(".json")
            self.violations.extend(ledger.details(operation, sid, self.data(call), is_json))

    def confirm(self, sids: list[str], suffix: str) -> None:
        """Details of each accepted Sid not yet looked up: it must be found, the same message."""
        for sid in self.session.ledger.unconfirmed(sids):
            details = self.call("GET", f"/SMS/Messages/{sid}{suffix}")
            if self.expect_status(details, 200):
                found = self.message(details).get("Sid")
                self.expect(
                    found == sid,
                    "sid_found_by_details",
                    "/SMSMessage/Sid",
                    sid,
                    found,
                    "details of a Sid that send returned must be that message",
                )

    def accepted_sids(self, call: Call) -> list[str]:
        """The Sids of the messages an answer accepted, in order."""
        data = self.data(call)
        items = data if isinstance(data, list) else [data]
        out = []
        for item in items:
            message = item.get("SMSMessage") if isinstance(item, dict) else None
            if isinstance(message, dict) and isinstance(message.get("Sid"), str):
                out.append(message["Sid"])
        return out

    def expect(
        self, ok: bool, check: str, pointer: str, expected: Any, actual: Any, message: str
    ) -> bool:
        """Record a violation unless `ok`; return `ok`."""
        if not ok:
            self.violations.append(
                Violation(
                    check,
                    pointer,
                    show(expected),
                    show(actual, quote=True),
                    message,
                    self.operation,
                )
            )
        return ok

    def data(self, call: Call) -> Any:
        """The response body in the JSON shape, or None when it does not parse."""
        return response_data(call.method, call.url, call.status, call.headers, call.body, self.mode)

    def expect_status(self, call: Call, *statuses: int) -> bool:
        since = len(self.violations)
        ok = self.expect(
            call.status in statuses,
            "expected_status",
            "/status",
            " or ".join(map(str, statuses)),
            call.status,
            f"{self.operation} must be answered with HTTP " + " or ".join(map(str, statuses)),
        )
        self.found_on(call, since)
        return ok

    def message(self, call: Call) -> dict[str, Any]:
        """The SMSMessage object of a single-message response ({} when absent)."""
        data = self.data(call)
        found = data.get("SMSMessage") if isinstance(data, dict) else None
        return found if isinstance(found, dict) else {}

    def expect_error(self, call: Call, row: HttpError) -> None:
        """The response is the documented error row: HTTP status, Code and Message."""
        since = len(self.violations)
        try:
            self._expect_error(call, row)
        finally:
            self.found_on(call, since)

    def _expect_error(self, call: Call, row: HttpError) -> None:
        if not self.expect_status(call, row.status):
            return
        data = self.data(call)
        error = data.get("RestException") if isinstance(data, dict) else None
        if not self.expect(
            isinstance(error, dict),
            "documented_error",
            "/RestException",
            "a RestException",
            show(data, 60),
            f"error {row.id} is answered with a RestException",
        ):
            return
        assert isinstance(error, dict)
        self.expect(
            error.get("Code") == row.code,
            "documented_error",
            "/RestException/Code",
            row.code,
            error.get("Code"),
            f"{row.when} must be error code {row.code} ({row.id})",
        )
        text = error.get("Message")
        self.expect(
            isinstance(text, str) and row.matches(text),
            "documented_error",
            "/RestException/Message",
            row.message,
            text,
            f"the documented message of {row.id}",
        )


@dataclass(frozen=True)
class Scenario:
    """One documented behaviour to check on a target."""

    id: str
    operation: str
    title: str
    run: Callable[[Run], None]
    # at most this many requests (the budget is checked before the scenario starts)
    cost: int = 1
    needs: frozenset[str] = field(default_factory=frozenset)
    kind: str = "behaviour"
    # whether its client traffic makes a cassette the replay suite can check: paths outside
    # openapi.yaml and deliveries to a local receiver do not
    recordable: bool = True
    # scenarios of one key share an account on the simulator (others get one each)
    account: str | None = None

    @property
    def account_key(self) -> str:
        return self.account or self.id

    def applies_to(self, target: Target) -> str | None:
        """None when the scenario can run on `target`, else why not."""
        if "test_numbers" in self.needs and not target.test_numbers:
            return "needs a target that honours the simulator's test numbers"
        if "local_receiver" in self.needs and not target.local_receiver:
            return "needs a target that can reach a callback receiver on this machine"
        if "control_api" in self.needs and not target.adds_accounts:
            return "needs the reference simulator's control API to set the account's state"
        return None


def _send_form(target: Target, to: str | None = None, *extra: tuple[str, str]) -> Form:
    return (("From", SENDER), ("To", to or target.recipient(0)), ("Body", BODY), *extra)


def _send_then_details(suffix: str) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        sent = r.call("POST", f"/Sms/send{suffix}", form=_send_form(r.target))
        if not r.expect_status(sent, 200):
            return
        sid = r.message(sent).get("Sid")
        if not r.expect(
            isinstance(sid, str) and bool(sid),
            "sid_returned",
            "/SMSMessage/Sid",
            "a Sid",
            sid,
            "an accepted message has a Sid",
        ):
            return
        details = r.call("GET", f"/SMS/Messages/{sid}{suffix}")
        if r.expect_status(details, 200):
            found = r.message(details).get("Sid")
            r.expect(
                found == sid,
                "sid_found_by_details",
                "/SMSMessage/Sid",
                sid,
                found,
                "details of the Sid that send returned must be that message",
            )

    return run


def _bulk(suffix: str, dynamic: bool, partial: bool) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        numbers = [r.target.recipient(i) for i in range(3)]
        if partial:
            numbers[1] = "not-a-number"
        if dynamic:
            form: Form = (
                ("From", SENDER),
                *(
                    pair
                    for i, n in enumerate(numbers)
                    for pair in ((f"Messages[{i}][To]", n), (f"Messages[{i}][Body]", f"{BODY} {i}"))
                ),
            )
            path = f"/Sms/bulksend{suffix}"
        else:
            form = (("From", SENDER), ("Body", BODY), *(("To[]", n) for n in numbers))
            path = f"/Sms/send{suffix}"
        response = r.call("POST", path, form=form)
        r.expect_status(response, 207 if partial else 200)

    return run


def _error(error_id: str, suffix: str) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        trigger = triggers(r.target)[error_id]
        row = load_registries().http_error(error_id)
        url = trigger.url(r.target, suffix)
        # requests of this account already spent in the current minute (none on a fresh one)
        spent = r.session.posts_in_last_minute() if trigger.method == "POST" else 0
        count = 0
        for _ in range(trigger.repeat):
            call = r.call(
                trigger.method,
                url,
                form=trigger.form,
                auth=trigger.auth,
                validate=trigger.in_contract and trigger.repeat == 1,
            )
            count += 1
            if call.status == row.status:
                break
        if trigger.repeat > 1 and trigger.in_contract:
            report = validate_response(
                call.method, call.url, call.status, call.headers, call.body, mode=r.mode
            )
            since = len(r.violations)
            r.violations.extend(report)
            r.found_on(call, since)
        if row.limit_published and row.limit_per_minute:
            _exact_limit(r, row, count, call.status == row.status, spent)
        r.expect_error(call, row)

    return run


def _exact_limit(r: Run, row: HttpError, count: int, throttled: bool, spent: int) -> None:
    """The published limit, exactly: requests 1..N are served, request N+1 is the 429.

    On the simulator each scenario has a fresh account, so N is the published limit; on
    another target N is what is left of it after this run's own requests of the last minute
    (a target's other traffic cannot be seen, so there only throttling earlier is a finding).
    """
    if not r.target.published_limits:
        return
    limit = row.limit_per_minute or 0
    first_429 = count if throttled else None
    left = max(limit - spent, 0)
    if r.target.adds_accounts:
        r.expect(
            first_429 == left + 1,
            "rate_limit_exact",
            "/status",
            f"requests 1-{left} served, request {left + 1} answered {row.status}"
            + (f" ({spent} already made this minute)" if spent else ""),
            f"first {row.status} at request {first_429}" if first_429 else f"no {row.status}",
            f"the published limit is {limit} requests a minute ({row.id})",
        )
    elif first_429 is not None:
        r.expect(
            first_429 > left,
            "rate_limit_exact",
            "/status",
            f"no {row.status} before request {left + 1}",
            f"{row.status} at request {first_429}",
            f"the published limit is {limit} requests a minute; this run had made {spent}",
        )


def _final(r: Run, sid: str, suffix: str, timeout: float) -> dict[str, Any]:
    """Poll details until the message is final (or `timeout` passes); its last SMSMessage.

    Polling stops early when the answer is not a message in a known Status: waiting cannot
    make it conform, and the details call has already recorded why.
    """
    statuses = load_registries().statuses(tolerant=True)
    known = {s.status for s in statuses}
    finals = {s.status for s in statuses if s.final}
    deadline = time.monotonic() + timeout
    waited = 0
    while True:
        details = r.call("GET", f"/SMS/Messages/{sid}{suffix}")
        message = r.message(details)
        status = message.get("Status")
        if status in finals or status not in known:
            return message
        if r.target.adds_accounts:
            # the simulator's clock moves on instead of this machine waiting: no verdict
            # depends on how busy the machine is
            waited += 1
            if waited > timeout:
                return message
            advance_clock(r.session.client, r.target, 1.0)
        elif time.monotonic() >= deadline:
            return message
        else:
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))


# at most this many details polls per lifecycle scenario (one a second, see Target.patience)
MAX_POLLS = 30


def _lifecycle(code: int | None) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        to = number_for(code) if code is not None else r.target.recipient(0)
        sent = r.call("POST", "/Sms/send.json", form=_send_form(r.target, to))
        sid = r.message(sent).get("Sid")
        if not (r.expect_status(sent, 200) and isinstance(sid, str)):
            return
        message = _final(r, sid, ".json", r.target.patience)
        finals = {s.status for s in load_registries().statuses(tolerant=True) if s.final}
        if not r.expect(
            message.get("Status") in finals,
            "reaches_final_state",
            "/SMSMessage/Status",
            "a final Status",
            message.get("Status"),
            f"the message must be final within {r.target.patience:g} s",
        ):
            return
        # a final message stays final: the next poll must not answer an earlier state
        # (the run's ledger compares the two polls)
        r.call("GET", f"/SMS/Messages/{sid}.json")
        if code is not None:
            r.expect(
                message.get("DetailedStatusCode") == code,
                "test_number_outcome",
                "/SMSMessage/DetailedStatusCode",
                code,
                message.get("DetailedStatusCode"),
                f"a message to test number {to} ends in DetailedStatusCode {code}",
            )

    return run


def first_callback(
    r: Run, deliveries: list[ReceivedCallback], expected: str, why: str
) -> tuple[ReceivedCallback, Report, int] | None:
    """The first delivery, checked as an Exotel callback (its violations added to the run),
    with its report and where its violations start; None, reported, when none came."""
    if not r.expect(
        len(deliveries) >= 1,
        "callback_delivered",
        "",
        expected,
        f"{len(deliveries)} deliveries",
        why,
    ):
        return None
    delivery = deliveries[0]
    report = validate_callback("exotel", delivery.body, delivery.content_type, r.mode)
    since = len(r.violations)
    r.violations.extend(report)
    r.accepted.extend(report.accepted)
    return delivery, report, since


def _status_callback(code: int | None) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        to = number_for(code) if code is not None else r.target.recipient(0)
        with CallbackReceiver() as receiver:
            sent = r.call(
                "POST",
                "/Sms/send.json",
                form=_send_form(
                    r.target,
                    to,
                    ("StatusCallback", receiver.url),
                    ("CustomField", "sms-contract"),
                ),
            )
            sid = r.message(sent).get("Sid")
            if not (r.expect_status(sent, 200) and isinstance(sid, str)):
                return
            deliveries = receiver.wait(1, r.target.patience)
        got = first_callback(
            r,
            deliveries,
            "one StatusCallback POST",
            f"a StatusCallback must arrive within {r.target.patience:g} s of the final state",
        )
        if got is None:
            return
        delivery, report, since = got
        fields = delivery.form()
        # the callback agrees with what details says of the message once final
        _final(r, sid, ".json", r.target.patience)
        r.violations.extend(r.session.ledger.callback(r.operation, fields))
        r.expect(
            fields.get("SmsSid") == sid,
            "callback_matches_message",
            "/SmsSid",
            sid,
            fields.get("SmsSid"),
            "the callback names the message that was sent",
        )
        if code is not None:
            r.expect(
                fields.get("DetailedStatusCode") == str(code),
                "callback_matches_message",
                "/DetailedStatusCode",
                code,
                fields.get("DetailedStatusCode"),
                "the callback carries the final DetailedStatusCode",
            )
        r.callbacks.append((report, len(r.violations) > since))

    return run


SEND = "POST /v1/Accounts/{AccountSid}/Sms/send"
BULKSEND = "POST /v1/Accounts/{AccountSid}/Sms/bulksend"
DETAILS = "GET /v1/Accounts/{AccountSid}/SMS/Messages/{SmsSid}"


def _operation_of(method: str, path: str) -> str:
    if "bulksend" in path:
        return BULKSEND
    if "/Messages/" in path:
        return DETAILS
    return SEND if method == "POST" else f"{method} {path}"


def all_scenarios() -> list[Scenario]:
    """Every scenario, cheap behaviours first and the rate-limit probes last."""
    registries = load_registries()
    out: list[Scenario] = []
    for fmt, suffix in SUFFIXES.items():
        out.append(
            Scenario(
                f"send[{fmt}]",
                SEND + suffix,
                "send, then find it by details",
                _send_then_details(suffix),
                cost=2,
            )
        )
        for dynamic, name, op in ((False, "static-bulk", SEND), (True, "dynamic-bulk", BULKSEND)):
            out.append(
                Scenario(
                    f"{name}[{fmt}]",
                    op + suffix,
                    f"{name}: one item per recipient",
                    _bulk(suffix, dynamic, partial=False),
                )
            )
            out.append(
                Scenario(
                    f"{name}-partial-207[{fmt}]",
                    op + suffix,
                    f"{name} with one invalid number: 207 partial success",
                    _bulk(suffix, dynamic, partial=True),
                )
            )
    sample = triggers(Target("http://x", "x"))
    for row in registries.http_errors:
        if row.trigger != "request":
            continue
        trigger = sample[row.id]
        for fmt, suffix in SUFFIXES.items():
            path = trigger.path.format(sid="{AccountSid}")
            out.append(
                Scenario(
                    f"error-{row.id}[{fmt}]",
                    _operation_of(trigger.method, path) + suffix,
                    f"HTTP {row.status} {row.code or ''} {row.when}".replace("  ", " "),
                    _error(row.id, suffix),
                    cost=trigger.repeat,
                    kind="rate-limit" if trigger.repeat > 1 else "error",
                    recordable=trigger.in_contract,
                    account=row.id if trigger.repeat > 1 else None,
                )
            )
    polls = MAX_POLLS + 1
    out.append(
        Scenario(
            "lifecycle",
            DETAILS + ".json",
            "a message reaches a final state",
            _lifecycle(None),
            cost=polls + 2,
            kind="lifecycle",
        )
    )
    for dsc in registries.dscs():
        if dsc.final and dsc.reached == "delivery":
            out.append(
                Scenario(
                    f"lifecycle-{dsc.code}",
                    DETAILS + ".json",
                    f"test number {number_for(dsc.code)} ends in {dsc.code} {dsc.name}",
                    _lifecycle(dsc.code),
                    cost=polls + 2,
                    needs=frozenset({"test_numbers"}),
                    kind="lifecycle",
                )
            )
    out.append(
        Scenario(
            "status-callback",
            "webhook exotelStatusCallback",
            "StatusCallback: a form POST with the documented fields",
            _status_callback(None),
            cost=MAX_POLLS + 2,
            needs=frozenset({"local_receiver"}),
            kind="callback",
            recordable=False,
        )
    )
    failure = registries.failure_dscs()[0]
    out.append(
        Scenario(
            f"status-callback-{failure.code}",
            "webhook exotelStatusCallback",
            f"StatusCallback of a failed message ({failure.code} {failure.name})",
            _status_callback(failure.code),
            cost=MAX_POLLS + 2,
            needs=frozenset({"local_receiver", "test_numbers"}),
            kind="callback",
            recordable=False,
        )
    )
    from sms_contract.conformance.boundaries import boundary_scenarios
    from sms_contract.conformance.steered import steered_scenarios

    out += boundary_scenarios()
    out += steered_scenarios()
    order = {"behaviour": 0, "error": 1, "lifecycle": 2, "callback": 3, "rate-limit": 4}
    return sorted(out, key=lambda s: order[s.kind])


def select(scenarios: list[Scenario], patterns: list[str]) -> Iterator[Scenario]:
    """Scenarios whose id contains any of `patterns` (all when there are none)."""
    for scenario in scenarios:
        if not patterns or any(p in scenario.id for p in patterns):
            yield scenario

"""Scenarios that reach the rest of what the contract documents: every error row on every
operation it applies to, the intermediate states, and the click-tracking callback.

A request alone causes the authentication errors and an unknown account on any operation, so
those run on every target. Account states (a trial account, no balance, an inactive account),
provider faults, a message caught between states and a click on a short URL cannot be caused
by a request: on the reference simulator its control API (`/_control`) puts the account or the
message in that state first, so these scenarios need a target with that API. The error rows,
the statuses and the codes are read from the registries, never typed here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sms_contract.conformance.receiver import CallbackReceiver
from sms_contract.conformance.scenarios import (
    BULKSEND,
    DETAILS,
    SEND,
    SUFFIXES,
    Run,
    Scenario,
    first_callback,
)
from sms_contract.conformance.session import AuthChoice, Form
from sms_contract.conformance.triggers import BODY, SENDER
from sms_contract.contract.registry import DetailedStatusCode, HttpError, load_registries

# the rows a request alone causes on any operation (its credentials, or an unknown account);
# `conformance.scenarios` checks them on send, these scenarios on the other operations
ANY_OPERATION = frozenset(
    {"auth_missing", "auth_invalid", "auth_not_alphanumeric", "forbidden_resource"}
)
# which operations a row's scope names
SCOPES = {"send": (SEND, BULKSEND), "details": (DETAILS,), "any": (SEND, BULKSEND, DETAILS)}
NO_SUCH_SID = "sms0contract0no0such0sid"
CONTROL = frozenset({"control_api"})


def _request(
    r: Run, operation: str, suffix: str, account: str | None = None
) -> tuple[str, str, Form | None]:
    """(method, url, form) of a harmless request to `operation` (a valid send, a valid
    dynamic bulk of one message, details of a Sid that names no message)."""
    root = r.target.api if account is None else f"{r.target.base}/v1/Accounts/{account}"
    if operation == DETAILS:
        return "GET", f"{root}/SMS/Messages/{NO_SUCH_SID}{suffix}", None
    to = r.target.recipient(0)
    if operation == BULKSEND:
        form: Form = (("From", SENDER), ("Messages[0][To]", to), ("Messages[0][Body]", BODY))
        return "POST", f"{root}/Sms/bulksend{suffix}", form
    return "POST", f"{root}/Sms/send{suffix}", (("From", SENDER), ("To", to), ("Body", BODY))


def _auth(r: Run, row_id: str) -> AuthChoice:
    """The credentials that cause `row_id` (the target's own for the other rows)."""
    if row_id == "auth_missing":
        return "none"
    if row_id == "auth_invalid":
        return (r.target.auth[0] if r.target.auth else "key", "wrongtoken0")
    if row_id == "auth_not_alphanumeric":
        return ("bad-key", "x-y")
    return "default"


def _request_error(row: HttpError, operation: str, suffix: str) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        account = f"{r.target.account_sid}x0" if row.id == "forbidden_resource" else None
        method, url, form = _request(r, operation, suffix, account)
        call = r.call(method, url, form=form, auth=_auth(r, row.id))
        r.expect_error(call, row)

    return run


def control(r: Run, path: str, body: dict[str, Any]) -> Any:
    """POST to the simulator's control API (test steering: not a request of the contract, so
    it is neither checked, counted against the budget nor recorded)."""
    response = r.session.client.post(f"{r.target.base}/_control/{path}", json=body)
    response.raise_for_status()
    return response.json()


def _account_error(row: HttpError, operation: str, suffix: str) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        method, url, form = _request(r, operation, suffix)
        scope = "details" if method == "GET" else "send"
        control(r, "errors", {"error": row.id, "scope": scope, "account": r.target.account_sid})
        r.expect_error(r.call(method, url, form=form), row)

    return run


def _intermediate_states(suffix: str) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        sent = r.call("POST", "/Sms/send.json", form=_request(r, SEND, ".json")[2])
        sid = r.message(sent).get("Sid")
        if not (r.expect_status(sent, 200) and isinstance(sid, str)):
            return
        for dsc in _steps():
            control(r, f"messages/{sid}/state", {"code": dsc.code})
            details = r.call("GET", f"/SMS/Messages/{sid}{suffix}")
            message = r.message(details)
            r.expect(
                (message.get("Status"), message.get("DetailedStatusCode"))
                == (dsc.status, dsc.code),
                "reports_current_state",
                "/SMSMessage/DetailedStatusCode",
                f"{dsc.status} {dsc.code}",
                f"{message.get('Status')} {message.get('DetailedStatusCode')}",
                f"details of a message in state {dsc.code} {dsc.name} report that state",
            )

    return run


def _steps() -> list[DetailedStatusCode]:
    """The non-final DetailedStatusCodes of the reference table, in order."""
    return [d for d in load_registries().dscs() if not d.final]


def _click_tracking(r: Run) -> None:
    with CallbackReceiver() as receiver:
        form = (
            *(_request(r, SEND, ".json")[2] or ()),
            ("ShortenUrl", "true"),
            ("ShortenUrlParams[ClickTrackingCallbackUrl]", receiver.url),
        )
        form = tuple((k, f"{v} https://example.com/offer" if k == "Body" else v) for k, v in form)
        sent = r.call("POST", "/Sms/send.json", form=form)
        sid = r.message(sent).get("Sid")
        if not (r.expect_status(sent, 200) and isinstance(sid, str)):
            return
        control(r, f"messages/{sid}/click", {})
        deliveries = receiver.wait(1, r.target.patience)
    got = first_callback(
        r,
        deliveries,
        "one click-tracking callback",
        f"a click on the short URL must be reported within {r.target.patience:g} s",
    )
    if got is None:
        return
    _, report, since = got
    r.expect(
        report.operation == "exotel-click callback",
        "click_callback_recognised",
        "",
        "the click-tracking callback's fields",
        report.operation,
        "the delivery is a click-tracking callback",
    )
    r.callbacks.append((report, len(r.violations) > since))


def steered_scenarios() -> list[Scenario]:
    """Every error row on each operation of its scope, the intermediate states, the click."""
    registries = load_registries()
    out: list[Scenario] = []
    for row in registries.http_errors:
        operations = SCOPES[row.scope]
        for fmt, suffix in SUFFIXES.items():
            for operation in operations:
                # `error-throttled[bulksend-json]`: `-k send[json]` must not select it
                where = {SEND: "", BULKSEND: "bulksend-", DETAILS: "details-"}[operation]
                if row.id in ANY_OPERATION and operation != SEND:
                    run, needs = _request_error(row, operation, suffix), frozenset[str]()
                elif row.trigger in ("account", "internal"):
                    run, needs = _account_error(row, operation, suffix), CONTROL
                else:
                    continue
                out.append(
                    Scenario(
                        f"error-{row.id}[{where}{fmt}]",
                        operation + suffix,
                        f"HTTP {row.status} {row.code or ''} {row.when}".replace("  ", " "),
                        run,
                        needs=needs,
                        kind="error",
                    )
                )
    for fmt, suffix in SUFFIXES.items():
        out.append(
            Scenario(
                f"intermediate-states[{fmt}]",
                DETAILS + suffix,
                "details report each state before the final one",
                _intermediate_states(suffix),
                cost=1 + len(_steps()),
                needs=CONTROL,
                kind="lifecycle",
            )
        )
    out.append(
        Scenario(
            "click-tracking-callback",
            "webhook exotelClickTrackingCallback",
            "a click on a shortened URL is reported to ClickTrackingCallbackUrl",
            _click_tracking,
            needs=CONTROL | {"local_receiver"},
            kind="callback",
            recordable=False,
        )
    )
    return out

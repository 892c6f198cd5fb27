"""Scenarios at the edges: bulk sizes, Body lengths at the split points, every documented
optional parameter value, characters that break serialisers, callbacks of bulk messages.

Each answer is compared field by field with what was sent (the semantic checks of
`validate_response` with the request: one item per recipient in order, each echoing its Body,
no Sid twice) and every accepted message is looked up by details (the run's ledger: same Sid,
To and Body; SmsUnits by the split rule once final).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

from sms_contract.conformance.receiver import CallbackReceiver
from sms_contract.conformance.scenarios import (
    BULKSEND,
    SEND,
    SUFFIXES,
    Run,
    Scenario,
    _final,
)
from sms_contract.conformance.session import Form
from sms_contract.conformance.target import Target
from sms_contract.conformance.triggers import BODY, SENDER, limits
from sms_contract.contract.registry import load_registries
from sms_contract.contract.resources import schemas_dir
from sms_contract.contract.segments import sms_encoding


def _static(target: Target, size: int, body: str = BODY, *extra: tuple[str, str]) -> Form:
    return (
        ("From", SENDER),
        ("Body", body),
        *(("To[]", target.recipient(i)) for i in range(size)),
        *extra,
    )


def _dynamic(
    target: Target,
    bodies: list[str],
    *extra: tuple[str, str],
    per_message: tuple[tuple[str, str], ...] = (),
    sender: bool = True,
) -> Form:
    pairs: list[tuple[str, str]] = [("From", SENDER)] if sender else []
    for i, body in enumerate(bodies):
        pairs += [(f"Messages[{i}][To]", target.recipient(i)), (f"Messages[{i}][Body]", body)]
        pairs += [(f"Messages[{i}][{name}]", value) for name, value in per_message]
    return (*pairs, *extra)


def _single(target: Target, body: str = BODY, *extra: tuple[str, str]) -> Form:
    return (("From", SENDER), ("To", target.recipient(0)), ("Body", body), *extra)


def _accepted(r: Run, path: str, form: Form, suffix: str, status: int = 200) -> list[str]:
    """POST `form`; expect `status`; look every accepted message up by details."""
    call = r.call("POST", f"{path}{suffix}", form=form)
    if not r.expect_status(call, status):
        return []
    sids = r.accepted_sids(call)
    r.confirm(sids, suffix)
    return sids


# -- bulk sizes -----------------------------------------------------------------------------


def _bulk_size(suffix: str, dynamic: bool, size: int) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        _, static_max, dynamic_max = limits()
        if dynamic:
            # distinct bodies, so that order and pairing are visible
            form = _dynamic(r.target, [f"{BODY} #{i}" for i in range(size)])
            path, too_many, error = "/Sms/bulksend", size > dynamic_max, "dynamic_bulk_too_many"
        else:
            form = _static(r.target, size)
            path, too_many, error = "/Sms/send", size > static_max, "static_bulk_too_many"
        if too_many:
            call = r.call("POST", f"{path}{suffix}", form=form)
            r.expect_error(call, load_registries().http_error(error))
            return
        _accepted(r, path, form, suffix)

    return run


STATIC_SIZES = (1, 2, 100, 101)
DYNAMIC_SIZES = (1, 11, 100, 101)
# sizes past what a real recipient list should receive run only on targets with test numbers
_MANY = 11


def _missing_body(suffix: str) -> Callable[[Run], None]:
    """Code samples 51-57: a dynamic bulk whose second message has an empty Body is answered
    207, that item failed with the registry's missing-body code and its To echoed."""

    def run(r: Run) -> None:
        form = _dynamic(r.target, [f"{BODY} #0", ""])
        call = r.call("POST", f"/Sms/bulksend{suffix}", form=form)
        if not r.expect_status(call, 207):
            return
        data = r.data(call)
        items = data if isinstance(data, list) else []
        failed = items[1].get("SMSMessage") if len(items) == 2 else None
        code = load_registries().dsc_for_situation("missing-body")
        actual = failed.get("DetailedStatusCode") if isinstance(failed, dict) else None
        r.expect(
            str(actual) == str(code.code),
            "missing_body_item",
            "/1/SMSMessage/DetailedStatusCode",
            code.code,
            actual,
            f"a message without Body fails with {code.code} {code.name}",
        )
        r.confirm(r.accepted_sids(call), suffix)

    return run


def _without_sender(suffix: str) -> Callable[[Run], None]:
    """bulksend's From is optional (the account's default sender is used)."""

    def run(r: Run) -> None:
        form = _dynamic(r.target, [f"{BODY} #0", f"{BODY} #1"], sender=False)
        _accepted(r, "/Sms/bulksend", form, suffix)

    return run


# -- Body lengths at the split points -------------------------------------------------------


def _text(alphabet: str, length: int) -> str:
    return (alphabet * (length // len(alphabet) + 1))[:length]


def body_lengths() -> list[tuple[str, str, str | None]]:
    """(label, Body, EncodingType) on both sides of every split point."""
    encoding = sms_encoding()
    plain, unicode = encoding.rules["plain"], encoding.rules["unicode"]
    gsm = "sms-contract GSM body "
    deva = "नमस्ते दुनिया "
    ext = sorted(encoding.extension - {"\f"})[0]
    body_max, _, _ = limits()
    out: list[tuple[str, str, str | None]] = []
    for n in (plain.single, plain.single + 1, 2 * plain.part, 2 * plain.part + 1):
        out.append((f"gsm-{n}", _text(gsm, n), None))
    # an extension character is two septets: one message at 160 septets, two at 161
    for n in (plain.single, plain.single + 1):
        out.append((f"gsm-extension-{n}", _text("x", n - 2) + ext, None))
    for n in (unicode.single, unicode.single + 1, 2 * unicode.part, 2 * unicode.part + 1):
        out.append((f"unicode-{n}", _text(deva, n), None))
    # an emoji is two UTF-16 code units
    for n in (unicode.single, unicode.single + 2):
        out.append((f"emoji-{n}", "😀" * (n // 2), None))
    # EncodingType=unicode counts a GSM body as unicode
    out.append(
        (f"encoding-unicode-{unicode.single + 1}", _text(gsm, unicode.single + 1), "unicode")
    )
    out.append((f"gsm-{body_max}", _text(gsm, body_max), None))
    return out


def _body_length(suffix: str, body: str, encoding: str | None) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        extra = (("EncodingType", encoding),) if encoding else ()
        sids = _accepted(r, "/Sms/send", _single(r.target, body, *extra), suffix)
        for sid in sids:
            final = _final(r, sid, suffix, r.target.patience)
            units = final.get("SmsUnits")
            r.expect(
                isinstance(units, int) and not isinstance(units, bool),
                "sms_units_match_body",
                "/SMSMessage/SmsUnits",
                "the number of SMS units",
                units,
                "a final message reports its SmsUnits",
            )

    return run


# -- characters that break serialisers ------------------------------------------------------

CHARACTERS: dict[str, str] = {
    "markup": 'Tom & Jerry <b>"quoted"</b> it\'s > 2 < 3',
    "emoji": "Thanks 😀👍🏽 see you 🚀",
    "devanagari": "आपका ओटीपी 4821 है",
    "newline": "line one\nline two\nline three",
    "plus": "1+1=2 call +919900000001",
    "percent": "100% off, 50%25 and %41 and %",
}


def _characters(suffix: str, name: str) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        _accepted(r, "/Sms/send", _single(r.target, CHARACTERS[name]), suffix)

    return run


def _characters_in_bulk(suffix: str, dynamic: bool) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        bodies = list(CHARACTERS.values())
        if dynamic:
            _accepted(r, "/Sms/bulksend", _dynamic(r.target, bodies), suffix)
        else:
            body = " | ".join(bodies)
            _accepted(r, "/Sms/send", _static(r.target, 2, body), suffix)

    return run


# -- every documented optional parameter ----------------------------------------------------


@cache
def _schema(name: str) -> Any:
    return json.loads((schemas_dir() / "exotel" / name).read_text(encoding="utf-8"))


_SAMPLES = {
    "DltEntityId": "1101000000000000001",
    "DltTemplateId": "1107000000000000001",
    "CustomField": "order-4821",
    "Header": "ACMEIN",
    "CustomDomain": "go.example.com",
    "ClickTrackingCallbackUrl": "https://example.com/clicks",
}
_NUMERIC_SENDER = "567890"


def _values(node: dict[str, Any], name: str) -> list[str]:
    """Each documented value of a parameter: its enum, its bounds, or a sample."""
    common = _schema("common.json")["$defs"]
    ref = node.get("$ref", "")
    if ref:
        node = common[ref.rsplit("/", 1)[-1]]
    if "enum" in node:
        return [str(v) for v in node["enum"]]
    if node.get("type") == "integer":
        return [str(node["minimum"]), str(node["maximum"])]
    return [_SAMPLES.get(name, "sms-contract")]


def optional_parameters() -> dict[str, list[str]]:
    """Optional parameter (form name) -> its documented values, from the request schemas."""
    send = _schema("send-request.json")
    common = _schema("common.json")["$defs"]
    out: dict[str, list[str]] = {}
    for name, node in send["properties"].items():
        if name in send.get("required", []) or name == "ShortenUrlParams":
            continue
        out[name] = _values(node, name)
    for name, node in common["ShortenUrlParams"]["properties"].items():
        out[f"ShortenUrlParams[{name}]"] = _values(node, name)
    return out


def _placement(name: str) -> str:
    """Where bulksend takes a parameter: 'top' (the request), 'message' (each), or ''."""
    bulk = _schema("bulksend-request.json")
    top = name.split("[", 1)[0]
    if top in bulk["properties"]:
        return "top"
    if name in bulk["properties"]["Messages"]["items"]["properties"]:
        return "message"
    return ""


def _parameter(suffix: str, name: str) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        if name == "StatusCallback":
            with CallbackReceiver() as receiver:
                _parameter_values(r, suffix, name, [receiver.url])
        else:
            _parameter_values(r, suffix, name, optional_parameters()[name])

    return run


def _parameter_values(r: Run, suffix: str, name: str, values: list[str]) -> None:
    """Each value on send, static bulk and (where bulksend takes it) dynamic bulk."""
    where = _placement(name)
    bodies = [f"{BODY} #{i}" for i in range(2)]
    for value in values:
        pair = (name, value)
        # SmsType promotional needs a numeric sender (from_sms_type_mismatch)
        sender = ("From", _NUMERIC_SENDER if value == "promotional" else SENDER)
        forms: list[tuple[str, Form]] = [
            ("/Sms/send", (sender, *_single(r.target, BODY, pair)[1:])),
            ("/Sms/send", (sender, *_static(r.target, 2, BODY, pair)[1:])),
        ]
        if where == "top":
            forms.append(("/Sms/bulksend", (sender, *_dynamic(r.target, bodies, pair)[1:])))
        elif where == "message":
            dynamic = _dynamic(r.target, bodies, per_message=(pair,))
            forms.append(("/Sms/bulksend", (sender, *dynamic[1:])))
        for path, form in forms:
            _accepted(r, path, form, suffix)


# -- StatusCallback of every message of a bulk ----------------------------------------------


def _bulk_callbacks(dynamic: bool) -> Callable[[Run], None]:
    def run(r: Run) -> None:
        with CallbackReceiver() as receiver:
            pair = ("StatusCallback", receiver.url)
            if dynamic:
                form = _dynamic(r.target, [f"{BODY} #{i}" for i in range(2)], pair)
                path = "/Sms/bulksend.json"
            else:
                form = _static(r.target, 2, BODY, pair)
                path = "/Sms/send.json"
            call = r.call("POST", path, form=form)
            if not r.expect_status(call, 200):
                return
            sids = r.accepted_sids(call)
            deliveries = receiver.wait(len(sids), r.target.patience)
        got = {d.form().get("SmsSid") for d in deliveries}
        for sid in sids:
            r.expect(
                sid in got,
                "callback_delivered",
                "",
                f"a StatusCallback for {sid}",
                f"{len(deliveries)} deliveries",
                "every message of a bulk gets its own StatusCallback",
            )
            _final(r, sid, ".json", r.target.patience)
        for delivery in deliveries:
            r.violations.extend(r.session.ledger.callback(r.operation, delivery.form()))

    return run


def boundary_scenarios() -> list[Scenario]:
    """Every scenario of this module, in a stable order."""
    out: list[Scenario] = []
    for fmt, suffix in SUFFIXES.items():
        for dynamic, sizes in ((False, STATIC_SIZES), (True, DYNAMIC_SIZES)):
            name = "dynamic-bulk" if dynamic else "static-bulk"
            for size in sizes:
                out.append(
                    Scenario(
                        f"{name}-{size}[{fmt}]",
                        (BULKSEND if dynamic else SEND) + suffix,
                        f"{name} of {size}: each item answers its message, each found by details",
                        _bulk_size(suffix, dynamic, size),
                        cost=size + 1,
                        needs=frozenset({"test_numbers"}) if size >= _MANY else frozenset(),
                        # a hundred details lookups make a cassette of ~200 KB: the live run
                        # checks them, the recorded library keeps the small sizes
                        recordable=size < _MANY,
                    )
                )
        out.append(
            Scenario(
                f"dynamic-bulk-missing-body[{fmt}]",
                BULKSEND + suffix,
                "a message with an empty Body fails alone: 207, its item failed as documented",
                _missing_body(suffix),
                cost=3,
            )
        )
        out.append(
            Scenario(
                f"dynamic-bulk-without-from[{fmt}]",
                BULKSEND + suffix,
                "bulksend without From is accepted (the account's default sender)",
                _without_sender(suffix),
                cost=3,
            )
        )
        for label, body, encoding in body_lengths():
            out.append(
                Scenario(
                    f"body-{label}[{fmt}]",
                    SEND + suffix,
                    f"a Body of {label.replace('-', ' ')} characters: echoed, SmsUnits by the "
                    "split rule",
                    _body_length(suffix, body, encoding),
                    cost=3 + 30,
                )
            )
        for name in CHARACTERS:
            out.append(
                Scenario(
                    f"characters-{name}[{fmt}]",
                    SEND + suffix,
                    f"a Body with {name} characters is echoed exactly",
                    _characters(suffix, name),
                    cost=2,
                )
            )
        for dynamic in (False, True):
            name = "dynamic-bulk" if dynamic else "static-bulk"
            out.append(
                Scenario(
                    f"characters-{name}[{fmt}]",
                    (BULKSEND if dynamic else SEND) + suffix,
                    f"{name} bodies with every character class, echoed exactly",
                    _characters_in_bulk(suffix, dynamic),
                    cost=len(CHARACTERS) + 1,
                )
            )
        for name, values in optional_parameters().items():
            out.append(
                Scenario(
                    f"parameter-{name}[{fmt}]",
                    SEND + suffix,
                    f"{name} = {' / '.join(values)} on send, static and dynamic bulk",
                    _parameter(suffix, name),
                    cost=8 * len(values),
                    needs=frozenset({"local_receiver"})
                    if name == "StatusCallback"
                    else frozenset(),
                    # deliveries to a local receiver are no provider traffic to replay
                    recordable=name != "StatusCallback",
                )
            )
    for dynamic in (False, True):
        name = "dynamic-bulk" if dynamic else "static-bulk"
        out.append(
            Scenario(
                f"status-callback-{name}",
                "webhook exotelStatusCallback",
                f"StatusCallback of each message of a {name}, agreeing with its final details",
                _bulk_callbacks(dynamic),
                cost=1 + 2 * 31,
                needs=frozenset({"local_receiver"}),
                kind="callback",
                recordable=False,
            )
        )
    return out

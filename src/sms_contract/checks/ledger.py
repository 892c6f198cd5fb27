"""Checks across the exchanges of a run: what one answer alone cannot show.

A `Ledger` remembers every message a run's sends accepted (its Sid, To, Body, EncodingType) and
every Status it was seen in, and reports:

- `sids_unique_across_run`: an accepted message's Sid was already given to another message;
- `details_match_accepted`: details of an accepted Sid is that message (same Sid, To, Body);
- `status_never_backwards`: a poll answers an earlier Status than a previous poll, or a final
  message changes its final Status;
- `sms_units_match_body`: SmsUnits by the split rule, with the EncodingType that was sent;
- `callback_matches_details`: a StatusCallback agrees with the message's final details.

The conformance scenarios and the stateful fuzz phase feed it every exchange.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sms_contract.checks.semantic import (
    messages,
    recipients,
    same_number,
    sent_bodies,
)
from sms_contract.contract.registry import load_registries
from sms_contract.contract.segments import acceptable_units
from sms_contract.contract.violations import Violation, show
from sms_contract.contract.xmlbody import xml_round_trip

LEDGER_CHECKS = (
    "sids_unique_across_run",
    "details_match_accepted",
    "status_never_backwards",
    "sms_units_match_body",
    "callback_matches_details",
)


@dataclass
class Accepted:
    """A message a send accepted, as the request described it."""

    sid: str
    to: str | None
    body: str | None
    encoding: str | None
    operation: str
    json_body: bool
    # the last Status details answered, and the last final details
    status: str | None = None
    final: dict[str, Any] | None = None
    looked_up: bool = False


def _rank() -> dict[str, int]:
    """Status -> its place in the lifecycle (every final status last)."""
    statuses = load_registries().statuses(tolerant=True)
    last = len(statuses)
    return {s.status: (last if s.final else i) for i, s in enumerate(statuses)}


@dataclass
class Ledger:
    """Every accepted message of a run, by Sid."""

    tolerant: bool = False
    accepted: dict[str, Accepted] = field(default_factory=dict)
    rank: dict[str, int] = field(default_factory=_rank)

    def _violation(
        self, check: str, pointer: str, expected: Any, actual: Any, message: str, operation: str
    ) -> Violation:
        return Violation(
            check, pointer, show(expected), show(actual, quote=True), message, operation
        )

    def sent(
        self, operation: str, request: dict[str, Any] | None, data: Any, json_body: bool
    ) -> list[Violation]:
        """An answer of send or bulksend (2xx): remember its accepted messages."""
        found = messages(data)
        to = recipients(request)
        if to is None and request is not None:
            to = [str(request.get("To", ""))]
        bodies = sent_bodies(request)
        encoding = request.get("EncodingType") if request else None
        out: list[Violation] = []
        for index, (pointer, message) in enumerate(found):
            sid = message.get("Sid")
            if not isinstance(sid, str) or not sid:
                continue
            if sid in self.accepted:
                out.append(
                    self._violation(
                        "sids_unique_across_run",
                        f"{pointer}/Sid",
                        "a Sid no earlier message of this run had",
                        sid,
                        "a new message must not reuse the Sid of an earlier one",
                        operation,
                    )
                )
                continue
            same_length = to is not None and len(to) == len(found)
            self.accepted[sid] = Accepted(
                sid,
                to[index] if same_length and to else message.get("To"),
                bodies[index] if bodies and len(bodies) == len(found) else message.get("Body"),
                encoding if isinstance(encoding, str) else None,
                operation,
                json_body,
            )
        return out

    def details(self, operation: str, sid: str, data: Any, json_body: bool) -> list[Violation]:
        """An answer of details for `sid` (200): compare it with what was accepted."""
        known = self.accepted.get(sid)
        if known is None:
            return []
        found = messages(data)
        if not found:
            error = data.get("RestException") if isinstance(data, dict) else None
            if not isinstance(error, dict):
                return []  # not an answer this check reads (the schema's finding)
            return [
                self._violation(
                    "details_match_accepted",
                    "/RestException",
                    f"the SMSMessage {sid}",
                    error.get("Message"),
                    "details of an accepted message must find it",
                    operation,
                )
            ]
        pointer, message = found[0]
        known.looked_up = True
        out: list[Violation] = []

        def differs(field_name: str, expected: Any, message_text: str) -> None:
            out.append(
                self._violation(
                    "details_match_accepted",
                    f"{pointer}/{field_name}",
                    expected,
                    message.get(field_name),
                    message_text,
                    operation,
                )
            )

        if message.get("Sid") != sid:
            differs("Sid", sid, "details of a Sid answers that message")
        if known.to is not None and not same_number(message.get("To"), known.to):
            differs("To", known.to, f"details of {sid} names the recipient it was sent to")
        if known.body is not None:
            body = known.body if json_body else xml_round_trip(known.body)
            if message.get("Body") != body:
                differs("Body", body, f"details of {sid} carries the Body that was sent")
        out += self._status_order(known, sid, pointer, message, operation)
        out += self._units(known, pointer, message, operation)
        return out

    def _status_order(
        self, known: Accepted, sid: str, pointer: str, message: dict[str, Any], operation: str
    ) -> list[Violation]:
        """A Status never goes back to an earlier one, nor leaves a final one."""
        out: list[Violation] = []
        status = message.get("Status")
        if isinstance(status, str) and status in self.rank:
            before = known.status
            last = max(self.rank.values())
            if before in self.rank and (
                self.rank[status] < self.rank[before]
                or (self.rank[before] == last and status != before)
            ):
                out.append(
                    self._violation(
                        "status_never_backwards",
                        f"{pointer}/Status",
                        f"{before} or a later Status",
                        status,
                        f"{sid} was {before} at an earlier poll",
                        operation,
                    )
                )
            known.status = status
            if self.rank[status] == last:
                known.final = message
        return out

    def _units(
        self, known: Accepted, pointer: str, message: dict[str, Any], operation: str
    ) -> list[Violation]:
        """SmsUnits is what the Body that was sent costs."""
        out: list[Violation] = []
        units, body_text = message.get("SmsUnits"), message.get("Body")
        if isinstance(units, int) and not isinstance(units, bool) and isinstance(body_text, str):
            original = known.body if known.body is not None else body_text
            allowed = acceptable_units(original, known.encoding, tolerant=self.tolerant)
            if units not in allowed:
                out.append(
                    self._violation(
                        "sms_units_match_body",
                        f"{pointer}/SmsUnits",
                        " or ".join(str(u) for u in sorted(allowed)),
                        units,
                        f"a Body of {len(original)} characters sent with EncodingType "
                        f"{known.encoding or 'auto'} is that many SMS units",
                        operation,
                    )
                )
        return out

    def callback(self, operation: str, fields: dict[str, str]) -> list[Violation]:
        """A StatusCallback: it agrees with the final details of its message."""
        known = self.accepted.get(fields.get("SmsSid", ""))
        if known is None or known.final is None:
            return []
        out = []
        for name in ("Status", "DetailedStatusCode", "SmsUnits"):
            want = known.final.get(name)
            if want is None or name not in fields:
                continue
            if str(fields[name]) != str(want):
                out.append(
                    self._violation(
                        "callback_matches_details",
                        f"/{name}",
                        want,
                        fields[name],
                        f"the StatusCallback of {known.sid} agrees with its final details",
                        operation,
                    )
                )
        if (
            known.final.get("To") is not None
            and "To" in fields
            and not same_number(fields["To"], known.final["To"])
        ):
            out.append(
                self._violation(
                    "callback_matches_details",
                    "/To",
                    known.final["To"],
                    fields["To"],
                    f"the StatusCallback of {known.sid} names its recipient",
                    operation,
                )
            )
        return out

    def unconfirmed(self, sids: list[str] | None = None) -> list[str]:
        """Accepted Sids (of `sids`, or all) that details has not answered yet."""
        pool = sids if sids is not None else list(self.accepted)
        return [s for s in pool if s in self.accepted and not self.accepted[s].looked_up]

"""Mobizon mutants: the simulator's Mobizon API with one realistic bug each.

Each fault sits where such a bug would: in one situation (a code, a form, a lookup after the
final status), not everywhere, so the check that kills it is the one that looks there. They are
registered into the catalogue (`mutants.catalogue()`) and run with the Mobizon scenarios.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp

from sms_contract.contract import mobizon_spec as mobizon
from sms_contract.mutants.catalogue import Mutant
from sms_contract.mutants.middleware import MutableResponse as Exchange
from sms_contract.mutants.middleware import Rewrite
from sms_contract.simulator import SimulatorConfig, create_app
from sms_contract.simulator.mobizon.sender import MobizonWebhookSender


@dataclass(frozen=True)
class MobizonMutant(Mutant):
    """A broken Mobizon API: a rewrite of its /service traffic, or a faulty webhook sender."""

    webhooks: MobizonWebhookSender | None = None
    provider: str = "mobizon"

    def app(self) -> ASGIApp:
        app = create_app(SimulatorConfig(db=":memory:", **self.config))
        if self.webhooks is not None:
            app.state.simulator.mobizon_webhooks = self.webhooks
        if self.response or self.request:
            return Rewrite(app, self.response, self.request, prefix="/service")
        return app


def _json(rewrite: Callable[[dict[str, Any], Exchange], None]) -> Callable[[Exchange], None]:
    """A rewrite of the JSON envelope (the XML form is left alone)."""

    @functools.wraps(rewrite)
    def apply(ex: Exchange) -> None:
        if ex.is_json:
            envelope = ex.load()
            if isinstance(envelope, dict):
                rewrite(envelope, ex)

    return apply


def _is(ex: Exchange, operation: str) -> bool:
    path: str = ex.path
    return path.lower().endswith(operation.lower())


def _ids(ex: Exchange) -> list[str]:
    return [v for k, v in parse_qsl(ex.request_body.decode("utf-8", "replace")) if k == "ids[]"]


# -- the code table ---------------------------------------------------------------------------


@_json
def _not_found_with_data(envelope: dict[str, Any], ex: Exchange) -> None:
    """Code 2 (none found) still carries an item for each id asked for."""
    if _is(ex, mobizon.STATUS) and envelope.get("code") == 2 and _ids(ex):
        new = mobizon.lifecycle_steps()[0].status
        envelope["data"] = [
            {"id": int(i), "status": new, "segNum": 1, "startSendTs": None, "statusUpdateTs": None}
            for i in _ids(ex)
            if i.isdigit()
        ]


@_json
def _login_error_401(envelope: dict[str, Any], ex: Exchange) -> None:
    """A login error (code 8) is answered with HTTP 401, where every code is HTTP 200."""
    if envelope.get("code") == mobizon.code_for("api_key_invalid", mobizon.ANY).code:
        ex.status = 401


@_json
def _too_many_ids_accepted(envelope: dict[str, Any], ex: Exchange) -> None:
    """More than 100 ids are not refused (code 12) but looked up: none found, code 2."""
    if envelope.get("code") == mobizon.code_for("ids_too_many", mobizon.STATUS).code:
        envelope.update(code=mobizon.code_for("ids_unknown", mobizon.STATUS).code, data=[])


@_json
def _missing_text_as_validation(envelope: dict[str, Any], ex: Exchange) -> None:
    """A missing required parameter is answered as a validation error (1), not 11."""
    if envelope.get("code") == mobizon.code_for("text_missing", mobizon.SEND).code:
        envelope["code"] = mobizon.code_for("recipient_invalid", mobizon.SEND).code


# -- the envelope and its forms --------------------------------------------------------------


@_json
def _numbers_as_strings(envelope: dict[str, Any], ex: Exchange) -> None:
    """sendSmsMessage's ids come back as JSON strings (strict mode: numbers are numbers)."""
    data = envelope.get("data")
    if envelope.get("code") == 0 and _is(ex, mobizon.SEND) and isinstance(data, dict):
        data["campaignId"], data["messageId"] = str(data["campaignId"]), str(data["messageId"])


@_json
def _message_key_missing(envelope: dict[str, Any], ex: Exchange) -> None:
    """A successful answer drops the (empty) message key of the envelope."""
    if envelope.get("code") == 0:
        envelope.pop("message", None)


def _xml_without_root(ex: Exchange) -> None:
    """The XML form writes code, data and message with no root element around them."""
    if ex.is_xml:
        text = ex.body.decode()
        start, end = text.find("<response>"), text.rfind("</response>")
        if start >= 0 and end > start:
            ex.body = text[start + len("<response>") : end].encode()


def _json_for_xml(ex: Exchange) -> None:
    """output=xml is ignored on getSMSStatus: the answer is always JSON."""
    if ex.is_xml and _is(ex, mobizon.STATUS):
        from sms_contract.contract.mobizon_spec import parse_envelope_xml

        envelope = parse_envelope_xml(ex.body)
        ex.body = json.dumps(envelope).encode()
        ex.headers["content-type"] = "application/json"


# -- statuses ---------------------------------------------------------------------------------


def _final_reverts() -> Callable[[Exchange], None]:
    """A status cache: a message's second lookup after its final status shows ACCEPTD."""
    seen: set[int] = set()
    steps = mobizon.lifecycle_steps()

    @_json
    def apply(envelope: dict[str, Any], ex: Exchange) -> None:
        if not (_is(ex, mobizon.STATUS) and isinstance(envelope.get("data"), list)):
            return
        for item in envelope["data"]:
            found = mobizon.status(str(item.get("status")))
            if found is not None and found.final:
                if item["id"] in seen:
                    item["status"] = steps[-1].status
                seen.add(item["id"])

    return apply


@_json
def _never_final(envelope: dict[str, Any], ex: Exchange) -> None:
    """Lookups never show a final status: the operator's reports are never applied."""
    if _is(ex, mobizon.STATUS) and isinstance(envelope.get("data"), list):
        for item in envelope["data"]:
            found = mobizon.status(str(item.get("status")))
            if found is not None and found.final:
                item["status"] = mobizon.lifecycle_steps()[-1].status


@_json
def _status_ignores_outcome(envelope: dict[str, Any], ex: Exchange) -> None:
    """Every final message is looked up as delivered, whatever the operator said."""
    if _is(ex, mobizon.STATUS) and isinstance(envelope.get("data"), list):
        for item in envelope["data"]:
            found = mobizon.status(str(item.get("status")))
            if found is not None and found.final:
                item["status"] = mobizon.default_final().status


@_json
def _other_ids_answered(envelope: dict[str, Any], ex: Exchange) -> None:
    """getSMSStatus answers about the message after the one asked for (an off-by-one id)."""
    if _is(ex, mobizon.STATUS) and isinstance(envelope.get("data"), list):
        for item in envelope["data"]:
            item["id"] = int(item["id"]) + 1


@_json
def _send_without_message_id(envelope: dict[str, Any], ex: Exchange) -> None:
    """An accepted send reports its campaign but not the message id."""
    data = envelope.get("data")
    if envelope.get("code") == 0 and _is(ex, mobizon.SEND) and isinstance(data, dict):
        data.pop("messageId", None)


# -- the webhook ----------------------------------------------------------------------------


class _NonFinalReport(MobizonWebhookSender):
    """The report is sent when the operator accepts the message, with that status."""

    def event(self, event: dict[str, Any]) -> dict[str, Any] | None:
        event["data"]["status"] = mobizon.lifecycle_steps()[-1].status
        return event


class _Unsigned(MobizonWebhookSender):
    """The signature leaves out the secret key: anyone could forge it."""

    def event(self, event: dict[str, Any]) -> dict[str, Any] | None:
        import hashlib

        text = f"{event['eventId']}|{event['attempt']}|{event['eventCreateTs']}|"
        event["sign"] = hashlib.sha1(text.encode()).hexdigest()
        return event


class _Silent(MobizonWebhookSender):
    """No report is ever sent."""

    def event(self, event: dict[str, Any]) -> dict[str, Any] | None:
        return None


class _CampaignAsMessage(MobizonWebhookSender):
    """The report's messageId holds the campaign id."""

    def event(self, event: dict[str, Any]) -> dict[str, Any] | None:
        event["data"]["messageId"] = event["data"]["campaignId"]
        return event


def _reserialise(ex: Exchange) -> None:
    """Parse every answer and write it back unchanged."""
    ex.load()


# blanket faults: on every answer or report of their kind (the rest fire under a condition)
BLANKET = ("never-final", "webhook-unsigned", "webhook-never-sent")


def _mutants() -> list[MobizonMutant]:
    def m(name: str, description: str, kills: tuple[str, ...], **fault: Any) -> MobizonMutant:
        return MobizonMutant(
            f"mobizon-{name}", description, kills=kills, conditional=name not in BLANKET, **fault
        )

    return [
        MobizonMutant(
            "mobizon-identity",
            "every Mobizon answer parsed and re-serialised unchanged: must SURVIVE (control)",
            response=_reserialise,
            survives=True,
        ),
        m("not-found-with-data", "code 2 (none found) carries status items",
          ("mobizon_code_data",), response=_not_found_with_data),
        m("login-error-401", "a login error (code 8) is answered with HTTP 401",
          ("mobizon_code_http_status", "status_code_conformance"), response=_login_error_401),
        m("too-many-ids-accepted", "more than 100 ids: code 2 instead of 12",
          ("mobizon_result_code",), response=_too_many_ids_accepted),
        m("missing-text-is-validation", "a missing text: code 1 instead of 11",
          ("mobizon_result_code",), response=_missing_text_as_validation),
        m("numbers-as-strings", "sendSmsMessage's campaignId and messageId are JSON strings",
          ("response_schema_conformance",), response=_numbers_as_strings),
        m("message-key-missing", "a successful envelope has no message key",
          ("response_schema_conformance",), response=_message_key_missing),
        m("xml-without-root", "the XML form has no root element around code, data, message",
          ("response_schema_conformance",), response=_xml_without_root),
        m("json-for-xml", "getSMSStatus answers JSON when output=xml",
          ("content_type_conformance",), response=_json_for_xml),
        m("final-status-reverts", "a final status shows ACCEPTD on the next lookup",
          ("mobizon_final_is_final",), response=_final_reverts()),
        m("never-final", "lookups never show a final status",
          ("reaches_final_state",), response=_never_final),
        m("status-ignores-outcome", "every final message is looked up as DELIVRD",
          ("test_number_outcome",), response=_status_ignores_outcome),
        m("other-ids-answered", "getSMSStatus answers the next message's id",
          ("mobizon_status_ids",), response=_other_ids_answered),
        m("send-without-message-id", "an accepted send has no messageId",
          ("response_schema_conformance", "sid_returned"), response=_send_without_message_id),
        m("webhook-non-final", "the sms-delivery-report carries a non-final status (ACCEPTD)",
          ("callback_schema_conformance", "callback_matches_message"),
          webhooks=_NonFinalReport()),
        m("webhook-unsigned", "the report's sign leaves out the secret key",
          ("mobizon_webhook_signature",), webhooks=_Unsigned()),
        m("webhook-never-sent", "no sms-delivery-report is ever sent",
          ("callback_delivered",), webhooks=_Silent()),
        m("webhook-campaign-as-message", "the report's messageId is the campaign id",
          ("callback_matches_message",), webhooks=_CampaignAsMessage()),
    ]  # fmt: skip


def mobizon_mutants() -> dict[str, Mutant]:
    """Every Mobizon mutant by name (a fresh set: some keep state across a run)."""
    return {mutant.name: mutant for mutant in _mutants()}

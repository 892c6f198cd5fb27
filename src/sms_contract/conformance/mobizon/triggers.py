"""The request behind each situation of the result-code registry.

The codes, and which situation produces which, are data in
`schemas/registries/mobizon-result-codes.yaml`; this module only knows how to make each
situation happen. A test checks that every situation of the registry has an entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from sms_contract.conformance.target import Target
from sms_contract.contract import mobizon_spec as mobizon

TEXT = "sms-contract conformance check"
SENDER = "ACME"
NO_SUCH_MODULE = "smscontractnosuchmodule"
NO_SUCH_METHOD = "smscontractnosuchmethod"
# an id no account has: Mobizon's ids are positive; the simulator's start at 169275401
UNKNOWN_ID = "1"


@dataclass(frozen=True)
class Trigger:
    """A request that the registry says must be answered with one result code."""

    path: str  # module/method
    form: tuple[tuple[str, str], ...]
    key: str | None = "target"  # "target": the target's apiKey; None: no apiKey; else this one
    output: str | None = None  # None: the scenario's format
    # the request needs the simulator's test recipients (a real provider will not answer so)
    needs_test_numbers: bool = False
    # send a message first and ask for it (status_found)
    send_first: bool = False

    def url(self, target: Target, key: str, output: str) -> str:
        query: dict[str, str] = {"output": self.output or output, "api": "v1"}
        if self.key == "target":
            query["apiKey"] = key
        elif self.key is not None:
            query["apiKey"] = self.key
        return f"{target.base}/service/{self.path}?{urlencode(query)}"


def send_form(recipient: str, *extra: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return (("recipient", recipient), ("text", TEXT), *extra)


def triggers(target: Target) -> dict[str, Trigger]:
    """Situation id -> the request that produces it (test_recipient: per code, see below)."""
    ordinary = target.recipient(0)
    return {
        # with a sender ID: an unregistered one falls back to a shared one (sendSmsMessage page)
        "send_accepted": Trigger(mobizon.SEND, send_form(ordinary, ("from", SENDER))),
        "status_found": Trigger(mobizon.STATUS, (), send_first=True),
        "recipient_invalid": Trigger(mobizon.SEND, (("recipient", "not-a-number"), ("text", TEXT))),
        "validity_out_of_range": Trigger(
            mobizon.SEND, send_form(ordinary, ("params[validity]", "10"))
        ),
        "ids_missing": Trigger(mobizon.STATUS, ()),
        "ids_unknown": Trigger(mobizon.STATUS, (("ids[]", UNKNOWN_ID),)),
        "module_unknown": Trigger(f"{NO_SUCH_MODULE}/list", ()),
        "method_unknown": Trigger(f"message/{NO_SUCH_METHOD}", ()),
        "output_invalid": Trigger(mobizon.STATUS, (), output="yaml"),
        "api_key_missing": Trigger(mobizon.STATUS, (), key=None),
        "api_key_invalid": Trigger(mobizon.STATUS, (), key="smscontractwrongkey"),
        "recipient_missing": Trigger(mobizon.SEND, (("text", TEXT),)),
        "text_missing": Trigger(mobizon.SEND, (("recipient", ordinary),)),
        "ids_too_many": Trigger(mobizon.STATUS, tuple(("ids[]", str(i)) for i in range(1, 102))),
    }


def trigger_for(target: Target, situation: str, code: mobizon.ResultCode) -> Trigger:
    if situation == "test_recipient":
        return Trigger(mobizon.SEND, send_form(code.test_recipient), needs_test_numbers=True)
    return triggers(target)[situation]

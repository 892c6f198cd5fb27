"""Callback faults: senders the mutants give the simulator in place of its documented one."""

from __future__ import annotations

import json

from sms_contract.simulator.callback_sender import Callback, CallbackSender, Payload


class JsonCallbacks(CallbackSender):
    """StatusCallbacks POSTed as JSON instead of the documented form."""

    def payload(self, callback: Callback) -> Payload | None:
        return Payload(json.dumps(callback.fields), "application/json")


class CallbacksWithout(CallbackSender):
    """StatusCallbacks that lack some of the documented fields."""

    def __init__(self, *omitted: str) -> None:
        self.omitted = omitted

    def payload(self, callback: Callback) -> Payload | None:
        if callback.kind != "status":
            return super().payload(callback)
        fields = {k: v for k, v in callback.fields.items() if k not in self.omitted}
        return super().payload(Callback(callback.kind, fields))


class NoStatusCallbacks(CallbackSender):
    """StatusCallbacks that are never sent."""

    def payload(self, callback: Callback) -> Payload | None:
        return None if callback.kind == "status" else super().payload(callback)

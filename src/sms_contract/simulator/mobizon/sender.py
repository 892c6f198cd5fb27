"""How the simulator puts an sms-delivery-report on the wire: as documented, unless the
mutation harness swaps in a faulty sender (`state.mobizon_webhooks`)."""

from __future__ import annotations

from typing import Any


class MobizonWebhookSender:
    """The documented report. Subclasses change the event (None: send nothing)."""

    def event(self, event: dict[str, Any]) -> dict[str, Any] | None:
        return event

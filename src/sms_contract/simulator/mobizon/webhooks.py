"""The `sms-delivery-report` webhook: one POST per whole message when it becomes final.

As Mobizon documents it (mobizon/mobizon-api-docs, _webhook/04-specifics.md and
06-signature.md, outside the seed document; the numbers are in mobizon-webhooks.yaml): only on
the final status; delivered when the receiver answers 2xx within the deadline, otherwise
retried (up to `attempts`, the interval growing by a step each time; the simulator scales the
step by `callback_backoff` so a run does not wait minutes); signed with
sha1(eventId|attempt|eventCreateTs|secretKey).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Coroutine, Iterator
from typing import Any

import httpx

from sms_contract.contract.registry import load_registries
from sms_contract.simulator.callback_sender import deliver_due
from sms_contract.simulator.clock import Clock
from sms_contract.simulator.mobizon import lifecycle
from sms_contract.simulator.mobizon.store import MobizonMessage, Webhook
from sms_contract.simulator.state import SimulatorState


def sign(event_id: int, attempt: int, created: str, secret: str) -> str:
    return hashlib.sha1(f"{event_id}|{attempt}|{created}|{secret}".encode()).hexdigest()


def report_data(message: MobizonMessage, state: SimulatorState) -> dict[str, Any]:
    """The documented data of an sms-delivery-report for a message in its final status."""
    at = lifecycle.final_at(message, state.config) or state.clock.now()
    return {
        "campaignId": message.campaign_id,
        "messageId": message.id,
        "segNum": message.segments,
        "statusUpdateTs": Clock.exotel(at),  # YYYY-MM-DD HH:MM:SS, as Mobizon writes it
        "status": lifecycle.status_at(message, at, state.config),
        "to": message.recipient,
    }


async def deliver(
    state: SimulatorState, client: httpx.AsyncClient, message: MobizonMessage, hook: Webhook
) -> None:
    delivery = load_registries().delivery("mobizon")
    event_id = state.mobizon.next_event_id()
    created = Clock.exotel(state.clock.now())
    data = report_data(message, state)
    event_type = load_registries().mobizon_webhooks["event_types"][0]["type"]
    for attempt in range(1, int(delivery["attempts"]) + 1):
        payload = state.mobizon_webhooks.event(
            {
                "eventId": event_id,
                "eventType": event_type,
                "eventCreateTs": created,
                "webhookId": hook.id,
                "attempt": attempt,
                "data": dict(data),
                "sign": sign(event_id, attempt, created, hook.secret),
            }
        )
        if payload is None:
            return
        status: int | None = None
        error: str | None = None
        try:
            response = await client.post(
                hook.url,
                content=json.dumps(payload),
                headers={"Content-Type": delivery["content_type"]},
                timeout=float(delivery["deadline_seconds"]),
            )
            status = response.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:200]
        state.mobizon.record_delivery(
            event_id=event_id,
            message_id=message.id,
            webhook_id=hook.id,
            attempt=attempt,
            payload=json.dumps(payload),
            status_code=status,
            error=error,
            at=state.clock.now(),
        )
        if status is not None and 200 <= status < 300:
            return
        step = float(delivery["retry_interval_step_seconds"]) / 60 * state.config.callback_backoff
        await asyncio.sleep(step * attempt)


async def run_sender(state: SimulatorState) -> None:
    """Deliver the report of every message that became final, until cancelled."""

    def due(client: httpx.AsyncClient, now: float) -> Iterator[Coroutine[Any, Any, None]]:
        for message in state.mobizon.unnotified():
            final = lifecycle.final_at(message, state.config)
            if final is None or final > now:
                continue
            state.mobizon.mark_notified(message.id)
            for hook in state.mobizon.webhooks(message.api_key):
                yield deliver(state, client, message, hook)

    await deliver_due(state, due)

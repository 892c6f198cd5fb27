"""StatusCallback delivery: in the background, bounded retries with backoff, every attempt kept.

A message that reaches a final state and has a StatusCallback URL gets one form-urlencoded POST
with the documented fields. A slow or failing receiver delays only its own deliveries. How a
callback is put on the wire is a `CallbackSender`: the documented one by default; the mutation
harness passes others to `create_app` to inject a fault.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from sms_contract.contract.forms import encode_form
from sms_contract.simulator import lifecycle
from sms_contract.simulator.clock import Clock
from sms_contract.simulator.state import SimulatorState
from sms_contract.simulator.store import Message


@dataclass(frozen=True)
class Callback:
    """One callback the simulator is about to deliver: which kind, and its fields."""

    kind: Literal["status", "click"]
    fields: dict[str, Any]


@dataclass(frozen=True)
class Payload:
    """A callback as it goes on the wire."""

    body: str
    media_type: str


class CallbackSender:
    """How the simulator sends a callback: the documented form POST with every field.

    Subclasses change what is sent (`payload`; None sends nothing); the simulator itself keeps
    the documented timeout, retries and the record of every attempt.
    """

    def payload(self, callback: Callback) -> Payload | None:
        return Payload(encode_form(callback.fields), "application/x-www-form-urlencoded")


def status_callback_fields(message: Message, state: SimulatorState) -> dict[str, Any]:
    """The documented StatusCallback parameters for a message in its final state."""
    final_at = lifecycle.final_at(message, state.config)
    code = lifecycle.state_at(message, final_at, state.config)
    fields: dict[str, Any] = {
        "SmsSid": message.sid,
        "To": message.recipient,
        "Status": code.status,
        "SmsUnits": lifecycle.units(message.body, message.encoding),
        "DetailedStatus": code.name,
        "DetailedStatusCode": code.code,
        "DateSent": Clock.exotel(final_at),
    }
    if message.custom_field is not None:
        fields["CustomField"] = message.custom_field
    return fields


async def deliver(state: SimulatorState, client: httpx.AsyncClient, message: Message) -> None:
    """POST one StatusCallback, retrying up to `callback_retries` times on failure."""
    assert message.status_callback is not None
    callback = Callback("status", status_callback_fields(message, state))
    await post(state, client, message, message.status_callback, callback)


def click_fields(message: Message, state: SimulatorState, long_url: str) -> dict[str, Any]:
    """The documented click-tracking parameters for one click on the message's short URL."""
    code = message.sid[:8]
    fields: dict[str, Any] = {
        "sid": f"u{message.sid}",
        "short_url": f"https://exo.tl/{code}",
        "short_code": code,
        "long_url": long_url,
        "Tracking": "true",
        "Sms_sid": message.sid,
        "To": message.recipient,
        "Account_sid": message.account,
        "Total_clicks": 1,
        "Date_created": Clock.iso(message.created_at),
        "Created_time": Clock.iso(message.created_at),
        "Last_viewed": Clock.iso(state.clock.now()),
    }
    if message.custom_field is not None:
        fields["custom_field"] = message.custom_field
    return fields


async def deliver_click(state: SimulatorState, message: Message, long_url: str) -> None:
    """POST the click-tracking callback the message's ShortenUrlParams asked for."""
    assert message.click_callback is not None
    async with httpx.AsyncClient() as client:
        callback = Callback("click", click_fields(message, state, long_url))
        await post(state, client, message, message.click_callback, callback)


async def post(
    state: SimulatorState,
    client: httpx.AsyncClient,
    message: Message,
    url: str,
    callback: Callback,
) -> None:
    """Deliver `callback` to `url` with the documented timeout and retries; keep every attempt."""
    payload = state.callbacks.payload(callback)
    if payload is None:
        return
    for attempt in range(1, state.config.callback_retries + 2):
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        try:
            response = await client.post(
                url,
                content=payload.body,
                timeout=state.config.callback_timeout,
                headers={"Content-Type": payload.media_type},
            )
            status = response.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:200]
        state.store.record_attempt(
            sid=message.sid,
            account=message.account,
            kind=callback.kind,
            url=url,
            attempt=attempt,
            payload=json.dumps(callback.fields),
            status_code=status,
            error=error,
            elapsed=round(time.monotonic() - started, 4),
            at=state.clock.now(),
        )
        if status == 200:
            return
        if attempt <= state.config.callback_retries:
            await asyncio.sleep(state.config.callback_backoff * 2 ** (attempt - 1))


# what a sender starts at a tick: the deliveries due at `now`, each a coroutine
Due = Callable[[httpx.AsyncClient, float], Iterable[Coroutine[Any, Any, None]]]


async def deliver_due(state: SimulatorState, due: Due) -> None:
    """Every tick, start the deliveries `due` names; until cancelled, then cancel them too.
    One loop for every provider's callbacks (Exotel's StatusCallback, Mobizon's webhooks)."""
    tasks: set[asyncio.Task[None]] = set()
    async with httpx.AsyncClient() as client:
        try:
            while True:
                await asyncio.sleep(state.config.ticker_interval)
                for delivery in due(client, state.clock.now()):
                    task = asyncio.create_task(delivery)
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
        finally:
            for task in tasks:
                task.cancel()


async def run_sender(state: SimulatorState) -> None:
    """Find messages that became final and deliver their callbacks, until cancelled."""

    def due(client: httpx.AsyncClient, now: float) -> Iterator[Coroutine[Any, Any, None]]:
        for message in state.store.unnotified():
            if lifecycle.final_at(message, state.config) <= now:
                state.store.mark_notified(message.sid)
                yield deliver(state, client, message)

    await deliver_due(state, due)

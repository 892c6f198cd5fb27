"""StatusCallback delivery: in the background, bounded retries with backoff, every attempt kept.

A message that reaches a final state and has a StatusCallback URL gets one form-urlencoded POST
with the documented fields. A slow or failing receiver delays only its own deliveries.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx

from sms_contract.contract.forms import encode_form
from sms_contract.simulator import lifecycle
from sms_contract.simulator.clock import Clock
from sms_contract.simulator.state import SimulatorState
from sms_contract.simulator.store import Message


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
    fields = status_callback_fields(message, state)
    for name in state.config.callback_omit:
        fields.pop(name, None)
    await post(state, client, message, "status", message.status_callback, fields)


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
        fields = click_fields(message, state, long_url)
        await post(state, client, message, "click", message.click_callback, fields)


async def post(
    state: SimulatorState,
    client: httpx.AsyncClient,
    message: Message,
    kind: str,
    url: str,
    fields: dict[str, Any],
) -> None:
    """Deliver `fields` to `url` with the documented timeout and retries; keep every attempt."""
    if state.config.callback_encoding == "json":
        body, media = json.dumps(fields), "application/json"
    else:
        body, media = encode_form(fields), "application/x-www-form-urlencoded"
    for attempt in range(1, state.config.callback_retries + 2):
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        try:
            response = await client.post(
                url,
                content=body,
                timeout=state.config.callback_timeout,
                headers={"Content-Type": media},
            )
            status = response.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:200]
        state.store.record_attempt(
            sid=message.sid,
            account=message.account,
            kind=kind,
            url=url,
            attempt=attempt,
            payload=json.dumps(fields),
            status_code=status,
            error=error,
            elapsed=round(time.monotonic() - started, 4),
            at=state.clock.now(),
        )
        if status == 200:
            return
        if attempt <= state.config.callback_retries:
            await asyncio.sleep(state.config.callback_backoff * 2 ** (attempt - 1))


async def run_sender(state: SimulatorState) -> None:
    """Find messages that became final and deliver their callbacks, until cancelled."""
    tasks: set[asyncio.Task[None]] = set()
    async with httpx.AsyncClient() as client:
        try:
            while True:
                await asyncio.sleep(state.config.ticker_interval)
                now = state.clock.now()
                for message in state.store.unnotified():
                    if lifecycle.final_at(message, state.config) <= now:
                        state.store.mark_notified(message.sid)
                        if not state.config.callbacks_enabled:
                            continue
                        task = asyncio.create_task(deliver(state, client, message))
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
        finally:
            for task in tasks:
                task.cancel()

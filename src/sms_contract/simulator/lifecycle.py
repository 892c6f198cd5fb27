"""Where a message is in its lifecycle at a given time: queued -> sending -> submitted -> final.

The intermediate steps are the non-final statuses of the registry, in registry order, each with
its DetailedStatusCode; the final code is fixed at creation (see scenarios.py) or forced.
"""

from __future__ import annotations

import functools

from sms_contract.contract.registry import DetailedStatusCode, load_registries
from sms_contract.contract.segments import sms_units
from sms_contract.simulator.config import SimulatorConfig
from sms_contract.simulator.store import Message


@functools.cache
def steps() -> tuple[DetailedStatusCode, ...]:
    """The intermediate DetailedStatusCodes, one per non-final status, in order."""
    registries = load_registries()
    out = []
    for status in registries.statuses():
        if not status.final:
            out.append(registries.dsc_for_status(status.status)[0])
    return tuple(out)


def initial() -> DetailedStatusCode:
    """The state a new message is answered with."""
    return steps()[0]


def state_at(message: Message, now: float, config: SimulatorConfig) -> DetailedStatusCode:
    """The message's DetailedStatusCode at time `now`."""
    registries = load_registries()
    if message.forced_code is not None:
        forced = registries.dsc(message.forced_code)
        assert forced is not None
        return forced
    final = registries.dsc(message.final_code)
    assert final is not None
    if config.instant:
        return final
    index = int((now - message.created_at) // max(config.step_seconds, 1e-9))
    return steps()[index] if index < len(steps()) else final


def final_at(message: Message, config: SimulatorConfig) -> float:
    """When the message reaches its final state."""
    if message.forced_at is not None:
        return message.forced_at
    if config.instant:
        return message.created_at
    return message.created_at + len(steps()) * config.step_seconds


def units(body: str, encoding: str) -> int:
    """SMS units by the split rule of the sms-encoding registry (GSM 7-bit or unicode)."""
    return sms_units(body, encoding)

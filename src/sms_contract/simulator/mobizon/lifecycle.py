"""Where a Mobizon message is at a given time: NEW -> ENQUEUD -> ACCEPTD -> its final status.

The steps are the registry's non-final statuses before the first final one; each takes
`step_seconds` of (virtual, see simulator/clock.py) time unless the simulator is `instant`. A
message parked at a non-final status (its test recipient) stays there; a forced status wins.
"""

from __future__ import annotations

import math

from sms_contract.contract import mobizon_spec as mobizon
from sms_contract.simulator.config import SimulatorConfig
from sms_contract.simulator.mobizon.store import MobizonMessage


def status_at(message: MobizonMessage, now: float, config: SimulatorConfig) -> str:
    if message.forced_status is not None:
        return message.forced_status
    if config.instant:
        return message.final_status
    steps = mobizon.lifecycle_steps()
    index = int((now - message.created_at) // max(config.step_seconds, 1e-9))
    return steps[index].status if index < len(steps) else message.final_status


def final_at(message: MobizonMessage, config: SimulatorConfig) -> float | None:
    """When the message reaches a final status (None: it never does, it is parked)."""
    if message.forced_status is not None:
        found = mobizon.status(message.forced_status)
        return message.forced_at if found and found.final else None
    found = mobizon.status(message.final_status)
    if found is None or not found.final:
        return None
    if config.instant:
        return message.created_at
    return message.created_at + len(mobizon.lifecycle_steps()) * config.step_seconds


def updated_at(message: MobizonMessage, now: float, config: SimulatorConfig) -> float:
    """When the status the message shows at `now` was set."""
    if message.forced_at is not None:
        return message.forced_at
    if config.instant:
        return message.created_at
    steps = len(mobizon.lifecycle_steps())
    index = min(int((now - message.created_at) // max(config.step_seconds, 1e-9)), steps)
    return message.created_at + index * config.step_seconds


def segments(text: str) -> int:
    """SMS segments: 160 GSM characters (70 unicode) per part."""
    per_part = 70 if any(ord(c) > 127 for c in text) else 160
    return max(1, math.ceil(len(text) / per_part))

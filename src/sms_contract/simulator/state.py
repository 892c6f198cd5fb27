"""Everything one simulator instance holds: config, store, clock, limits, forced errors."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import TYPE_CHECKING

from sms_contract.simulator.clock import Clock
from sms_contract.simulator.config import SimulatorConfig
from sms_contract.simulator.mobizon.sender import MobizonWebhookSender
from sms_contract.simulator.mobizon.store import MobizonStore
from sms_contract.simulator.store import Store

if TYPE_CHECKING:
    from sms_contract.simulator.callback_sender import CallbackSender


class SimulatorState:
    """Shared by the provider API, the control API and the callback sender."""

    def __init__(self, config: SimulatorConfig, callbacks: CallbackSender | None = None) -> None:
        from sms_contract.simulator.callback_sender import CallbackSender
        from sms_contract.simulator.routes import RateLimiter

        self.config = config
        # how callbacks go on the wire (the documented form POST unless a fault is injected)
        self.callbacks = callbacks or CallbackSender()
        self.store = Store(config.db)
        self.store.add_account(config.account_sid)
        self.mobizon = MobizonStore(config.db)
        self.mobizon_webhooks = MobizonWebhookSender()
        self.clock = Clock()
        self.limiter = RateLimiter()
        # account -> scope -> [error id, ...]: errors the control API queued for next requests
        self.forced: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        # deliveries started outside the sender loop (clicks): kept so they are not collected
        self.background: set[asyncio.Task[None]] = set()

    def accounts(self) -> set[str]:
        return self.store.accounts()

    def take_forced_error(self, account: str, scope: str) -> str | None:
        queue = self.forced[account][scope]
        return queue.pop(0) if queue else None

"""The system under test: where it is, how to authenticate, what it may be sent."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from sms_contract.contract.registry import load_registries, number_for


def default_recipients() -> tuple[str, ...]:
    """The test number of every final DetailedStatusCode, successful ones first."""
    registries = load_registries()
    success = {s.status for s in registries.statuses() if s.success}
    finals = [d for d in registries.dscs() if d.final]
    ordered = sorted(finals, key=lambda d: d.status not in success)
    return tuple(number_for(d.code) for d in ordered)


_PHONE_LIKE = re.compile(r"\d{6,}")


def may_send_to(value: str, allowlist: tuple[str, ...]) -> bool:
    """True unless `value` looks like a phone number that is not in `allowlist`."""
    return value in allowlist or not _PHONE_LIKE.search(value)


def is_local(url: str) -> bool:
    """True for loopback targets (localhost, 127.0.0.0/8, ::1)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Target:
    """An Exotel-compatible SMS API and what the suite may do with it."""

    url: str
    account_sid: str
    auth: tuple[str, str] | None = field(default=None, repr=False)
    recipients: tuple[str, ...] = field(default_factory=default_recipients)
    # the target honours the simulator's test numbers (each ends in its DetailedStatusCode)
    test_numbers: bool = False
    # callbacks from the target can reach a receiver on this machine's loopback
    local_receiver: bool = False
    # the target is the simulator: its control API adds accounts (see conformance.accounts)
    # and moves its clock, so waiting for a message to become final takes no real time
    adds_accounts: bool = False
    # seconds to wait for a message to become final, or for its StatusCallback
    patience: float = 20.0
    # the target enforces the published rate limits (false: lowered on purpose, as when
    # recording small rate-limit cassettes), so they are checked exactly
    published_limits: bool = True

    @property
    def base(self) -> str:
        return self.url.rstrip("/")

    @property
    def api(self) -> str:
        """The account's API root: `<url>/v1/Accounts/<sid>`."""
        return f"{self.base}/v1/Accounts/{self.account_sid}"

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in output."""
        return tuple(s for s in (self.auth or ()) if s)

    def recipient(self, index: int = 0) -> str:
        """The index-th allowed recipient (cycling), the first being a successful one."""
        return self.recipients[index % len(self.recipients)]


def advance_clock(client: httpx.Client, target: Target, seconds: float) -> None:
    """Move a simulator target's virtual clock forward (its control API)."""
    response = client.post(f"{target.base}/_control/clock/advance", json={"seconds": seconds})
    response.raise_for_status()


def has_control_api(target: Target, client: httpx.Client | None = None) -> bool:
    """True when `target` answers the simulator's control API (it is `sms-contract serve`)."""
    url = f"{target.base}/_control/scenarios"
    try:
        response = client.get(url) if client is not None else httpx.get(url, timeout=10)
        return response.status_code == 200 and "test_numbers" in response.json()
    except (httpx.HTTPError, ValueError):
        return False

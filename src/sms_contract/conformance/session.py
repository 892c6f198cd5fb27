"""HTTP to the target, bounded: a request budget, a pace, and recipients from an allowlist."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Literal

import httpx

from sms_contract.cassettes.filters import redact_url
from sms_contract.checks.ledger import Ledger
from sms_contract.conformance.budget import Budget
from sms_contract.conformance.target import Target, may_send_to
from sms_contract.contract.forms import form_text

Form = tuple[tuple[str, str], ...]
# "default": the target's credentials; "none": no Authorization header; or explicit KEY, TOKEN
AuthChoice = Literal["default", "none"] | tuple[str, str]

_RECIPIENT_FIELD = re.compile(r"^(To(\[\d*\])?|Messages\[\d+\]\[To\]|recipient)$")


class UnsafeRecipient(Exception):
    """A request would send to a number outside the allowlist."""


class TargetUnreachable(Exception):
    """The target cannot be reached (refused, DNS, TLS, timeout)."""


@dataclass(frozen=True)
class Call:
    """One request the suite made and the answer it got."""

    method: str
    url: str
    request_body: str | None
    status: int
    headers: httpx.Headers
    body: bytes


def unsafe_recipients(form: Form, allowed: tuple[str, ...]) -> list[str]:
    """Phone-like recipients in `form` that are not in `allowed`."""
    return [
        value
        for name, value in form
        if _RECIPIENT_FIELD.match(name) and not may_send_to(value, allowed)
    ]


class Session:
    """Requests to one target, counted against a budget (shared with the rest of the run) and
    paced to a rate."""

    def __init__(
        self,
        target: Target,
        client: httpx.Client,
        *,
        budget: Budget | None = None,
        rate: float | None = None,
    ) -> None:
        self.target = target
        self.client = client
        self.budget = budget or Budget()
        self.interval = 1.0 / rate if rate else 0.0
        self._last = 0.0
        # every accepted message of the run, for the checks across exchanges
        self.ledger = Ledger()
        # when each POST of the run was made, per account (the published limit is per minute)
        self.posts: dict[str, list[float]] = {}

    def posts_in_last_minute(self) -> int:
        """POSTs this session made to its current account in the last 60 s."""
        now = time.monotonic()
        return sum(1 for t in self.posts.get(self.target.account_sid, []) if now - t < 60)

    @property
    def remaining(self) -> int | None:
        return self.budget.remaining

    def request(
        self, method: str, url: str, *, form: Form | None = None, auth: AuthChoice = "default"
    ) -> Call:
        """Make one request; `url` is absolute or relative to the account's API root."""
        if not url.startswith(("http://", "https://")):
            url = self.target.api + url
        if form is not None:
            unsafe = unsafe_recipients(form, self.target.recipients)
            if unsafe:
                raise UnsafeRecipient(
                    f"refusing to send to {', '.join(unsafe)}: not in the recipient allowlist"
                )
        self.budget.take()
        wait = self._last + self.interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        body = form_text(form) if form is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
        credentials: httpx.Auth | None
        if auth == "default":
            credentials = httpx.BasicAuth(*self.target.auth) if self.target.auth else None
        elif auth == "none":
            credentials = None
        else:
            credentials = httpx.BasicAuth(*auth)
        self._last = time.monotonic()
        if method == "POST":
            self.posts.setdefault(self.target.account_sid, []).append(self._last)
        try:
            response = self.client.request(
                method, url, content=body, headers=headers, auth=credentials
            )
        except httpx.TimeoutException as exc:
            raise TargetUnreachable(f"{method} {redact_url(url)}: timed out ({exc})") from None
        except httpx.TransportError as exc:
            raise TargetUnreachable(f"{method} {redact_url(url)}: {exc}") from None
        return Call(method, url, body, response.status_code, response.headers, response.content)

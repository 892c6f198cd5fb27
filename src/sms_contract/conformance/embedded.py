"""Which target a run checks: the embedded simulator, or one the user names (and may send to).

This sits above both the conformance library and the simulator, so neither knows the other.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence

from sms_contract.conformance.scenarios import Scenario
from sms_contract.conformance.target import Target, default_recipients, is_local
from sms_contract.simulator.config import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_API_KEY,
    DEFAULT_API_TOKEN,
    SimulatorConfig,
)
from sms_contract.simulator.server import running


class TargetConfigError(ValueError):
    """The options do not describe a target the suite may run against (a usage error)."""


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """`KEY:TOKEN` -> (KEY, TOKEN); None for no value."""
    if not value:
        return None
    key, sep, token = value.partition(":")
    if not sep or not key or not token:
        raise TargetConfigError("credentials must be KEY:TOKEN")
    return key, token


_NUMBER = re.compile(r"\+?\d{3,15}")  # E.164 is at most 15 digits; short codes are 3+


def check_recipients(recipients: tuple[str, ...]) -> tuple[str, ...]:
    """Each --recipient must be a phone number: 3 to 15 digits (E.164 or a short code)."""
    for number in recipients:
        if not _NUMBER.fullmatch(number):
            raise TargetConfigError(
                f"--recipient {number!r} is not a phone number; give digits in E.164 form, "
                "e.g. --recipient +919900000001"
            )
    return recipients


def check_base_url(url: str) -> None:
    """The target URL is the API's base: the suite adds `/v1/Accounts/<SID>/...` itself."""
    if not url.startswith(("http://", "https://")):
        raise TargetConfigError(f"the target URL must start with http:// or https://: {url!r}")
    at = url.lower().find("/v1/accounts")
    if at >= 0:
        base = url[:at]
        raise TargetConfigError(
            f"the target URL is the base before /v1/Accounts/...: use {base!r} "
            "(and --account-sid for the account)"
        )


def embedded_target(url: str, recipients: tuple[str, ...] = ()) -> Target:
    """The embedded simulator at `url`, with its documented account and credentials."""
    return Target(
        url,
        DEFAULT_ACCOUNT_SID,
        (DEFAULT_API_KEY, DEFAULT_API_TOKEN),
        recipients or default_recipients(),
        test_numbers=True,
        local_receiver=True,
        adds_accounts=True,
        # the embedded simulator is instant and its callbacks local; the margin is for loaded
        # CI machines (it is only waited out when something is wrong)
        patience=8.0,
    )


def remote_target(
    url: str,
    auth: str | None,
    account_sid: str,
    *,
    allow_remote: bool = False,
    recipients: tuple[str, ...] = (),
) -> Target:
    """A target named by the user, refused unless it is safe to send to.

    A target off this machine needs `allow_remote` and credentials; a local one without
    credentials gets the simulator's documented ones (it is most likely `sms-contract serve`).
    """
    check_base_url(url)
    check_recipients(recipients)
    local = is_local(url)
    if not local and not allow_remote:
        raise TargetConfigError(
            f"{url} is not on this machine; a run sends real requests, so confirm with "
            "--allow-remote (and bound it with --max-requests and --recipient)"
        )
    credentials = parse_auth(auth)
    if credentials is None and not local:
        raise TargetConfigError(
            "a remote target needs credentials: --auth KEY:TOKEN or SMS_CONTRACT_AUTH"
        )
    if not recipients and not local:
        raise TargetConfigError(
            "a remote target needs --recipient NUMBER for each number it may text (numbers "
            "you own): the simulator's test numbers mean nothing to a real provider"
        )
    return Target(
        url,
        account_sid,
        credentials or (DEFAULT_API_KEY, DEFAULT_API_TOKEN),
        recipients or default_recipients(),
        test_numbers=local,
        local_receiver=local,
    )


def simulator_config(probes: Sequence[Scenario]) -> SimulatorConfig:
    """The embedded simulator for a run: throttled as documented when the run probes its rate
    limits, else with limits out of reach, so a fuzz pass exercises the API, not its throttle."""
    if probes:
        return SimulatorConfig(db=":memory:")
    return SimulatorConfig.unthrottled(db=":memory:")


@contextlib.contextmanager
def embedded(
    config: SimulatorConfig | None = None, recipients: tuple[str, ...] = ()
) -> Iterator[Target]:
    """A fresh in-memory simulator on a free loopback port for the length of the block."""
    check_recipients(recipients)
    with running(config=config or SimulatorConfig(db=":memory:")) as url:
        yield embedded_target(url, recipients)

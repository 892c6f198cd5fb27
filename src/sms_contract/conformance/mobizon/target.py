"""A Mobizon target: its base URL (before /service/...) and its apiKey.

It is a `conformance.target.Target` whose `auth` is `(apiKey, "")`, so the request budget,
the recipient allowlist, the scrubbing of secrets and the report work as for Exotel.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sms_contract.conformance.target import Target, is_local
from sms_contract.contract import mobizon_spec as mobizon
from sms_contract.simulator.config import DEFAULT_MOBIZON_API_KEY, SimulatorConfig
from sms_contract.simulator.server import running

ACCOUNT = "mobizon"  # Mobizon has no account in its paths; the apiKey names the account


class MobizonTargetError(ValueError):
    """The options do not describe a Mobizon target the suite may run against."""


def default_recipients() -> tuple[str, ...]:
    """The test recipients: the default-outcome one first, then each status's, each code's."""
    ordinary = mobizon.default_final().test_recipient
    statuses = [s.test_recipient for s in mobizon.statuses()]
    codes = [c.test_recipient for c in mobizon.result_codes().values() if c.code != 0]
    return tuple(dict.fromkeys([ordinary, *statuses, *codes]))


def api_key(target: Target) -> str:
    return target.auth[0] if target.auth else ""


def embedded_target(url: str, recipients: tuple[str, ...] = ()) -> Target:
    return Target(
        url,
        ACCOUNT,
        (DEFAULT_MOBIZON_API_KEY, ""),
        recipients or default_recipients(),
        test_numbers=True,
        local_receiver=True,
        patience=8.0,
    )


def remote_target(
    url: str, key: str | None, *, allow_remote: bool = False, recipients: tuple[str, ...] = ()
) -> Target:
    """A Mobizon target named by the user (the same safety rules as an Exotel one)."""
    if not url.startswith(("http://", "https://")):
        raise MobizonTargetError(f"the target URL must start with http:// or https://: {url!r}")
    local = is_local(url)
    if not local and not allow_remote:
        raise MobizonTargetError(
            f"{url} is not on this machine; a run sends real requests, so confirm with "
            "--allow-remote (and bound it with --max-requests and --recipient)"
        )
    if key is not None and (":" in key or not key.strip()):
        raise MobizonTargetError("a Mobizon target's --auth is its apiKey (one value, no colon)")
    if key is None and not local:
        raise MobizonTargetError(
            "a remote Mobizon target needs its apiKey: --auth KEY or SMS_CONTRACT_AUTH"
        )
    if not recipients and not local:
        raise MobizonTargetError(
            "a remote target needs --recipient NUMBER for each number it may text (numbers "
            "you own): the simulator's test recipients mean nothing to a real provider"
        )
    return Target(
        url,
        ACCOUNT,
        (key or DEFAULT_MOBIZON_API_KEY, ""),
        recipients or default_recipients(),
        test_numbers=local,
        local_receiver=local,
    )


@contextlib.contextmanager
def embedded(config: SimulatorConfig | None = None) -> Iterator[Target]:
    """A fresh in-memory simulator for the block, as a Mobizon target."""
    with running(config=config or SimulatorConfig(db=":memory:")) as url:
        yield embedded_target(url)

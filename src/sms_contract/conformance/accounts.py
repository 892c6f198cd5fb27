"""Which account of the target each part of a run uses: the one place that decides.

A rate-limit probe leaves its account throttled for a minute, and a fuzz pass spends requests
fast, so on a target that can add accounts each gets an account of its own (same credentials,
own rate-limit window) and no part of a run can throttle another, in any order. On any other
target everything shares the configured account, and the run orders the probes last.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Protocol

import httpx

from sms_contract.conformance.preflight import TargetProblem
from sms_contract.conformance.scenarios import Scenario
from sms_contract.conformance.target import Target

FUZZ_ACCOUNT = "simfuzz"


class Accounts(Protocol):
    """Where the fuzz pass and each rate-limit probe send their requests."""

    def for_fuzz(self, target: Target) -> Target: ...

    def for_probe(self, target: Target, scenario: Scenario) -> Target: ...


class SharedAccount:
    """A target the run cannot add accounts to: every part uses the configured account."""

    def for_fuzz(self, target: Target) -> Target:
        return target

    def for_probe(self, target: Target, scenario: Scenario) -> Target:
        return target


class SimulatorAccounts:
    """A simulator: the fuzz pass and each probe get their own account via its control API."""

    def for_fuzz(self, target: Target) -> Target:
        return _with_account(target, FUZZ_ACCOUNT)

    def for_probe(self, target: Target, scenario: Scenario) -> Target:
        return _with_account(target, "simprobe" + re.sub(r"[^a-z0-9]", "", scenario.id.lower()))


def accounts_for(target: Target) -> Accounts:
    """The account policy for `target`."""
    return SimulatorAccounts() if target.adds_accounts else SharedAccount()


def _with_account(target: Target, account: str) -> Target:
    """`target` on `account`, added (idempotently) through the simulator's control API."""
    try:
        response = httpx.post(f"{target.base}/_control/accounts", json={"account": account})
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise TargetProblem(f"cannot add the account {account} to {target.base}: {exc}") from None
    return dataclasses.replace(target, account_sid=account)

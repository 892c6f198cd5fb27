"""Which account of the target each part of a run uses: the one place that decides.

A rate-limit probe leaves its account throttled for a minute, and a fuzz pass spends requests
fast, so on a target that can add accounts (the simulator: embedded, or `sms-contract serve`
found through its control API) every scenario, the fuzz pass and each probe get an account of
their own (same credentials, own rate-limit window), named for this run: no part of a run can
throttle another, in any order, and neither can an earlier run against the same simulator. On
any other target everything shares the configured account, and the run orders the probes last.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from typing import Protocol

import httpx

from sms_contract.conformance.preflight import TargetProblem
from sms_contract.conformance.scenarios import Scenario
from sms_contract.conformance.target import Target, has_control_api

FUZZ_ACCOUNT = "simfuzz"


class Accounts(Protocol):
    """Where the fuzz pass and each rate-limit probe send their requests."""

    def for_fuzz(self, target: Target) -> Target: ...

    def for_probe(self, target: Target, scenario: Scenario) -> Target: ...

    def for_scenario(self, target: Target, scenario: Scenario) -> Target: ...


class SharedAccount:
    """A target the run cannot add accounts to: every part uses the configured account."""

    def for_fuzz(self, target: Target) -> Target:
        return target

    def for_probe(self, target: Target, scenario: Scenario) -> Target:
        return target

    def for_scenario(self, target: Target, scenario: Scenario) -> Target:
        return target


class SimulatorAccounts:
    """A simulator: every scenario (the probes of one row share one), the fuzz pass, each an
    account of this run's own, added through its control API."""

    def __init__(self, client: httpx.Client | None = None, run_id: str | None = None) -> None:
        self.client = client
        self.run_id = run_id or uuid.uuid4().hex[:10]
        self._added: set[str] = set()

    def for_fuzz(self, target: Target) -> Target:
        return self._with_account(target, f"{FUZZ_ACCOUNT}{self.run_id}")

    def for_probe(self, target: Target, scenario: Scenario) -> Target:
        return self.for_scenario(target, scenario)

    def for_scenario(self, target: Target, scenario: Scenario) -> Target:
        key = re.sub(r"[^a-z0-9]", "", scenario.account_key.lower())
        return self._with_account(target, f"run{self.run_id}{key}")

    def _with_account(self, target: Target, account: str) -> Target:
        """`target` on `account`, added (once) through the simulator's control API."""
        if account not in self._added:
            url = f"{target.base}/_control/accounts"
            try:
                if self.client is not None:
                    response = self.client.post(url, json={"account": account})
                else:
                    response = httpx.post(url, json={"account": account})
                response.raise_for_status()
            except httpx.HTTPError as exc:
                raise TargetProblem(
                    f"cannot add the account {account} to {target.base}: {exc}"
                ) from None
            self._added.add(account)
        return dataclasses.replace(target, account_sid=account, adds_accounts=True)


def accounts_for(target: Target, client: httpx.Client | None = None) -> Accounts:
    """The account policy for `target`: its own accounts where it is the simulator."""
    if target.adds_accounts or (target.test_numbers and has_control_api(target, client)):
        return SimulatorAccounts(client)
    return SharedAccount()

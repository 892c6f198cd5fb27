"""The fuzz pass replays by seed, and a generated case that once failed the embedded
simulator is replayed and passes (its verdict must not depend on the run before it)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sms_contract.conformance.embedded import embedded
from sms_contract.conformance.fuzz import fuzz

SEND = "POST /v1/Accounts/{AccountSid}/Sms/send"


def test_seed_1028_of_the_send_operation_conforms() -> None:
    # seed 1028 generated a send whose To held null/empty items (never on the wire) and
    # object items (`To[0][x]=...`): the checks counted the generated recipients, not the
    # sent ones, and the simulator accepted object recipients instead of answering 40207
    with embedded() as target:
        (result,) = fuzz(target, examples=10, seed=1028, operation=SEND, modes=("negative",))
    assert result.cases == 10
    assert result.failures == [], [f.message for f in result.failures]


def test_a_seed_sends_the_same_cases_whatever_was_imported_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hypothesis.internal.conjecture import providers

    seen: list[object] = []
    original = providers._get_local_constants

    def spy() -> object:
        seen.append(True)
        return original()

    monkeypatch.setattr(providers, "_get_local_constants", spy)
    (tmp_path / "consts_module_xyz.py").write_text('A = "/SMS/Messages/x.json"\nB = -7\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    __import__("consts_module_xyz")
    try:
        with embedded() as target:
            fuzz(target, examples=5, seed=3, operation=SEND, modes=("positive",))
    finally:
        sys.modules.pop("consts_module_xyz", None)
    # the local-constants pool (literals of whatever modules are loaded) is never drawn from
    assert seen == []

"""Replay: every cassette in cassettes/ (and each --cassette-dir) validated offline.

A cassette may carry `metadata.expect` (the reference-docs transcriptions do): the outcome the
project decided for a documented example, per mode, which this suite then asserts instead.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from sms_contract.cassettes.cassette import load_cassette, validate_cassette
from sms_contract.integrations.pytest_plugin import contract_mode


@pytest.mark.usefixtures("no_network")
def test_cassette_conforms(sms_cassette: Path, request: pytest.FixtureRequest) -> None:
    mode = contract_mode(request.config)
    count, findings = validate_cassette(sms_cassette, mode)
    assert count > 0, f"{sms_cassette}: no interactions"
    expect = (load_cassette(sms_cassette).get("metadata") or {}).get("expect")
    if expect and expect.get(mode) in ("fail", "invalid"):
        assert findings, f"{sms_cassette}: expected to break the contract ({expect['reason']})"
        found = {f.violation.check for f in findings}
        assert found <= set(expect["checks"]) or expect[mode] == "invalid", found
        return
    assert not findings, "\n".join(str(f) for f in findings)


def test_replay_cannot_reach_the_network(no_network: None) -> None:
    with pytest.raises(OSError, match="network access is blocked"):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(OSError, match="network access is blocked"):
        socket.socket().connect(("127.0.0.1", 9))

"""The README's recipe with pytest-recording installed: the two plugins share `--record-mode`,
a user's `@pytest.mark.vcr` test records through `sms_vcr_config`, and `sms-contract validate`
then checks the cassette it wrote (a conforming one passes, a broken one fails)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CONFTEST = """
import pytest

@pytest.fixture
def vcr_config(sms_vcr_config):
    return sms_vcr_config
"""

# the user's test: their client code talks to a server (here a simulator, correct or broken)
USER_TEST = """
import httpx
import pytest

from sms_contract.mutants import catalogue
from sms_contract.simulator.server import running

MUTANT = {mutant!r}

# the simulator's port is new on every run: replay matches on method and path
@pytest.mark.vcr(match_on=["method", "path"])
def test_send():
    app = catalogue()[MUTANT].app() if MUTANT else None
    with running(app) as url:
        response = httpx.post(
            url + "/v1/Accounts/simaccount/Sms/send.json",
            data={{"From": "ACME", "To": "+9100020005", "Body": "hi"}},
            auth=("simkey", "simtoken"),
        )
    assert response.status_code == 200
"""


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sms_contract.cli", "validate", str(path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(("mutant", "verdict"), [(None, 0), ("field-missing", 1)])
def test_a_vcr_marked_test_records_through_sms_vcr_config_and_validate_checks_it(
    pytester: pytest.Pytester, mutant: str | None, verdict: int
) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_billing=USER_TEST.format(mutant=mutant))
    result = pytester.runpytest_subprocess("--record-mode=once", "-p", "no:randomly")
    result.assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "test_billing" / "test_send.yaml"
    text = cassette.read_text()
    assert "interactions" in text
    assert "simtoken" not in text and "uthorization" not in text  # scrubbed by sms_vcr_config
    validated = _validate(cassette)
    assert validated.returncode == verdict, validated.stdout + validated.stderr
    if mutant:
        assert "/SMSMessage/DateCreated" in validated.stdout or "DateCreated" in validated.stdout
    else:
        assert "CONFORMS: 1 cassettes, 1 interactions" in validated.stdout
    # replayed offline afterwards: pytest-recording's default mode, the network blocked
    replay = pytester.runpytest_subprocess("--block-network", "-p", "no:randomly")
    replay.assert_outcomes(passed=1)


def test_record_mode_is_pytest_recordings_option_when_it_is_installed(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest_subprocess("--help")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*--record-mode={once,new_episodes,none,all,rewrite}*"])
    # without pytest-recording the plugin registers its own
    alone = pytester.runpytest_subprocess("-p", "no:recording", "--help")
    assert alone.ret == 0
    alone.stdout.fnmatch_lines(["*--record-mode={none,once,new_episodes,all}*"])

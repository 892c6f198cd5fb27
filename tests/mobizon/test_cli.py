"""`check --provider mobizon`, `record --provider mobizon` and `validate` on Mobizon cassettes."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from click.testing import CliRunner, Result

from sms_contract.cli import main
from sms_contract.conformance.mobizon.scenarios import mobizon_scenarios
from sms_contract.conformance.recording import cassette_name
from sms_contract.simulator.config import DEFAULT_MOBIZON_API_KEY

LIBRARY = Path(__file__).resolve().parent.parent.parent / "cassettes" / "mobizon"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _usage_error(result: Result, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and fragment in lines[0], result.output
    assert "Traceback" not in result.output


def test_check_runs_the_mobizon_scenarios_on_the_embedded_simulator() -> None:
    result = run("check", "--provider", "mobizon", "-k", "code-8", "-k", "DELIVRD", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    ids = {o["id"] for o in report["scenarios"]}
    assert "mobizon-code-8-api_key_invalid[xml]" in ids and "mobizon-webhook-DELIVRD" in ids
    assert DEFAULT_MOBIZON_API_KEY not in result.output


def test_check_mobizon_bad_inputs_are_one_error_line() -> None:
    _usage_error(run("check", "--provider", "mobizon", "-k", "no-such-scenario"), "no Mobizon")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _usage_error(
        run("check", "--provider", "mobizon", "--target-url", f"http://127.0.0.1:{port}"),
        "connection refused",
    )
    _usage_error(
        run(
            "check", "--provider", "mobizon", "--target-url", "http://127.0.0.1:1", "--auth", "a:b"
        ),
        "apiKey",
    )
    _usage_error(
        run("check", "--provider", "mobizon", "--target-url", "https://api.mobizon.kz"),
        "--allow-remote",
    )


def test_the_cassette_library_has_every_recordable_scenario_and_validates() -> None:
    expected = {cassette_name(s.id) for s in mobizon_scenarios() if s.recordable}
    assert {p.name for p in LIBRARY.glob("*.yaml")} == expected
    result = run("validate", str(LIBRARY))
    assert result.exit_code == 0, result.output
    text = "".join(p.read_text() for p in LIBRARY.glob("*.yaml"))
    assert DEFAULT_MOBIZON_API_KEY not in text and "apiKey=<scrubbed>" in text


def test_record_writes_cassettes_that_validate(tmp_path: Path) -> None:
    result = run("record", "--provider", "mobizon", "--out", str(tmp_path), "-k", "code-2")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.glob("*.yaml"))
    assert written == sorted(p.name for p in LIBRARY.glob("mobizon-code-2-*.yaml"))
    assert run("validate", str(tmp_path)).exit_code == 0

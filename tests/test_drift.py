"""Drift between recordings: none between two runs of the simulator, precise against a mutant."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sms_contract.cassettes.drift import compare, shape
from sms_contract.cli import main
from sms_contract.conformance import all_scenarios
from sms_contract.mutants import catalogue
from sms_contract.simulator.server import running

SELECT = ["-k", "send", "-k", "static-bulk", "-k", "lifecycle-2301", "-k", "error-body_empty"]


def record(out: Path, url: str | None = None) -> None:
    args = ["record", "--out", str(out), *SELECT]
    result = CliRunner().invoke(main, [*args, "--target-url", url] if url else args)
    assert result.exit_code in (0, 1), result.output
    assert list(out.glob("*.yaml"))


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("old")
    record(out)
    return out


def test_two_recordings_of_the_simulator_do_not_drift(baseline: Path, tmp_path: Path) -> None:
    record(tmp_path / "new")
    report = compare(baseline, tmp_path / "new")
    assert report.pairs > 10 and not report.drifted, [str(d) for d in report.differences]
    result = CliRunner().invoke(main, ["drift", str(baseline), str(tmp_path / "new")])
    assert result.exit_code == 0 and "NO DRIFT" in result.output


def test_a_mutant_recording_drifts_precisely(baseline: Path, tmp_path: Path) -> None:
    with running(catalogue()["dsc-as-string"].app()) as url:
        record(tmp_path / "new", url)
    report = compare(baseline, tmp_path / "new")
    changed = {(d.kind, d.pointer) for d in report.differences}
    assert ("type-changed", "/SMSMessage/DetailedStatusCode") in changed
    assert all(not d.allowed for d in report.differences if "DetailedStatusCode" in d.pointer)
    result = CliRunner().invoke(main, ["drift", str(baseline), str(tmp_path / "new")])
    assert result.exit_code == 1 and "BREAKS THE CONTRACT" in result.output


def test_a_new_error_code_and_a_missing_file_are_drift(baseline: Path, tmp_path: Path) -> None:
    new = tmp_path / "new"
    new.mkdir()
    for path in baseline.glob("*.yaml"):
        (new / path.name).write_text(path.read_text())
    target = new / "error-body_empty-json.yaml"
    target.write_text(target.read_text().replace('"Code": 40200', '"Code": 40299'))
    (new / "send-xml.yaml").unlink()
    report = compare(baseline, new)
    assert any(
        d.kind == "new-code" and d.pointer == "/RestException/Code" for d in report.differences
    )
    assert any("send-xml.yaml: only in" in line for line in report.unpaired)


def test_volatile_values_are_not_drift() -> None:
    a = {"SMSMessage": {"Sid": "a1", "DateCreated": "2026-01-01 00:00:00", "Status": "sent"}}
    b = {"SMSMessage": {"Sid": "b2", "DateCreated": "2026-02-02 10:00:00", "Status": "sent"}}
    assert shape(a) == shape(b)


def test_bad_input_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["drift", str(tmp_path / "nope"), str(tmp_path)])
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_scenarios_selected_here_exist() -> None:
    ids = [s.id for s in all_scenarios()]
    for pattern in SELECT[1::2]:
        assert any(pattern in i for i in ids)

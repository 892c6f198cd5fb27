"""A gate that checked nothing is never green: every command that gates exits 5 with a
NOTHING CHECKED (or NOTHING COMPARED) line when nothing was checked, instead of 0."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from sms_contract.cli import EXIT_NOTHING_CHECKED, main
from sms_contract.report import RunReport

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_the_exit_code_is_its_own() -> None:
    assert EXIT_NOTHING_CHECKED == 5


def test_check_with_no_request_budget_runs_nothing_and_is_not_green() -> None:
    """Before: `check --max-requests 0` exited 0 with every scenario not run."""
    result = run("check", "--max-requests", "0", "--fuzz-examples", "2")
    assert result.exit_code == EXIT_NOTHING_CHECKED, result.output
    assert "NOTHING CHECKED: 0 scenarios passed, 0 failed" in result.output
    assert "not run" in result.output


def test_fuzz_with_no_request_budget_is_not_green() -> None:
    result = run("fuzz", "--max-requests", "0", "--examples", "2")
    assert result.exit_code == EXIT_NOTHING_CHECKED, result.output
    assert "NOTHING CHECKED" in result.output


def test_a_run_that_checked_one_thing_is_judged_on_it() -> None:
    result = run("check", "-k", "send[json]", "--fuzz-examples", "0")
    assert result.exit_code == 0, result.output
    assert "CONFORMS: 1 scenarios passed" in result.output


def test_an_interrupted_run_stays_130_even_with_nothing_checked() -> None:
    report = RunReport("t", "strict", "now", interrupted=True)
    assert report.exit_code == 130


def test_validate_of_cassettes_without_interactions(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("interactions: []\nversion: 1\n")
    (tmp_path / "b.json").write_text('{"interactions": [], "version": 1}')
    result = run("validate", str(tmp_path))
    assert result.exit_code == EXIT_NOTHING_CHECKED, result.output
    assert "NOTHING CHECKED: 2 cassettes, 0 interactions" in result.output


def test_validate_of_an_empty_folder_is_bad_input(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path))
    assert result.exit_code == 2
    assert "no cassette files" in result.stderr


def test_drift_with_nothing_paired(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "a.yaml").write_text("interactions: []\nversion: 1\n")
    (new / "a.yaml").write_text("interactions: []\nversion: 1\n")
    result = run("drift", str(old), str(new))
    assert result.exit_code == EXIT_NOTHING_CHECKED, result.output
    assert "NOTHING COMPARED: 0 interactions compared" in result.output
    same = ROOT / "cassettes" / "simulator" / "send-json.yaml"
    assert run("drift", str(same), str(same)).exit_code == 0

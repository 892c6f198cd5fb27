"""What a CI log and a working folder see: no wrapped lines off a terminal, a plain progress
line on long runs, Ctrl-C reported the same way, -k narrowing the fuzz pass, and nothing left
behind in the folder a command ran in."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from tests.factories import interrupted_check

from sms_contract.cli import EXIT_INTERRUPTED, main
from sms_contract.mutants import catalogue
from sms_contract.simulator.server import running

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def test_off_a_terminal_one_violation_is_one_line() -> None:
    with running(catalogue()["uri-wrong-sid"].app()) as url:
        result = run("check", "--target-url", url, "-k", "send[json]", "--fuzz-examples", "0")
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if "[uri_matches_sid]" in line]
    assert lines, result.output
    for line in lines:  # the whole violation on its line, however long (no wrap at 80)
        assert len(line) > 80 and "(expected" in line and "got" in line, line


def test_off_a_terminal_a_long_run_prints_plain_progress_lines() -> None:
    result = run(
        "check", "-k", "send", "--fuzz-examples", "0", env={"SMS_CONTRACT_PROGRESS_SECONDS": "0"}
    )
    assert result.exit_code == 0, result.output
    progress = [line for line in result.stderr.splitlines() if line.startswith("progress: ")]
    assert progress and re.match(r"progress: 1/\d+ \(.+\), \d+ s", progress[0]), result.stderr
    assert "\x1b[" not in result.stderr  # no terminal control codes in a log


def test_k_narrows_the_fuzz_pass_to_the_selected_operations() -> None:
    result = run("check", "-k", "send[json]", "--fuzz-examples", "1", "--json")
    fuzzed = {f["operation"] for f in json.loads(result.output)["fuzz"]}
    assert fuzzed == {"POST /v1/Accounts/{AccountSid}/Sms/send.json"}
    result = run("check", "-k", "dynamic-bulk[xml]", "--fuzz-examples", "1", "--json")
    fuzzed = {f["operation"] for f in json.loads(result.output)["fuzz"]}
    assert fuzzed == {"POST /v1/Accounts/{AccountSid}/Sms/bulksend"}


def test_validate_interrupted_exits_130_and_reports_the_files_it_finished(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: `validate` exited 1 with click's "Aborted!", then 130 with nothing of the files
    it had finished. Ctrl-C lands inside the third file, after it counted some coverage."""
    import sms_contract.cassettes.cassette as cassette

    real = cassette.validate_cassette
    calls = []

    def interrupted_inside_the_third(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        found = real(*args, **kwargs)  # the file's interactions are counted, then Ctrl-C
        if len(calls) == 3:
            raise KeyboardInterrupt
        return found

    monkeypatch.setattr(cassette, "validate_cassette", interrupted_inside_the_third)
    folder = ROOT / "cassettes" / "simulator"
    files = len(list(folder.glob("*.yaml")))
    result = run("validate", str(folder), "--jobs", "1")
    assert result.exit_code == EXIT_INTERRUPTED, result.output
    assert "Aborted!" not in result.output + result.stderr
    assert f"INTERRUPTED: 2 of {files} cassettes" in result.output, result.output
    assert f"not validated: {calls[2].name}" in result.output  # the one it was on, and after
    assert "coverage:" in result.output
    calls.clear()
    report = json.loads(run("validate", str(folder), "--jobs", "1", "--json").output)
    assert report["interrupted"] and report["validated"] == 2
    # the coverage is that of the two files reported, not of the one stopped half-way
    assert report["coverage"]["exchanges"] == report["interactions"]


def test_mutants_interrupted_reports_the_mutants_that_finished() -> None:
    """Before: `mutants` reported nothing of what had finished."""
    names = ["uri-wrong-sid", "field-missing", "dsc-as-string"]
    process = subprocess.Popen(
        [sys.executable, "-m", "sms_contract.cli", "mutants", *(a for n in names for a in ("--only", n))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "SMS_CONTRACT_PROGRESS_SECONDS": "0"},
    )  # fmt: skip
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("progress: 2/"):  # the pristine simulator and one mutant are done
            break
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == EXIT_INTERRUPTED, (out, err)
    assert "INTERRUPTED:" in out and "pristine passes" in out
    assert "uri-wrong-sid" in out  # the finished mutant is in the table
    assert "Traceback" not in err


def test_commands_leave_nothing_in_the_folder_they_ran_in(tmp_path: Path) -> None:
    home = tmp_path / "home"
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "HOME": str(home)}
    env.pop("HYPOTHESIS_STORAGE_DIRECTORY", None)
    env.pop("XDG_CACHE_HOME", None)
    for args in (
        ("check", "-k", "send[json]", "--fuzz-examples", "2"),
        ("callbacks", "--list"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "sms_contract.cli", *args],
            cwd=work, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in work.iterdir()) == []  # no .hypothesis/, no database


def test_what_the_readme_blocks_write_is_ignored_by_git() -> None:
    ignored = [
        line.strip()
        for line in (ROOT / ".gitignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    written = {
        name
        for page in pages
        for block in re.findall(r"```(?:bash|shell)\n(.*?)```", page.read_text(), re.DOTALL)
        for name in re.findall(r"--(?:report|junit-xml) (\S+)", block)
    }
    assert written >= {"report.html", "junit.xml"}
    for name in written:
        assert any(fnmatch.fnmatch(name, pattern) for pattern in ignored), name


def test_validate_shows_progress_as_files_finish() -> None:
    result = run(
        "validate",
        str(ROOT / "cassettes" / "simulator"),
        env={"SMS_CONTRACT_PROGRESS_SECONDS": "0"},
    )
    assert result.exit_code == 0, result.output
    progress = [line for line in result.stderr.splitlines() if line.startswith("progress: ")]
    files = list((ROOT / "cassettes" / "simulator").glob("*.yaml"))
    size = sum(p.stat().st_size for p in files) / 1000
    assert len(progress) >= len(files) - 1, result.stderr
    assert progress[-1].startswith(f"progress: {size:.0f}/{size:.0f} kB"), progress[-1]


def test_validate_shows_progress_within_one_large_cassette(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a 50 MB cassette was read in silence for 40 s (progress counted whole files).
    A large file is streamed; here "large" is lowered so that a small file is."""
    import sms_contract.cassettes.cassette as cassette

    source = ROOT / "cassettes" / "simulator" / "parameter-SmsType-xml.yaml"
    monkeypatch.setattr(cassette, "STREAM_BYTES", source.stat().st_size // 2)
    interactions = source.read_text().count("- request:")
    assert interactions > 3
    result = run("validate", str(source), env={"SMS_CONTRACT_PROGRESS_SECONDS": "0"})
    assert result.exit_code == 0, result.output
    progress = [line for line in result.stderr.splitlines() if line.startswith("progress: ")]
    # the count moves within the one file (as far as the reader's 16 kB chunks go)
    assert len({line.split(" (")[0] for line in progress}) > 2, progress


def test_record_interrupted_counts_the_cassettes_on_disk(tmp_path: Path) -> None:
    """Before: "0 cassettes written" with 32 on disk."""
    out = tmp_path / "rec"
    process = subprocess.Popen(
        [sys.executable, "-m", "sms_contract.cli", "record", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "SMS_CONTRACT_PROGRESS_SECONDS": "0"},
    )  # fmt: skip
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("progress: 5/"):
            break
    process.send_signal(signal.SIGINT)
    said, err = process.communicate(timeout=120)
    assert process.returncode == EXIT_INTERRUPTED, err
    # on stdout, as every command's INTERRUPTED line is
    written = re.search(r"INTERRUPTED: (\d+) cassettes written", said)
    assert written, (said, err)
    assert "Traceback" not in err
    assert int(written.group(1)) == len(list(out.glob("*.yaml"))) >= 5


@pytest.mark.parametrize("after", [5, 60, 200])
def test_check_interrupted_anywhere_exits_130_and_reports(after: int) -> None:
    """Ctrl-C during the scenarios or the fuzz pass: never swallowed (before: 2 runs in 12
    printed a traceback and went on to exit 0)."""
    from sms_contract.simulator import SimulatorConfig

    code, out, err = interrupted_check(
        SimulatorConfig.unthrottled(db=":memory:"), after, "--fuzz-examples", "20"
    )
    assert code == EXIT_INTERRUPTED, (out[-2000:], err[-2000:])
    assert "INTERRUPTED:" in out and "scenarios passed" in out
    # every scenario is in the totals: what Ctrl-C kept from running is "not run"
    from sms_contract.conformance import all_scenarios

    counts = re.search(r"INTERRUPTED: (\d+) scenarios passed, (\d+) failed, (\d+) not run", out)
    assert counts, out[-2000:]
    assert sum(map(int, counts.groups())) == len(all_scenarios()), counts.group(0)

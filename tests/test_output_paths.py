"""Every output path is checked before the work starts: a run never ends, minutes later,
unable to write what it found. An unknown report type is a usage error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sms_contract.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_refused_before_work(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stdout == "", result.stdout  # nothing ran: no table, no verdict
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    if not Path("/sys").is_dir():
        pytest.skip("no read-only folder for root on this system")
    return Path("/sys")


@pytest.mark.parametrize(
    "command",
    [
        ("check", "-k", "send[json]"),
        ("fuzz",),
        ("callbacks", "--receiver-url", "http://127.0.0.1:9/h"),
    ],
)
def test_report_with_an_unknown_extension(command: tuple[str, ...], tmp_path: Path) -> None:
    result = run(*command, "--report", str(tmp_path / "report.pdf"))
    assert_refused_before_work(result, "--report", "'.pdf'", ".html", ".md")
    assert not (tmp_path / "report.pdf").exists()


@pytest.mark.parametrize("option", ["--report", "--junit-xml"])
def test_report_files_that_cannot_be_written(
    option: str, tmp_path: Path, read_only_dir: Path
) -> None:
    name = "r.html" if option == "--report" else "junit.xml"
    assert_refused_before_work(
        run("check", option, str(read_only_dir / name)), option, "cannot write"
    )
    assert_refused_before_work(
        run("check", option, str(tmp_path / "missing" / name)), "does not exist"
    )
    assert_refused_before_work(run("check", option, str(tmp_path)), "is a folder")


def test_a_checked_report_path_is_not_left_behind_empty(tmp_path: Path) -> None:
    report = tmp_path / "r.md"
    result = run("check", "-k", "no-such-scenario", "--report", str(report))
    assert result.exit_code == 2
    assert not report.exists()


def test_record_out_that_cannot_be_written(tmp_path: Path, read_only_dir: Path) -> None:
    assert_refused_before_work(
        run("record", "--out", str(read_only_dir / "cassettes")), "--out", "cannot write"
    )
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    assert_refused_before_work(run("record", "--out", str(a_file)), "--out", "is a file")


def test_proxy_outputs_are_checked_before_it_listens(tmp_path: Path, read_only_dir: Path) -> None:
    """Before: the proxy ran until Ctrl-C and then crashed writing, losing the summary."""
    for args, fragment in (
        (("--record", str(read_only_dir / "live")), "--record"),
        (("--report", str(tmp_path / "proxy.pdf")), "'.pdf'"),
        (("--report", str(read_only_dir / "proxy.html")), "cannot write"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "sms_contract.cli", "proxy", "--upstream", "http://127.0.0.1:9",
             "--listen", "127.0.0.1:0", *args],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 2, (done.stdout, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], lines

"""The HTML report as a person sees it: rendered by headless Chromium, read as printed text.

Chromium prints the page to PDF and `pdftotext -layout` reads back what is visible, laid out as
on paper, so these tests check what a reader sees (a hidden element prints nothing), not only
the markup. `.ci/run` installs Chromium and poppler-utils on a fresh machine and sets
SMS_CONTRACT_REQUIRE_CHROMIUM, so there the test runs rather than skips.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sms_contract.cli import main

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def _chromium() -> str:
    found = next(
        (shutil.which(name) for name in ("chromium", "chromium-browser") if shutil.which(name)),
        None,
    )
    if found and shutil.which("pdftotext"):
        return found
    if os.environ.get("SMS_CONTRACT_REQUIRE_CHROMIUM"):
        pytest.fail("chromium and pdftotext (poppler-utils) are required here")
    pytest.skip("needs the Debian packages chromium and poppler-utils (.ci/run installs them)")


def visible_text(page: Path, tmp_path: Path) -> tuple[str, str]:
    """What the page shows: as text laid out like the page (columns stay side by side), and
    in reading order (a wrapped cell's words stay together)."""
    chromium = _chromium()
    pdf = tmp_path / "page.pdf"
    subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    texts = [
        subprocess.run(
            ["pdftotext", *flags, str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        for flags in (["-layout"], [])
    ]
    return texts[0], texts[1]


@pytest.fixture(scope="module")
def failing_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of recordings: two that conform and one the contract catches."""
    folder = tmp_path_factory.mktemp("my-cassettes")
    for name in ("send-json.yaml", "error-body_empty-xml.yaml"):
        shutil.copy(ROOT / "cassettes" / "simulator" / name, folder / name)
    # the reference's own example: its Uri names another Sid (uri_matches_sid)
    shutil.copy(ROOT / "cassettes" / "reference-docs" / "sample-20-curl-xml.yaml", folder)
    return folder


def test_validate_report_shows_gaps_failures_and_rows(failing_folder: Path, tmp_path: Path) -> None:
    page = tmp_path / "coverage.html"
    result = CliRunner().invoke(main, ["validate", str(failing_folder), "--report", str(page)])
    assert result.exit_code == 1, result.output
    markup = page.read_text(encoding="utf-8")
    # self-contained: nothing to fetch, nothing to run
    assert "<script" not in markup.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup, re.IGNORECASE)
    assert "url(" not in markup and "@import" not in markup

    text, reading = visible_text(page, tmp_path)
    lines = text.splitlines()
    assert "FAILED: 2 cassettes passed, 1 failed" in text
    summary = next(line for line in result.output.splitlines() if line.startswith("coverage:"))
    assert summary.removeprefix("coverage: ") in " ".join(text.split())
    # the matrix: the gaps come first, as words, not only as colours
    matrix = text.index("Operations by outcome")
    first_row = next(line for line in lines[text[:matrix].count("\n") + 2 :] if "…" in line)
    assert "never seen" in first_row
    words = " ".join(reading.split())
    assert "HTTP 400 40200 body_empty x1" in words
    never = words.index("never seen", words.index("Codes and callbacks"))
    assert words.index("HTTP 403 40000 trial_promotional") > never  # no recording has it
    # the failure: expected and actual side by side, on the same printed lines
    header = next(line for line in lines if re.search(r"\bexpected\s+actual\b", line))
    assert header.index("check") < header.index("expected")
    failure = next(line for line in lines if "uri_matches_sid" in line)
    assert failure.count("/v1/Accounts/Exotel/SMS/") == 2, failure
    # one row per recording with its outcome
    outcomes = (("send-json", "passed"), ("body_empty", "passed"), ("sample-20-curl-xml", "failed"))
    for name, outcome in outcomes:
        row = next(line for line in lines if name in line and re.search(r"passed|failed", line))
        assert outcome in row, row


def test_check_report_renders_with_coverage(tmp_path: Path) -> None:
    page = tmp_path / "check.html"
    result = CliRunner().invoke(
        main, ["check", "-k", "send[", "--fuzz-examples", "0", "--report", str(page)]
    )
    assert result.exit_code == 0, result.output
    text, _ = visible_text(page, tmp_path)
    assert "CONFORMS" in text
    assert "send[json]" in text and "passed" in text

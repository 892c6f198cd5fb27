"""Root conftest: the project's own test settings. The sms-contract pytest plugin itself is
loaded through its `pytest11` entry point, as it is for users."""

from __future__ import annotations

from pathlib import Path

import pytest

# the plugin's own behaviour is tested the way pytest tests plugins
pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent
# copies of the provider documents, so the tests run from this tree alone (a clone, the sdist)
REFERENCE = ROOT / "tests" / "data" / "reference"


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The provider documents the contract is transcribed from (tests/data/reference)."""
    assert REFERENCE.is_dir(), f"the reference documents are expected at {REFERENCE}"
    return REFERENCE

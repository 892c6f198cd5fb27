"""docs/mobizon.md's tables say what the registries say."""

from __future__ import annotations

from sms_contract import mobizon_doc


def test_docs_mobizon_tables_are_fresh() -> None:
    assert mobizon_doc.main(["--check"]) == 0, "python -m sms_contract.mobizon_doc --write"

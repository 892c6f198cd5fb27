"""Every example of the reference documents, with the outcome recorded for it, strict and tolerant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sms_contract import Mode, validate_callback, validate_response

EXAMPLES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "doc_examples.yaml").read_text()
)["examples"]


def _validate(example: dict[str, Any], mode: Mode) -> Any:
    if example["kind"] == "callback":
        return validate_callback(
            example["provider"], example["body"], example["content_type"], mode
        )
    return validate_response(
        example["method"],
        example["url"],
        example["status"],
        {"Content-Type": example["content_type"]},
        example["body"],
        mode,
        request_body=example.get("request"),
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_example_is_transcribed_verbatim(example: dict[str, Any], reference_dir: Path) -> None:
    lines = (reference_dir / example["file"]).read_text().split("\n")
    first, last = example["lines"]
    assert "\n".join(lines[first - 1 : last]) == example["body"]


@pytest.mark.parametrize("mode", ["strict", "tolerant"])
@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_example_outcome(example: dict[str, Any], mode: Mode) -> None:
    report = _validate(example, mode)
    outcome = example[mode]
    if outcome == "pass":
        assert not report, report.explain()
        if mode == "tolerant":
            assert {a.variant for a in report.accepted} == set(example["accepted"])
        return
    assert report, f"{example['id']} was expected to {outcome} in {mode} mode"
    assert {v.check for v in report} <= set(example["checks"]) | {"bulk_items_match_request"}
    assert set(example["checks"]) <= {v.check for v in report}
    if outcome == "invalid":
        assert any("not valid JSON" in v.message for v in report)
    assert example["reason"], "a failing doc example must record why"

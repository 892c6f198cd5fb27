"""Every request sample of the Exotel page is a cassette with the document's own answer.

cassettes/reference-docs/ holds one cassette per request sample (cURL, NodeJS, PHP, Python,
Ruby) and answer format, written by scripts/doc_examples_to_cassettes.py from
tests/data/doc_samples.yaml. Here: the transcription is faithful to the copy of the code
samples, every request sample is there, and each exchange has the outcome recorded for it.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import yaml

from sms_contract.cassettes.cassette import interactions
from sms_contract.checks.validate import validate_exchange

ROOT = Path(__file__).resolve().parents[1]
CASSETTES = sorted((ROOT / "cassettes" / "reference-docs").glob("sample-*.yaml"))
DATA = yaml.safe_load((ROOT / "tests" / "data" / "doc_samples.yaml").read_text())
_spec = importlib.util.spec_from_file_location(
    "doc_examples_to_cassettes", ROOT / "scripts" / "doc_examples_to_cassettes.py"
)
assert _spec and _spec.loader
script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(script)
SAMPLES: dict[int, tuple[str, str, str]] = script.code_samples()
REQUEST_TABS = {"cURL", "NodeJS", "PHP", "Python", "Ruby"}


def test_every_request_sample_is_transcribed_with_both_answers() -> None:
    requests = {n for n, (_, tab, _) in SAMPLES.items() if tab in REQUEST_TABS}
    assert len(SAMPLES) == 57 and len(requests) == 45
    assert {r["sample"] for r in DATA["requests"]} == requests
    answers = {n for n, (_, tab, _) in SAMPLES.items() if tab in ("JSON", "XML")}
    assert {a for r in DATA["requests"] for a in r["responses"]} == answers
    assert len(CASSETTES) == 2 * len(requests)


def _metadata(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())["metadata"]
    return data


@pytest.mark.parametrize("path", CASSETTES, ids=[p.stem for p in CASSETTES])
def test_the_transcription_is_the_samples_own_text(path: Path) -> None:
    provenance = _metadata(path)["provenance"]
    (interaction,) = interactions(path)
    section, tab, text = SAMPLES[provenance["request_sample"]]
    assert (provenance["section"], provenance["request_tab"]) == (section, tab)
    # the answer is verbatim, and belongs to the same section as the request
    answer_section, _, answer = SAMPLES[provenance["response_sample"]]
    assert interaction.response_body == answer and answer_section == section
    if interaction.method == "GET":
        assert interaction.uri.split("/Accounts/Exotel")[1].removesuffix(".json") in text
        return
    raw = interaction.request_body or ""
    body = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    if tab in ("cURL", "NodeJS", "Ruby"):  # the string as written
        for pair in body.split("&"):
            assert pair in text, pair
        return
    # Python and PHP: every key and value of the data the sample passes
    flat = text.replace("' ,", "',").replace('" ,', '",')
    for key, value in parse_qsl(body, keep_blank_values=True):
        name = re.sub(r"\[\d+\]", "", key) if tab == "PHP" else key
        leaf = re.findall(r"\[([A-Za-z]+)\]$", key)
        assert f"'{name}'" in flat or (leaf and f"'{leaf[0]}'" in flat), key
        assert f"'{value}" in flat, value


@pytest.mark.parametrize("mode", ["strict", "tolerant"])
@pytest.mark.parametrize("path", CASSETTES, ids=[p.stem for p in CASSETTES])
def test_each_sample_has_its_recorded_outcome(path: Path, mode: str) -> None:
    expect = _metadata(path)["expect"]
    (i,) = interactions(path)
    report = validate_exchange(
        i.method, i.uri, i.request_headers, i.request_body, i.status, i.response_headers,
        i.response_body, mode,  # type: ignore[arg-type]
    )  # fmt: skip
    if expect[mode] == "pass":
        assert not report, report.explain()
        assert {a.variant for a in report.accepted} == set(expect["accepted"])
        return
    assert expect["reason"], "a failing sample records why"
    assert {v.check for v in report} == set(expect["checks"]), report.explain()
    if expect[mode] == "invalid":
        assert any("not valid JSON" in v.message for v in report)


def test_the_cassettes_are_current() -> None:
    assert script.main(["--check"]) == 0

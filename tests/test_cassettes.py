"""Cassettes: found, read, validated with precise findings, and never holding a secret."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import vcr
import yaml

from sms_contract.cassettes.cassette import (
    CassetteError,
    cassette_files,
    scrubber,
    secrets_in,
    validate_cassette,
)
from sms_contract.conformance import all_scenarios
from sms_contract.conformance.recording import cassette_name
from sms_contract.contract.registry import load_registries, number_for
from sms_contract.simulator.config import DEFAULT_API_KEY, DEFAULT_API_TOKEN
from sms_contract.simulator.server import running

ROOT = Path(__file__).resolve().parents[1]
CASSETTES = ROOT / "cassettes"
SIMULATOR = CASSETTES / "simulator"


def edit(source: Path, target: Path, change: str, to: str) -> Path:
    text = source.read_text()
    assert change in text, change
    target.write_text(text.replace(change, to, 1))
    return target


@pytest.mark.parametrize("path", cassette_files([CASSETTES]), ids=lambda p: p.name)
def test_no_cassette_holds_a_credential(path: Path) -> None:
    assert not secrets_in(path, [DEFAULT_API_TOKEN])
    text = path.read_text().lower()
    assert "authorization" not in text and DEFAULT_API_TOKEN not in text


def test_the_secret_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    leaky = edit(
        SIMULATOR / "send-json.yaml",
        tmp_path / "leaky.yaml",
        "    uri: http://127.0.0.1:8765/v1/Accounts/simaccount/Sms/send.json",
        "    uri: http://simkey:s3cret@127.0.0.1:8765/v1/Accounts/simaccount/Sms/send.json",
    )
    data = yaml.safe_load(leaky.read_text())
    data["interactions"][0]["request"]["headers"]["Authorization"] = ["Basic c2lta2V5OnMzY3JldA=="]
    leaky.write_text(yaml.safe_dump(data))
    problems = secrets_in(leaky, ["s3cret"])
    assert any("secret value" in p for p in problems)
    assert any("Authorization" in p for p in problems)
    assert any("credentials in the URI" in p for p in problems)


def test_recording_through_httpx_scrubs_header_userinfo_and_body(tmp_path: Path) -> None:
    path = tmp_path / "recorded.yaml"
    before_request, before_response = scrubber([DEFAULT_API_TOKEN])
    recorder = vcr.VCR(before_record_request=before_request, before_record_response=before_response)
    with running() as url:
        # httpx puts KEY:TOKEN@ into the URL it hands vcrpy, besides the Authorization header
        host = url.removeprefix("http://")
        userinfo_url = f"http://{DEFAULT_API_KEY}:{DEFAULT_API_TOKEN}@{host}"
        with recorder.use_cassette(str(path)), httpx.Client() as client:
            client.post(
                f"{userinfo_url}/v1/Accounts/simaccount/Sms/send.json",
                data={"From": "A", "To": number_for(20005), "Body": f"token {DEFAULT_API_TOKEN}"},
            )
    assert path.exists()
    assert not secrets_in(path, [DEFAULT_API_TOKEN])
    assert DEFAULT_API_TOKEN not in path.read_text()
    count, findings = validate_cassette(path)
    assert count == 1 and not findings, findings


def test_a_broken_interaction_names_file_index_operation_and_field(tmp_path: Path) -> None:
    broken = edit(
        SIMULATOR / "send-json.yaml",
        tmp_path / "broken.yaml",
        '"DetailedStatusCode":\n        21010',
        '"DetailedStatusCode":\n        21011',
    )
    _, findings = validate_cassette(broken)
    assert findings
    line = str(findings[0])
    assert line.startswith(f"{broken}#0 POST /v1/Accounts/{{AccountSid}}/Sms/send.json:")
    assert "/SMSMessage/DetailedStatusCode" in line and "response_schema_conformance" in line


def test_unknown_path_and_undocumented_status_are_findings(tmp_path: Path) -> None:
    unknown = edit(
        SIMULATOR / "send-json.yaml", tmp_path / "unknown.yaml", "/Sms/send.json", "/Sms/sendx.json"
    )
    assert next(f.violation.check for f in validate_cassette(unknown)[1]) == "operation"
    status = edit(SIMULATOR / "send-json.yaml", tmp_path / "status.yaml", "code: 200", "code: 418")
    assert [f.violation.check for f in validate_cassette(status)[1]] == ["status_code_conformance"]


def test_a_request_the_server_accepted_is_checked_too(tmp_path: Path) -> None:
    accepted = edit(
        SIMULATOR / "send-json.yaml",
        tmp_path / "accepted.yaml",
        "body: From=ACME&To=",
        "body: From=ACME&SmsType=spam&To=",
    )
    checks = {f.violation.check for f in validate_cassette(accepted)[1]}
    assert "request_schema_conformance" in checks
    # a request the server rejected with its documented error is a recorded negative case
    count, findings = validate_cassette(SIMULATOR / "error-sms_type_invalid-json.yaml")
    assert count == 1 and not findings


def test_json_cassettes_and_pytest_recording_folders(tmp_path: Path) -> None:
    nested = tmp_path / "cassettes" / "test_billing"
    nested.mkdir(parents=True)
    data = yaml.safe_load((SIMULATOR / "static-bulk-json.yaml").read_text())
    (nested / "test_sends_bulk.json").write_text(json.dumps(data))
    (nested / "notes.txt").write_text("not a cassette")
    files = cassette_files([tmp_path / "cassettes"])
    assert [f.name for f in files] == ["test_sends_bulk.json"]
    assert validate_cassette(files[0]) == (1, [])


def test_bad_inputs_are_cassette_errors(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match="no such file"):
        cassette_files([tmp_path / "missing"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CassetteError, match="no cassette files"):
        cassette_files([empty])
    odd = tmp_path / "odd.yaml"
    odd.write_text("interactions:\n- request: {}\n  response: {}\n")
    with pytest.raises(CassetteError, match="not a vcrpy interaction"):
        validate_cassette(odd)


def test_the_simulator_library_has_one_cassette_per_recordable_scenario() -> None:
    wanted = {cassette_name(s.id) for s in all_scenarios() if s.recordable}
    assert {p.name for p in SIMULATOR.glob("*.yaml")} == wanted
    for code in load_registries().failure_dscs():
        assert (SIMULATOR / f"lifecycle-{code.code}.yaml").exists()
    provenance = yaml.safe_load((SIMULATOR / "send-json.yaml").read_text())["metadata"]
    assert provenance["provenance"]["recorded_by"] == "sms-contract record"


def test_doc_example_cassettes_match_their_transcription() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "doc_examples_to_cassettes.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout


def test_a_stopped_parallel_validation_drops_the_files_in_hand(tmp_path: Path) -> None:
    """Ctrl-C (or a caller that stops reading) sets the workers' stop event: a worker drops the
    file in hand at its next interaction instead of finishing it, and the pool shuts down with
    no process left behind. Before, the parent waited for the file, or killed the workers
    mid-answer, which could hang the pool."""
    import multiprocessing
    import signal

    import sms_contract.cassettes.cassette as cassette

    files = sorted(SIMULATOR.glob("*.yaml"))[:6]
    stop = multiprocessing.Event()
    stop.set()
    cassette._start_worker(stop)  # as a worker starts, here in this process
    try:
        assert cassette._validate_one(files[0], "strict", True) == (0, [], None)
    finally:
        cassette._STOP = None
        signal.signal(signal.SIGINT, signal.default_int_handler)
    results = cassette.iter_validated(files, jobs=2)
    first = next(results)
    assert first[0] == files[0] and first[1] > 0
    results.close()  # the caller stops: the rest is dropped
    assert multiprocessing.active_children() == []

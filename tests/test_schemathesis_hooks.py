"""The shipped hooks make `schemathesis run` speak Exotel: XML, bracket forms, our checks."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from sms_contract.integrations.schemathesis_ext import (
    CALLBACK_SINK,
    allowed_recipients,
    guard_callbacks,
    guard_case,
    guard_recipients,
    serialize_form,
)
from sms_contract.mutants import catalogue
from sms_contract.simulator.server import running

ROOT = Path(__file__).resolve().parents[1]


def schemathesis_run(url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "sms_contract.schemathesis_hooks"}
    command = [
        sys.executable, "-m", "schemathesis.cli",
        "--config-file", str(ROOT / "examples" / "schemathesis.toml"),
        "run", str(ROOT / "openapi.yaml"), "--url", url, "--auth", "simkey:simtoken",
        "--max-examples", "5", "--phases", "examples,fuzzing", "--seed", "1",
    ]  # fmt: skip
    # in a folder of its own: schemathesis keeps a crash cache in its working directory
    with tempfile.TemporaryDirectory() as folder:
        return subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=300, cwd=folder
        )


def test_schemathesis_cli_with_the_hooks_passes_the_simulator() -> None:
    with running() as url:
        done = schemathesis_run(url)
    assert done.returncode == 0, done.stdout[-3000:]


def test_schemathesis_cli_runs_the_semantic_checks() -> None:
    # a server whose Uri names another message passes every built-in check of schemathesis;
    # only the project's semantic check, registered by the hooks, can catch it
    with running(catalogue()["uri-wrong-sid"].app()) as url:
        done = schemathesis_run(url)
    assert done.returncode == 1
    assert "uri_matches_sid" in done.stdout


def test_generated_recipients_are_replaced_by_allowed_numbers() -> None:
    allowed = allowed_recipients()
    body = {
        "To": ["+919812345678", "not-a-number", allowed[0]],
        "Messages": [{"To": "+14155550100", "Body": "x"}],
        "Body": "call 9812345678",
    }
    guarded = guard_recipients(body, allowed)
    assert guarded["To"][0] in allowed and guarded["To"][1:] == ["not-a-number", allowed[0]]
    assert guarded["Messages"][0]["To"] in allowed
    assert guarded["Body"] == "call 9812345678"  # only recipients are touched


def test_generated_callback_urls_point_at_the_sink_not_at_a_stranger() -> None:
    """Before: a fuzzed StatusCallback such as https://0.com made the target POST message data
    to that host (and, with no DNS, the simulator waited 5 s on the name at shutdown)."""
    import schemathesis

    schema = schemathesis.openapi.from_path(ROOT / "openapi.yaml")
    operation = schema["/v1/Accounts/{AccountSid}/Sms/send.json"]["POST"]
    case = operation.Case(
        body={
            "From": "ACME",
            "To": "+919812345678",
            "Body": "see https://example.com",
            "StatusCallback": "https://0.com/hook",
            "ShortenUrlParams[ClickTrackingCallbackUrl]": "http://stranger.example:8080/c?x=1",
        },
        media_type="application/x-www-form-urlencoded",
    )
    guard_case(case)
    body = case.body
    assert isinstance(body, dict)
    assert body["StatusCallback"] == f"https://{CALLBACK_SINK}/hook"
    assert body["ShortenUrlParams[ClickTrackingCallbackUrl]"] == f"http://{CALLBACK_SINK}/c?x=1"
    assert body["Body"] == "see https://example.com"  # only callback URLs are touched
    nested = {"ShortenUrlParams": {"ClickTrackingCallbackUrl": "https://evil.example/x"}}
    assert guard_callbacks(nested) == {
        "ShortenUrlParams": {"ClickTrackingCallbackUrl": f"https://{CALLBACK_SINK}/x"}
    }
    for probe in ("not a url", " http://x/", "http://a b/p", "http://a:99999/p", "http://x/\n"):
        # a negative case's probe is sent as generated: the guard never makes it valid
        assert guard_callbacks({"StatusCallback": probe}) == {"StatusCallback": probe}


def test_recipient_allowlist_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMS_CONTRACT_RECIPIENTS", "+919900000001, +919900000002")
    assert allowed_recipients() == ("+919900000001", "+919900000002")


def test_forms_use_exotel_bracket_notation() -> None:
    body = serialize_form(None, {"To": ["+91a", "+91b"], "Messages": [{"To": "1", "Body": "x"}]})  # type: ignore[arg-type]
    assert body == b"To[]=%2B91a&To[]=%2B91b&Messages[0][To]=1&Messages[0][Body]=x"

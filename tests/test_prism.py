"""Prism, an OpenAPI tool with none of the project's code, reads openapi.yaml as Exotel's wire.

Stoplight Prism's validating proxy stands between a client and the simulator and checks every
request against openapi.yaml's form schemas: each of the document's request samples (cURL,
NodeJS, PHP, Python and Ruby bodies, tests/data/doc_samples.yaml) passes it and is answered by
the simulator, in both formats, and a body without a recipient is flagged (the negative control).

Prism reads an XML body as a string, so it reports every XML answer as "must be object"; JSON
answers are checked in full. Prism comes from the npm registry (benchmarks/prism.py, a pinned
version). Without npm the test skips, except where SMS_CONTRACT_REQUIRE_PRISM is set (CI):
there it fails, with npm's reason.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from benchmarks.prism import PrismUnavailable, prism_cli, process

from sms_contract.conformance.embedded import embedded
from sms_contract.conformance.target import Target

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = yaml.safe_load((ROOT / "tests" / "data" / "doc_samples.yaml").read_text())["requests"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def prism() -> Iterator[tuple[str, Target]]:
    """Prism's validating proxy in front of the simulator: its base URL and the target."""
    try:
        cli = prism_cli()
    except PrismUnavailable as exc:
        if os.environ.get("SMS_CONTRACT_REQUIRE_PRISM"):
            pytest.fail(f"Prism is required here (SMS_CONTRACT_REQUIRE_PRISM): {exc}")
        pytest.skip(f"Prism is not available: {exc} (SMS_CONTRACT_REQUIRE_PRISM makes this fail)")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(cli), "proxy", str(ROOT / "openapi.yaml")]
    with embedded() as target, process([*command, target.base, "-p", str(port)], base):
        yield base, target


def _send(prism: tuple[str, Target], method: str, path: str, body: str | None) -> httpx.Response:
    base, target = prism
    url = f"{base}/v1/Accounts/{target.account_sid}{path}"
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
    content = body.encode() if body is not None else None
    return httpx.request(
        method, url, content=content, headers=headers, auth=target.auth, timeout=60
    )


def _violations(response: httpx.Response) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(response.headers.get("sl-violations", "[]"))
    return found


@pytest.mark.parametrize("suffix", ["", ".json"], ids=["xml", "json"])
def test_prism_accepts_every_request_sample_of_the_document(
    prism: tuple[str, Target], suffix: str
) -> None:
    problems: list[tuple[Any, ...]] = []
    for sample in SAMPLES:
        # the document masks digits with X; a number the simulator can deliver keeps the sample's
        # form and lets Prism check a success answer, not only the refusal of a masked number
        body = sample.get("body", None)
        body = body.replace("X", "9") if body is not None else None
        response = _send(prism, sample["method"], sample["path"] + suffix, body)
        found = _violations(response)
        request = [v for v in found if v["location"][0] == "request"]
        answer = [v for v in found if v["location"][0] == "response"]
        if request or response.status_code not in (200, 207):
            problems.append((sample["sample"], response.status_code, request, response.text[:200]))
        elif suffix and answer:
            problems.append((sample["sample"], "answer", answer))
        elif not suffix and any(v["code"] not in ("type", "oneOf") for v in answer):
            problems.append((sample["sample"], "xml answer", answer))  # more than Prism's string
    assert not problems, problems


def test_prism_flags_a_send_without_a_recipient(prism: tuple[str, Target]) -> None:
    response = _send(prism, "POST", "/Sms/send.json", "From=0999999999&Body=Hello")
    request = [v for v in _violations(response) if v["location"][0] == "request"]
    assert request, response.headers
    assert any("To" in v["message"] for v in request), request


def test_prism_flags_two_ways_of_naming_recipients_at_once(prism: tuple[str, Target]) -> None:
    body = "From=0999999999&Body=Hello&To=09999930240&To%5B%5D=09999930241"
    response = _send(prism, "POST", "/Sms/send.json", body)
    request = [v for v in _violations(response) if v["location"][0] == "request"]
    assert any(v["code"] == "oneOf" for v in request), request

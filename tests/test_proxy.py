"""The validating proxy: traffic passes byte for byte, violations are found, cassettes recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from sms_contract.cassettes import secrets_in, validate_cassette
from sms_contract.mutants import catalogue
from sms_contract.proxy import ValidatingProxy, write_cassette
from sms_contract.registry import number_for
from sms_contract.simulator import SimulatorConfig, create_app
from sms_contract.simulator.server import running

AUTH = ("simkey", "simtoken")
SEND = {"From": "ACME", "To": number_for(20005), "Body": "through the proxy"}


class Tap:
    """ASGI middleware keeping the exact bytes the upstream sent."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sent: list[tuple[int, bytes]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        status, chunks = 0, []

        async def keep(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keep)
        if scope["type"] == "http":
            self.sent.append((status, b"".join(chunks)))


def traffic(proxy_url: str) -> Iterator[httpx.Response]:
    with httpx.Client(base_url=f"{proxy_url}/v1/Accounts/simaccount", auth=AUTH) as client:
        sent = client.post("/Sms/send.json", data=SEND)
        yield sent
        yield client.get(f"/SMS/Messages/{sent.json()['SMSMessage']['Sid']}")
        yield client.post("/Sms/send", data={"From": "ACME", "To": number_for(20005)})
        yield client.post(
            "/Sms/send.json",
            content="From=ACME&Body=x&To[]=%2B9100020005&To[]=bad",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )


def run_through_proxy(upstream_app: Any) -> tuple[ValidatingProxy, Tap, list[httpx.Response]]:
    tap = Tap(upstream_app)
    with running(tap) as upstream:
        proxy = ValidatingProxy(upstream)
        with running(proxy) as url:
            responses = list(traffic(url))
    return proxy, tap, responses


def test_traffic_passes_unchanged_and_conforms() -> None:
    proxy, tap, responses = run_through_proxy(create_app(SimulatorConfig(db=":memory:")))
    assert [(r.status_code, r.content) for r in responses] == tap.sent
    assert [r.status_code for r in responses] == [200, 200, 400, 207]
    assert len(proxy.exchanges) == 4
    assert not [v for e in proxy.exchanges for v in e.violations]


def test_a_broken_upstream_is_reported_and_still_passed_through() -> None:
    proxy, tap, responses = run_through_proxy(catalogue()["partial-success-200"].app())
    assert [(r.status_code, r.content) for r in responses] == tap.sent
    checks = {v.check for e in proxy.exchanges for v in e.violations}
    assert "partial_success_status" in checks


def test_an_unreachable_upstream_is_a_502_and_counted() -> None:
    proxy = ValidatingProxy("http://127.0.0.1:9")
    with running(proxy) as url:
        response = httpx.get(f"{url}/v1/Accounts/a/SMS/Messages/x.json")
    assert response.status_code == 502 and "upstream unreachable" in response.text
    assert proxy.upstream_errors == 1


def test_recorded_traffic_is_a_scrubbed_valid_cassette(tmp_path: Path) -> None:
    proxy, _, _ = run_through_proxy(create_app(SimulatorConfig(db=":memory:")))
    path = tmp_path / "proxy.yaml"
    write_cassette(proxy.exchanges, path, ("simtoken",))
    assert not secrets_in(path, ["simtoken"]) and "simtoken" not in path.read_text()
    count, findings = validate_cassette(path)
    assert count == 4 and not findings, findings


def test_the_proxy_command_logs_violations_and_gates_on_them(tmp_path: Path) -> None:
    import signal
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with running(catalogue()["uri-wrong-sid"].app()) as upstream:
        process = subprocess.Popen(
            [sys.executable, "-m", "sms_contract.cli", "proxy", "--upstream", upstream,
             "--listen", f"127.0.0.1:{port}", "--record", str(tmp_path / "rec"),
             "--report", str(tmp_path / "proxy.md"), "--fail-on-violation"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(url, timeout=0.2)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        responses = list(traffic(url))
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 1, (out, err)
    assert responses[0].status_code == 200
    assert "violation:" in err and "uri_matches_sid" in err
    assert "uri_matches_sid" in (tmp_path / "proxy.md").read_text()
    (cassette,) = (tmp_path / "rec").glob("*.yaml")
    assert validate_cassette(cassette)[0] == 5  # the readiness probe and the four requests
    assert "simtoken" not in out + err + cassette.read_text()

"""The proxy in front of a real host: traffic outside the contract's paths passes through and
is listed apart, never a violation; a proxy that checked nothing is never a green gate; a
slow check never holds back another connection's relay."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from sms_contract.cassettes.cassette import validate_cassette
from sms_contract.contract.registry import number_for
from sms_contract.contract.scope import in_scope
from sms_contract.proxy.relay import ValidatingProxy
from sms_contract.simulator import SimulatorConfig, create_app
from sms_contract.simulator.server import running

AUTH = ("simkey", "simtoken")
SEND = {"From": "ACME", "To": number_for(20005), "Body": "hi"}


def test_scope_is_the_contracts_resources() -> None:
    assert in_scope("https://api.exotel.com/v1/Accounts/acme/Sms/send.json")
    assert in_scope("https://api.exotel.com/v1/Accounts/acme/SMS/Messages/abc.json")
    assert in_scope("https://api.exotel.com/v1/Accounts/acme/sms/sendd")  # a typo is a finding
    assert in_scope("https://api.exotel.com/v1/Accounts//Sms/send")  # missing account too
    assert in_scope("http://gw.example/exotel/v1/Accounts/acme/Sms/send?x=1")  # behind a prefix
    assert not in_scope("https://api.exotel.com/v1/Accounts/acme/Calls/connect.json")
    assert not in_scope("https://api.exotel.com/v2/accounts/acme/campaigns")
    assert not in_scope("https://api.exotel.com/healthz")


def exotel_host() -> Starlette:
    """The simulator's SMS API and, on the same host, a stand-in for the Voice API."""

    async def connect(request: Request) -> Response:
        return JSONResponse({"Call": {"Sid": "c1", "Status": "in-progress"}})

    return Starlette(
        routes=[
            Route("/v1/Accounts/{sid}/Calls/connect.json", connect, methods=["POST"]),
            Mount("/", create_app(SimulatorConfig(db=":memory:"))),
        ]
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def start_proxy(upstream: str, *args: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sms_contract.cli", "proxy", "--upstream", upstream,
         "--listen", f"127.0.0.1:{port}", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process, url
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"the proxy did not start: {process.communicate()}")


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    process.send_signal(signal.SIGINT)
    return process.communicate(timeout=60)


def test_voice_api_traffic_passes_through_counted_apart_never_a_violation(tmp_path: Path) -> None:
    with running(exotel_host()) as upstream:
        process, url = start_proxy(
            upstream, "--fail-on-violation", "--record", str(tmp_path / "rec"),
            "--report", str(tmp_path / "proxy.md"),
        )  # fmt: skip
        with httpx.Client(base_url=f"{url}/v1/Accounts/simaccount", auth=AUTH) as client:
            assert client.post("/Sms/send.json", data=SEND).status_code == 200
            for _ in range(3):
                call = client.post("/Calls/connect.json", data={"From": "1", "To": "2"})
                assert call.json()["Call"]["Sid"] == "c1"  # relayed untouched
        out, err = stop(process)
    assert process.returncode == 0, (out, err)  # a mixed app passes the gate
    assert "violation:" not in err
    assert "CONFORMS: 1 exchanges passed, 0 failed, 3 outside the contract" in out
    assert "POST /v1/Accounts/simaccount/Calls/connect.json: 3" in out
    report = (tmp_path / "proxy.md").read_text()
    assert "Outside the contract" in report and "Calls/connect.json`: 3" in report
    (cassette,) = (tmp_path / "rec").glob("*.yaml")
    assert validate_cassette(cassette)[0] == 1  # the contract's traffic only


def test_a_wrong_path_under_the_sms_resource_is_checked_against_its_error_row() -> None:
    # "POST API call to an unrecognized SMS endpoint" is 405 40502 (line 524): checked, not
    # passed through, and the simulator's documented answer conforms (a 200 there is a
    # violation: tests/test_validate.py)
    with running(exotel_host()) as upstream:
        process, url = start_proxy(upstream, "--fail-on-violation")
        answer = httpx.post(f"{url}/v1/Accounts/simaccount/Sms/sendd.json", data=SEND, auth=AUTH)
        out, err = stop(process)
    assert answer.status_code == 405
    assert process.returncode == 0, (out, err)
    assert "CONFORMS: 1 exchanges passed, 0 failed, 0 outside the contract" in out


def test_an_unreachable_upstream_checks_nothing_and_the_gate_is_not_green() -> None:
    process, url = start_proxy(f"http://127.0.0.1:{free_port()}", "--fail-on-violation")
    for _ in range(3):
        assert httpx.post(f"{url}/v1/Accounts/a/Sms/send.json", data=SEND).status_code == 502
    out, err = stop(process)
    assert process.returncode == 5, (out, err)
    assert "NOTHING CHECKED: 0 exchanges passed, 0 failed" in out
    assert "3 requests could not reach" in err


def test_an_idle_proxy_is_not_green_either_but_without_the_gate_it_exits_0() -> None:
    with running(exotel_host()) as upstream:
        process, _ = start_proxy(upstream, "--fail-on-violation")
        out, _ = stop(process)
        assert process.returncode == 5 and "NOTHING CHECKED" in out
        process, _ = start_proxy(upstream)
        stop(process)
        assert process.returncode == 0  # not a gate: the proxy only watched


def test_a_check_in_progress_does_not_hold_back_other_connections() -> None:
    """The first exchange's check is held until the second client, on another connection, has
    its answer. With checks on the event loop (as before) the second could not be answered
    while the first was held, so the hold would end by its timeout, not by the release."""
    release, first_held = threading.Event(), threading.Event()
    released: list[bool] = []

    def slow_check(exchange: Any) -> None:
        if not first_held.is_set():
            first_held.set()
            released.append(release.wait(timeout=60))

    with running(create_app(SimulatorConfig(db=":memory:"))) as upstream:
        proxy = ValidatingProxy(upstream, on_exchange=slow_check)
        with proxy.running() as url:
            base = f"{url}/v1/Accounts/simaccount/Sms/send.json"
            first = threading.Thread(
                target=httpx.post, args=(base,), kwargs={"data": SEND, "auth": AUTH, "timeout": 120}
            )
            first.start()
            assert first_held.wait(timeout=120)
            second = httpx.post(base, data=SEND, auth=AUTH, timeout=120)
            release.set()
            first.join(timeout=120)
    assert second.status_code == 200
    assert released == [True]  # released by the test after the second answer, not timed out
    assert len(proxy.exchanges) == 2

"""The simulator under load and across restarts, and its click-tracking callback."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from sms_contract import validate_callback
from sms_contract.conformance.receiver import CallbackReceiver
from sms_contract.contract.registry import number_for
from sms_contract.simulator import SimulatorConfig, create_app
from sms_contract.simulator.server import running

AUTH = ("simkey", "simtoken")


def _config(db: Path) -> SimulatorConfig:
    return SimulatorConfig.unthrottled(db=str(db))


def _load(db: Path, clients: int, sends: int) -> None:
    """`clients` concurrent clients send `sends` messages each; then every one is found,
    with no loss and no duplicate Sid, also after the simulator restarts on the same file."""

    def client_run(index: int, url: str) -> list[str]:
        sids = []
        with httpx.Client(base_url=f"{url}/v1/Accounts/simaccount", auth=AUTH) as client:
            for n in range(sends):
                response = client.post(
                    "/Sms/send.json",
                    data={"From": "ACME", "To": number_for(20005), "Body": f"c{index} m{n}"},
                )
                assert response.status_code == 200, response.text
                sids.append(response.json()["SMSMessage"]["Sid"])
        return sids

    with running(create_app(_config(db))) as url, ThreadPoolExecutor(clients) as pool:
        batches = list(pool.map(lambda i: client_run(i, url), range(clients)))
    sids = [sid for batch in batches for sid in batch]
    assert len(sids) == clients * sends and len(set(sids)) == len(sids)
    with running(create_app(_config(db))) as url, httpx.Client(auth=AUTH) as client:
        for sid in sids:
            details = client.get(f"{url}/v1/Accounts/simaccount/SMS/Messages/{sid}.json")
            assert details.json()["SMSMessage"]["Sid"] == sid


def test_concurrent_sends_survive_a_restart(tmp_path: Path) -> None:
    _load(tmp_path / "sim.sqlite3", clients=20, sends=10)


@pytest.mark.slow
def test_twenty_clients_times_five_hundred_sends_survive_a_restart(tmp_path: Path) -> None:
    _load(tmp_path / "sim.sqlite3", clients=20, sends=500)


def test_click_tracking_callback_when_configured() -> None:
    with CallbackReceiver() as receiver, running() as url, httpx.Client(auth=AUTH) as client:
        sent = client.post(
            f"{url}/v1/Accounts/simaccount/Sms/send.json",
            data={
                "From": "ACME",
                "To": number_for(20005),
                "Body": "Your order: https://shop.example/o/7",
                "ShortenUrl": "true",
                "ShortenUrlParams[Tracking]": "true",
                "ShortenUrlParams[ClickTrackingCallbackUrl]": receiver.url,
                "CustomField": "order-7",
            },
        )
        sid = sent.json()["SMSMessage"]["Sid"]
        clicked = client.post(f"{url}/_control/messages/{sid}/click", json={})
        assert clicked.status_code == 200, clicked.text
        deliveries = receiver.wait(1, 10)
        for _ in range(100):  # the attempt is recorded once the receiver's answer is back
            attempts = client.get(f"{url}/_control/callbacks").json()["attempts"]
            if any(a["kind"] == "click" for a in attempts):
                break
            time.sleep(0.05)
    click = next(d for d in deliveries if b"short_url" in d.body)
    report = validate_callback("exotel", click.body, click.content_type)
    assert not report, report.explain()
    fields = click.form()
    assert fields["Sms_sid"] == sid and fields["long_url"] == "https://shop.example/o/7"
    assert fields["custom_field"] == "order-7"
    assert any(a["kind"] == "click" and a["status_code"] == 200 for a in attempts)

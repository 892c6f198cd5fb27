"""The validating proxy recognises Mobizon traffic by its path and checks it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from sms_contract.cassettes.cassette import secrets_in, validate_cassette
from sms_contract.mutants import catalogue
from sms_contract.proxy.relay import ValidatingProxy, write_cassette
from sms_contract.simulator import SimulatorConfig, create_app
from sms_contract.simulator.config import DEFAULT_MOBIZON_API_KEY
from sms_contract.simulator.server import running

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
QUERY = {"apiKey": DEFAULT_MOBIZON_API_KEY, "api": "v1"}


def _through_proxy(app: Any) -> ValidatingProxy:
    with running(app) as upstream:
        proxy = ValidatingProxy(upstream)
        with proxy.running() as url, httpx.Client(base_url=f"{url}/service/message") as client:
            sent = client.post(
                "/sendsmsmessage",
                params={**QUERY, "output": "json"},
                data={"recipient": "77011234567", "text": "through the proxy"},
            )
            message_id = sent.json()["data"]["messageId"]
            client.post(
                "/getsmsstatus", params={**QUERY, "output": "xml"}, data={"ids": message_id}
            )
            client.post("/getsmsstatus", params={**QUERY, "output": "json"})  # code 2
    return proxy


def test_mobizon_traffic_through_the_proxy_is_checked_and_recorded(tmp_path: Path) -> None:
    proxy = _through_proxy(create_app(SimulatorConfig(db=":memory:")))
    assert len(proxy.exchanges) == 3
    assert not [e for e in proxy.exchanges if e.outside]
    assert not [v for e in proxy.exchanges for v in e.violations]
    path = tmp_path / "mobizon.yaml"
    write_cassette(proxy.exchanges, path, (DEFAULT_MOBIZON_API_KEY,))
    assert not secrets_in(path, [DEFAULT_MOBIZON_API_KEY])
    assert validate_cassette(path) == (3, [])


def test_a_broken_mobizon_upstream_is_reported() -> None:
    proxy = _through_proxy(catalogue()["mobizon-numbers-as-strings"].app())
    checks = {v.check for e in proxy.exchanges for v in e.violations}
    assert "response_schema_conformance" in checks

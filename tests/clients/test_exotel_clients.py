"""Third-party Exotel clients from the package index drive the simulator through the proxy.

`exotelpy` 0.1.1 (2025) and `exotel` 0.1.5 (2017, key:token credentials) send, send in bulk
and read details the way they do against the real server; `sms-contract proxy` checks every
exchange. Zero violations, other than the recorded client defects.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import exotel
import exotelpy

from sms_contract.proxy.relay import ValidatingProxy
from sms_contract.simulator import SimulatorConfig, create_app
from sms_contract.simulator.server import running

KEY, TOKEN, SID = "simkey", "simtoken", "simaccount"


@contextlib.contextmanager
def proxied(mode: str = "strict") -> Iterator[tuple[str, ValidatingProxy]]:
    """The simulator behind `sms-contract proxy`; the exchanges are checked when it ends."""
    with running(create_app(SimulatorConfig(db=":memory:"))) as upstream:
        proxy = ValidatingProxy(upstream, mode=mode)  # type: ignore[arg-type]
        with proxy.running() as url:
            yield url, proxy


def _findings(proxy: ValidatingProxy) -> list[str]:
    return [f"{e.method} {e.url}: {v}" for e in proxy.exchanges for v in e.violations]


def test_exotelpy_sends_bulk_sends_and_reads_details() -> None:
    with proxied() as (url, proxy):
        client = exotelpy.Exotel(SID, KEY, TOKEN, baseurl=url + "/")
        # send: a list of one number is a single To=
        one = client.send_bulk_sms("ACME", ["+919812345678"], "hello from exotelpy")
        sid = one["SMSMessage"]["Sid"]
        # static bulk: requests sends a list as a repeated To=a&To=b, as the document's own
        # Python sample does (code sample 23): the same static bulk as To[]
        many = client.send_bulk_sms("ACME", ["+919812345678", "+919812345679"], "hello, both")
        details = client.get_sms_details(sid)
    assert [item["SMSMessage"]["To"] for item in many] == ["+919812345678", "+919812345679"]
    assert details["SMSMessage"]["Sid"] == sid
    assert len(proxy.exchanges) == 3
    assert _findings(proxy) == []


def test_exotel_sends_and_reads_details_at_its_own_casing() -> None:
    with proxied() as (url, proxy):
        # exotel 0.1.5 puts its `sid` in the path and authenticates as (sid, token): with
        # key:token credentials the key is the user name and the account SID stays in the path
        client = exotel.Exotel(SID, TOKEN, baseurl=url + "/")
        client.sid = KEY
        sent = client.sms("ACME", "+919812345678", "hello from exotel")
        sid = sent.json()["SMSMessage"]["Sid"]
        details = client.sms_details(sid)
    assert sent.status_code == 200, sent.text
    assert details.status_code == 200 and details.json()["SMSMessage"]["Sid"] == sid
    assert len(proxy.exchanges) == 2
    # its only finding is the recorded client defect: details read at Sms/Messages (variant
    # path-case, accepted in tolerant mode), where the document spells SMS/Messages
    assert [(e.method, v.check, v.pointer) for e in proxy.exchanges for v in e.violations] == [
        ("GET", "operation", "/url")
    ]
    assert "path-case" in _findings(proxy)[0]


def test_exotel_conforms_in_tolerant_mode() -> None:
    with proxied("tolerant") as (url, proxy):
        client = exotel.Exotel(SID, TOKEN, baseurl=url + "/")
        client.sid = KEY
        sid = client.sms("ACME", "+919812345678", "hello").json()["SMSMessage"]["Sid"]
        details = client.sms_details(sid)
    assert details.status_code == 200
    assert len(proxy.exchanges) == 2 and _findings(proxy) == []

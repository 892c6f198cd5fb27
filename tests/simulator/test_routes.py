"""The simulator behaves as the reference says, and every answer conforms to the contract."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from sms_contract import validate_response
from sms_contract.contract.registry import load_registries, number_for
from sms_contract.simulator import SimulatorConfig, create_app

BASE = "http://sim/v1/Accounts/simaccount"
AUTH = ("simkey", "simtoken")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(SimulatorConfig(db=":memory:", post_limit_per_minute=1000))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sim", auth=AUTH) as c:
            yield c


async def _conforming(
    client: httpx.AsyncClient, method: str, url: str, **kw: Any
) -> httpx.Response:
    response = await client.request(method, url, **kw)
    form = kw.get("data") or kw.get("content")
    report = validate_response(
        method,
        url,
        response.status_code,
        response.headers,
        response.content,
        request_body=httpx.QueryParams(form).__str__() if isinstance(form, dict) else form,
    )
    assert not report, report.explain()
    return response


@pytest.mark.parametrize("suffix", ["", ".json"])
async def test_send_then_details(client: httpx.AsyncClient, suffix: str) -> None:
    sent = await _conforming(
        client,
        "POST",
        f"{BASE}/Sms/send{suffix}",
        data={"From": "ACME", "To": "+919812345678", "Body": "hi"},
    )
    assert sent.status_code == 200
    if suffix:
        sid = sent.json()["SMSMessage"]["Sid"]
        details = await _conforming(client, "GET", f"{BASE}/SMS/Messages/{sid}.json")
        assert details.json()["SMSMessage"]["Status"] == "sent"
    else:
        assert sent.headers["content-type"].startswith("application/xml")


async def test_static_bulk_partial_success_is_207(client: httpx.AsyncClient) -> None:
    body = "From=ACME&Body=hi&To[]=%2B919812345678&To[]=bad&To[]=%2B919812345679"
    response = await _conforming(
        client,
        "POST",
        f"{BASE}/Sms/send.json",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 207
    assert [item["SMSMessage"]["Sid"] is None for item in response.json()] == [False, True, False]


async def test_a_body_over_2000_characters_is_accepted_and_ends_in_23070(
    client: httpx.AsyncClient,
) -> None:
    # no error row answers it; such a message "may also end" in 23070 (line 320)
    response = await _conforming(
        client,
        "POST",
        f"{BASE}/Sms/send.json",
        content=f"From=ACME&To=%2B919812345678&Body={'x' * 2001}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    sid = response.json()["SMSMessage"]["Sid"]
    app: Any = client._transport.app  # type: ignore[attr-defined]
    stored = app.state.simulator.store.get("simaccount", sid)
    assert stored.final_code == load_registries().dsc_for_situation("body-too-long").code == 23070


async def test_the_documents_dynamic_bulk_with_an_empty_body_is_207_23000(
    client: httpx.AsyncClient,
) -> None:
    # code samples 51-57: Messages[0][Body]= is answered 207, that item failed 23000 with its To
    body = "From=0XXXXXX4890&Messages[0][Body]=&Messages[0][To]=%2B919812345678&Messages[1][Body]=two&Messages[1][To]=%2B919812345679"
    response = await _conforming(
        client,
        "POST",
        f"{BASE}/Sms/bulksend.json",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 207
    failed, accepted = (item["SMSMessage"] for item in response.json())
    assert (failed["Sid"], failed["DetailedStatusCode"], failed["To"]) == (
        None,
        23000,
        "+919812345678",
    )
    assert failed["DetailedStatus"] == "FAILED_MISSING_BODY" and failed["Body"] == ""
    assert accepted["From"] == "0XXXXXX4890/SMSCTR"


async def test_bulksend_without_from_uses_the_accounts_sender(client: httpx.AsyncClient) -> None:
    # "If not set, default approved SENDER ID as per account will be used" (line 1512)
    body = "Messages[0][To]=%2B919812345678&Messages[0][Body]=a"
    response = await _conforming(
        client,
        "POST",
        f"{BASE}/Sms/bulksend.json",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    (item,) = response.json()
    assert item["SMSMessage"]["From"].count("/") == 1


async def test_a_static_bulk_failed_item_echoes_to_null(client: httpx.AsyncClient) -> None:
    # code sample 37: the failed item of To[]=555 has "To": null
    body = "From=ACME&Body=hi&To[]=555&To[]=%2B919812345679"
    response = await _conforming(
        client,
        "POST",
        f"{BASE}/Sms/send.json",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 207
    failed, accepted = (item["SMSMessage"] for item in response.json())
    assert failed["To"] is None and failed["DetailedStatusCode"] == 23010
    assert accepted["From"] == "08047112233/ACME"


async def test_time_to_expiry_zero_is_rejected(client: httpx.AsyncClient) -> None:
    # "Minimum is 1 minute" (line 125)
    body = "From=ACME&To=%2B919812345678&Body=hi&ShortenUrlParams[TimeToExpiry]=0"
    response = await client.post(
        f"{BASE}/Sms/send.json",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=AUTH,
    )
    assert response.status_code == 400


async def test_dynamic_bulk(client: httpx.AsyncClient) -> None:
    body = "From=ACME&Messages[0][To]=%2B919812345678&Messages[0][Body]=a&Messages[1][To]=%2B919812345679&Messages[1][Body]=b"
    response = await _conforming(
        client,
        "POST",
        f"{BASE}/Sms/bulksend",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("error", "method", "path", "data", "auth"),
    [
        (
            "auth_missing",
            "POST",
            "/Sms/send.json",
            {"From": "A", "To": "+919812345678", "Body": "x"},
            None,
        ),
        (
            "auth_invalid",
            "POST",
            "/Sms/send.json",
            {"From": "A", "To": "+919812345678", "Body": "x"},
            ("simkey", "wrong"),
        ),
        (
            "auth_not_alphanumeric",
            "POST",
            "/Sms/send",
            {"From": "A", "To": "+919812345678", "Body": "x"},
            ("sim-key", "x"),
        ),
        ("body_empty", "POST", "/Sms/send.json", {"From": "A", "To": "+919812345678"}, AUTH),
        (
            "body_invalid",
            "POST",
            "/Sms/send.json",
            {"From": "A", "To": "+919812345678", "Body[]": ["a", "b"]},
            AUTH,
        ),
        (
            "array_for_string",
            "POST",
            "/Sms/send.json",
            {"From[]": ["A", "B"], "To": "+919812345678", "Body": "x"},
            AUTH,
        ),
        (  # a recipient passed as an array (a generated case of seed 1028 had these)
            "array_for_string",
            "POST",
            "/Sms/send.json",
            {"From": "A", "To[0][x]": "1", "To[1]": "+919812345678", "Body": "x"},
            AUTH,
        ),
        ("from_missing", "POST", "/Sms/send", {"To": "+919812345678", "Body": "x"}, AUTH),
        (
            "from_empty",
            "POST",
            "/Sms/send.json",
            {"From": "", "To": "+919812345678", "Body": "x"},
            AUTH,
        ),
        (
            "sms_type_invalid",
            "POST",
            "/Sms/send.json",
            {"From": "A", "To": "+919812345678", "Body": "x", "SmsType": "spam"},
            AUTH,
        ),
        (
            "encoding_type_invalid",
            "POST",
            "/Sms/send",
            {"From": "A", "To": "+919812345678", "Body": "x", "EncodingType": "ascii"},
            AUTH,
        ),
        (
            "from_sms_type_mismatch",
            "POST",
            "/Sms/send.json",
            {"From": "ACME", "To": "+919812345678", "Body": "x", "SmsType": "promotional"},
            AUTH,
        ),
        (
            "all_numbers_invalid",
            "POST",
            "/Sms/send.json",
            {"From": "A", "To": "abc", "Body": "x"},
            AUTH,
        ),
        (
            "static_bulk_too_many",
            "POST",
            "/Sms/send.json",
            {"From": "A", "To[]": [f"+9198{i:08d}" for i in range(101)], "Body": "x"},
            AUTH,
        ),
        (
            "dynamic_bulk_too_many",
            "POST",
            "/Sms/bulksend.json",
            {f"Messages[{i}][To]": "+919812345678" for i in range(101)}
            | {f"Messages[{i}][Body]": "x" for i in range(101)}
            | {"From": "A"},
            AUTH,
        ),
        ("messages_missing", "POST", "/Sms/bulksend", {"From": "A"}, AUTH),
        ("method_not_supported", "POST", "/Sms/unknown.json", {}, AUTH),
        ("get_invalid_endpoint", "GET", "/Sms/unknown.json", None, AUTH),
        ("sid_not_found", "GET", "/SMS/Messages/doesnotexist.json", None, AUTH),
    ],
)
async def test_documented_errors(
    client: httpx.AsyncClient, error: str, method: str, path: str, data: Any, auth: Any
) -> None:
    row = load_registries().http_error(error)
    # auth None: no Authorization header at all (httpx's explicit "no auth")
    response = await client.request(method, BASE + path, data=data, auth=auth)
    assert response.status_code == row.status
    payload = response.json()["RestException"] if path.endswith(".json") else None
    if payload is not None:
        assert payload.get("Code") == row.code
    if "unknown" not in path:
        report = validate_response(
            method, BASE + path, response.status_code, response.headers, response.content
        )
        assert not report, report.explain()


async def test_every_failure_code_is_reachable_by_test_number(client: httpx.AsyncClient) -> None:
    for code in load_registries().failure_dscs():
        sent = await client.post(
            f"{BASE}/Sms/send.json", data={"From": "A", "To": number_for(code.code), "Body": "x"}
        )
        sid = sent.json()["SMSMessage"]["Sid"]
        details = await _conforming(client, "GET", f"{BASE}/SMS/Messages/{sid}.json")
        assert details.json()["SMSMessage"]["DetailedStatusCode"] == code.code


async def test_status_callback_is_a_form_post_with_documented_fields(
    client: httpx.AsyncClient,
) -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from sms_contract import validate_callback

    received: list[tuple[str, bytes]] = []

    async def hook(request: Request) -> Response:
        received.append((request.headers["content-type"], await request.body()))
        return Response("ok")

    receiver = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(receiver, host="127.0.0.1", port=0, log_level="error"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        await client.post(
            f"{BASE}/Sms/send.json",
            data={
                "From": "A",
                "To": number_for(23010),
                "Body": "x",
                "StatusCallback": f"http://127.0.0.1:{port}/hook",
                "CustomField": "order-7",
            },
        )
        for _ in range(200):
            if received:
                break
            await asyncio.sleep(0.02)
    finally:
        server.should_exit = True
        await task
    ((content_type, body),) = received
    report = validate_callback("exotel", body, content_type)
    assert not report, report.explain()
    assert b"DetailedStatusCode=23010" in body and b"CustomField=order-7" in body
    attempts = (await client.get("http://sim/_control/callbacks")).json()["attempts"]
    assert attempts[0]["status_code"] == 200

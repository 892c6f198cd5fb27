"""Dynamic-bulk scenarios from the document's own samples: each passes the simulator and fails
a server with the bug it is there to catch."""

from __future__ import annotations

from typing import Any

from tests.conformance.test_steered import CONFIG, Rewrite, run_ids

from sms_contract.simulator import create_app

MISSING = ("dynamic-bulk-missing-body[xml]", "dynamic-bulk-missing-body[json]")
WITHOUT_FROM = ("dynamic-bulk-without-from[xml]", "dynamic-bulk-without-from[json]")


class RequiresFrom:
    """A server that wrongly refuses a bulksend without From (HTTP 400)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or "bulksend" not in scope["path"]:
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        if b"From=" not in body:
            await send({"type": "http.response.start", "status": 400, "headers": []})
            await send({"type": "http.response.body", "body": b"From is mandatory"})
            return

        async def replay() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def test_missing_body_passes_the_simulator() -> None:
    assert run_ids(create_app(CONFIG), *MISSING) == {i: [] for i in MISSING}


def test_missing_body_fails_a_server_with_the_wrong_code() -> None:
    failed = run_ids(Rewrite(create_app(CONFIG), (b"23000", b"23010")), *MISSING)
    assert all("missing_body_item" in checks for checks in failed.values()), failed


def test_bulksend_without_from_passes_the_simulator() -> None:
    assert run_ids(create_app(CONFIG), *WITHOUT_FROM) == {i: [] for i in WITHOUT_FROM}


def test_bulksend_without_from_fails_a_server_that_requires_it() -> None:
    failed = run_ids(RequiresFrom(create_app(CONFIG)), *WITHOUT_FROM)
    assert all("expected_status" in checks for checks in failed.values()), failed

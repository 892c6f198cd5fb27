"""A realistic cassette corpus of any size, recorded from the simulator and written by vcrpy.

    python benchmarks/corpus.py OUT --interactions 100000 --files 1000 [--serializer json]

Every interaction is a real exchange with the simulator (in process, through its ASGI app), so
every Sid, status, DetailedStatusCode and error row is the simulator's answer, read from the
registries; nothing is cycled. Each file is one "test" of a suite: one account, one sender,
its own recipients and bodies, a mix of operations in both formats (XML, `.json`):

- sends (single, static bulk `To[]`, dynamic bulk `Messages[]`), some bulks partly invalid
  (207 partial success, as documented);
- details lookups of earlier Sids, the virtual clock advanced in between, so messages are
  seen queued, sending, submitted and in every final state the test numbers drive;
- the documented error rows that a documented operation can answer: those a request alone
  provokes (the conformance suite's triggers) and those needing account state, internal
  failure or rate limits (queued through the simulator's control API).

Files are spread over folders like pytest-recording's (`test_<module>/test_<name>.yaml`), and
their sizes vary (lognormal), summing to the exact count asked for. The mix is `MIX` below.
Written through vcrpy's own serializers, with credentials dropped as `sms-contract record` does.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import math
import random
import string
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from vcr.request import Request as VcrRequest
from vcr.serialize import serialize
from vcr.serializers import jsonserializer, yamlserializer

from sms_contract.conformance.target import Target
from sms_contract.conformance.triggers import limits, triggers
from sms_contract.contract.registry import load_registries
from sms_contract.simulator import SimulatorConfig
from sms_contract.simulator.app import create_app
from sms_contract.simulator.config import NO_LIMIT
from sms_contract.simulator.final_codes import codes_by_test_number

VERSION = 2  # of what the generator writes (or the simulator answers): part of the cache key
BASE = "http://127.0.0.1:8765"  # as `sms-contract record` writes the embedded simulator's
KEY, TOKEN = "simkey", "simtoken"

# operation -> share of interactions (a suite mostly sends and polls; errors are the minority)
MIX: dict[str, float] = {
    "send": 0.36,
    "details": 0.30,
    "static_bulk": 0.07,
    "dynamic_bulk": 0.06,
    "static_bulk_partial": 0.025,
    "dynamic_bulk_partial": 0.025,
    "error": 0.16,
}
JSON_SHARE = 0.55  # the rest ask for Exotel's default, XML
TEST_NUMBER_SHARE = 0.2  # recipients that drive a chosen final DetailedStatusCode
# error rows a real gateway answers more often than the others
COMMON_ERRORS = {
    "post_rate_limited": 4,
    "get_rate_limited": 3,
    "auth_invalid": 3,
    "sid_not_found": 3,
}

WORDS = [
    "your",
    "order",
    "has",
    "shipped",
    "and",
    "will",
    "arrive",
    "by",
    "tomorrow",
    "evening",
    "track",
    "it",
    "at",
    "the",
    "link",
    "below",
    "otp",
    "code",
    "verify",
    "login",
    "payment",
    "received",
    "thank",
    "you",
    "appointment",
    "reminder",
    "balance",
    "due",
    "invoice",
    "delivered",
    "pickup",
    "ready",
    "store",
    "offer",
    "valid",
    "till",
    "weekend",
    "reply",
    "stop",
    "to",
    "opt",
    "out",
]
UNICODE = ("नमस्ते", "ধন্যবাদ", "வணக்கம்", "ಧನ್ಯವಾದ", "شكرا", "спасибо", "€", "✓")


@dataclass(frozen=True)
class Plan:
    """One cassette file: where it goes and how many interactions it holds."""

    path: Path
    count: int
    seed: int


def _sizes(total: int, files: int, rng: random.Random) -> list[int]:
    """`files` sizes of at least 1, lognormally spread, summing to `total`."""
    files = max(1, min(files, total))
    weights = [rng.lognormvariate(0, 0.9) for _ in range(files)]
    scale = (total - files) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    for index in range(total - sum(sizes)):
        sizes[index % files] += 1
    return sizes


def plans(out: Path, total: int, files: int, seed: int, suffix: str) -> list[Plan]:
    rng = random.Random(seed)
    sizes = _sizes(total, files, rng)
    modules = max(1, round(math.sqrt(len(sizes))))
    out_plans = []
    for index, size in enumerate(sizes):
        module = f"test_{rng.choice(WORDS)}_{index % modules:03d}"
        name = f"test_{rng.choice(WORDS)}_{rng.choice(WORDS)}_{index:05d}{suffix}"
        out_plans.append(Plan(out / module / name, size, rng.randrange(2**32)))
    return out_plans


class Recorder:
    """Drives the in-process simulator and keeps each exchange as vcrpy records it."""

    def __init__(self, client: httpx.AsyncClient, rng: random.Random) -> None:
        self.client = client
        self.rng = rng
        self.requests: list[VcrRequest] = []
        self.responses: list[dict[str, Any]] = []

    async def call(
        self,
        method: str,
        url: str,
        form: list[tuple[str, str]] | None = None,
        auth: tuple[str, str] | None = (KEY, TOKEN),
    ) -> httpx.Response:
        response = await self.client.request(
            method,
            url,
            content=urlencode(form).encode() if form else None,
            headers={"content-type": "application/x-www-form-urlencoded"} if form else None,
            auth=auth,
        )
        self.keep(response)
        return response

    def keep(self, response: httpx.Response) -> None:
        request = response.request
        headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        body = request.content.decode() if request.content else None
        self.requests.append(VcrRequest(request.method, str(request.url), body, headers))
        response_headers = {k: [v] for k, v in response.headers.items()}
        response_headers["date"] = [response.headers.get("date", _http_date(self.rng))]
        response_headers["server"] = ["uvicorn"]
        self.responses.append(
            {
                "status": {"code": response.status_code, "message": response.reason_phrase},
                "headers": response_headers,
                "body": {"string": response.text},
            }
        )


def _http_date(rng: random.Random) -> str:
    return f"Fri, 27 Nov 2026 {rng.randrange(24):02d}:{rng.randrange(60):02d}:00 GMT"


class Suite:
    """What one test file sends: its account, sender, recipients and bodies."""

    def __init__(self, rng: random.Random, account: str) -> None:
        self.rng = rng
        self.account = account
        self.sender = "".join(rng.choices(string.ascii_uppercase, k=6))
        self.numbers = list(codes_by_test_number())
        self.sids: list[tuple[str, bool]] = []

    def recipient(self) -> str:
        if self.rng.random() < TEST_NUMBER_SHARE:
            return self.rng.choice(self.numbers)
        return "+91" + str(self.rng.randrange(6, 10)) + f"{self.rng.randrange(10**9):09d}"

    def body(self) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randrange(4, 24))
        if self.rng.random() < 0.1:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(UNICODE))
        words.append(f"#{self.rng.randrange(10**8):08d}")
        return " ".join(words)

    def url(self, tail: str, as_json: bool) -> str:
        return f"{BASE}/v1/Accounts/{self.account}{tail}{'.json' if as_json else ''}"

    def extras(self) -> list[tuple[str, str]]:
        extra = []
        if self.rng.random() < 0.3:
            extra.append(("StatusCallback", f"https://hooks.example.com/sms/{self.account}"))
        if self.rng.random() < 0.2:
            extra.append(("CustomField", f"ref-{self.rng.randrange(10**6)}"))
        if self.rng.random() < 0.15:
            extra.append(("EncodingType", "unicode"))
        return extra


async def record_file(plan: Plan, client: httpx.AsyncClient, account: str) -> Recorder:
    rng = random.Random(plan.seed)
    suite = Suite(rng, account)
    recorder = Recorder(client, rng)
    target = Target(url=BASE, account_sid=account, auth=(KEY, TOKEN))
    rows = _error_rows(target)
    operations = list(MIX)
    weights = [MIX[o] for o in operations]
    _, static_max, dynamic_max = limits()
    while len(recorder.requests) < plan.count:
        operation = rng.choices(operations, weights)[0]
        as_json = rng.random() < JSON_SHARE
        if operation == "details" and not suite.sids:
            operation = "send"
        if operation == "send":
            form = [("From", suite.sender), ("To", suite.recipient()), ("Body", suite.body())]
            response = await recorder.call(
                "POST", suite.url("/Sms/send", as_json), form + suite.extras()
            )
            _remember(suite, response, as_json)
        elif operation == "details":
            sid, sid_json = rng.choice(suite.sids)
            if rng.random() < 0.5:
                await client.post(
                    f"{BASE}/_control/clock/advance", json={"seconds": rng.choice((0.5, 1, 2, 5))}
                )
            await recorder.call("GET", suite.url(f"/SMS/Messages/{sid}", sid_json))
        elif operation.startswith("static_bulk"):
            count = rng.randrange(2, min(20, static_max) + 1)
            numbers = [suite.recipient() for _ in range(count)]
            if operation.endswith("partial"):
                numbers[rng.randrange(count)] = rng.choice(("not-a-number", "12", "+91abc"))
            form = [("From", suite.sender), *(("To[]", n) for n in numbers), ("Body", suite.body())]
            response = await recorder.call("POST", suite.url("/Sms/send", as_json), form)
            _remember(suite, response, as_json)
        elif operation.startswith("dynamic_bulk"):
            count = rng.randrange(2, min(20, dynamic_max) + 1)
            form = [("From", suite.sender)]
            bad = rng.randrange(count) if operation.endswith("partial") else -1
            for i in range(count):
                to = "not-a-number" if i == bad else suite.recipient()
                form += [(f"Messages[{i}][To]", to), (f"Messages[{i}][Body]", suite.body())]
            response = await recorder.call("POST", suite.url("/Sms/bulksend", as_json), form)
            _remember(suite, response, as_json)
        else:
            await _error(recorder, suite, rows, as_json)
    return recorder


def _remember(suite: Suite, response: httpx.Response, as_json: bool) -> None:
    """Keep the Sids an accepted send answered, for later details lookups."""
    if response.status_code not in (200, 207):
        return
    import re

    for sid in re.findall(r"[0-9a-f]{32}", response.text):
        suite.sids.append((sid, as_json))


@dataclass(frozen=True)
class Row:
    id: str
    weight: int
    # how the simulator is made to answer it: "request" (the documented trigger), or "forced"
    how: str
    scope: str


def _error_rows(target: Target) -> list[Row]:
    """Every error row of the registry that a documented operation answers."""
    found = triggers(target)
    rows = []
    for row in load_registries().http_errors:
        trigger = found.get(row.id)
        if trigger is not None and not trigger.in_contract:
            continue  # a path outside openapi.yaml: a real suite's cassettes do not hold these
        how = "request" if trigger is not None and trigger.repeat == 1 else "forced"
        scope = "details" if row.scope == "details" else "send"
        rows.append(Row(row.id, COMMON_ERRORS.get(row.id, 1), how, scope))
    return rows


async def _error(recorder: Recorder, suite: Suite, rows: list[Row], as_json: bool) -> None:
    rng = suite.rng
    row = rng.choices(rows, [r.weight for r in rows])[0]
    suffix = ".json" if as_json else ""
    target = Target(url=BASE, account_sid=suite.account, auth=(KEY, TOKEN))
    if row.how == "request":
        trigger = triggers(target)[row.id]
        form = [_fresh(pair, suite) for pair in trigger.form or ()]
        auth: tuple[str, str] | None
        auth = (
            None
            if trigger.auth == "none"
            else (KEY, TOKEN)
            if trigger.auth == "default"
            else trigger.auth
        )
        await recorder.call(trigger.method, trigger.url(target, suffix), form or None, auth)
        return
    await recorder.client.post(
        f"{BASE}/_control/errors",
        json={"error": row.id, "account": suite.account, "scope": row.scope},
    )
    if row.scope == "details":
        sid = rng.choice(suite.sids)[0] if suite.sids else "0" * 32
        await recorder.call("GET", suite.url(f"/SMS/Messages/{sid}", as_json))
    else:
        form = [("From", suite.sender), ("To", suite.recipient()), ("Body", suite.body())]
        await recorder.call("POST", suite.url("/Sms/send", as_json), form)


def _fresh(pair: tuple[str, str], suite: Suite) -> tuple[str, str]:
    """A trigger's field with this suite's sender, recipient and body (its shape kept)."""
    name, value = pair
    if name == "From" and value:
        return name, suite.sender
    if name in ("To", "To[]") and value and value[0] == "+":
        return name, suite.recipient()
    if name.endswith("Body") and value and len(value) < 200:
        return name, suite.body()
    return pair


async def _record_all(chunk: list[Plan], serializer: str) -> int:
    config = SimulatorConfig(
        db=":memory:",
        post_limit_per_minute=NO_LIMIT,
        get_limit_per_minute=NO_LIMIT,
        instant=False,
        step_seconds=1.0,
    )
    app = create_app(config)
    written = 0
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        for plan in chunk:
            account = "acct" + hashlib.sha1(plan.path.parent.name.encode()).hexdigest()[:12]
            await client.post(f"{BASE}/_control/accounts", json={"account": account})
            recorder = await record_file(plan, client, account)
            cassette = {
                "requests": recorder.requests[: plan.count],
                "responses": recorder.responses[: plan.count],
            }
            module = jsonserializer if serializer == "json" else yamlserializer
            plan.path.parent.mkdir(parents=True, exist_ok=True)
            plan.path.write_text(serialize(cassette, module), encoding="utf-8")
            written += min(plan.count, len(recorder.requests))
    app.state.simulator.store.close()
    return written


def _record_chunk(chunk: list[Plan], serializer: str) -> int:
    return asyncio.run(_record_all(chunk, serializer))


def fingerprint(interactions: int, files: int, seed: int, serializer: str) -> str:
    """Changes with the sizes and `VERSION` (bump it when the generator's output changes).
    Changes to the simulator do not re-record (delete benchmarks/.corpus/ to): `validate`
    reports any violation a stale corpus has, and the end-to-end row carries that count."""
    key = f"v{VERSION}/{interactions}/{files}/{seed}/{serializer}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def generate(
    out: Path,
    interactions: int,
    files: int,
    *,
    seed: int = 0,
    serializer: str = "yaml",
    workers: int = 1,
) -> list[Path]:
    """Write the corpus under `out` and return its files (sorted)."""
    suffix = ".json" if serializer == "json" else ".yaml"
    all_plans = plans(out, interactions, files, seed, suffix)
    if workers <= 1:
        _record_chunk(all_plans, serializer)
    else:
        chunks = [all_plans[i::workers] for i in range(workers)]
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_record_chunk, chunks, [serializer] * workers))
    return sorted(p.path for p in all_plans)


def cached(
    root: Path,
    interactions: int,
    files: int,
    *,
    seed: int = 0,
    serializer: str = "yaml",
    workers: int = 2,
) -> Path:
    """The corpus in `root/<fingerprint>/`, generated on first use (it takes minutes at 100,000
    interactions); a partial folder from an interrupted run is made anew."""
    folder = root / fingerprint(interactions, files, seed, serializer)
    done = folder / ".complete"
    if not done.exists():
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, interactions, files, seed=seed, serializer=serializer, workers=workers)
        done.write_text("")
    return folder


def iter_files(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".json"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--interactions", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--serializer", choices=("yaml", "json"), default="yaml")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    paths = generate(
        args.out,
        args.interactions,
        args.files,
        seed=args.seed,
        serializer=args.serializer,
        workers=args.workers,
    )
    print(f"{args.interactions} interactions in {len(paths)} files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

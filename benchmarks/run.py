"""Benchmarks: every figure is a ratio against a like-for-like baseline measured in the same run.

    python benchmarks/run.py            # everything (tens of minutes the first time: the corpus)
    python benchmarks/run.py --quick    # a few minutes: 10,000 interactions, no xdist / mutants
    python benchmarks/run.py --prism    # also start Prism's mock (npm i @stoplight/prism-cli
                                        # into benchmarks/.prism first, if it is not there)
    python benchmarks/run.py --only replay,end_to_end

Every replay and validate figure comes from a realistic corpus recorded from the simulator by
benchmarks/corpus.py (unique Sids, accounts, recipients and bodies, nothing cycled), cached in
benchmarks/.corpus/ under a fingerprint of the generator, the contract and the simulator.
Where two sides are compared, rounds alternate them and the medians are reported: this
machine's speed drifts within minutes. Each row carries the 1-minute load average when it was
emitted. A failure in one section is reported as a row with "error" and the run goes on.

`pip install -e '.[bench]'` adds fastjsonschema, a validator measured against jsonschema-rs.

Prints one JSON object per line: name, value, unit, baseline, baseline_value, ratio (and notes).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import traceback
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import yaml

from sms_contract.cassettes.cassette import Interaction, cassette_files, interactions
from sms_contract.cassettes.reading import fast_load
from sms_contract.contract.registry import number_for
from sms_contract.simulator.config import NO_LIMIT

if not __package__:  # run as a script (python benchmarks/run.py): the corpus module beside it
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.corpus import cached
from benchmarks.prism import prism_cli, process

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CORPORA = ROOT / "benchmarks" / ".corpus"


def emit(
    name: str,
    value: float,
    unit: str,
    baseline: str,
    baseline_value: float | None,
    ratio: float | None = None,
    **notes: Any,
) -> None:
    if ratio is None and baseline_value:
        ratio = value / baseline_value
    row = {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "baseline": baseline,
        "baseline_value": None if baseline_value is None else round(baseline_value, 3),
        "ratio": None if ratio is None else round(ratio, 3),
        **notes,
        "load": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(row), flush=True)


def rate(func: Callable[[], int]) -> float:
    """Items per second of `func`, which returns how many items it handled."""
    started = time.perf_counter()
    count = func()
    return count / (time.perf_counter() - started)


def interleaved(
    ours_func: Callable[[], float], base_func: Callable[[], float], rounds: int
) -> tuple[float, float, float]:
    """Median of each side and median ratio of per-round pairs, the sides alternating (and
    which goes first alternating too)."""
    pairs = []
    for index in range(rounds):
        if index % 2:
            base = base_func()
            mine = ours_func()
        else:
            mine = ours_func()
            base = base_func()
        pairs.append((mine, base))
    return (
        statistics.median(o for o, _ in pairs),
        statistics.median(b for _, b in pairs),
        statistics.median(o / b for o, b in pairs),
    )


# -- the corpus ---------------------------------------------------------------------------------


def corpus_folder(size: int, files: int) -> Path:
    return cached(CORPORA, size, files, workers=2)


def corpus_items(folder: Path) -> list[Interaction]:
    return [i for path in cassette_files([folder]) for i in interactions(path)]


# -- replay, in memory ---------------------------------------------------------------------------


def _content_type(item: Interaction) -> str:
    for name, value in item.response_headers.items():
        if name.lower() == "content-type":
            return str(value[0] if isinstance(value, list) else value)
    return ""


def parse_only(items: list[Interaction]) -> int:
    """Parse every response body with the parsers replay itself uses (orjson, ElementTree's C
    parser), without validation: replay's own bound."""
    for item in items:
        body = item.response_body or ""
        if "json" in _content_type(item):
            orjson.loads(body)
        else:
            ET.fromstring(body)
    return len(items)


def ours(items: list[Interaction]) -> int:
    from sms_contract.cassettes.cassette import validate_interaction

    for item in items:
        validate_interaction(item)
    return len(items)


def bench_replay(items: list[Interaction], rounds: int) -> None:
    ours(items[:200])  # compile the schemas; both sides then start from the same state
    parse_only(items[:200])
    mine, base, ratio = interleaved(
        lambda: rate(lambda: ours(items)), lambda: rate(lambda: parse_only(items)), rounds
    )
    emit(
        f"replay_validate_{len(items)}",
        mine,
        "interactions/s",
        "parse only, replay's own parsers (orjson / ElementTree)",
        base,
        ratio,
        rounds=rounds,
        goal=0.33,
    )


def schemathesis_responses(items: list[Interaction]) -> list[tuple[Any, httpx.Response]]:
    import schemathesis

    import sms_contract.integrations.schemathesis_ext  # noqa: F401  (the XML deserializer)
    from sms_contract.contract.resources import openapi_path
    from sms_contract.contract.spec import load_contract

    schema = schemathesis.openapi.from_path(openapi_path())
    contract = load_contract()
    out = []
    for item in items:
        found = contract.find_operation(item.method, item.uri)
        if found is None:
            continue
        operation = schema.find_operation_by_label(found[0].label)
        headers = {
            k: (v[0] if isinstance(v, list) else v) for k, v in item.response_headers.items()
        }
        body = item.response_body
        content = body.encode() if isinstance(body, str) else body or b""
        request = httpx.Request(item.method, item.uri)
        out.append(
            (
                operation,
                httpx.Response(item.status, headers=headers, content=content, request=request),
            )
        )
    return out


def schemathesis_validate(pairs: list[tuple[Any, httpx.Response]]) -> int:
    for operation, response in pairs:
        # a failure group is a finding, not an error of the benchmark
        with contextlib.suppress(Exception):
            operation.validate_response(response)
    return len(pairs)


def bench_replay_vs_schemathesis(items: list[Interaction], rounds: int) -> None:
    sample = items[:5000]
    pairs = schemathesis_responses(sample)
    schemathesis_validate(pairs[:200])
    mine, base, ratio = interleaved(
        lambda: rate(lambda: ours(sample)),
        lambda: rate(lambda: schemathesis_validate(pairs)),
        rounds,
    )
    emit(
        "replay_vs_schemathesis",
        mine,
        "interactions/s",
        "schemathesis operation.validate_response, in process, same responses",
        base,
        ratio,
        sample=len(pairs),
        rounds=rounds,
    )


def bench_validators(items: list[Interaction]) -> None:
    """Schema validation alone, per response body, by each validator replay could use."""
    from sms_contract.checks.validate import _schema_key, header, media_type, parse_body
    from sms_contract.contract.schemastore import cached_validator, compiled_validator, inline_refs
    from sms_contract.contract.spec import load_contract

    contract = load_contract()
    bodies = []
    for item in items[:5000]:
        found = contract.find_operation(item.method, item.uri)
        media = media_type(header(item.response_headers, "Content-Type"))
        schema = found[0].media_types(item.status).get(media) if found else None
        if schema is not None:
            data = parse_body(item.response_body, media, schema, "strict")
            bodies.append((_schema_key(schema), data))
    keys = {key for key, _ in bodies}
    rs = {key: compiled_validator(key) for key in keys}
    reference = {key: cached_validator(key) for key in keys}
    rs_rate = rate(lambda: sum(1 for key, data in bodies if rs[key].is_valid(data) or True))
    ref_rate = rate(lambda: sum(1 for k, d in bodies if reference[k].is_valid(d) or True))
    emit("validate_jsonschema_rs", rs_rate, "bodies/s", "jsonschema (pure Python)", ref_rate)
    try:
        import fastjsonschema
    except ImportError:
        print("validate_fastjsonschema skipped: pip install -e '.[bench]'", file=sys.stderr)
        return

    def compile_fast(key: str) -> Callable[[Any], Any]:
        # fastjsonschema implements drafts 4, 6 and 7, not 2020-12: the bundled schemas use
        # nothing newer
        inlined = inline_refs(json.loads(key))
        validate: Callable[[Any], Any] = fastjsonschema.compile(
            {**inlined, "$schema": "http://json-schema.org/draft-07/schema#"}, formats={}
        )
        return validate

    fast = {key: compile_fast(key) for key in keys}

    def run_fast() -> int:
        for key, data in bodies:
            with contextlib.suppress(fastjsonschema.JsonSchemaException):
                fast[key](data)
        return len(bodies)

    emit("validate_fastjsonschema", rate(run_fast), "bodies/s", "jsonschema-rs", rs_rate)


# -- end to end: `sms-contract validate DIR` ----------------------------------------------------


def libyaml_load(paths: list[Path]) -> int:
    """PyYAML's C loader alone, one process: what loading the cassettes costs without us."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    count = 0
    for path in paths:
        count += len(yaml.load(path.read_text(encoding="utf-8"), Loader=loader)["interactions"])
    return count


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def validate_wall(folder: Path, *extra: str) -> tuple[float, float, int, int]:
    """Seconds `sms-contract validate DIR` takes as a user runs it (interpreter start-up and
    imports included), the CPU seconds it and its workers used, and the interactions and
    violations it reported."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "sms-contract"), "validate", str(folder), "--json", *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu
    if done.returncode not in (0, 1):
        raise RuntimeError(f"validate exited {done.returncode}: {done.stderr.strip()[:300]}")
    report = json.loads(done.stdout)
    return seconds, cpu, int(report["interactions"]), len(report["violations"])


def bench_end_to_end(folder: Path, rounds: int) -> None:
    paths = cassette_files([folder])
    on_disk = sum(p.stat().st_size for p in paths) / 2**20
    fallback = sum(fast_load(p.read_text(encoding="utf-8")) is None for p in paths)
    total = violations = 0
    cpu: dict[str, list[float]] = {"ours": [], "libyaml": []}

    def ours_rate() -> float:
        nonlocal total, violations
        seconds, used, total, violations = validate_wall(folder)
        cpu["ours"].append(used)
        return total / seconds

    def libyaml_rate() -> float:
        used = time.process_time()
        started = time.perf_counter()
        count = libyaml_load(paths)
        seconds = time.perf_counter() - started
        cpu["libyaml"].append(time.process_time() - used)
        return count / seconds

    mine, base, ratio = interleaved(ours_rate, libyaml_rate, rounds)
    emit(
        f"validate_dir_{total}_in_{len(paths)}_files",
        mine,
        "interactions/s",
        "PyYAML's C loader (CSafeLoader) loading the same files alone, one process",
        base,
        ratio,
        rounds=rounds,
        goal=1.8,
        cores=os.cpu_count(),
        jobs="default (one per core)",
        cpu_seconds=round(statistics.median(cpu["ours"]), 2),
        libyaml_cpu_seconds=round(statistics.median(cpu["libyaml"]), 2),
        cache="none (every run is cold)",
        files_read_by_libyaml=fallback,
        violations=violations,
        corpus_on_disk_mib=round(on_disk, 1),
    )


def _child_peak_mib(command: list[str]) -> float:
    """Peak resident memory of a child process running `command`."""
    script = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *command],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return int(done.stdout.strip().splitlines()[-1]) / 1024


def big_cassette(megabytes: int) -> Path:
    """One cassette of about `megabytes` MB, recorded like the corpus (cached)."""
    sample = cassette_files([corpus_folder(2_000, 20)])
    per_interaction = sum(p.stat().st_size for p in sample) / 2_000
    count = int(megabytes * 1e6 / per_interaction)
    folder = cached(CORPORA, count, 1, seed=1, workers=1)
    (path,) = cassette_files([folder])
    return path


def bench_memory(megabytes: int, with_libyaml: bool) -> None:
    path = big_cassette(megabytes)
    size = path.stat().st_size / 2**20
    peak = _child_peak_mib([str(BIN / "sms-contract"), "validate", str(path)])
    idle = _child_peak_mib([sys.executable, "-c", "import sms_contract.cli.cassettes"])
    notes: dict[str, Any] = {"cassette_mib": round(size, 1), "goal_mib": 200}
    if with_libyaml:
        load = "import sys, yaml; yaml.load(open(sys.argv[1]).read(), Loader=yaml.CSafeLoader)"
        notes["libyaml_whole_document_mib"] = round(
            _child_peak_mib([sys.executable, "-c", load, str(path)]), 1
        )
    emit(
        "validate_one_big_cassette_peak_rss",
        peak,
        "MiB",
        "the same process importing only",
        idle,
        **notes,
    )


def bench_xdist(folder: Path) -> None:
    def wall(*extra: str) -> float:
        command = [
            sys.executable,
            "-m",
            "pytest",
            "tests/contract/test_replay.py",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "--cassette-dir",
            str(folder),
            *extra,
        ]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True)
        if done.returncode not in (0, 1):  # 1: findings in the corpus, every test still ran
            raise RuntimeError(f"pytest exited {done.returncode}")
        return time.perf_counter() - started

    one, two = interleaved(lambda: wall("-p", "no:xdist"), lambda: wall("-n", "2"), 1)[:2]
    emit(
        "replay_pytest_xdist_2_workers",
        two,
        "s",
        "one process",
        one,
        ratio=one / two,
        files=len(cassette_files([folder])),
    )


# -- fuzz ---------------------------------------------------------------------------------------


def schemathesis_fuzz(target: Any, examples: int) -> int:
    """schemathesis' own Python API, in process: each operation's strategy, positive then
    negative, `examples` cases each, called and checked with the same checks as ours."""
    import hypothesis
    import requests
    from schemathesis import GenerationMode

    from sms_contract.conformance.fuzz import (
        api_operations,
        fuzz_checks,
        fuzz_settings,
        load_schema,
        prepare_case,
    )

    schema = load_schema(target)
    checks = fuzz_checks()
    settings = fuzz_settings(examples)
    cases = 0
    with requests.Session() as http:  # one kept-alive session, as ours has
        for operation in api_operations(schema):
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                def test(case: Any) -> None:
                    nonlocal cases
                    cases += 1
                    prepare_case(case, target)  # its account and credentials, as ours does
                    response = case.call(base_url=target.base, session=http)
                    with contextlib.suppress(AssertionError, BaseExceptionGroup):
                        case.validate_response(response, checks=checks)

                strategy = operation.as_strategy(generation_mode=mode)
                with contextlib.suppress(hypothesis.errors.Unsatisfiable):
                    hypothesis.seed(1)(settings(hypothesis.given(case=strategy)(test)))()
    return cases


def bench_fuzz(examples: int) -> None:
    from sms_contract.conformance.embedded import embedded
    from sms_contract.conformance.fuzz import fuzz
    from sms_contract.simulator import SimulatorConfig

    with embedded(SimulatorConfig.unthrottled(db=":memory:")) as target:
        counts: dict[str, int] = {}

        def ours_rate() -> float:
            started = time.perf_counter()
            counts["ours"] = sum(r.cases for r in fuzz(target, examples=examples, seed=1))
            return counts["ours"] / (time.perf_counter() - started)

        def theirs_rate() -> float:
            started = time.perf_counter()
            counts["theirs"] = schemathesis_fuzz(target, examples)
            return counts["theirs"] / (time.perf_counter() - started)

        mine, base, ratio = interleaved(ours_rate, theirs_rate, 2)
    emit(
        "fuzz_cases_per_s",
        mine,
        "cases/s",
        "schemathesis' Python API in process (same spec, target, checks, examples)",
        base,
        ratio,
        cases=counts["ours"],
        schemathesis_cases=counts["theirs"],
        rounds=2,
    )


# -- servers ------------------------------------------------------------------------------------


@dataclass
class Throughput:
    """What `load` got: answers with the status the request should get, others, failures."""

    seconds: float
    correct: int = 0
    other: collections.Counter[int] = field(default_factory=collections.Counter)
    failed: collections.Counter[str] = field(default_factory=collections.Counter)

    @property
    def rps(self) -> float:
        return self.correct / self.seconds

    def notes(self, prefix: str = "") -> dict[str, Any]:
        return {
            f"{prefix}other_statuses": dict(self.other) or None,
            f"{prefix}failed_requests": dict(self.failed) or None,
        }


def _request_bytes(host: str, request: Request) -> bytes:
    """One HTTP/1.1 request with keep-alive, as bytes sent again and again."""
    import base64
    from urllib.parse import urlencode

    method, path, data, _ = request
    body = urlencode(data).encode() if data else b""
    auth = base64.b64encode(b"simkey:simtoken").decode()
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Basic {auth}\r\n"
    if data is not None:
        head += (
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        )
    return head.encode() + b"\r\n" + body


class _Answers:
    """Reads one HTTP/1.1 answer after another from a keep-alive socket (Content-Length or
    chunked framing): the load generator's side of the wire, kept small on purpose."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            self._fill()
        line, _, self.buffer = self.buffer.partition(b"\r\n")
        return line

    def _take(self, count: int) -> None:
        while len(self.buffer) < count:
            self._fill()
        self.buffer = self.buffer[count:]

    def status(self) -> int:
        """The next answer's status; its body is read and dropped."""
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        fields = {
            k.strip().lower(): v.strip() for k, _, v in (x.partition(b":") for x in lines[1:])
        }
        if fields.get(b"transfer-encoding", b"").lower() == b"chunked":
            while size := int(self._line().split(b";")[0], 16):
                self._take(size + 2)
            while self._line():
                pass  # trailers, up to the blank line
        else:
            self._take(int(fields.get(b"content-length", b"0")))
        return int(lines[0].split()[1])


def load(
    url: str,
    request: Request,
    seconds: float,
    clients: int = 8,
) -> Throughput:
    """Correct answers/s that `clients` threads with keep-alive connections get for `seconds`:
    only the status the request should get counts; throttled (429) or failed requests are
    counted apart, never parsed as a success.

    The clients write prepared request bytes on raw sockets and read only the framing of each
    answer: an httpx client in this process capped both the simulator and Prism near the same
    1,900 answers/s, which measured the client, not the servers."""
    host, _, port = url.split("//", 1)[1].partition(":")
    wire = _request_bytes(f"{host}:{port}", request)
    expect = request[3]
    result = Throughput(seconds)
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker() -> None:
        correct, other, failed = 0, collections.Counter[int](), collections.Counter[str]()
        while time.perf_counter() < stop:
            try:
                with socket.create_connection((host, int(port)), timeout=10) as sock:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    answers = _Answers(sock)
                    while time.perf_counter() < stop:
                        sock.sendall(wire)
                        status = answers.status()
                        if status == expect:
                            correct += 1
                        else:
                            other[status] += 1
            except (OSError, ValueError, IndexError) as exc:
                failed[type(exc).__name__] += 1  # then a new connection
        with lock:
            result.correct += correct
            result.other.update(other)
            result.failed.update(failed)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def serve(port: int) -> Any:
    return process(
        [
            str(BIN / "sms-contract"),
            "serve",
            "--port",
            str(port),
            "--db",
            ":memory:",
            "--post-limit",
            str(NO_LIMIT),
            "--get-limit",
            str(NO_LIMIT),
        ],
        f"http://127.0.0.1:{port}",
    )


# method, path, form, the status a correct answer has
Request = tuple[str, str, dict[str, str] | None, int]
SEND: Request = (
    "POST",
    "/v1/Accounts/simaccount/Sms/send.json",
    {"From": "ACME", "To": number_for(20005), "Body": "benchmark"},
    200,
)


def first_sid(url: str) -> str:
    """A Sid the simulator answered (retried a few times: a busy machine may time out)."""
    problem = ""
    for _ in range(5):
        try:
            response = httpx.post(
                url + SEND[1], data=SEND[2], auth=("simkey", "simtoken"), timeout=10
            )
        except httpx.HTTPError as exc:
            problem = type(exc).__name__
            time.sleep(1)
            continue
        if response.status_code == 200:
            return str(response.json()["SMSMessage"]["Sid"])
        problem = f"HTTP {response.status_code}"
        time.sleep(1)
    raise RuntimeError(f"the simulator did not accept a send: {problem}")


def bench_simulator(seconds: float, with_prism: bool) -> None:
    cli = prism_cli() if with_prism else None  # asked for and missing: this section's error
    with serve(8791) as url:
        sid = first_sid(url)
        details: Request = ("GET", f"/v1/Accounts/simaccount/SMS/Messages/{sid}.json", None, 200)
        specs = {"send": SEND, "details": details}
        if cli is None:
            for name, spec in specs.items():
                ours_result = load(url, spec, seconds)
                emit(
                    f"simulator_{name}_rps",
                    ours_result.rps,
                    "correct answers/s",
                    "Prism mock of openapi.yaml",
                    None,
                    clients=8,
                    note="Prism not run (use --prism)",
                    **ours_result.notes(),
                )
            return
        command = [str(cli), "mock", str(ROOT / "openapi.yaml"), "-p", "8792"]
        with process(command, "http://127.0.0.1:8792") as base:
            for name, spec in specs.items():
                got: dict[str, Throughput] = {}

                def run(
                    side: str, server: str, spec: Request = spec, got: dict[str, Throughput] = got
                ) -> float:
                    got[side] = load(server, spec, seconds)
                    return got[side].rps

                mine, theirs, ratio = interleaved(
                    lambda: run("ours", url), lambda: run("prism", base), 3
                )
                emit(
                    f"simulator_{name}_rps",
                    mine,
                    "correct answers/s",
                    "Prism mock of the same openapi.yaml (stateless), correct answers only",
                    theirs,
                    ratio,
                    clients=8,
                    rounds=3,
                    goal=2.0,
                    **got["ours"].notes(),
                    **got["prism"].notes("prism_"),
                )


def bench_proxy(seconds: float) -> None:
    with serve(8793) as url:
        command = [
            str(BIN / "sms-contract"),
            "proxy",
            "--upstream",
            url,
            "--listen",
            "127.0.0.1:8794",
        ]
        with process(command, "http://127.0.0.1:8794") as proxied:
            got: dict[str, Throughput] = {}

            def run(side: str, server: str) -> float:
                got[side] = load(server, SEND, seconds)
                return got[side].rps

            through, direct, ratio = interleaved(
                lambda: run("proxy", proxied), lambda: run("direct", url), 5
            )
            timings: dict[str, list[float]] = {"direct": [], "proxy": []}
            with httpx.Client(auth=("simkey", "simtoken"), timeout=10) as client:
                for _ in range(3):
                    for name, base in (("direct", url), ("proxy", proxied)):
                        started = time.perf_counter()
                        for _ in range(100):
                            client.post(base + SEND[1], data=SEND[2])
                        timings[name].append((time.perf_counter() - started) / 100 * 1000)
    emit(
        "proxy_send_rps",
        through,
        "correct answers/s",
        "the simulator direct",
        direct,
        ratio,
        clients=8,
        rounds=5,
        goal=0.9,
        **got["proxy"].notes(),
    )
    latency = {k: statistics.median(v) for k, v in timings.items()}
    emit(
        "proxy_added_latency",
        latency["proxy"] - latency["direct"],
        "ms",
        "direct request latency",
        latency["direct"],
    )


# -- wall times ---------------------------------------------------------------------------------


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[-2:])} exited {done.returncode}")
    return time.perf_counter() - started


SECTIONS = (
    "replay",
    "schemathesis",
    "validators",
    "end_to_end",
    "memory",
    "xdist",
    "fuzz",
    "simulator",
    "proxy",
    "check",
    "mutants",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few minutes")
    parser.add_argument("--prism", action="store_true", help="measure Prism's mock as a baseline")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument("--size", type=int, help="corpus interactions (default 100,000)")
    parser.add_argument("--files", type=int, help="corpus files (default 1,000)")
    args = parser.parse_args()
    only = set(args.only.split(","))
    quick = args.quick
    size, files = (10_000, 100) if quick else (100_000, 1_000)
    size, files = args.size or size, args.files or files
    emit(
        "machine",
        os.cpu_count() or 0,
        "cores",
        "load average at start (1 min)",
        os.getloadavg()[0],
        python=sys.version.split()[0],
    )
    state: dict[str, Any] = {}

    def folder() -> Path:
        if "folder" not in state:
            state["folder"] = corpus_folder(size, files)
        return Path(state["folder"])

    def items() -> list[Interaction]:
        if "items" not in state:
            state["items"] = corpus_items(folder())
        return list(state["items"])

    sections: dict[str, Callable[[], None]] = {
        "replay": lambda: bench_replay(items(), 3 if quick else 5),
        "schemathesis": lambda: bench_replay_vs_schemathesis(items(), 3),
        "validators": lambda: bench_validators(items()),
        "end_to_end": lambda: bench_end_to_end(folder(), 3),
        "memory": lambda: bench_memory(5 if quick else 50, with_libyaml=not quick),
        "xdist": lambda: bench_xdist(folder()),
        "fuzz": lambda: bench_fuzz(10 if quick else 30),
        "simulator": lambda: bench_simulator(3 if quick else 6, args.prism),
        "proxy": lambda: bench_proxy(3 if quick else 6),
        "check": lambda: emit(
            "check_wall_time", wall([str(BIN / "sms-contract"), "check"]), "s", "goal", 30.0
        ),
        "mutants": lambda: emit(
            "mutant_sweep_wall_time",
            wall([str(BIN / "sms-contract"), "mutants"]),
            "s",
            "goal",
            300.0,
        ),
    }
    if quick:
        only -= {"xdist", "mutants"}
    for name in SECTIONS:
        if name not in only:
            continue
        try:
            sections[name]()
        except Exception as exc:  # one section's failure is a row, and the run goes on
            print(json.dumps({"name": name, "error": f"{type(exc).__name__}: {exc}"}), flush=True)
            traceback.print_exc(file=sys.stderr)
    emit(
        "machine_end",
        os.cpu_count() or 0,
        "cores",
        "load average at end (1 min)",
        os.getloadavg()[0],
    )


if __name__ == "__main__":
    main()

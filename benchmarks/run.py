"""Benchmarks: every figure is a ratio against a baseline measured in the same run.

    python benchmarks/run.py            # everything (several minutes)
    python benchmarks/run.py --quick    # under a minute: smaller corpora, no xdist / mutants
    python benchmarks/run.py --prism    # also start Prism's mock (npm i @stoplight/prism-cli
                                        # into benchmarks/.prism first, if it is not there)

`pip install -e '.[bench]'` adds fastjsonschema, a validator measured against jsonschema-rs.

Prints one JSON object per line: name, value, unit, baseline, baseline_value, ratio (and notes).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import xmltodict
import yaml

from sms_contract.cassettes.cassette import (
    Interaction,
    cassette_files,
    interactions,
    validate_cassette,
    validate_interaction,
)
from sms_contract.contract.registry import number_for
from sms_contract.contract.spec import load_contract
from sms_contract.simulator import SimulatorConfig
from sms_contract.simulator.config import NO_LIMIT

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


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
    }
    print(json.dumps(row), flush=True)


def rate(func: Callable[[], int]) -> float:
    """Items per second of `func`, which returns how many items it handled."""
    started = time.perf_counter()
    count = func()
    return count / (time.perf_counter() - started)


# -- replay -------------------------------------------------------------------------------------


def corpus(size: int) -> list[Interaction]:
    """`size` interactions recorded from the simulator (cassettes/simulator, cycled)."""
    recorded = [
        i for path in cassette_files([ROOT / "cassettes" / "simulator"]) for i in interactions(path)
    ]
    return list(itertools.islice(itertools.cycle(recorded), size))


def parse_only(
    items: list[Interaction],
    read_json: Callable[[str | bytes], Any] = json.loads,
    read_xml: Callable[[str | bytes], Any] = xmltodict.parse,
) -> int:
    """Parse every response body, without validation (the issue's bound: json.loads and
    xmltodict.parse)."""
    for item in items:
        body = item.response_body or ""
        content = str((item.response_headers.get("content-type") or [""])[0])
        if "json" in content:
            read_json(body)
        else:
            read_xml(body)
    return len(items)


def ours(items: list[Interaction]) -> int:
    for item in items:
        validate_interaction(item)
    return len(items)


def schemathesis_responses(items: list[Interaction]) -> list[tuple[Any, httpx.Response]]:
    import schemathesis

    import sms_contract.integrations.schemathesis_ext  # noqa: F401  (the XML deserializer)
    from sms_contract.contract.resources import openapi_path

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
        body = (
            item.response_body.encode()
            if isinstance(item.response_body, str)
            else item.response_body
        )
        request = httpx.Request(item.method, item.uri)
        out.append(
            (
                operation,
                httpx.Response(item.status, headers=headers, content=body or b"", request=request),
            )
        )
    return out


def schemathesis_validate(pairs: list[tuple[Any, httpx.Response]]) -> int:
    for operation, response in pairs:
        # a failure group is a finding, not an error of the benchmark
        with contextlib.suppress(Exception):
            operation.validate_response(response)
    return len(pairs)


def fast_parse_only(items: list[Interaction]) -> int:
    """The parsers replay itself uses (orjson, ElementTree's C parser), without validation."""
    import xml.etree.ElementTree as ET

    import orjson

    return parse_only(items, orjson.loads, ET.fromstring)


def interleaved(
    ours_func: Callable[[], int], base_func: Callable[[], int], rounds: int
) -> tuple[float, float, float]:
    """Median rates of both and median ratio, measured in alternating rounds.

    This machine's speed drifts by a third over minutes: measuring one side after the other
    puts the drift into the ratio, alternating rounds cancel most of it.
    """
    pairs = [(rate(ours_func), rate(base_func)) for _ in range(rounds)]
    return (
        statistics.median(o for o, _ in pairs),
        statistics.median(b for _, b in pairs),
        statistics.median(o / b for o, b in pairs),
    )


def bench_replay(size: int) -> None:
    items = corpus(size)
    ours(items[:200])  # warm the caches both sides get
    rounds = 5 if size <= 10_000 else 3
    mine, base, ratio = interleaved(lambda: ours(items), lambda: parse_only(items), rounds)
    emit(
        f"replay_validate_{size}",
        mine,
        "interactions/s",
        "parse-only (json.loads / xmltodict.parse)",
        base,
        ratio,
        rounds=rounds,
    )
    mine, base, ratio = interleaved(lambda: ours(items), lambda: fast_parse_only(items), rounds)
    emit(
        f"replay_validate_{size}_vs_fast_parsers",
        mine,
        "interactions/s",
        "parse-only with replay's own parsers (orjson / ElementTree)",
        base,
        ratio,
        rounds=rounds,
    )
    sample = items[: min(size, 5000)]
    pairs = schemathesis_responses(sample)
    schemathesis_validate(pairs[:200])
    mine, base, ratio = interleaved(
        lambda: ours(sample), lambda: schemathesis_validate(pairs), rounds
    )
    emit(
        f"replay_vs_schemathesis_{size}",
        mine,
        "interactions/s",
        "schemathesis operation.validate_response",
        base,
        ratio,
        sample=len(pairs),
        rounds=rounds,
    )


def bench_validators() -> None:
    """Schema validation alone, per response body, by each validator replay could use."""
    from sms_contract.checks.validate import _schema_key, header, media_type, parse_body
    from sms_contract.contract.schemastore import cached_validator, compiled_validator, inline_refs
    from sms_contract.contract.spec import load_contract

    contract = load_contract()
    bodies = []
    for item in corpus(5000):
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
        # nothing newer, and a test run of 3,000 bodies found no disagreement
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


def write_corpus(items: list[Interaction], folder: Path, per_file: int = 100) -> list[Path]:
    """The interactions as vcrpy cassette files of `per_file` interactions each."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for start in range(0, len(items), per_file):
        chunk = items[start : start + per_file]
        document = {
            "interactions": [
                {
                    "request": {
                        "body": i.request_body,
                        "headers": i.request_headers,
                        "method": i.method,
                        "uri": i.uri,
                    },
                    "response": {
                        "body": {"string": i.response_body},
                        "headers": i.response_headers,
                        "status": {"code": i.status, "message": ""},
                    },
                }
                for i in chunk
            ],
            "version": 1,
        }
        path = folder / f"corpus-{start // per_file:05d}.yaml"
        path.write_text(yaml.dump(document, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper)))
        paths.append(path)
    return paths


def bench_files(size: int, work: Path) -> Path:
    items = corpus(size)
    folder = work / f"corpus-{size}"
    paths = write_corpus(items, folder)
    on_disk = sum(p.stat().st_size for p in paths) / 2**20

    def load(loader: Any) -> int:
        count = 0
        for path in paths:
            count += len(yaml.load(path.read_text(), Loader=loader)["interactions"])
        return count

    fast = rate(lambda: load(getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    slow = rate(lambda: load(yaml.SafeLoader))
    emit(
        f"cassette_load_{size}",
        fast,
        "interactions/s",
        "PyYAML pure-Python SafeLoader",
        slow,
        loader="CSafeLoader" if hasattr(yaml, "CSafeLoader") else "SafeLoader",
    )
    started = time.perf_counter()
    for path in paths:
        validate_cassette(path)
    from_files = size / (time.perf_counter() - started)
    emit(
        f"replay_from_files_{size}",
        from_files,
        "interactions/s",
        "CSafeLoader load alone",
        fast,
        files=len(paths),
    )
    # peak memory of a process that validates every file, one at a time, against the corpus
    script = (
        "import sys; from pathlib import Path; from sms_contract.cassettes.cassette import "
        "validate_cassette\nfor p in sorted(Path(sys.argv[1]).glob('*.yaml')): "
        "validate_cassette(p)"
    )
    baseline_script = "import sms_contract.cassettes.cassette, sms_contract.checks.validate"
    peak = _child_peak_mib([sys.executable, "-c", script, str(folder)])
    idle = _child_peak_mib([sys.executable, "-c", baseline_script])
    emit(
        f"replay_files_{size}_peak_rss",
        peak,
        "MiB",
        "the same process importing only",
        idle,
        corpus_on_disk_mib=round(on_disk, 1),
    )
    return folder


def _child_peak_mib(command: list[str]) -> float:
    """Peak resident memory of a child process running `command`."""
    script = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
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
            "--cassette-dir",
            str(folder),
            *extra,
        ]
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
        return time.perf_counter() - started

    one, two = wall("-p", "no:xdist"), wall("-n", "2")
    emit(
        "replay_pytest_xdist_2_workers",
        two,
        "s",
        "one process",
        one,
        ratio=one / two,
        files=len(list(folder.glob("*.yaml"))),
    )


# -- fuzz ---------------------------------------------------------------------------------------


def bench_fuzz(examples: int) -> None:
    from sms_contract.conformance.embedded import embedded
    from sms_contract.conformance.fuzz import FUZZ_CHECKS, fuzz

    with embedded(SimulatorConfig.unthrottled(db=":memory:")) as target:
        started = time.perf_counter()
        results = fuzz(target, examples=examples)
        ours_rate = sum(r.cases for r in results) / (time.perf_counter() - started)
        env = {**os.environ, "SCHEMATHESIS_HOOKS": "sms_contract.schemathesis_hooks"}
        command = [
            str(BIN / "schemathesis"),
            "--config-file",
            str(ROOT / "examples" / "schemathesis.toml"),
            "run",
            str(ROOT / "openapi.yaml"),
            "--url",
            target.base,
            "--auth",
            "simkey:simtoken",
            "--max-examples",
            str(examples),
            "--phases",
            "examples,fuzzing",
            "-c",
            ",".join(FUZZ_CHECKS),
            "--seed",
            "1",
        ]
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:  # for schemathesis' crash cache
            done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=folder)
        seconds = time.perf_counter() - started
    found = re.search(r"(\d+) generated", done.stdout)
    cases = int(found.group(1)) if found else 0
    emit(
        "fuzz_cases_per_s",
        ours_rate,
        "cases/s",
        "schemathesis run (same spec, target, checks)",
        cases / seconds if cases else None,
        schemathesis_cases=cases,
    )


# -- simulator ----------------------------------------------------------------------------------


def load(
    url: str, method: str, path: str, data: dict[str, str] | None, seconds: float, clients: int = 8
) -> float:
    """Requests/s that `clients` threads with keep-alive connections get for `seconds`."""
    counts = [0] * clients
    stop = time.perf_counter() + seconds

    def worker(index: int) -> None:
        with httpx.Client(base_url=url, auth=("simkey", "simtoken")) as client:
            while time.perf_counter() < stop:
                response = client.request(method, path, data=data)
                if response.status_code < 500:
                    counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds


@contextlib.contextmanager
def process(command: list[str], url: str) -> Iterator[str]:
    """A server started as its own process (so it does not share this one's GIL)."""
    child = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url
    finally:
        child.terminate()
        child.wait(timeout=10)


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


def prism_cli() -> Path | None:
    """Prism's CLI in benchmarks/.prism (installed from npm on first use), or None."""
    cli = ROOT / "benchmarks" / ".prism" / "node_modules" / ".bin" / "prism"
    if not cli.exists() and shutil.which("npm"):
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(cli.parents[2]),
                "--no-audit",
                "--no-fund",
                "@stoplight/prism-cli",
            ],
            capture_output=True,
        )
    return cli if cli.exists() else None


# method, path, form
Request = tuple[str, str, dict[str, str] | None]
SEND: Request = (
    "POST",
    "/v1/Accounts/simaccount/Sms/send.json",
    {"From": "ACME", "To": number_for(20005), "Body": "benchmark"},
)


def bench_simulator(seconds: float, with_prism: bool) -> None:
    with serve(8791) as url:
        sid = httpx.post(url + SEND[1], data=SEND[2], auth=("simkey", "simtoken")).json()
        details: Request = (
            "GET",
            f"/v1/Accounts/simaccount/SMS/Messages/{sid['SMSMessage']['Sid']}.json",
            None,
        )
        specs = (("send", SEND), ("details", details))
        ours = {name: load(url, *spec, seconds) for name, spec in specs}
    theirs: dict[str, float | None] = {"send": None, "details": None}
    cli = prism_cli() if with_prism else None
    if cli:
        command = [str(cli), "mock", str(ROOT / "openapi.yaml"), "-p", "8792"]
        with process(command, "http://127.0.0.1:8792") as base:
            theirs = {name: load(base, *spec, seconds) for name, spec in specs}
    for name in ("send", "details"):
        emit(
            f"simulator_{name}_rps",
            ours[name],
            "requests/s",
            "Prism mock of openapi.yaml (stateless)",
            theirs[name],
            clients=8,
            note=None if theirs[name] else "Prism not run (use --prism)",
        )


def bench_proxy(seconds: float) -> None:
    with serve(8793) as url:
        direct = load(url, *SEND, seconds)
        command = [
            str(BIN / "sms-contract"),
            "proxy",
            "--upstream",
            url,
            "--listen",
            "127.0.0.1:8794",
        ]
        with process(command, "http://127.0.0.1:8794") as proxied:
            through = load(proxied, *SEND, seconds)
            timings = {}
            with httpx.Client(auth=("simkey", "simtoken")) as client:
                for name, base in (("direct", url), ("proxy", proxied)):
                    started = time.perf_counter()
                    for _ in range(300):
                        client.post(base + SEND[1], data=SEND[2])
                    timings[name] = (time.perf_counter() - started) / 300 * 1000
    emit("proxy_send_rps", through, "requests/s", "the simulator direct", direct, clients=8)
    emit(
        "proxy_added_latency",
        timings["proxy"] - timings["direct"],
        "ms",
        "direct request latency",
        timings["direct"],
    )


# -- end to end ---------------------------------------------------------------------------------


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="under a minute")
    parser.add_argument("--prism", action="store_true", help="measure Prism's mock as a baseline")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sizes = [10_000] if args.quick else [10_000, 100_000]
        for size in sizes:
            bench_replay(size)
        bench_validators()
        folder = bench_files(sizes[-1] if not args.quick else 2_000, work)
        if not args.quick:
            bench_xdist(folder)
        bench_fuzz(10 if args.quick else 50)
        bench_simulator(3 if args.quick else 8, args.prism)
        bench_proxy(3 if args.quick else 8)
        check = wall([str(BIN / "sms-contract"), "check"])
        emit("check_wall_time", check, "s", "goal", 30.0, ratio=30.0 / check)
        if not args.quick:
            sweep = wall([str(BIN / "sms-contract"), "mutants"])
            emit("mutant_sweep_wall_time", sweep, "s", "goal", 300.0, ratio=300.0 / sweep)


if __name__ == "__main__":
    main()

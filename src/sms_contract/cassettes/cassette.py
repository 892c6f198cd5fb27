"""vcrpy cassettes: find them, read them one file at a time, validate every interaction, and
scrub credentials before anything is written.

Plain vcrpy YAML and JSON cassettes are read, including pytest-recording folders
(`cassettes/<module>/<test>.yaml`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from sms_contract.cassettes.filters import SCRUBBED, redact_url, scrub
from sms_contract.cassettes.reading import Loader, NotACassette, fast_load, stream_interactions
from sms_contract.checks.coverage import Coverage
from sms_contract.checks.validate import validate_exchange
from sms_contract.contract.schemastore import Mode
from sms_contract.contract.spec import load_contract
from sms_contract.contract.violations import Report, Violation

SUFFIXES = (".yaml", ".yml", ".json")

# a YAML cassette larger than this is read one interaction at a time (bounded memory, libyaml's
# speed); smaller ones are read whole, by the fast route where it reads the same
STREAM_BYTES = 8 * 2**20


class CassetteError(Exception):
    """A path that is not a readable vcrpy cassette (bad input: exit 2)."""


@dataclass(frozen=True)
class Interaction:
    """One recorded request and response, bodies as text or bytes."""

    method: str
    uri: str
    request_headers: dict[str, Any]
    request_body: str | bytes | None
    status: int
    response_headers: dict[str, Any]
    response_body: str | bytes | None


@dataclass(frozen=True)
class Finding:
    """A violation in one interaction of one cassette file."""

    path: Path
    index: int
    operation: str
    violation: Violation

    def __str__(self) -> str:
        v = self.violation
        return (
            f"{self.path}#{self.index} {self.operation}: [{v.check}] {v.pointer or '(body)'}: "
            f"{v.message} (expected {v.expected}, got {v.actual})"
        )


def cassette_files(paths: Iterable[str | Path]) -> list[Path]:
    """Every cassette file named or found (recursively) under the given paths, sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise CassetteError(f"{path}: no such file or directory")
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
            if not inside:
                raise CassetteError(f"{path}: no cassette files (*.yaml, *.yml, *.json) in it")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:  # a FIFO or a device would block the read, or never end
            raise CassetteError(f"{path}: not a regular file or folder")
    return found


def shard(files: list[Path], index: int, count: int) -> list[Path]:
    """The files of shard `index` (1-based) of `count`: every count-th file of the sorted list,
    so that `count` CI jobs given the same tree validate every file exactly once together."""
    if not 1 <= index <= count:
        raise ValueError(f"shard {index}/{count}: I must be between 1 and N")
    ordered = sorted(files, key=lambda p: p.as_posix())
    return ordered[index - 1 :: count]


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CassetteError(f"{path}: not a text file") from None
    except OSError as exc:
        raise CassetteError(f"{path}: cannot read: {exc.strerror}") from None


def _yaml_error(path: Path, exc: yaml.YAMLError) -> CassetteError:
    mark = getattr(exc, "problem_mark", None)
    where = f" (line {mark.line + 1})" if mark else ""
    return CassetteError(f"{path}: not valid YAML{where}")


def _not_a_cassette(path: Path) -> CassetteError:
    return CassetteError(f"{path}: not a vcrpy cassette (no 'interactions' list)")


def parse_cassette(text: str, suffix: str) -> Any:
    """The document as vcrpy's serializer for `suffix` reads it (PyYAML or json), by the
    fastest route that reads the same (orjson, yaml-rs; see `reading`)."""
    if suffix == ".json":
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:  # NaN, huge integers, lone surrogates: json decides
            return json.loads(text)
    data = fast_load(text)
    return data if data is not None else yaml.load(text, Loader=Loader)


def load_cassette(path: Path) -> dict[str, Any]:
    """The parsed cassette document; `CassetteError` if it is not one."""
    text = _read_text(path)
    try:
        data = parse_cassette(text, path.suffix)
    except json.JSONDecodeError as exc:
        raise CassetteError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except yaml.YAMLError as exc:
        raise _yaml_error(path, exc) from None
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise _not_a_cassette(path)
    return data


def _raw_interactions(path: Path, on_read: Callable[[int], None] | None = None) -> Iterator[Any]:
    """The items of the cassette's `interactions` list; a large YAML file one at a time, and
    then `on_read` hears how far into the file the reading is after each one."""
    try:
        large = path.suffix != ".json" and path.stat().st_size > STREAM_BYTES
    except OSError as exc:
        raise CassetteError(f"{path}: cannot read: {exc.strerror}") from None
    if not large:
        yield from load_cassette(path)["interactions"]
        return
    _check_utf8(path)
    try:
        with path.open("rb") as stream:
            for raw in stream_interactions(stream):
                yield raw
                if on_read is not None:
                    on_read(stream.tell())
    except yaml.YAMLError as exc:
        raise _yaml_error(path, exc) from None
    except NotACassette:
        raise _not_a_cassette(path) from None
    except OSError as exc:
        raise CassetteError(f"{path}: cannot read: {exc.strerror}") from None


def _check_utf8(path: Path) -> None:
    """`CassetteError` unless the file is UTF-8 text (read in chunks, as the whole-file route
    would have found on reading it)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(2**20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise CassetteError(f"{path}: not a text file") from None
    except OSError as exc:
        raise CassetteError(f"{path}: cannot read: {exc.strerror}") from None


def _body(node: Any) -> str | bytes | None:
    if isinstance(node, dict):
        node = node.get("string")
    return node if isinstance(node, str | bytes) else None


def interactions(path: Path, on_read: Callable[[int], None] | None = None) -> Iterator[Interaction]:
    """The interactions of one cassette file, in order; `on_read(bytes read)` as a large one
    streams (a progress bar within one file)."""
    for index, raw in enumerate(_raw_interactions(path, on_read)):
        try:
            request, response = raw["request"], raw["response"]
            yield Interaction(
                method=str(request["method"]).upper(),
                uri=str(request["uri"]),
                request_headers=request.get("headers") or {},
                request_body=_body(request.get("body")),
                status=int(response["status"]["code"]),
                response_headers=response.get("headers") or {},
                response_body=_body(response.get("body")),
            )
        except (KeyError, TypeError, ValueError):
            raise CassetteError(
                f"{path}#{index}: not a vcrpy interaction (needs request.method, request.uri, "
                "response.status.code)"
            ) from None


def validate_interaction(interaction: Interaction, mode: Mode = "strict") -> Report:
    """The response, and the request form when the server accepted it, against the contract
    (see `sms_contract.checks.validate.validate_exchange`)."""
    return validate_exchange(
        interaction.method,
        interaction.uri,
        interaction.request_headers,
        interaction.request_body,
        interaction.status,
        interaction.response_headers,
        interaction.response_body,
        mode,
    )


def operation_label(interaction: Interaction) -> str:
    if "/service/" in interaction.uri:
        from sms_contract.contract.mobizon_spec import match

        request = match(interaction.uri)
        if request is not None:
            return request.operation.label
    found = load_contract().find_operation(interaction.method, interaction.uri)
    return found[0].label if found else f"{interaction.method} {redact_url(interaction.uri)}"


def validate_cassette(
    path: Path,
    mode: Mode = "strict",
    coverage: Coverage | None = None,
    on_read: Callable[[int], None] | None = None,
) -> tuple[int, list[Finding]]:
    """(number of interactions, findings) for one cassette file; `coverage` counts what each
    interaction exercised; `on_read` as in `interactions`."""
    findings: list[Finding] = []
    count = 0
    for index, interaction in enumerate(interactions(path, on_read)):
        count += 1
        report = validate_interaction(interaction, mode)
        if coverage is not None:
            coverage.add_exchange(
                report,
                interaction.method,
                interaction.uri,
                interaction.status,
                interaction.request_body,
                interaction.response_headers,
                interaction.response_body,
            )
        for violation in report:
            findings.append(Finding(path, index, operation_label(interaction), violation))
    return count, findings


# files this large in all are worth a second process (fork, then a share of the files each)
PARALLEL_BYTES = 4 * 2**20


def default_jobs(files: list[Path]) -> int:
    """Processes for validating `files`: one per usable core when they are large enough to pay
    for the start of another process, else one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    try:
        size = sum(p.stat().st_size for p in files)
    except OSError:
        return 1  # the reading reports it
    return max(1, min(cores, len(files))) if size >= PARALLEL_BYTES else 1


# a worker's copy of the parent's "stop" event (set on Ctrl-C, or when the caller stops)
_STOP: Any = None


class _Stopped(Exception):
    """The parent asked the workers to stop: the file in hand is dropped."""


def _stop_requested(at: int) -> None:
    if _STOP is not None and _STOP.is_set():
        raise _Stopped


def _validate_one(path: Path, mode: Mode, cover: bool) -> tuple[int, list[Finding], Any]:
    coverage = Coverage() if cover else None
    try:
        _stop_requested(0)
        # a large (streamed) file looks at the event after each interaction
        count, findings = validate_cassette(path, mode, coverage, _stop_requested)
    except _Stopped:
        return 0, [], None  # never reported: the parent stopped reading results
    return count, findings, coverage.counts() if coverage is not None else None


Validated = tuple[Path, int, list[Finding]]


def _start_worker(stop: Any) -> None:
    """A worker leaves Ctrl-C to the parent, which reports what finished (no traceback from
    each), and stops when the parent sets `stop`."""
    import signal

    global _STOP
    _STOP = stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def iter_validated(
    files: list[Path],
    mode: Mode = "strict",
    jobs: int = 1,
    coverage: Coverage | None = None,
    on_read: Callable[[Path, int], None] | None = None,
) -> Generator[Validated, None, None]:
    """(path, interactions, findings) of each file, in order, as each is done. With `jobs` > 1,
    files are shared among that many processes (concurrent.futures); the results, and the
    first `CassetteError` in file order, are the same as with one. `coverage` counts what the
    interactions exercised (each process counts its files, and the counts are added up).
    `on_read(path, bytes)` hears how far the reading of a file is: within a large file as it
    streams (one process), and its whole size once it is done."""
    # a file's coverage is added once the file is done: a run stopped inside a file (Ctrl-C)
    # reports the coverage of exactly the files it reports
    if jobs <= 1 or len(files) <= 1:
        for path in files:
            position = None if on_read is None else (lambda at, path=path: on_read(path, at))
            counted = Coverage() if coverage is not None else None
            count, findings = validate_cassette(path, mode, counted, position)
            if on_read is not None:
                on_read(path, _size(path))
            if coverage is not None and counted is not None:
                coverage.merge(counted)
            yield path, count, findings
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    load_contract()  # compiled once here, inherited by forked workers
    chunk = max(1, min(4, len(files) // (jobs * 8)))
    context = multiprocessing.get_context()
    stop = context.Event()
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(stop,)
    ) as pool:
        finished = False
        try:
            cover = [coverage is not None] * len(files)
            done = pool.map(_validate_one, files, [mode] * len(files), cover, chunksize=chunk)
            for path, (count, findings, counted) in zip(files, done, strict=True):
                if on_read is not None:
                    on_read(path, _size(path))
                if coverage is not None and counted is not None:
                    coverage.merge(counted)
                yield path, count, findings
            finished = True
        finally:
            if not finished:  # Ctrl-C, or the caller stopped: the files in hand are dropped
                stop.set()
            pool.shutdown(wait=True, cancel_futures=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# -- scrubbing -----------------------------------------------------------------------------

SECRET_HEADERS = ("authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key")


def _clean_text(value: Any, secrets: tuple[str, ...]) -> Any:
    """`value` (bytes, text or anything else) with every secret replaced."""
    if isinstance(value, bytes):
        text = value.decode("utf-8", "surrogateescape")
        return scrub(text, secrets).encode("utf-8", "surrogateescape")
    if isinstance(value, str):
        return scrub(value, secrets)
    return value


def _drop_secret_headers(headers: Any) -> None:
    for name in list(headers):
        if name.lower() in SECRET_HEADERS:
            del headers[name]


def scrubber(
    secrets: Iterable[str] = (),
    rename: tuple[str, str] | None = None,
) -> tuple[Callable[[Any], Any], Callable[[dict[str, Any]], dict[str, Any]]]:
    """vcrpy `before_record_request` and `before_record_response` hooks that remove credentials.

    Authorization (and cookie) headers are dropped, userinfo in the URI (`https://KEY:TOKEN@`,
    which httpx writes) is removed, and every value of `secrets` is replaced in bodies.
    `rename=(old_base, new_base)` rewrites the target's address (a random local port) into a
    stable one, so re-recording does not rewrite every file.
    """
    values = tuple(s for s in secrets if s)
    new_host = rename[1].split("//", 1)[-1].rstrip("/") if rename else ""

    def before_record_request(request: Any) -> Any:
        _drop_secret_headers(request.headers)
        request.uri = _clean_text(redact_url(request.uri), values)
        if rename and request.uri.startswith(rename[0]):
            request.uri = rename[1].rstrip("/") + request.uri[len(rename[0].rstrip("/")) :]
            for name in list(request.headers):
                if name.lower() == "host":
                    request.headers[name] = new_host
        request.body = _clean_text(request.body, values)
        return request

    def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
        _drop_secret_headers(response.get("headers") or {})
        body = response.get("body")
        if isinstance(body, dict) and "string" in body:
            body["string"] = _clean_text(body["string"], values)
        return response

    return before_record_request, before_record_response


def secrets_in(path: Path, secrets: Iterable[str] = ()) -> list[str]:
    """Credentials left in a cassette file: Authorization headers, URI userinfo, secret values."""
    problems = []
    text = path.read_text(encoding="utf-8", errors="replace")
    for value in secrets:
        if value and value in text:
            problems.append(f"{path}: contains a secret value")
    for index, interaction in enumerate(interactions(path)):
        for name, value in interaction.request_headers.items():
            shown = value[0] if isinstance(value, list) and value else value
            if name.lower() in SECRET_HEADERS and shown != SCRUBBED:
                problems.append(f"{path}#{index}: request header {name} is recorded")
        if redact_url(interaction.uri) != interaction.uri:
            problems.append(f"{path}#{index}: credentials in the URI")
    return sorted(set(problems))

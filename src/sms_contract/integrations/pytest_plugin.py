"""The sms-contract pytest plugin: options -> a target and cassettes -> fixtures.

The suites themselves (`tests/contract/` in this repository) are thin: they parametrize over
the library's scenarios, cassettes and operations. Users get the fixtures in their own tests:
`sms_contract`, `assert_conforms`, `sms_target`, `sms_session`, `sms_conformance`,
`sms_vcr_config`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sms_contract.contract.schemastore import MODES, Mode
from sms_contract.contract.spec import Contract, load_contract
from sms_contract.contract.violations import Report

if TYPE_CHECKING:
    from sms_contract.conformance.budget import Budget
    from sms_contract.conformance.run import Plan
    from sms_contract.conformance.session import Session
    from sms_contract.conformance.target import Target
    from sms_contract.report import RunReport

RECORD_MODES = ("none", "once", "new_episodes", "all")
# pytest-recording registers `--record-mode` itself: with it present, that one option drives
# both plugins (its "rewrite" records afresh, as "all" does here)
RECORDING_PLUGIN = "recording"


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    """Register `--record-mode` unless pytest-recording has. This runs once every installed
    plugin is loaded, so the order plugins load in does not matter."""
    if early_config.pluginmanager.has_plugin(RECORDING_PLUGIN):
        return
    parser.getgroup("sms-contract").addoption(
        "--record-mode",
        default=None,
        choices=RECORD_MODES,
        help="record the live scenarios as cassettes (vcrpy semantics; default none; "
        "with pytest-recording installed, its own --record-mode drives both)",
    )


def record_mode(config: pytest.Config) -> str:
    """How `sms_record` records: --record-mode (ours or pytest-recording's), else the ini."""
    given = config.getoption("--record-mode", default=None)
    if given == "rewrite":
        return "all"
    if given in (None, "none"):
        # pytest-recording's default is "none": the ini decides when the command line is silent
        given = config.getini("sms_contract_record_mode") or "none"
    if given not in RECORD_MODES:
        raise pytest.UsageError(f"sms_contract_record_mode must be one of {RECORD_MODES}")
    return str(given)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sms-contract", "SMS contract suites (sms-contract)")
    group.addoption(
        "--target-url",
        default=None,
        help="base URL of the SMS API under test (default: the embedded simulator)",
    )
    group.addoption(
        "--target-auth",
        default=None,
        help="KEY:TOKEN for the target (or env SMS_CONTRACT_AUTH; never printed)",
    )
    group.addoption("--account-sid", default=None, help="account SID of the target")
    group.addoption(
        "--contract-mode",
        default=None,
        choices=("strict", "tolerant"),
        help="strict: the documented reading; tolerant: also the known variants",
    )
    group.addoption(
        "--cassette-dir",
        action="append",
        default=[],
        help="another folder of cassettes to validate (repeatable)",
    )
    group.addoption("--fuzz-examples", type=int, default=None, help="fuzz cases per operation")
    group.addoption("--max-requests", type=int, default=None, help="request budget of the run")
    group.addoption(
        "--allow-remote", action="store_true", help="allow a target that is not on this machine"
    )
    group.addoption(
        "--recipient",
        action="append",
        default=[],
        help="a number live runs may send to (repeatable; default: the simulator's test numbers)",
    )
    parser.addini("sms_contract_mode", "default --contract-mode", default="strict")
    parser.addini("sms_contract_target_url", "default --target-url", default="")
    parser.addini("sms_contract_account_sid", "default --account-sid", default="")
    parser.addini("sms_contract_max_requests", "default --max-requests", default="")
    parser.addini("sms_contract_record_mode", "default --record-mode", default="none")
    parser.addini("sms_contract_cassette_dirs", "cassette folders to validate", type="paths")
    parser.addini("sms_contract_fuzz_examples", "default --fuzz-examples", default="25")
    parser.addini(
        "sms_contract_record_dir", "where --record-mode writes cassettes", default="cassettes"
    )


def _option(config: pytest.Config, name: str, ini: str | None = None) -> Any:
    value = config.getoption(name)
    if value is None and ini:
        value = config.getini(ini)
    return value


def contract_mode(config: pytest.Config) -> Mode:
    mode = str(_option(config, "--contract-mode", "sms_contract_mode") or "strict")
    if mode not in MODES:
        raise pytest.UsageError(f"sms_contract_mode must be one of {MODES}, got {mode!r}")
    return mode


def fuzz_examples(config: pytest.Config) -> int:
    return int(_option(config, "--fuzz-examples", "sms_contract_fuzz_examples") or 25)


def _ini_defaults(config: pytest.Config) -> None:
    """Options left unset on the command line take their ini (pyproject) value."""
    for option, ini, convert in (
        ("target_url", "sms_contract_target_url", str),
        ("account_sid", "sms_contract_account_sid", str),
        ("max_requests", "sms_contract_max_requests", int),
    ):
        value = config.getini(ini)
        if getattr(config.option, option) is None and value:
            try:
                setattr(config.option, option, convert(value))
            except ValueError:
                raise pytest.UsageError(f"{ini} = {value!r} is not valid") from None
    record_mode(config)  # an invalid ini value is a usage error before any test runs


def pytest_configure(config: pytest.Config) -> None:
    _ini_defaults(config)
    config.addinivalue_line(
        "markers",
        "sms_callbacks(provider='all', seed=0, malformed=False): which callback variants "
        "parametrize `sms_callback`",
    )
    for name in ("--fuzz-examples", "--max-requests"):
        value = config.getoption(name)
        if value is not None and value < 0:
            raise pytest.UsageError(f"{name} must be 0 or more, got {value}")
    from sms_contract.conformance.budget import MAX_FUZZ_EXAMPLES

    if fuzz_examples(config) > MAX_FUZZ_EXAMPLES:
        raise pytest.UsageError(
            f"--fuzz-examples must be at most {MAX_FUZZ_EXAMPLES}, got {fuzz_examples(config)}"
        )
    for folder in config.getoption("--cassette-dir"):
        if not Path(folder).exists():
            raise pytest.UsageError(f"--cassette-dir: {folder}: no such file or directory")
    from sms_contract.conformance.embedded import TargetConfigError, check_recipients

    try:
        check_recipients(tuple(config.getoption("--recipient")))
    except TargetConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[_REMOTE] = _remote_target(config)


_REMOTE = pytest.StashKey["Target | None"]()


def _remote_target(config: pytest.Config) -> Target | None:
    """The --target-url target, checked before any test runs (None: the embedded simulator)."""
    url = config.getoption("--target-url")
    if url is None:
        return None
    from sms_contract.conformance import embedded as targets
    from sms_contract.simulator.config import DEFAULT_ACCOUNT_SID

    auth = target_auth(config)
    try:
        return targets.remote_target(
            url,
            ":".join(auth) if auth else None,
            config.getoption("--account-sid") or DEFAULT_ACCOUNT_SID,
            allow_remote=config.getoption("--allow-remote"),
            recipients=tuple(config.getoption("--recipient")),
        )
    except targets.TargetConfigError as exc:
        raise pytest.UsageError(str(exc)) from None


def target_auth(config: pytest.Config) -> tuple[str, str] | None:
    """KEY:TOKEN from --target-auth or SMS_CONTRACT_AUTH, split once."""
    from sms_contract.conformance.embedded import TargetConfigError, parse_auth

    try:
        return parse_auth(config.getoption("--target-auth") or os.environ.get("SMS_CONTRACT_AUTH"))
    except TargetConfigError as exc:
        raise pytest.UsageError(f"--target-auth: {exc}") from None


def cassette_paths(config: pytest.Config) -> list[Path]:
    """The project's cassettes/ plus every --cassette-dir and ini folder, files sorted."""
    from sms_contract.cassettes.cassette import CassetteError, cassette_files

    folders: list[Path] = []
    root_cassettes = Path(str(config.rootpath)) / "cassettes"
    if root_cassettes.is_dir():
        folders.append(root_cassettes)
    folders.extend(Path(p) for p in config.getini("sms_contract_cassette_dirs") or [])
    folders.extend(Path(p) for p in config.getoption("--cassette-dir"))
    try:
        return cassette_files(folders) if folders else []
    except CassetteError as exc:
        raise pytest.UsageError(f"--cassette-dir: {exc}") from None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`sms_cassette` runs a test once per cassette file; `sms_callback` once per callback
    variant (narrowed with `@pytest.mark.sms_callbacks(provider=..., malformed=...)`)."""
    if "sms_callback" in metafunc.fixturenames:
        from sms_contract.callbacks import deliveries

        marker = metafunc.definition.get_closest_marker("sms_callbacks")
        options = dict(marker.kwargs) if marker else {}
        found = deliveries(
            options.get("provider", "all"),
            seed=int(options.get("seed", 0)),
            malformed=bool(options.get("malformed", False)),
        )
        metafunc.parametrize("sms_callback", found, ids=[d.id for d in found])
    if "sms_cassette" in metafunc.fixturenames:
        paths = cassette_paths(metafunc.config)
        root = Path(str(metafunc.config.rootpath))
        ids = [str(p.relative_to(root)) if p.is_relative_to(root) else str(p) for p in paths]
        metafunc.parametrize("sms_cassette", paths, ids=ids)


@pytest.fixture(scope="session")
def sms_contract() -> Contract:
    """The loaded contract (spec, operations, registries)."""
    return load_contract()


@pytest.fixture(scope="session")
def sms_target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The target of the live suites: --target-url, or an embedded simulator for the session
    (one per xdist worker)."""
    from sms_contract.conformance import embedded as targets

    remote = request.config.stash[_REMOTE]
    if remote is not None:
        yield remote
        return
    with targets.embedded(recipients=tuple(request.config.getoption("--recipient"))) as target:
        yield target


@pytest.fixture(scope="session")
def sms_budget(request: pytest.FixtureRequest) -> Budget:
    """The run's --max-requests, one count shared by every test (per xdist worker)."""
    from sms_contract.conformance.budget import Budget

    return Budget(request.config.getoption("--max-requests"))


@pytest.fixture
def sms_session(sms_target: Target, sms_budget: Budget) -> Iterator[Session]:
    """A bounded HTTP session to the target; the run's --max-requests is shared by all tests."""
    import httpx

    from sms_contract.conformance.session import Session

    with httpx.Client(timeout=30.0) as client:
        yield Session(sms_target, client, budget=sms_budget)


@pytest.fixture
def sms_conformance(
    request: pytest.FixtureRequest, sms_target: Target, sms_budget: Budget
) -> Callable[..., RunReport]:
    """`sms_conformance(Plan(...), target=None)`: one conformance run (`run_conformance`) on
    the session's target with the run's budget and --contract-mode; Ctrl-C stops pytest."""
    from sms_contract.conformance.run import run_conformance

    def run(plan: Plan, target: Target | None = None) -> RunReport:
        plan = dataclasses.replace(plan, mode=contract_mode(request.config), preflight=False)
        report = run_conformance(target or sms_target, plan, budget=sms_budget)
        if report.interrupted:
            raise KeyboardInterrupt
        return report

    return run


@pytest.fixture
def sms_vcr_config(sms_target: Target) -> dict[str, Any]:
    """vcrpy settings that never record a credential: use as `vcr_config` in pytest-recording.

    `def vcr_config(sms_vcr_config): return sms_vcr_config`
    """
    from sms_contract.cassettes.cassette import scrubber

    before_request, before_response = scrubber(sms_target.secrets)
    return {
        "before_record_request": before_request,
        "before_record_response": before_response,
        "decode_compressed_response": True,
    }


@pytest.fixture
def sms_record(request: pytest.FixtureRequest, sms_target: Any) -> Callable[[str], Any]:
    """`with sms_record(name):` records the block's HTTP traffic as a scrubbed cassette when
    --record-mode is set (and does nothing otherwise)."""
    mode = record_mode(request.config)

    def use(name: str) -> Any:
        if mode == "none":
            return contextlib.nullcontext()
        import vcr

        from sms_contract.cassettes.cassette import scrubber
        from sms_contract.conformance.recording import cassette_name

        before_request, before_response = scrubber(sms_target.secrets)
        folder = Path(str(request.config.rootpath)) / request.config.getini(
            "sms_contract_record_dir"
        )
        return vcr.VCR(
            record_mode=mode,
            before_record_request=before_request,
            before_record_response=before_response,
            decode_compressed_response=True,
        ).use_cassette(str(folder / "recorded" / cassette_name(name)))

    return use


@pytest.fixture(scope="session")
def callback_payloads() -> list[Any]:
    """Every documented callback variant of the four providers (seed 0), as `Delivery`
    objects with `provider`, `content_type` and `body`: feed them to your handler in-process."""
    from sms_contract.callbacks import deliveries

    return deliveries()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any socket connection in the test fails: replay must be offline."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError("network access is blocked during cassette replay (sms-contract)")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def assert_conforms(request: pytest.FixtureRequest) -> Callable[..., Report]:
    """Assert that an httpx or requests response conforms to the contract (in the run's
    --contract-mode); `from sms_contract import assert_conforms` is the same function."""
    from sms_contract.checks.conforms import assert_conforms as check

    default = contract_mode(request.config)

    def conforms(response: Any, mode: Mode = default) -> Report:
        __tracebackhide__ = True
        return check(response, mode)

    return conforms

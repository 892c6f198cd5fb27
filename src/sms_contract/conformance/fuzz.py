"""A bounded schemathesis fuzz pass over openapi.yaml against a live target.

Each operation gets `examples` generated cases (valid ones, then invalid ones the target must
reject), sent with schemathesis and checked with its response checks plus the project's
semantic checks (registered by `sms_contract.integrations.schemathesis_ext`).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS
from schemathesis.core.parameters import ParameterLocation

from sms_contract.cassettes.filters import scrub
from sms_contract.checks.coverage import Coverage
from sms_contract.checks.ledger import Ledger
from sms_contract.checks.validate import validate_exchange
from sms_contract.conformance.budget import Budget, BudgetExhausted
from sms_contract.conformance.target import Target
from sms_contract.contract.forms import FormError, decode_form
from sms_contract.contract.resources import openapi_path
from sms_contract.contract.spec import load_contract
from sms_contract.integrations import schemathesis_ext
from sms_contract.reproducible import without_local_constants

RESPONSE_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)
FUZZ_CHECKS = RESPONSE_CHECKS + schemathesis_ext.SEMANTIC_CHECKS


@dataclass(frozen=True)
class FuzzFailure:
    """One distinct failure schemathesis found, with a credential-free reproduction."""

    operation: str
    check: str
    message: str
    reproduce: str


@dataclass
class FuzzResult:
    """What fuzzing one operation in one generation mode found."""

    operation: str
    mode: str
    cases: int = 0
    failures: list[FuzzFailure] = field(default_factory=list)
    seconds: float = 0.0
    reason: str = ""

    @property
    def status(self) -> str:
        if self.reason:
            return "not run"
        return "failed" if self.failures else "passed"


def load_schema(target: Target) -> Any:
    """openapi.yaml configured for `target`: base URL, basic auth, its account SID."""
    schema = schemathesis.openapi.from_path(openapi_path())
    schema.config.update(
        base_url=target.base,
        basic_auth=target.auth,
        parameters={"path.AccountSid": target.account_sid},
    )
    return schema


def basic_authorization(key: str, token: str) -> str:
    """The HTTP Basic Authorization header value for KEY:TOKEN."""
    return "Basic " + base64.b64encode(f"{key}:{token}".encode()).decode("ascii")


def api_operations(schema: Any) -> Iterator[Any]:
    """The schemathesis APIOperations of a loaded schema."""
    for result in schema.get_all_operations():
        yield result.ok()


def operation_labels() -> list[str]:
    """`METHOD /path` of every operation of openapi.yaml, in document order."""
    return [operation.label for operation in load_contract().operations]


def prepare_case(case: Any, target: Target) -> None:
    """Point a generated case at `target`: its account SID and, unless broken credentials are
    what the case tests, its credentials. schemathesis re-checks afterwards whether a negative
    case is still invalid."""
    case.path_parameters = {**(case.path_parameters or {}), "AccountSid": target.account_sid}
    schemathesis_ext.guard_case(case, target.recipients)
    meta = case.meta
    header_info = meta.components.get(ParameterLocation.HEADER) if meta else None
    if not (header_info is not None and header_info.mode.is_negative):
        headers = dict(case.headers or {})
        headers.pop("Authorization", None)
        if target.auth:
            headers["Authorization"] = basic_authorization(*target.auth)
        case.headers = headers


def fuzz_settings(examples: int) -> hypothesis.settings:
    """hypothesis' settings of a fuzz pass: `examples` cases, derandomized, no database (a
    run is repeatable and leaves nothing in the working folder), no health checks."""
    return hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


def fuzz_checks() -> list[Any]:
    """The schemathesis check functions the fuzz pass runs (theirs and the semantic ones)."""
    return [CHECKS.get_one(name) for name in FUZZ_CHECKS]


def _failures(error: BaseException) -> list[BaseException]:
    return list(error.exceptions) if isinstance(error, BaseExceptionGroup) else [error]


def _case_test(
    target: Target,
    result: FuzzResult,
    budget: Budget,
    http: requests.Session,
    checks: list[Any],
    timeout: float,
    coverage: Coverage | None = None,
) -> Callable[[Any], None]:
    """The hypothesis test body for one operation: call, validate, keep distinct failures."""
    seen: set[tuple[str, str]] = set()

    def test(case: Any) -> None:
        budget.take()
        result.cases += 1
        prepare_case(case, target)
        response = case.call(base_url=target.base, session=http, timeout=timeout)
        try:
            case.validate_response(response, checks=checks)
        except (AssertionError, BaseExceptionGroup) as error:
            _cover(coverage, response, failed=True)
            for failure in _failures(error):
                check = str(getattr(failure, "title", type(failure).__name__))
                key = (check, str(failure).splitlines()[0][:200] if str(failure) else "")
                if key in seen:
                    continue
                seen.add(key)
                result.failures.append(
                    FuzzFailure(
                        result.operation,
                        check,
                        scrub(str(failure), target.secrets)[:2000],
                        scrub(case.as_curl_command(), target.secrets),
                    )
                )
        else:
            _cover(coverage, response, failed=False)

    return test


def _cover(coverage: Coverage | None, response: requests.Response, *, failed: bool) -> None:
    """Count what one fuzz case exercised (failed: schemathesis' checks found something)."""
    if coverage is None:
        return
    request = response.request
    method, url = str(request.method), str(request.url)
    body = request.body if isinstance(request.body, bytes | str) else None
    report = validate_exchange(
        method,
        url,
        request.headers,
        body,
        response.status_code,
        response.headers,
        response.content,
    )
    coverage.add_exchange(
        report,
        method,
        url,
        response.status_code,
        body,
        response.headers,
        response.content,
        failed=failed or bool(report),
    )


def _its_own(label: str) -> Callable[[Any], bool]:
    """Keep the generated cases whose URL is this operation's. The XML details path with an
    SmsSid ending in `.json` is the JSON details request (`/SMS/Messages/common.json`): it is
    that operation's request, not a malformed one of this. Without the filter the verdict
    depended on which strings hypothesis drew, and it draws constants from whatever modules
    are loaded (a test run's collection changed it)."""

    def own(case: Any) -> bool:
        found = load_contract().find_operation(case.method, case.formatted_path)
        return found is None or found[0].label == label

    return own


def fuzz(
    target: Target,
    *,
    examples: int = 20,
    budget: Budget | None = None,
    seed: int = 0,
    timeout: float = 30.0,
    operation: str | tuple[str, ...] | None = None,
    modes: tuple[str, ...] = ("positive", "negative"),
    coverage: Coverage | None = None,
    on_result: Callable[[FuzzResult], None] | None = None,
) -> list[FuzzResult]:
    """Fuzz the operations of the contract (or the one labelled `operation`) against `target`.

    One result per operation and generation mode. Deterministic for a given `seed`; stops
    sending once the run's `budget` is used up (each case is one request of it).
    """
    wanted = (operation,) if isinstance(operation, str) else tuple(operation or ())
    schema = load_schema(target)
    checks = fuzz_checks()
    budget = budget or Budget()
    results: list[FuzzResult] = []
    settings = fuzz_settings(examples)
    with requests.Session() as http:
        for api_operation in api_operations(schema):
            if operation is not None and api_operation.label not in wanted:
                continue
            for mode in (GenerationMode(m) for m in modes):
                result = FuzzResult(api_operation.label, str(mode))
                started = time.perf_counter()
                test = _case_test(target, result, budget, http, checks, timeout, coverage)
                strategy = api_operation.as_strategy(generation_mode=mode)
                given = hypothesis.given(case=strategy.filter(_its_own(api_operation.label)))
                try:
                    with without_local_constants():
                        hypothesis.seed(seed)(settings(given(test)))()
                except BudgetExhausted as exc:
                    if not result.cases:
                        result.reason = str(exc)
                except hypothesis.errors.Unsatisfiable:
                    pass
                result.seconds = time.perf_counter() - started
                results.append(result)
                if on_result:
                    on_result(result)
    return results


STATEFUL = "stateful: send, static and dynamic bulk -> details (OpenAPI links)"


def _ledger_findings(ledger: Ledger, response: Any) -> list[str]:
    """What the run's ledger finds on one step: Sids reused, details that disagree with what
    was accepted, a Status going backwards, SmsUnits."""
    request = response.request
    method, url = str(request.method), str(request.url)
    path = url.split("?", 1)[0]
    is_json = path.endswith(".json")
    try:
        data = response.json() if is_json else None
    except ValueError:
        return []
    if data is None:
        return []
    operation = f"{method} {path}"
    if method == "POST" and response.status_code in (200, 207):
        body = request.body if isinstance(request.body, bytes | str) else b""
        try:
            form = decode_form(body)
        except FormError:
            return []
        return [str(v) for v in ledger.sent(operation, form, data, is_json)]
    if method == "GET" and response.status_code == 200 and "/Messages/" in path:
        sid = path.rsplit("/", 1)[-1].removesuffix(".json")
        return [str(v) for v in ledger.details(operation, sid, data, is_json)]
    return []


def fuzz_stateful(
    target: Target,
    *,
    steps: int = 20,
    budget: Budget | None = None,
    seed: int = 0,
    timeout: float = 30.0,
    coverage: Coverage | None = None,
) -> FuzzResult:
    """schemathesis' stateful phase: sequences that follow openapi.yaml's links from send,
    static bulk and dynamic bulk to details of each answered Sid, every step checked by the
    response checks, the semantic checks and the run's ledger (checks across exchanges)."""
    schema = load_schema(target)
    checks = fuzz_checks()
    spend = budget or Budget()
    result = FuzzResult(STATEFUL, "links")
    ledger = Ledger()
    started = time.perf_counter()
    seen: set[str] = set()
    http = requests.Session()

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Any) -> None:
            spend.take()
            result.cases += 1
            prepare_case(case, target)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"session": http, "timeout": timeout, "base_url": target.base}

        def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
            messages: list[tuple[str, str]] = []
            try:
                case.validate_response(response, checks=checks)
            except (AssertionError, BaseExceptionGroup) as error:
                for failure in _failures(error):
                    title = str(getattr(failure, "title", type(failure).__name__))
                    messages.append((title, str(failure)))
            messages += [("ledger", text) for text in _ledger_findings(ledger, response)]
            _cover(coverage, response, failed=bool(messages))
            for check, text in messages:
                key = f"{check}: {text.splitlines()[0][:200] if text else ''}"
                if key in seen:
                    continue
                seen.add(key)
                result.failures.append(
                    FuzzFailure(
                        STATEFUL,
                        check,
                        scrub(text, target.secrets)[:2000],
                        scrub(case.as_curl_command(), target.secrets),
                    )
                )

    settings = hypothesis.settings(
        max_examples=max(1, steps // 4),
        stateful_step_count=4,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    try:
        with without_local_constants():
            hypothesis.seed(seed)(lambda: run_state_machine_as_test(Workflow, settings=settings))()
    except BudgetExhausted as exc:
        if not result.cases:
            result.reason = str(exc)
    finally:
        http.close()
    result.seconds = time.perf_counter() - started
    return result

"""Contract coverage: which documented behaviours a run, a cassette folder or the proxy proved.

The items are read from the contract, never typed here: every operation of openapi.yaml (its
format is part of its path, `.json` or not), every documented HTTP status of each operation,
every row of the HTTP error registry, every Status and DetailedStatusCode of the reference
catalogue, every callback type of each provider, and the optional parameters of each request
form. A runner feeds the model what the checks library returned for each exchange
(`validate_exchange`, `validate_response`, `validate_callback`: the `Report` carries what the
check read), so every runner fills it the same way. An item counts the exchanges that
exercised it and how many of those failed a check.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from sms_contract.contract import mobizon_spec as mobizon
from sms_contract.contract.forms import FormError, decode_form
from sms_contract.contract.registry import HttpError, Registries, load_registries
from sms_contract.contract.resources import mobizon_openapi_path
from sms_contract.contract.schemastore import resolve, schema_uri
from sms_contract.contract.spec import Contract, Operation, load_contract
from sms_contract.contract.violations import Report

# the groups, in the order a report shows them; `--require-coverage` names them
OPERATIONS = "operations"
HTTP_STATUSES = "http-statuses"
ERROR_ROWS = "error-rows"
STATUSES = "statuses"
DETAILED_STATUS_CODES = "detailed-status-codes"
CALLBACK_TYPES = "callback-types"
PARAMETERS = "parameters"
RESULT_CODES = "result-codes"
GROUPS = (
    OPERATIONS,
    HTTP_STATUSES,
    ERROR_ROWS,
    RESULT_CODES,
    STATUSES,
    DETAILED_STATUS_CODES,
    CALLBACK_TYPES,
    PARAMETERS,
)
# what API traffic (check, fuzz, validate, the proxy) can exercise, and what callbacks can
API_GROUPS = (
    OPERATIONS,
    HTTP_STATUSES,
    ERROR_ROWS,
    RESULT_CODES,
    STATUSES,
    DETAILED_STATUS_CODES,
    PARAMETERS,
)
CALLBACK_GROUPS = (CALLBACK_TYPES, STATUSES, DETAILED_STATUS_CODES)
GROUP_TITLES = {
    OPERATIONS: "Operations (each format)",
    HTTP_STATUSES: "Documented HTTP statuses of each operation",
    ERROR_ROWS: "HTTP error rows",
    RESULT_CODES: "Mobizon result codes",
    STATUSES: "SMS Status values",
    DETAILED_STATUS_CODES: "DetailedStatusCodes",
    CALLBACK_TYPES: "Callback types of each provider",
    PARAMETERS: "Optional request parameters",
}
# the callback kinds `validate_callback` names for Exotel (its two webhooks)
EXOTEL_CALLBACKS = {"exotel": "StatusCallback", "exotel-click": "click-tracking callback"}


# what a Coverage saw: (exchanges, {(group, key): (exercised, failed)})
Counts = tuple[int, dict[tuple[str, str], tuple[int, int]]]


@dataclass
class Item:
    """One documented behaviour and what the run saw of it."""

    group: str
    key: str
    label: str
    # whose behaviour it is: exotel, mobizon, bandwidth or hubbucs
    provider: str = ""
    exercised: int = 0
    failed: int = 0

    @property
    def state(self) -> str:
        """never seen, failed or seen."""
        if not self.exercised:
            return "never seen"
        return "failed" if self.failed else "seen"

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "key": self.key,
            "label": self.label,
            "provider": self.provider,
            "exercised": self.exercised,
            "failed": self.failed,
            "state": self.state,
        }


def _optional_parameters(schema: Any) -> list[str]:
    """The optional fields of a request form schema; those of an array's items as
    `Messages[].From` (dynamic bulk)."""
    schema = resolve(schema)
    if not isinstance(schema, dict):
        return []
    required = set(schema.get("required", ()))
    out: list[str] = []
    for name, sub in schema.get("properties", {}).items():
        if name not in required:
            out.append(name)
        sub = resolve(sub)
        if isinstance(sub, dict) and sub.get("type") == "array":
            items = resolve(sub.get("items"))
            if isinstance(items, dict) and "properties" in items:
                out.extend(f"{name}[].{inner}" for inner in _optional_parameters(items))
    return out


def _form_request(operation: Operation) -> str:
    """The request a form-taking operation and its other format share (`.json` dropped)."""
    return f"{operation.method} {operation.path.removesuffix('.json')}"


Row = tuple[str, str, str, str]


@functools.cache
def contract_items() -> tuple[Row, ...]:
    """(group, key, label, provider) of every documented behaviour, read from the contract."""
    contract = load_contract()
    return (
        *_operation_rows(contract),
        *_code_rows(contract.registries),
        *_callback_rows(contract.registries),
        *_parameter_rows(contract),
    )


def _operation_rows(contract: Contract) -> list[Row]:
    """Each operation, and each HTTP status documented for it."""
    rows: list[Row] = [(OPERATIONS, op.label, op.label, "exotel") for op in contract.operations]
    rows += _mobizon_operations()
    for op in contract.operations:
        for http in sorted(s for s in op.responses if s.isdigit()):
            rows.append((HTTP_STATUSES, f"{op.label} {http}", f"{op.label} -> {http}", "exotel"))
    rows += _mobizon_statuses()
    return rows


def _code_rows(registries: Registries) -> list[Row]:
    """Each error row, result code, Status and DetailedStatusCode of the registries."""
    rows: list[Row] = []
    for error in registries.http_errors:
        code = "" if error.code is None else f" {error.code}"
        rows.append((ERROR_ROWS, error.id, f"HTTP {error.status}{code} {error.id}", "exotel"))
    for result in registries.mobizon_result_codes:
        key = f"mobizon {result['code']}"
        rows.append((RESULT_CODES, key, f"{key} {result['outcome']}", "mobizon"))
    for status in registries.statuses():
        rows.append((STATUSES, status.status, status.status, "exotel"))
    for row in registries.mobizon_statuses:
        key = f"mobizon {row['status']}"
        rows.append((STATUSES, key, key, "mobizon"))
    for dsc in registries.dscs():
        rows.append((DETAILED_STATUS_CODES, str(dsc.code), f"{dsc.code} {dsc.name}", "exotel"))
    return rows


def _callback_rows(registries: Registries) -> list[Row]:
    """Each callback type of each provider."""
    rows: list[Row] = [
        (CALLBACK_TYPES, f"{kind} callback", f"exotel {name}", "exotel")
        for kind, name in EXOTEL_CALLBACKS.items()
    ]
    for provider, types in (
        ("bandwidth", registries.bandwidth["types"]),
        ("hubbucs", registries.hubbucs["types"]),
        ("mobizon", registries.mobizon_webhooks["event_types"]),
    ):
        for row in types:
            key = f"{provider} {row['type']}"
            rows.append((CALLBACK_TYPES, key, key, provider))
    return rows


def _parameter_rows(contract: Contract) -> list[Row]:
    """Each optional request parameter (once for an operation's two formats)."""
    rows: list[Row] = []
    seen_requests: set[str] = set()
    for op in contract.operations:
        request = _form_request(op)
        if op.request_schema is None or request in seen_requests:
            continue
        seen_requests.add(request)
        for name in _optional_parameters(op.request_schema):
            rows.append((PARAMETERS, f"{request} {name}", f"{request}: {name}", "exotel"))
    for mop in mobizon.operations():
        if mop.request_schema is not None:
            for name in _optional_parameters({"$ref": schema_uri(mop.request_schema)}):
                key = f"{mop.label} {name}"
                rows.append((PARAMETERS, key, f"{mop.label}: {name}", "mobizon"))
    return rows


def _mobizon_operations() -> list[tuple[str, str, str, str]]:
    """Each operation of openapi-mobizon.yaml in each form `output` asks for."""
    return [
        (OPERATIONS, f"{op.label}?output={fmt}", f"{op.label}?output={fmt}", "mobizon")
        for op in mobizon.operations()
        for fmt in mobizon.FORMATS
    ]


def _mobizon_statuses() -> list[tuple[str, str, str, str]]:
    """The HTTP statuses openapi-mobizon.yaml documents for each operation."""
    spec = yaml.safe_load(mobizon_openapi_path().read_text(encoding="utf-8"))
    rows = []
    for op in mobizon.operations():
        responses = spec["paths"][op.path]["post"]["responses"]
        for http in sorted(str(s) for s in responses if str(s).isdigit()):
            rows.append((HTTP_STATUSES, f"{op.label} {http}", f"{op.label} -> {http}", "mobizon"))
    return rows


def _messages(data: Any) -> Iterator[Mapping[str, Any]]:
    """Every SMSMessage-like object in a response or callback body (single, bulk, nested)."""
    if isinstance(data, Mapping):
        if "DetailedStatusCode" in data or ("Status" in data and "Sid" in data):
            yield data
        for value in data.values():
            # a scalar first, cheaply: the Mapping check is an ABC's (measured: a fifth of
            # validate's time went to this walk)
            if not isinstance(value, str | int | float | None) and isinstance(
                value, Mapping | list
            ):
                yield from _messages(value)
    elif isinstance(data, list):
        for value in data:
            if not isinstance(value, str | int | float | None):
                yield from _messages(value)


def _present(form: Mapping[str, Any], name: str) -> bool:
    if "[]." in name:
        outer, inner = name.split("[].", 1)
        items = form.get(outer)
        return isinstance(items, list) and any(
            isinstance(item, Mapping) and _present(item, inner) for item in items
        )
    value = form.get(name)
    return value is not None and value != "" and value != {}


def _form(body: bytes | str | Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """A request form as decoded, or None when there is none or it does not decode."""
    if isinstance(body, Mapping):
        return body
    if isinstance(body, bytes | str) and body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        try:
            return decode_form(text)
        except FormError:
            return None
    return None


def _mobizon_items(data: Any) -> Iterator[Mapping[str, Any]]:
    """The status items of a Mobizon answer's data (getSMSStatus: a list of {id, status})."""
    if isinstance(data, Mapping):
        if isinstance(data.get("status"), str):
            yield data
        for value in data.values():
            if isinstance(value, Mapping | list):
                yield from _mobizon_items(value)
    elif isinstance(data, list):
        for value in data:
            yield from _mobizon_items(value)


def error_rows_for(
    status: int, error: Mapping[str, Any], operation: str | None
) -> tuple[HttpError, ...]:
    """The error rows a RestException answers: its HTTP status and Code pick the rows, its
    Message (then the operation's scope) tells apart rows that share both."""
    registries = load_registries()
    code = error.get("Code")
    rows = registries.http_error_rows(status, code)
    if len(rows) <= 1:
        return rows
    message = error.get("Message")
    by_message = tuple(r for r in rows if isinstance(message, str) and r.matches(message))
    rows = by_message or rows
    if len(rows) > 1:
        # the same answer to a path inside and outside the contract (an unknown account, and
        # none at all): whether the path matched an operation says which row it is
        inside = operation is not None
        rows = tuple(r for r in rows if r.outside_contract != inside) or rows
    return rows


class Coverage:
    """The documented behaviours in scope and what the exchanges fed to it exercised."""

    def __init__(
        self,
        groups: Iterable[str] = GROUPS,
        providers: Iterable[str] | None = None,
        *,
        final_states_only: bool = False,
    ) -> None:
        """Cover `groups`; of the items that belong to a provider, only those of `providers`
        (all when None). `final_states_only` leaves out the non-final statuses and
        DetailedStatusCodes, which no callback carries (Exotel's StatusCallback and Mobizon's
        delivery report come with a final state), and the codes only the answer to a request
        carries (23000: no message is ever delivered to end in it)."""
        wanted = set(groups)
        unknown = wanted - set(GROUPS)
        if unknown:
            raise ValueError(f"unknown coverage group {sorted(unknown)[0]!r}")
        allowed = None if providers is None else set(providers)
        registries = load_registries()
        transient = {
            *((STATUSES, s.status) for s in registries.statuses() if not s.final),
            *(
                (DETAILED_STATUS_CODES, str(d.code))
                for d in registries.dscs()
                if not d.final or d.reached != "delivery"
            ),
            *(
                (STATUSES, f"mobizon {s['status']}")
                for s in registries.mobizon_statuses
                if not s["final"]
            ),
        }
        self.items: dict[tuple[str, str], Item] = {}
        for group, key, label, provider in contract_items():
            if group not in wanted or (final_states_only and (group, key) in transient):
                continue
            if provider and allowed is not None and provider not in allowed:
                continue
            self.items[(group, key)] = Item(group, key, label, provider)
        self.exchanges = 0
        # the parameter items of each operation, found once (every POST asks)
        self._parameters_of: dict[str, list[tuple[str, str]]] = {}

    # -- feeding ---------------------------------------------------------------------------

    def _hit(self, group: str, key: str, failed: bool) -> bool:
        item = self.items.get((group, key))
        if item is None:
            return False
        item.exercised += 1
        item.failed += failed
        return True

    def _codes(self, data: Any, failed: bool) -> None:
        for message in _messages(data):
            status = message.get("Status")
            if isinstance(status, str):
                self._hit(STATUSES, status, failed)
            code = message.get("DetailedStatusCode")
            if isinstance(code, int) and not isinstance(code, bool):
                self._hit(DETAILED_STATUS_CODES, str(code), failed)

    def add_exchange(
        self,
        report: Report,
        method: str,
        url: str,
        status: int,
        request_body: bytes | str | Mapping[str, Any] | None = None,
        response_headers: Mapping[str, Any] | None = None,
        response_body: bytes | str | None = None,
        *,
        failed: bool | None = None,
    ) -> None:
        """Count one API exchange, with the report the checks library returned for it.

        `failed` defaults to whether the report holds a violation; a runner whose own checks
        (a scenario's expectations) found something passes True. The response body is read
        again only for a path outside the contract, whose error row the report cannot name.
        """
        self.exchanges += 1
        bad = bool(report) if failed is None else failed
        operation = report.operation
        data = report.data
        request = mobizon.match(url)
        if request is not None:
            self._mobizon(request, report, status, request_body, bad)
            return
        if operation is not None:
            self._hit(OPERATIONS, operation, bad)
            self._hit(HTTP_STATUSES, f"{operation} {status}", bad)
        elif response_body is not None:
            from sms_contract.checks.validate import response_data

            data = response_data(method, url, status, response_headers, response_body)
        error = data.get("RestException") if isinstance(data, Mapping) else None
        if isinstance(error, Mapping):
            for row in error_rows_for(status, error, operation):
                self._hit(ERROR_ROWS, row.id, bad)
        else:
            self._codes(data, bad)
        if operation is not None and method.upper() == "POST":
            self._parameters(operation, report.request, request_body, bad)

    def _mobizon(
        self,
        request: mobizon.Request,
        report: Report,
        status: int,
        body: bytes | str | Mapping[str, Any] | None,
        failed: bool,
    ) -> None:
        label = request.operation.label
        self._hit(OPERATIONS, f"{label}?output={request.output}", failed)
        self._hit(HTTP_STATUSES, f"{label} {status}", failed)
        envelope = report.data
        if isinstance(envelope, Mapping):
            code = envelope.get("code")
            if isinstance(code, int) and not isinstance(code, bool):
                self._hit(RESULT_CODES, f"mobizon {code}", failed)
            for item in _mobizon_items(envelope.get("data")):
                self._hit(STATUSES, f"mobizon {item['status']}", failed)
        form = report.request if report.request is not None else _form(body)
        if form is not None:
            self._hit_parameters(label, form, failed)

    def _parameters(
        self,
        operation: str,
        form: Mapping[str, Any] | None,
        body: bytes | str | Mapping[str, Any] | None,
        failed: bool,
    ) -> None:
        if form is None:
            form = _form(body)
            if form is None:
                return
        method, _, path = operation.partition(" ")
        self._hit_parameters(f"{method} {path.removesuffix('.json')}", form, failed)

    def _hit_parameters(self, request: str, form: Mapping[str, Any], failed: bool) -> None:
        """Count each parameter item of `request` (`POST /Sms/send`) present in `form`."""
        found = self._parameters_of.get(request)
        if found is None:
            prefix = request + " "
            found = [
                (key, key[len(prefix) :])
                for group, key in self.items
                if group == PARAMETERS and key.startswith(prefix)
            ]
            self._parameters_of[request] = found
        for key, name in found:
            if _present(form, name):
                self._hit(PARAMETERS, key, failed)

    def add_callback(self, report: Report, *, failed: bool | None = None) -> None:
        """Count one callback delivery, with what `validate_callback` returned for it."""
        self.exchanges += 1
        bad = bool(report) if failed is None else failed
        kind = (report.operation or "").removesuffix(" callback")
        data = report.data
        if kind in EXOTEL_CALLBACKS:
            self._hit(CALLBACK_TYPES, f"{kind} callback", bad)
            if kind == "exotel":
                self._codes({"SMSMessage": data}, bad)
            return
        events = data if isinstance(data, list) else [data]
        for event in events:
            if not isinstance(event, Mapping):
                continue
            name = event.get("type", event.get("eventType"))
            if isinstance(name, str):
                self._hit(CALLBACK_TYPES, f"{kind} {name}", bad)
            inner = event.get("data")
            if kind == "mobizon" and isinstance(inner, Mapping):
                status = inner.get("status")
                if isinstance(status, str):
                    self._hit(STATUSES, f"mobizon {status}", bad)

    def merge(self, other: Coverage | Counts) -> None:
        """Add what `other` saw, a Coverage or its `counts()` (items outside this one's scope
        are left out)."""
        counts = other.counts() if isinstance(other, Coverage) else other
        exchanges, seen = counts
        self.exchanges += exchanges
        for key, (exercised, failed) in seen.items():
            mine = self.items.get(key)
            if mine is not None:
                mine.exercised += exercised
                mine.failed += failed

    def counts(self) -> Counts:
        """The exchanges and what each exercised item saw: a few hundred bytes to send from
        a worker process, where the whole Coverage is tens of kilobytes."""
        return self.exchanges, {
            key: (item.exercised, item.failed)
            for key, item in self.items.items()
            if item.exercised or item.failed
        }

    def narrow_to_seen_providers(self) -> None:
        """Keep the items of the providers the exchanges talked to (all when none was): a
        folder of Exotel recordings is not short of Mobizon behaviours."""
        seen = {item.provider for item in self.items.values() if item.exercised}
        if seen:
            self.items = {k: i for k, i in self.items.items() if i.provider in seen}

    # -- reading ---------------------------------------------------------------------------

    def groups(self) -> list[str]:
        present = {group for group, _ in self.items}
        return [g for g in GROUPS if g in present]

    def in_group(self, group: str) -> list[Item]:
        return [item for (g, _), item in self.items.items() if g == group]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def exercised(self) -> int:
        return sum(1 for item in self.items.values() if item.exercised)

    @property
    def percent(self) -> float:
        return 100.0 * self.exercised / self.total if self.total else 100.0

    def missing(self, groups: Iterable[str] | None = None) -> list[Item]:
        """The items never exercised (of `groups`, or all), in report order."""
        wanted = set(self.groups() if groups is None else groups)
        return [i for i in self.items.values() if i.group in wanted and not i.exercised]

    def failing(self) -> list[Item]:
        return [item for item in self.items.values() if item.failed]

    def summary(self) -> str:
        """`exercised 41 of 78 documented behaviours (52.6 %), 2 failed a check`."""
        failing = len(self.failing())
        failed = f", {failing} failed a check" if failing else ""
        return (
            f"exercised {self.exercised} of {self.total} documented behaviours "
            f"({self.percent:.1f} %){failed}"
        )

    def by_group(self) -> dict[str, tuple[int, int]]:
        """group -> (exercised, total)."""
        return {
            group: (sum(1 for i in items if i.exercised), len(items))
            for group in self.groups()
            for items in [self.in_group(group)]
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "exercised": self.exercised,
            "total": self.total,
            "percent": round(self.percent, 1),
            "exchanges": self.exchanges,
            "groups": {
                group: {"exercised": seen, "total": total}
                for group, (seen, total) in self.by_group().items()
            },
            "items": [item.to_dict() for item in self.items.values()],
        }


@dataclass(frozen=True)
class Gate:
    """Missing coverage as a verdict: at least `min_percent` of the items in scope exercised,
    and every item of each group in `groups`. Empty, it only reports."""

    min_percent: float | None = None
    groups: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.min_percent is not None or bool(self.groups)

    def shortfalls(self, coverage: Coverage) -> list[str]:
        """Why the gate fails (empty: it passes)."""
        out = []
        if self.min_percent is not None and coverage.percent < self.min_percent:
            out.append(
                f"{coverage.percent:.1f} % of documented behaviours exercised, "
                f"--min-coverage {self.min_percent:g} % required"
            )
        for group in self.groups:
            if group not in coverage.groups():
                out.append(f"{group}: no provider the run talked to documents any")
                continue
            seen, total = coverage.by_group()[group]
            if seen < total:
                out.append(f"{group}: {seen} of {total} exercised, all required")
        return out

    def missing(self, coverage: Coverage) -> list[Item]:
        """What was never exercised, of the groups the gate failed on (all for a percentage)."""
        if self.min_percent is not None and coverage.percent < self.min_percent:
            return coverage.missing()
        return coverage.missing([g for g in self.groups if g in coverage.groups()])

    def explain(self, coverage: Coverage) -> list[str]:
        """The lines a failed gate prints: the shortfalls, then each item never exercised."""
        shortfalls = self.shortfalls(coverage)
        if not shortfalls:
            return []
        lines = [f"coverage gate failed: {reason}" for reason in shortfalls]
        lines.append("never exercised:")
        lines += [f"  {item.group}: {item.label}" for item in self.missing(coverage)]
        return lines

"""The code registries in `schemas/registries/`: typed, loaded once, the only source of codes.

Every status, DetailedStatusCode, HTTP error and callback type is a row in a YAML file there.
The schema enums (`schemas/<provider>/codes*.json`) are generated from these rows by
`python scripts/registry_codes.py --write` (a developer tool; `--check` fails when they are
out of date).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from sms_contract.contract.resources import registries_dir

REFERENCE = "reference"
VARIANT = "variant"


@dataclass(frozen=True)
class ExotelStatus:
    status: str
    final: bool
    success: bool | None
    catalogue: str
    line: int | None
    description: str


@dataclass(frozen=True)
class DetailedStatusCode:
    code: int
    status: str | None
    name: str | None
    final: bool
    catalogue: str
    line: int | None
    description: str
    situation: str | None = None
    # "request": only the answer to a request carries it; "delivery": a message can end in it
    reached: str = "delivery"


@dataclass(frozen=True)
class ReservedRange:
    """DetailedStatusCodes the document reserves for future use (accepted with their Status)."""

    start: int
    end: int
    status: str
    line: int

    def __contains__(self, code: object) -> bool:
        return isinstance(code, int) and self.start <= code <= self.end


@dataclass(frozen=True)
class HttpError:
    id: str
    scope: str
    status: int
    code: int | None
    message: str
    trigger: str
    line: int
    when: str
    previous_code: int | None = None
    # requests a minute before this rate-limit error is answered
    limit_per_minute: int | None = None
    # answered to a path that is no operation of openapi.yaml
    outside_contract: bool = False
    # the limit is the provider's published one (checked exactly), not the simulator's guess
    limit_published: bool = False

    def render_message(self, **values: object) -> str:
        """The documented message with its `$name` placeholders filled in."""
        text = self.message
        for key, value in values.items():
            text = text.replace(f"${key}", str(value))
        return text

    def matches(self, text: str) -> bool:
        """True when `text` is the documented message, any `$name` placeholder filled in."""
        return _message_pattern(self.message).fullmatch(text.strip()) is not None


@functools.lru_cache(maxsize=256)
def _message_pattern(message: str) -> re.Pattern[str]:
    # whitespace is compared loosely: XML parsers strip it around an empty placeholder
    parts = re.split(r"\$[a-z]+", " ".join(message.split()))
    literal = [r"\s*".join(re.escape(word) for word in part.split(" ")) for part in parts]
    return re.compile(".*".join(literal), re.DOTALL)


@dataclass(frozen=True)
class Variant:
    id: str
    provider: str
    kind: str
    strict: str
    source: str
    fields: tuple[str, ...] = ()
    rename: dict[str, str] = field(default_factory=dict)
    media_types: dict[str, list[str]] = field(default_factory=dict)
    situation: str | None = None
    statuses: tuple[int, ...] = ()
    # the reference document itself prints this variant: both modes accept it
    documented: bool = False


@dataclass(frozen=True)
class Registries:
    """All registries of all providers."""

    exotel_statuses: tuple[ExotelStatus, ...]
    exotel_directions: tuple[str, ...]
    detailed_status_codes: tuple[DetailedStatusCode, ...]
    http_errors: tuple[HttpError, ...]
    mobizon_result_codes: tuple[dict[str, Any], ...]
    mobizon_statuses: tuple[dict[str, Any], ...]
    bandwidth: dict[str, Any]
    hubbucs: dict[str, Any]
    exotel_callbacks: dict[str, Any]
    mobizon_webhooks: dict[str, Any]
    variants: tuple[Variant, ...]
    reserved: tuple[ReservedRange, ...] = ()

    # -- Exotel lookups -------------------------------------------------------------------
    def statuses(self, *, tolerant: bool = False) -> list[ExotelStatus]:
        return [s for s in self.exotel_statuses if tolerant or s.catalogue == REFERENCE]

    def dscs(self, *, tolerant: bool = False) -> list[DetailedStatusCode]:
        return [d for d in self.detailed_status_codes if tolerant or d.catalogue == REFERENCE]

    def dsc(self, code: int) -> DetailedStatusCode | None:
        return self._dsc_by_code.get(code)

    def reserved_range(self, code: object) -> ReservedRange | None:
        """The reserved range `code` falls in when no row names it (None otherwise)."""
        if not isinstance(code, int) or code in self._dsc_by_code:
            return None
        return next((r for r in self.reserved if code in r), None)

    @functools.cached_property
    def _dsc_by_code(self) -> dict[int, DetailedStatusCode]:
        by_code: dict[int, DetailedStatusCode] = {}
        for row in self.detailed_status_codes:
            by_code.setdefault(row.code, row)  # the first row wins, as a scan would
        return by_code

    @functools.cached_property
    def failed_statuses(self) -> frozenset[str]:
        """Statuses, of any catalogue, that mean the message was not (and will not be) sent."""
        return frozenset(s.status for s in self.statuses(tolerant=True) if s.success is False)

    def dsc_for_status(self, status: str) -> list[DetailedStatusCode]:
        """Reference DetailedStatusCodes that belong to `status`, in registry order."""
        return [d for d in self.dscs() if d.status == status]

    def failure_dscs(self) -> list[DetailedStatusCode]:
        """Reference DetailedStatusCodes of a final state that is not a success."""
        failed = {s.status for s in self.statuses() if s.final and s.success is False}
        return [d for d in self.dscs() if d.status in failed and d.reached == "delivery"]

    def delivery(self, provider: str) -> dict[str, Any]:
        """How `provider` delivers callbacks: content_type, deadline_seconds, ..."""
        source = {
            "exotel": self.exotel_callbacks,
            "bandwidth": self.bandwidth,
            "hubbucs": self.hubbucs,
            "mobizon": self.mobizon_webhooks,
        }[provider]
        delivery: dict[str, Any] = source["delivery"]
        return delivery

    def dsc_for_situation(self, situation: str) -> DetailedStatusCode:
        """The DetailedStatusCode the registry names for a situation (e.g. invalid-destination)."""
        for row in self.detailed_status_codes:
            if row.situation == situation:
                return row
        raise KeyError(f"no DetailedStatusCode row with situation {situation!r}")

    def http_error_rows(self, status: int, code: object) -> tuple[HttpError, ...]:
        """The rows documenting error `code` for HTTP `status` (none for an undocumented pair)."""
        return self._errors_by_status_code.get((status, code), ())

    @functools.cached_property
    def _errors_by_status_code(self) -> dict[tuple[int, object], tuple[HttpError, ...]]:
        rows: dict[tuple[int, object], tuple[HttpError, ...]] = {}
        for row in self.http_errors:
            rows[(row.status, row.code)] = (*rows.get((row.status, row.code), ()), row)
        return rows

    def http_error(self, error_id: str) -> HttpError:
        for row in self.http_errors:
            if row.id == error_id:
                return row
        raise KeyError(f"no HTTP error row with id {error_id!r}")

    def variant(self, variant_id: str) -> Variant:
        for row in self.variants:
            if row.id == variant_id:
                return row
        raise KeyError(f"no variant with id {variant_id!r}")


# The simulator's test numbers, `+91000<DetailedStatusCode>`: a message to one ends in that
# code. No Indian subscriber number starts with 0, so none of them can reach a person; they are
# still the default recipients for local targets only, and a remote run names its own.
TEST_NUMBER_PREFIX = "+91000"


def number_for(code: int) -> str:
    """The test number whose messages end in DetailedStatusCode `code` on the simulator."""
    return f"{TEST_NUMBER_PREFIX}{code}"


def _load_yaml(name: str) -> Any:
    with (registries_dir() / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@functools.cache
def load_registries() -> Registries:
    """Load every registry file once per process."""
    statuses = _load_yaml("exotel-statuses.yaml")
    dsc_file = _load_yaml("exotel-detailed-status-codes.yaml")
    dscs = dsc_file["codes"]
    errors = _load_yaml("exotel-http-errors.yaml")["errors"]
    variants = []
    for row in _load_yaml("variants.yaml")["variants"]:
        variants.append(
            Variant(
                id=row["id"],
                provider=row["provider"],
                kind=row["kind"],
                strict=row["strict"],
                source=row["source"],
                fields=tuple(row.get("fields", ())),
                rename=dict(row.get("rename", {})),
                media_types=dict(row.get("media_types", {})),
                situation=row.get("situation"),
                statuses=tuple(row.get("statuses", ())),
                documented=bool(row.get("documented", False)),
            )
        )
    return Registries(
        exotel_statuses=tuple(ExotelStatus(**row) for row in statuses["statuses"]),
        exotel_directions=tuple(row["direction"] for row in statuses["directions"]),
        detailed_status_codes=tuple(DetailedStatusCode(**row) for row in dscs),
        http_errors=tuple(HttpError(**row) for row in errors),
        mobizon_result_codes=tuple(_load_yaml("mobizon-result-codes.yaml")["codes"]),
        mobizon_statuses=tuple(_load_yaml("mobizon-sms-statuses.yaml")["statuses"]),
        bandwidth=_load_yaml("bandwidth-callbacks.yaml"),
        hubbucs=_load_yaml("hubbucs-callbacks.yaml"),
        exotel_callbacks=_load_yaml("exotel-callbacks.yaml"),
        mobizon_webhooks=_load_yaml("mobizon-webhooks.yaml"),
        variants=tuple(variants),
        reserved=tuple(
            ReservedRange(row["from"], row["to"], row["status"], row["line"])
            for row in dsc_file.get("reserved", ())
        ),
    )

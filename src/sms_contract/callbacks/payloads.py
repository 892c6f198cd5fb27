"""Every documented callback variant of the four providers, generated from the schemas.

Each variant pins what the registries say (a Status and its DetailedStatusCode, an event type,
an error code) and lets schemathesis generate the rest of the payload from the provider's
JSON Schema, seeded: the same seed gives the same deliveries. The webhook schemas become
operations of a small in-memory OpenAPI document, so generation goes through schemathesis'
public API (`from_dict`, `as_strategy`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed

from sms_contract.contract.registry import Registries, load_registries
from sms_contract.contract.schemastore import bundle
from sms_contract.reproducible import without_local_constants

PROVIDERS = ("exotel", "bandwidth", "hubbucs", "mobizon")
UNICODE_TEXT = "नमस्ते 👋 Grüße — ĀČĒ 你好"
# fields no provider documents yet: receivers must ignore them (providers add fields)
EXTRA_FIELDS = {"x_new_field": UNICODE_TEXT, "x_nested": {"added": True, "items": [1, "two"]}}
# a form has no null: a final message's DateSent is a date
# realistic text: no control characters (those belong to the labelled robustness probes)
_PLAIN = {"type": "string", "pattern": "^[A-Za-z0-9 .,!?'_-]{1,40}$"}
_NUMBER = {"type": "string", "pattern": "^\\+?[0-9]{8,14}$"}
FORM_NARROWING = {"DateSent": {"type": "string"}, "To": _NUMBER, "CustomField": _PLAIN}
SCHEMAS = {
    "exotel": "exotel/status-callback.json",
    "exotel-click": "exotel/click-tracking-callback.json",
    "bandwidth": "bandwidth/callback-event.json",
    "hubbucs": "hubbucs/callback.json",
    "mobizon": "mobizon/webhook-envelope.json",
}


@dataclass(frozen=True)
class Delivery:
    """One POST to a webhook receiver."""

    id: str
    provider: str
    description: str
    content_type: str
    body: bytes
    # a malformed delivery (wrong type, bad JSON, missing field): a receiver should answer 4xx
    valid: bool = True
    # the id of an earlier delivery this one repeats (at-least-once delivery)
    repeats: str | None = None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class _Variant:
    id: str
    provider: str
    description: str
    schema: str
    pins: dict[str, Any] = field(default_factory=dict)
    # further constraints on single fields (beyond the schema, never against it)
    narrow: dict[str, Any] = field(default_factory=dict)
    # fields a realistic delivery carries although the schema does not require them
    carries: tuple[str, ...] = ()


def _closed(schema: Any) -> Any:
    """`schema` with every object that lists properties closed to other ones."""
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    # conditions describe values, they do not build them: closing one would change its meaning
    out = {
        key: value if key in ("if", "then", "else", "not") else _closed(value)
        for key, value in schema.items()
    }
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def _pinned(variant: _Variant) -> Any:
    # realistic payloads carry the documented fields only; unknown ones get their own variant
    schema = _closed(bundle(variant.schema))
    if not (variant.pins or variant.narrow or variant.carries):
        return schema
    pins = {
        "properties": {
            **variant.narrow,
            **{key: {"const": value} for key, value in variant.pins.items()},
        },
        "required": list(dict.fromkeys([*variant.pins, *variant.carries])),
    }
    return {"allOf": [schema, pins]}


# what Bandwidth could send (the schema allows more): E.164 numbers, the direction of the event
# type, RFC 3339 UTC times, text without control characters (those are robustness probes)
_E164 = {"type": "string", "pattern": "^\\+[1-9][0-9]{9,13}$"}
_TIME = {
    "type": "string",
    "pattern": "^20[2-3][0-9]-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3])"
    ":[0-5][0-9]:[0-5][0-9](\\.[0-9]{3})?Z$",
}
_TEXT = _PLAIN
_CLICK_TIME = {
    "type": "string",
    "pattern": "^20[2-3][0-9]-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3])"
    ":[0-5][0-9]:[0-5][0-9](Z|\\+05:30)?$",
}
_MEDIA = "https://example.com/media/1.jpg"
_UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def _bandwidth_realism(direction: str) -> dict[str, Any]:
    return {
        "to": _E164,
        "time": _TIME,
        "description": _TEXT,
        "message": {
            "properties": {
                "id": {"type": "string", "pattern": "^[0-9]{13}[a-z0-9]{16}$"},
                "owner": _E164,
                "from": _E164,
                "to": {"type": "array", "items": _E164, "minItems": 1, "maxItems": 3},
                "time": _TIME,
                "direction": {"const": direction},
                "text": _TEXT,
                "tag": _TEXT,
                "applicationId": {
                    "type": "string",
                    "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                },
                "media": {"type": "array", "items": {"const": _MEDIA}, "maxItems": 1},
                "segmentCount": {"type": "integer", "minimum": 1, "maximum": 10},
            },
        },
    }


def _variants(registries: Registries) -> Iterator[_Variant]:
    for code in registries.dscs():
        if code.final and code.reached == "delivery":
            yield _Variant(
                f"exotel/status-{code.code}",
                "exotel",
                f"StatusCallback {code.status} {code.code} {code.name}",
                SCHEMAS["exotel"],
                {
                    "Status": code.status,
                    "DetailedStatusCode": code.code,
                    "DetailedStatus": code.name,
                },
                narrow=FORM_NARROWING,
            )
    delivered = next(d for d in registries.dscs() if d.final and d.status == "sent")
    yield _Variant(
        "exotel/unicode-custom-field",
        "exotel",
        "StatusCallback whose CustomField is not ASCII",
        SCHEMAS["exotel"],
        {"Status": delivered.status, "DetailedStatusCode": delivered.code,
         "DetailedStatus": delivered.name, "CustomField": UNICODE_TEXT},
        narrow=FORM_NARROWING,
    )  # fmt: skip
    # the document requires no click field; a realistic click carries the ones it lists
    click = bundle(SCHEMAS["exotel-click"])["properties"]
    yield _Variant(
        "exotel/click-tracking",
        "exotel",
        "click-tracking callback",
        SCHEMAS["exotel-click"],
        narrow={
            **{
                name: _PLAIN
                for name, prop in click.items()
                if prop.get("type") == "string" and not ({"format", "pattern"} & prop.keys())
            },
            **{
                name: _CLICK_TIME
                for name in ("Expires_at", "Created_time", "Last_viewed", "Date_created")
            },
            "short_url": {"type": "string", "pattern": "^https://exo\\.tl/[A-Za-z0-9]{6}$"},
            "long_url": {"type": "string", "pattern": "^https://example\\.com/[a-z]{1,12}$"},
            "To": _NUMBER,
        },
        carries=tuple(click),
    )
    bandwidth = registries.bandwidth
    for event in bandwidth["types"]:
        realistic = _bandwidth_realism(event["direction"])
        if event["has_error_code"]:
            for error in bandwidth["error_codes"]:
                yield _Variant(
                    f"bandwidth/{event['type']}-{error['code']}",
                    "bandwidth",
                    f"{event['type']} with errorCode {error['code']} ({error['description']})",
                    SCHEMAS["bandwidth"],
                    {"type": event["type"], "errorCode": error["code"]},
                    narrow=realistic,
                    carries=("to",),
                )
        else:
            yield _Variant(
                f"bandwidth/{event['type']}",
                "bandwidth",
                f"{event['type']} event",
                SCHEMAS["bandwidth"],
                {"type": event["type"]},
                narrow=realistic,
                carries=("to",),
            )
    for event in registries.hubbucs["types"]:
        pins: dict[str, Any] = {"type": event["type"]}
        codes = registries.hubbucs["error_codes"] if event["has_error_code"] else [None]
        for error in codes:
            if error:
                pins = {**pins, "errorCode": error["code"]}
            yield _Variant(
                f"hubbucs/{event['type']}",
                "hubbucs",
                f"{event['type']} callback",
                SCHEMAS["hubbucs"],
                pins,
                narrow={"message_id": {"type": "string", "pattern": "^[A-Za-z0-9]{8,16}$"},
                        "from": _NUMBER, "to": _NUMBER, "description": _PLAIN},
            )  # fmt: skip
    webhook = registries.mobizon_webhooks["event_types"][0]
    # an sms-delivery-report carries the final delivery status (Mobizon's webhook docs)
    for status in (s for s in registries.mobizon_statuses if s["final"]):
        yield _Variant(
            f"mobizon/{webhook['type']}-{status['status']}",
            "mobizon",
            f"{webhook['type']} with SMS status {status['status']}",
            webhook["data"],
            {"status": status["status"]},
        )


def _generate(variants: list[_Variant], seed: int) -> dict[str, Any]:
    """One schema-valid instance per variant, drawn by schemathesis with a fixed seed."""
    paths = {
        f"/{index}": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _pinned(variant)}},
                },
                "responses": {"200": {"description": "accepted"}},
            }
        }
        for index, variant in enumerate(variants)
    }
    spec = {"openapi": "3.1.0", "info": {"title": "callbacks", "version": "1"}, "paths": paths}
    schema = schemathesis.openapi.from_dict(spec)
    out: dict[str, Any] = {}
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        variant = variants[int(operation.path.strip("/"))]
        out[variant.id] = _draw(operation.as_strategy(), seed)
    return out


def _draw(strategy: Any, seed: int) -> Any:
    """The last of three seeded draws (the first ones are the generator's simplest values)."""
    drawn: list[Any] = []

    @hypothesis_seed(seed)
    @settings(
        max_examples=3,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def draw(case: Any) -> None:
        drawn.append(case.body)

    with without_local_constants():
        draw()
    return drawn[-1]


def _plain(value: Any) -> Any:
    """Whole floats as integers: the generator may draw 3.0 where a schema says integer."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _form(fields: dict[str, Any]) -> bytes:
    plain = _plain(fields)
    return urlencode({k: "" if v is None else v for k, v in plain.items()}).encode()


def _json(value: Any) -> bytes:
    return json.dumps(_plain(value), ensure_ascii=False).encode("utf-8")


def _envelope(data: Any, index: int, webhook: str) -> dict[str, Any]:
    return {
        "eventId": index + 1,
        "eventType": webhook,
        "eventCreateTs": f"2026-01-15 11:{index // 60 % 60:02d}:{index % 60:02d}",
        "webhookId": 1,
        "attempt": 1,
        "data": data,
        "sign": "unsigned",
    }


def deliveries(provider: str = "all", *, seed: int = 0, malformed: bool = False) -> list[Delivery]:
    """Every variant for `provider` (or all), with the delivery semantics the providers
    document: duplicates, out-of-order events, several events in one array, unknown extra
    fields. `malformed` adds deliveries a receiver must reject with 4xx."""
    if provider != "all" and provider not in PROVIDERS:
        raise ValueError(f"unknown provider {provider!r}: one of {', '.join(PROVIDERS)} or all")
    registries = load_registries()
    variants = [v for v in _variants(registries) if provider in ("all", v.provider)]
    generated = _generate(variants, seed)
    extras = [
        _Variant(f"{v.provider}/extra-fields", v.provider, "unknown extra fields", v.schema)
        for v in {v.provider: v for v in variants}.values()
        if v.provider != "exotel"  # a closed form schema: Exotel's fields are the documented ones
    ]
    for extra in extras:
        base = next(v for v in variants if v.provider == extra.provider)
        generated[extra.id] = {**copy.deepcopy(generated[base.id]), **EXTRA_FIELDS}
    content = {p: registries.delivery(p)["content_type"] for p in PROVIDERS}
    webhook = registries.mobizon_webhooks["event_types"][0]["type"]
    out: list[Delivery] = []
    for index, variant in enumerate(variants + extras):
        value = generated[variant.id]
        if variant.provider == "exotel":
            body = _form(value)
        elif variant.provider == "bandwidth":
            body = _json([value])
        elif variant.provider == "mobizon":
            body = _json(_envelope(value, index, webhook))
        else:
            body = _json(value)
        out.append(Delivery(variant.id, variant.provider, variant.description,
                            content[variant.provider], body))  # fmt: skip
    out.extend(_semantics(out, generated, content))
    if malformed:
        out.extend(_malformed(out))
    return out


def _semantics(
    base: list[Delivery], generated: dict[str, Any], content: dict[str, str]
) -> Iterator[Delivery]:
    """Duplicates of each provider's first delivery, and Bandwidth's batch and reordering."""
    seen: set[str] = set()
    for delivery in base:
        if delivery.provider not in seen:
            seen.add(delivery.provider)
            yield Delivery(f"{delivery.provider}/duplicate", delivery.provider,
                           f"the same delivery again ({delivery.id}): at-least-once",
                           delivery.content_type, delivery.body, repeats=delivery.id)  # fmt: skip
    events = {k.split("/", 1)[1]: v for k, v in generated.items() if k.startswith("bandwidth/")}
    if {"message-sending", "message-sent", "message-delivered"} <= set(events):
        batch = [
            copy.deepcopy(events[t])
            for t in ("message-sending", "message-sent", "message-delivered")
        ]
        message_id = batch[0].get("message", {}).get("id")
        for event in batch:
            event.setdefault("message", {})["id"] = message_id
        yield Delivery("bandwidth/several-events", "bandwidth",
                       "three events of one message in one array", content["bandwidth"],
                       _json(batch))  # fmt: skip
        yield Delivery("bandwidth/out-of-order", "bandwidth",
                       "message-delivered arrives before message-sent", content["bandwidth"],
                       _json([batch[2], batch[1]]))  # fmt: skip


def _malformed(base: list[Delivery]) -> Iterator[Delivery]:
    """Per provider: broken syntax, the wrong media type, a required field missing."""
    firsts = {d.provider: d for d in reversed(base) if d.repeats is None and "/" in d.id}
    for provider, delivery in sorted(firsts.items()):
        if provider == "exotel":
            fields = dict(pair.split("=", 1) for pair in delivery.text.split("&"))
            fields.pop("SmsSid", None)
            missing = "&".join(f"{k}={v}" for k, v in fields.items()).encode()
            wrong_type = ("application/json", _json({"SmsSid": "x"}))
        else:
            data = json.loads(delivery.body)
            target = data[0] if isinstance(data, list) else data
            target.pop(next(iter(target)), None)
            missing = _json(data)
            wrong_type = ("text/plain", b"hello")
        yield Delivery(f"{provider}/malformed-syntax", provider, "a body that does not parse",
                       delivery.content_type, b"{" if provider != "exotel" else b"%zz=%",
                       valid=False)  # fmt: skip
        yield Delivery(f"{provider}/malformed-media-type", provider,
                       f"{wrong_type[0]} instead of {delivery.content_type}", wrong_type[0],
                       wrong_type[1], valid=False)  # fmt: skip
        yield Delivery(
            f"{provider}/malformed-missing-field",
            provider,
            "a required field missing",
            delivery.content_type,
            missing,
            valid=False,
        )

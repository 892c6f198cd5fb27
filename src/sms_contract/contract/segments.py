"""SMS units of a Body: the GSM 7-bit alphabet and the split points of `sms-encoding.yaml`.

The simulator answers SmsUnits with `sms_units`; the checks compare an answer's SmsUnits with
`acceptable_units`. Both read the same registry, so the rule lives once.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Literal

import yaml

from sms_contract.contract.resources import registries_dir

Encoding = Literal["plain", "unicode"]


@dataclass(frozen=True)
class SplitRule:
    single: int
    part: int

    def units(self, length: int) -> int:
        """Parts of a message of `length` characters (septets or UTF-16 code units)."""
        if length <= self.single:
            return 1
        return math.ceil(length / self.part)

    def plain_units(self, length: int) -> int:
        """`length / single`, ignoring the concatenation header (tolerated, not documented)."""
        return max(1, math.ceil(length / self.single))


@dataclass(frozen=True)
class SmsEncoding:
    basic: frozenset[str]
    extension: frozenset[str]
    rules: dict[str, SplitRule]

    def is_gsm(self, body: str) -> bool:
        return all(c in self.basic or c in self.extension for c in body)

    def length(self, body: str, encoding: Encoding) -> int:
        if encoding == "plain":
            return sum(2 if c in self.extension else 1 for c in body)
        return len(body.encode("utf-16-le")) // 2


@functools.cache
def sms_encoding() -> SmsEncoding:
    data = yaml.safe_load((registries_dir() / "sms-encoding.yaml").read_text(encoding="utf-8"))
    return SmsEncoding(
        frozenset(data["gsm7"]["basic"]),
        frozenset(data["gsm7"]["extension"]),
        {name: SplitRule(rule["single"], rule["part"]) for name, rule in data["units"].items()},
    )


def encoding_for(body: str, requested: str | None = None) -> Encoding:
    """How `body` is sent: unicode when asked for or when a character is outside GSM 7-bit."""
    if requested == "unicode" or not sms_encoding().is_gsm(body):
        return "unicode"
    return "plain"


def sms_units(body: str, requested: str | None = None) -> int:
    """The SMS units of `body` sent with EncodingType `requested` (None: auto-detected)."""
    encoding = encoding_for(body, requested)
    rules = sms_encoding()
    return rules.rules[encoding].units(rules.length(body, encoding))


def acceptable_units(
    body: str, requested: str | None = None, *, known: bool = True, tolerant: bool = False
) -> set[int]:
    """SmsUnits a correct answer may carry for `body`.

    `known`: the request's EncodingType is known (else a GSM body may have been sent as
    unicode). `tolerant`: also the plain length/160 (70) count, since the document states the
    split points but not the size of each part.
    """
    encodings = {encoding_for(body, requested)}
    if not known:
        encodings.add("unicode")
    rules = sms_encoding()
    out: set[int] = set()
    for encoding in encodings:
        rule, length = rules.rules[encoding], rules.length(body, encoding)
        out.add(rule.units(length))
        if tolerant:
            out.add(rule.plain_units(length))
    return out

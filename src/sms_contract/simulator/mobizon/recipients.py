"""Deterministic Mobizon outcomes: test recipients derived from the registries.

- `7000001SSSS` (SSSS: a status's position in mobizon-sms-statuses.yaml) ends in that status;
  a non-final one parks the message there.
- `7000002CCCC` (CCCC: a result code) is answered by sendSmsMessage with that code and the data
  its registry row implies.
Any other valid recipient ends in the first successful final status (DELIVRD). `+7 000` is no
area code, so no real subscriber has these numbers.
"""

from __future__ import annotations

from sms_contract.contract import mobizon_spec as mobizon


def status_recipients() -> dict[str, mobizon.SmsStatus]:
    return {s.test_recipient: s for s in mobizon.statuses()}


def code_recipients() -> dict[str, mobizon.ResultCode]:
    return {c.test_recipient: c for c in mobizon.result_codes().values() if c.code != 0}


def outcome(recipient: str) -> mobizon.SmsStatus:
    """The status a message to `recipient` ends in (or parks at)."""
    return status_recipients().get(_digits(recipient), mobizon.default_final())


def forced_code(recipient: str) -> mobizon.ResultCode | None:
    """The result code a send to `recipient` is answered with, if it is a code's recipient."""
    return code_recipients().get(_digits(recipient))


def _digits(recipient: str) -> str:
    return recipient.strip().lstrip("+")

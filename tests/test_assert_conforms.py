"""`assert_conforms` takes the responses users' tests hold: httpx's and requests'."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import requests

from sms_contract.contract.registry import number_for
from sms_contract.mutants import catalogue
from sms_contract.simulator.server import running

FORM = {"From": "ACME", "To": number_for(20005), "Body": "hi"}
PATH = "/v1/Accounts/simaccount/Sms/send.json"


def test_httpx_and_requests_responses(assert_conforms: Callable[..., Any]) -> None:
    with running() as url:
        assert_conforms(httpx.post(url + PATH, data=FORM, auth=("simkey", "simtoken")))
        assert_conforms(requests.post(url + PATH, data=FORM, auth=("simkey", "simtoken")))


def test_a_broken_response_fails_with_the_field(assert_conforms: Callable[..., Any]) -> None:
    with running(catalogue()["field-missing"].app()) as url:
        response = requests.post(url + PATH, data=FORM, auth=("simkey", "simtoken"))
    with pytest.raises(AssertionError, match="/SMSMessage/DateCreated"):
        assert_conforms(response)


def test_assert_conforms_is_importable_as_a_function() -> None:
    from sms_contract import assert_conforms

    with running() as url:
        good = httpx.post(url + PATH, data=FORM, auth=("simkey", "simtoken"))
    assert not assert_conforms(good)
    with running(catalogue()["field-missing"].app()) as url:
        broken = requests.post(url + PATH, data=FORM, auth=("simkey", "simtoken"))
    with pytest.raises(AssertionError, match="/SMSMessage/DateCreated"):
        assert_conforms(broken)

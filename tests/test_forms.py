"""Bracket-notation form bodies decode and encode as Exotel reads them."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms_contract.contract.forms import (
    FormError,
    _finish,
    _insert,
    _pairs,
    _split_key,
    decode_form,
    encode_form,
    form_text,
)


def test_static_bulk_to_brackets_become_a_list() -> None:
    assert decode_form("From=A&To[]=1&To[]=2&Body=hi") == {
        "From": "A",
        "To": ["1", "2"],
        "Body": "hi",
    }


def test_dynamic_bulk_messages_are_ordered_by_index() -> None:
    body = "Messages[1][To]=2&Messages[0][To]=1&Messages[0][Body]=a&Messages[1][Body]=b"
    assert decode_form(body) == {"Messages": [{"To": "1", "Body": "a"}, {"To": "2", "Body": "b"}]}


def test_nested_group_and_repeated_scalar() -> None:
    data = decode_form("ShortenUrlParams[Header]=h&From=a&From=b")
    assert data == {"ShortenUrlParams": {"Header": "h"}, "From": ["a", "b"]}


def test_round_trip() -> None:
    data = {"From": "A", "Messages": [{"To": "1", "Body": "x y&z"}], "To": ["1", "2"]}
    assert decode_form(encode_form(data)) == data


def test_a_key_used_as_value_and_group_is_an_error() -> None:
    with pytest.raises(FormError):
        decode_form("Messages=x&Messages[0][To]=1")


def test_non_ascii_digits_are_names_not_indexes() -> None:
    # found by the fuzzer: "³".isdigit() is True, but it is no list index
    data = decode_form("P[%C2%B3]=a&P[1]=b&P[Header]=c")
    assert data == {"P": {"³": "a", "1": "b", "Header": "c"}}


@given(st.text(alphabet=st.sampled_from("aZ09=&+%2B5bé[] ;\x00\x01EA"), max_size=40))
def test_pairs_read_a_body_as_parse_qsl_does(body: str) -> None:
    assert _pairs(body) == parse_qsl(body, keep_blank_values=True)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["To", "From", "To[]", "Messages[0][To]", "a]", ""]),
            st.text(max_size=3),
        ),
        max_size=6,
    )
)
def test_plain_forms_decode_as_the_bracket_reader_would(pairs: list[tuple[str, str]]) -> None:
    body = form_text(pairs)
    try:
        expected = _bracket_reading(pairs)
    except FormError:
        with pytest.raises(FormError):
            decode_form(body)
        return
    assert decode_form(body) == expected


def _bracket_reading(pairs: list[tuple[str, str]]) -> dict[str, object]:
    """The general reader, which every form goes through when it has a bracket."""
    root: dict[str, object] = {}
    for key, value in pairs:
        _insert(root, _split_key(key), value)
    finished: dict[str, object] = _finish(root)
    return finished

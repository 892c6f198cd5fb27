"""Form bodies in bracket notation, the way Exotel's API reads them.

Decoding: `To[]=a&To[]=b` and `To[0]=a` give `{"To": ["a", "b"]}`; `Messages[0][To]=x` gives
`{"Messages": [{"To": "x"}]}`; `ShortenUrlParams[Header]=h` gives `{"ShortenUrlParams":
{"Header": "h"}}`; a plain key repeated (`From=a&From=b`) gives a list, which the contract
rejects for scalar fields (error 40207). Encoding is the inverse. Values stay strings; the
schema-guided coercion (`sms_contract.contract.coerce`) turns them into numbers where the
schema says so.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import unquote, urlencode

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


class FormError(ValueError):
    """A form body that cannot be decoded (a malformed key, or mixed shapes for one key)."""


@functools.lru_cache(maxsize=1024)
def _split_key(key: str) -> tuple[str, ...]:
    """`Messages[0][To]` -> `("Messages", "0", "To")`; `To[]` -> `("To", "")`."""
    # the same few keys come in every request: To[], Messages[0][To], From, Body ...
    match = _KEY.match(key)
    if not match:
        return (key,)
    return (match.group(1), *_PART.findall(match.group(2)))


def _insert(container: dict[str, Any], parts: Sequence[str], value: str) -> None:
    head, rest = parts[0], parts[1:]
    if not rest:
        if head in container:
            existing = container[head]
            if isinstance(existing, list):
                existing.append(value)
            elif isinstance(existing, str):
                container[head] = [existing, value]
            else:
                raise FormError(f"form key {head!r} is used both as a value and as a group")
        else:
            container[head] = value
        return
    index = rest[0]
    if index == "" or (index.isascii() and index.isdigit()):
        seq = container.setdefault(head, {})
        if not isinstance(seq, dict):
            raise FormError(f"form key {head!r} mixes list and value forms")
        # Lists are kept as {index: item} while decoding, then ordered by index.
        slot = str(len(seq.get("\0order", []))) if index == "" else index
        seq.setdefault("\0order", [])
        if slot not in seq["\0order"]:
            seq["\0order"].append(slot)
        if len(rest) == 1:
            seq[slot] = value
        else:
            item = seq.setdefault(slot, {})
            if not isinstance(item, dict):
                raise FormError(f"form key {head}[{slot}] is used both as a value and as a group")
            _insert(item, rest[1:], value)
        return
    group = container.setdefault(head, {})
    if not isinstance(group, dict):
        raise FormError(f"form key {head!r} is used both as a value and as a group")
    _insert(group, rest, value)


def _finish(node: Any) -> Any:
    if isinstance(node, dict):
        names = [key for key in node if key != "\0order"]
        if "\0order" in node and set(names) <= set(node["\0order"]):
            order = node["\0order"]
            ordered = sorted(order, key=lambda s: int(s) if s.isascii() and s.isdigit() else -1)
            return [_finish(node[slot]) for slot in ordered if slot in node]
        # indexes mixed with names (P[1]=..&P[Header]=..) can only be a mapping
        return {key: _finish(node[key]) for key in names}
    return node


def _pairs(body: str) -> list[tuple[str, str]]:
    """`parse_qsl(body, keep_blank_values=True)`, without its per-pair overhead (replay decodes
    a form per accepted send; tests hold the two to equality)."""
    if "%" in body and "%0" not in body and "\x00" not in body and "\x01" not in body:
        # one unquote for the whole body: & and = are marked with \x00 and \x01 first (a body
        # holding either, or escaping one as %0X, takes the pair by pair way)
        marked = body.replace("+", " ").replace("&", "\x00").replace("=", "\x01")
        out = []
        for segment in unquote(marked).split("\x00"):
            if segment:
                key, _, value = segment.partition("\x01")
                out.append((key, value.replace("\x01", "=")))
        return out
    out = []
    for segment in body.split("&"):
        if segment:
            key, _, value = segment.partition("=")
            out.append((_unquote(key), _unquote(value)))
    return out


def _unquote(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    if "%" not in text:
        return text
    # the escape of almost every value sent, the + of an international number, without
    # unquote's general decoding
    plus = text.replace("%2B", "+").replace("%2b", "+")
    return plus if "%" not in plus else unquote(text)


def decode_form(body: bytes | str | Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Decode an application/x-www-form-urlencoded body in bracket notation."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    pairs = _pairs(body) if isinstance(body, str) else list(body)
    root: dict[str, Any] = {}
    if not any("[" in key for key, _ in pairs):
        # a plain form (a single send): nothing to group or order, a repeated key is a list
        for key, value in pairs:
            existing = root.get(key)
            if existing is None:
                root[key] = value
            elif isinstance(existing, list):
                existing.append(value)
            else:
                root[key] = [existing, value]
        return root
    for key, value in pairs:
        _insert(root, _split_key(key), value)
    finished: dict[str, Any] = _finish(root)
    return finished


def _flatten(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(f"{prefix}[{key}]", item, out)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            if prefix.endswith("[]") and not isinstance(item, Mapping | list | tuple):
                out.append((prefix, _scalar(item)))  # a wire key already named `To[]`
            elif isinstance(item, Mapping | list | tuple):
                _flatten(f"{prefix}[{index}]", item, out)
            else:
                out.append((f"{prefix}[]", _scalar(item)))
    elif value is not None:
        out.append((prefix, _scalar(value)))


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def encode_pairs(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Flatten nested data into bracket-notation (key, value) pairs."""
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        _flatten(str(key), value, out)
    return out


def form_text(pairs: Iterable[tuple[str, str]]) -> str:
    """(key, value) pairs as a form body; brackets stay literal, as Exotel's examples write them."""
    return urlencode(list(pairs)).replace("%5B", "[").replace("%5D", "]")


def encode_form(data: Mapping[str, Any]) -> str:
    """Encode nested data as an application/x-www-form-urlencoded body in bracket notation."""
    return form_text(encode_pairs(data))

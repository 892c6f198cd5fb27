"""The compiled validator (jsonschema-rs) and the reference one (jsonschema) agree."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sms_contract.cassettes.cassette import cassette_files, interactions
from sms_contract.checks.validate import header, media_type, response_data
from sms_contract.contract.schemastore import MODES, cached_validator, compiled_validator
from sms_contract.contract.spec import load_contract

ROOT = Path(__file__).resolve().parents[1]


def _walk(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every node of a payload with its path."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, index))


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of `data` with the node at `path` (not the root) replaced by `value`."""
    out = copy.deepcopy(data)
    target = out
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return out


def _mutations(data: Any) -> Iterator[Any]:
    """The payload itself and a few ways of breaking it: a number as text, a key dropped,
    an extra key, a null, a wrong enum-like string."""
    yield data
    for path, node in list(_walk(data))[1:]:
        if isinstance(node, bool):
            continue
        if isinstance(node, int):
            yield _replaced(data, path, str(node))
        elif isinstance(node, str):
            yield _replaced(data, path, node.upper() + "!")
            yield _replaced(data, path, None)
        elif isinstance(node, dict) and node:
            smaller = dict(node)
            smaller.pop(next(iter(node)))
            yield _replaced(data, path, smaller)
            yield _replaced(data, path, {**node, "Unexpected": 1})


def _cases() -> Iterator[tuple[str, Any, Any]]:
    contract = load_contract()
    for path in cassette_files([ROOT / "cassettes"]):
        for index, i in enumerate(interactions(path)):
            found = contract.find_operation(i.method, i.uri)
            if found is None:
                continue
            media = media_type(header(i.response_headers, "Content-Type"))
            schema = found[0].media_types(i.status).get(media)
            data = response_data(i.method, i.uri, i.status, i.response_headers, i.response_body)
            if schema is not None and data is not None:
                yield f"{path.name}#{index}", schema, data


CASES = list(_cases())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("name", "schema", "data"), CASES, ids=[c[0] for c in CASES])
def test_compiled_and_reference_validators_agree(
    name: str, schema: Any, data: Any, mode: Any
) -> None:
    key = json.dumps(schema, sort_keys=True)
    fast, reference = compiled_validator(key, mode), cached_validator(key, mode)
    for candidate in _mutations(data):
        assert fast.is_valid(candidate) == reference.is_valid(candidate), candidate


def test_the_contract_loads_from_a_path_with_a_space(tmp_path: Path) -> None:
    """Schema URIs are percent-encoded (`%20`): the store turns them back into the path."""
    import os
    import shutil
    import subprocess
    import sys

    where = tmp_path / "an install folder"
    where.mkdir()
    for document in ROOT.glob("openapi*.yaml"):
        shutil.copy(document, where / document.name)
    shutil.copytree(ROOT / "schemas", where / "schemas")
    done = subprocess.run(
        [sys.executable, "-m", "sms_contract.cli", "validate", "--mode", "tolerant",
         str(ROOT / "cassettes" / "simulator")],
        env={**os.environ, "SMS_CONTRACT_DIR": str(where)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "CONFORMS" in done.stdout

"""Where the contract files live: inside the wheel, or at the top of a source checkout.

`openapi.yaml` and `schemas/` are kept once, at the repository root. A wheel carries them as
`sms_contract/_contract/` (hatchling force-include); an editable install or a plain checkout
reads them from the repository root.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

ENV_CONTRACT_DIR = "SMS_CONTRACT_DIR"


@functools.cache
def contract_dir() -> Path:
    """The folder that holds `openapi.yaml` and `schemas/`."""
    override = os.environ.get(ENV_CONTRACT_DIR)
    candidates = [Path(override)] if override else []
    candidates += [
        Path(__file__).resolve().parents[1] / "_contract",
        Path(__file__).resolve().parents[3],
    ]
    for candidate in candidates:
        if (candidate / "openapi.yaml").is_file() and (candidate / "schemas").is_dir():
            return candidate
    raise FileNotFoundError(
        "sms-contract cannot find openapi.yaml and schemas/ "
        f"(looked in: {', '.join(str(c) for c in candidates)})"
    )


def openapi_path() -> Path:
    """Path of the OpenAPI document."""
    return contract_dir() / "openapi.yaml"


def mobizon_openapi_path() -> Path:
    """Path of Mobizon's OpenAPI document (a second document: see its header for why)."""
    return contract_dir() / "openapi-mobizon.yaml"


def schemas_dir() -> Path:
    """Path of the JSON Schema folder."""
    return contract_dir() / "schemas"


def registries_dir() -> Path:
    """Path of the code registries (data files, the single source of every code)."""
    return schemas_dir() / "registries"

"""Simulator settings and their documented defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sms_contract.contract.registry import load_registries

DEFAULT_ACCOUNT_SID = "simaccount"
DEFAULT_API_KEY = "simkey"
DEFAULT_API_TOKEN = "simtoken"
DEFAULT_MOBIZON_API_KEY = "simmobizonkey"
DEFAULT_DB = "sms-contract-simulator.sqlite3"


NO_LIMIT = 10**9


def _limit(error_id: str) -> int:
    limit = load_registries().http_error(error_id).limit_per_minute
    assert limit is not None, f"{error_id} has no limit_per_minute in the registry"
    return limit


@dataclass
class SimulatorConfig:
    """How the simulator behaves. The defaults are the ones the README documents."""

    account_sid: str = DEFAULT_ACCOUNT_SID
    api_key: str = DEFAULT_API_KEY
    api_token: str = DEFAULT_API_TOKEN
    # Mobizon's API (/service/...) authenticates with one key, the apiKey parameter
    mobizon_api_key: str = DEFAULT_MOBIZON_API_KEY
    db: str = DEFAULT_DB
    # the limits of the rate-limit rows of the error registry (POST: Exotel's published one)
    post_limit_per_minute: int = field(default_factory=lambda: _limit("post_rate_limited"))
    get_limit_per_minute: int = field(default_factory=lambda: _limit("get_rate_limited"))
    # instant: a message reaches its final state as soon as it is created (tests);
    # otherwise each lifecycle step takes `step_seconds` of (virtual) time (demos).
    instant: bool = True
    step_seconds: float = 1.0
    # Exotel's published callback behaviour (the exotel-callbacks registry)
    callback_timeout: float = field(
        default_factory=lambda: float(load_registries().delivery("exotel")["deadline_seconds"])
    )
    callback_retries: int = field(
        default_factory=lambda: int(load_registries().delivery("exotel")["retries"])
    )
    callback_backoff: float = 0.5
    ticker_interval: float = 0.02

    @classmethod
    def unthrottled(cls, **settings: Any) -> SimulatorConfig:
        """A simulator whose rate limits are out of reach: for fuzzing and load, which must
        exercise the API, not its throttle."""
        return cls(post_limit_per_minute=NO_LIMIT, get_limit_per_minute=NO_LIMIT, **settings)

    @property
    def token_is_default(self) -> bool:
        return self.api_token == DEFAULT_API_TOKEN

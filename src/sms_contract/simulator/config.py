"""Simulator settings and their documented defaults."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_ACCOUNT_SID = "simaccount"
DEFAULT_API_KEY = "simkey"
DEFAULT_API_TOKEN = "simtoken"
DEFAULT_DB = "sms-contract-simulator.sqlite3"


@dataclass
class SimulatorConfig:
    """How the simulator behaves. The defaults are the ones the README documents."""

    account_sid: str = DEFAULT_ACCOUNT_SID
    api_key: str = DEFAULT_API_KEY
    api_token: str = DEFAULT_API_TOKEN
    db: str = DEFAULT_DB
    # Exotel's published limit: 200 POST requests a minute, then 429.
    post_limit_per_minute: int = 200
    get_limit_per_minute: int = 1000
    # instant: a message reaches its final state as soon as it is created (tests);
    # otherwise each lifecycle step takes `step_seconds` of (virtual) time (demos).
    instant: bool = True
    step_seconds: float = 1.0
    # Exotel's published callback behaviour: answer within 15 s, up to 2 retries.
    callback_timeout: float = 15.0
    callback_retries: int = 2
    callback_backoff: float = 0.5
    ticker_interval: float = 0.02

    @property
    def token_is_default(self) -> bool:
        return self.api_token == DEFAULT_API_TOKEN

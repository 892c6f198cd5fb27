"""The virtual clock: real time plus an offset that the control API can advance."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    """Monotonic-enough wall time that tests can move forward instead of sleeping."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> float:
        self.offset += max(0.0, seconds)
        return self.now()

    @staticmethod
    def exotel(timestamp: float) -> str:
        """Exotel's documented date format: YYYY-MM-DD HH:mm:ss, no time zone (UTC here)."""
        return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")

    @staticmethod
    def iso(timestamp: float) -> str:
        """ISO 8601 with a zone: what the click-tracking callback documents ("ISO format")."""
        return datetime.fromtimestamp(timestamp, tz=UTC).isoformat(timespec="seconds")

"""The run's request budget: one count shared by the scenarios, the fuzz pass and the probes."""

from __future__ import annotations

from dataclasses import dataclass

# schemathesis cases per operation and generation mode a run may ask for: beyond this a run
# takes hours (every operation, twice, N requests each), which is a typo, not a plan
MAX_FUZZ_EXAMPLES = 10_000


class BudgetExhausted(Exception):
    """The run reached --max-requests."""


@dataclass
class Budget:
    """At most `limit` requests (None: no limit), counted across every part of a run."""

    limit: int | None = None
    used: int = 0

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)

    def take(self) -> None:
        """Count one request; raise `BudgetExhausted` instead when none is left."""
        if self.limit is not None and self.used >= self.limit:
            raise BudgetExhausted(f"request budget of {self.limit} used up")
        self.used += 1

"""Hypothesis draws that depend only on their seed, not on what the process imported before."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def without_local_constants() -> Iterator[None]:
    """Hypothesis mixes in literals of the local modules loaded so far (its "local constants"),
    so the same seed drew other values once more modules were imported (a test run's earlier
    tests changed what the fuzz pass sent): a run is reproducible only without them. Private
    hypothesis API: left alone where it differs."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
    except ImportError:  # pragma: no cover
        yield
        return
    original = getattr(providers, "_get_local_constants", None)
    if original is None:  # pragma: no cover
        yield
        return
    empty = Constants()
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original

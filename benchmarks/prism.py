"""Stoplight Prism, the independent OpenAPI tool the benchmarks and the wire-format test run.

Prism is a Node package: it is installed from the npm registry into benchmarks/.prism on first
use (about 6 s; the folder is ignored by git), so neither the benchmarks nor the tests need a
global install.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "benchmarks" / ".prism" / "node_modules" / ".bin" / "prism"


def prism_cli() -> Path | None:
    """Prism's CLI in benchmarks/.prism (installed from npm on first use), or None."""
    if CLI.exists() or not shutil.which("npm"):
        return CLI if CLI.exists() else None
    CLI.parents[2].mkdir(parents=True, exist_ok=True)
    # pytest-xdist workers may ask at once: one installs, the others wait for it
    with open(CLI.parents[2] / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if CLI.exists():
            return CLI
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(CLI.parents[2]),
                "--no-audit",
                "--no-fund",
                "@stoplight/prism-cli",
            ],
            capture_output=True,
            check=False,
        )
    return CLI if CLI.exists() else None

"""Stoplight Prism, the independent OpenAPI tool the benchmarks and the wire-format test run,
and how either starts a server of its own (Prism, the simulator, the proxy) as a process.

Prism is a Node package: it is installed from the npm registry into benchmarks/.prism on first
use (about 6 s; the folder is ignored by git), so neither the benchmarks nor the tests need a
global install.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "benchmarks" / ".prism" / "node_modules" / ".bin" / "prism"


# the version the tests were written against: they rely on how it reads form bodies
PRISM = "@stoplight/prism-cli@5.14.2"


class PrismUnavailable(Exception):
    """Prism is not installed and cannot be: the reason, in a line."""


def prism_cli() -> Path:
    """Prism's CLI in benchmarks/.prism, installed from the npm registry on first use."""
    if CLI.exists():
        return CLI
    npm = shutil.which("npm")
    if npm is None:
        raise PrismUnavailable("npm not found (install Node.js and npm)")
    CLI.parents[2].mkdir(parents=True, exist_ok=True)
    # pytest-xdist workers may ask at once: one installs, the others wait for it
    with open(CLI.parents[2] / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if CLI.exists():
            return CLI
        failed = CLI.parents[2] / ".install-failed"
        if failed.exists() and time.time() - failed.stat().st_mtime < 600:
            # another worker of this run just tried: no second wait on an unreachable registry
            raise PrismUnavailable(failed.read_text(encoding="utf-8"))
        try:
            done = subprocess.run(
                [npm, "install", "--prefix", str(CLI.parents[2]), "--no-audit", "--no-fund", PRISM],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            said = (done.stderr or done.stdout).strip().splitlines()[-3:]
            reason = f"npm install {PRISM} failed: {' / '.join(said)}"
        except subprocess.TimeoutExpired:
            reason = f"npm install {PRISM} took over 300 s"
        if not CLI.exists():
            failed.write_text(reason, encoding="utf-8")
            raise PrismUnavailable(reason)
    return CLI


@contextlib.contextmanager
def process(command: list[str], url: str, wait: float = 120) -> Iterator[str]:
    """A server started as its own process (so it does not share this one's GIL), once its
    port at `url` (`http://host:port`) accepts connections; stopped on leaving."""
    host, _, port = url.split("//", 1)[1].partition(":")
    # its output goes to a file, not a pipe: a pipe nobody reads stalls a chatty server
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            deadline = time.monotonic() + wait
            while True:
                if child.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    said = log.read()[-800:].decode("utf-8", "replace")
                    raise RuntimeError(f"{command[0]} is not listening on {url}: {said}")
                try:
                    with socket.create_connection((host, int(port)), timeout=1):
                        break
                except OSError:
                    time.sleep(0.2)
            yield url
        finally:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()

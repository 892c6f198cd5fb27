"""The README and the docs/ pages are tried as a new user would: their generated tables are
current, every `bash` block runs as written, and the set-up commands are the ones CI runs."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [
    (f"{page.stem}-block{index}", block)
    for page in PAGES
    for index, block in enumerate(
        re.findall(r"```bash\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL)
    )
]


def test_generated_tables_are_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "docs_tables.py"), "--check"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_docs_page_is_linked_from_the_readme() -> None:
    pages = {p.name for p in (ROOT / "docs").glob("*.md")}
    linked = set(re.findall(r"\(docs/([\w-]+\.md)\)", TEXT))
    assert pages <= linked, f"not linked from README.md: {sorted(pages - linked)}"
    assert linked <= pages, f"README.md links to missing pages: {sorted(linked - pages)}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.parametrize(("name", "block"), BLOCKS, ids=[name for name, _ in BLOCKS])
def test_bash_block_runs_as_written(name: str, block: str, tmp_path: Path) -> None:
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    # blocks run from the repository root, as the README's reader does; outputs go to tmp, and
    # the documented ports become free ones (other runs on this machine may hold them)
    script = block.replace("report.html", str(tmp_path / "report.html")).replace(
        "junit.xml", str(tmp_path / "junit.xml")
    )
    for port in set(re.findall(r"(?<=[: ])(87\d\d)\b", block)):
        script = re.sub(rf"(?<=[: ]){port}\b", str(free_port()), script)
    # its own process group, so a server a block started cannot outlive a failed block
    process = subprocess.Popen(
        ["bash", "-e", "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        out, err = process.communicate(timeout=300)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    assert process.returncode == 0, out[-2000:] + err[-2000:]


def test_setup_commands_are_what_ci_runs() -> None:
    setup = re.search(r"## Set-up on a fresh machine\n\n```shell\n(.*?)```", TEXT, re.DOTALL)
    assert setup, "the README has a set-up block"
    install, tests = setup.group(1).strip().splitlines()
    assert "pip install -e '.[test]'" in install and install.endswith("sms-contract check")
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install -q -e '.[test]'" in ci
    assert tests.split("bin/", 1)[1] in ci  # python -m pytest -n auto


def test_github_actions_example_is_a_workflow() -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "github-actions.yml").read_text())
    steps = workflow["jobs"]["contract"]["steps"]
    commands = " ".join(str(step.get("run", "")) for step in steps)
    assert "sms-contract validate" in commands and "sms-contract check" in commands


def test_sharded_github_actions_example_covers_every_shard() -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "github-actions-sharded.yml").read_text())
    job = workflow["jobs"]["cassettes"]
    shards = job["strategy"]["matrix"]["shard"]
    (command,) = [s["run"] for s in job["steps"] if "--shard" in str(s.get("run", ""))]
    count = int(command.rsplit("/", 1)[1])
    assert sorted(shards) == list(range(1, count + 1))
    assert "${{ matrix.shard }}/" in command and command.startswith("sms-contract validate")

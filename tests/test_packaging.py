"""The wheel carries the contract: installed from it, away from this checkout, check runs."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_installs_and_runs_check_from_anywhere(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(dist)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = dist.glob("sms_contract-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # the dependencies come from this environment (no network in a test); sms-contract itself
    # only from the wheel: a plain path in a .pth file, unlike site-packages, runs no .pth of
    # its own, so this environment's editable install does not leak in
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            text=True,
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in ("SMS_CONTRACT_DIR", "PYTHONPATH")}
    where = subprocess.check_output(
        [str(python), "-c", "import sms_contract.contract.resources as r; print(r.contract_dir())"],
        cwd=tmp_path, env=env, text=True,
    ).strip()  # fmt: skip
    assert where.startswith(str(venv)) and where.endswith("_contract"), where
    done = subprocess.run(
        [str(venv / "bin" / "sms-contract"), "check", "-k", "send", "-k", "error-body",
         "--fuzz-examples", "2"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "CONFORMS" in done.stdout


def test_every_exported_name_resolves() -> None:
    import sms_contract

    assert sorted(sms_contract.__all__) == sorted(sms_contract._EXPORTS)
    for name in sms_contract.__all__:
        assert getattr(sms_contract, name) is not None


def test_the_tests_read_nothing_outside_the_tree() -> None:
    """A clone without ../shared, or the sdist, runs the tests: what they read is under tests/."""
    sources = [ROOT / "conftest.py", *(ROOT / "tests").rglob("*.py")]
    sources.remove(Path(__file__).resolve())  # this test names what it looks for
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for outside in ('"shared"', "../shared", "parents[2]", "ROOT.parent"):
            assert outside not in text, f"{source.relative_to(ROOT)} reads {outside}"
    assert (ROOT / "tests" / "data" / "reference" / "exotel-sms-api.txt").is_file()

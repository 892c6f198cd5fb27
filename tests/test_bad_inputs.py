"""Every bad input a user was seen to give: one `error:` line, exit 2, never a traceback, and
nothing started (no banner, no run) before the error."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sms_contract.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_one_error_line(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == "", result.stdout  # no banner, no table before the error
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment.lower() in lines[0].lower(), lines[0]


def cli(
    *args: str, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sms_contract.cli", *args],
        capture_output=True, text=True, timeout=timeout, cwd=cwd,
    )  # fmt: skip


def assert_one_error_line_in(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stdout == "", done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for fragment in fragments:
        assert fragment.lower() in lines[0].lower(), lines[0]


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Path:
    """A folder nothing can be written in, root included (sysfs is read-only for everyone)."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    if not Path("/sys").is_dir():
        pytest.skip("no read-only folder for root on this system")
    return Path("/sys")


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        yield server.getsockname()[1]


# -- serve: the database and the socket are checked before the banner ---------------------


def test_serve_db_on_a_read_only_path(read_only_dir: Path) -> None:
    assert_one_error_line(
        run("serve", "--port", "0", "--db", str(read_only_dir / "s.sqlite3")), "--db", "cannot open"
    )


def test_serve_db_that_is_a_folder(tmp_path: Path) -> None:
    assert_one_error_line(run("serve", "--port", "0", "--db", str(tmp_path)), "is a folder")


def test_serve_db_in_a_missing_folder(tmp_path: Path) -> None:
    assert_one_error_line(
        run("serve", "--port", "0", "--db", str(tmp_path / "no" / "s.db")), "does not exist"
    )


def test_serve_db_that_is_not_sqlite(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not a database, just notes\n" * 200)
    assert_one_error_line(run("serve", "--port", "0", "--db", str(other)), "not an SQLite database")


def test_serve_started_in_a_read_only_folder(read_only_dir: Path) -> None:
    assert_one_error_line_in(cli("serve", "--port", "0", cwd=read_only_dir), "--db", "cannot open")


def test_serve_on_a_port_in_use_is_one_line_and_no_banner(busy_port: int) -> None:
    done = cli("serve", "--port", str(busy_port), "--db", ":memory:")
    assert_one_error_line_in(done, f"cannot listen on 127.0.0.1:{busy_port}", "in use")


def test_serve_on_a_host_that_cannot_be_bound() -> None:
    # TEST-NET-1 (RFC 5737) is never an address of this machine
    done = cli("serve", "--host", "192.0.2.1", "--port", "0", "--db", ":memory:")
    assert_one_error_line_in(done, "cannot listen on 192.0.2.1")


def test_serve_port_0_prints_the_port_it_got() -> None:
    import httpx

    process = subprocess.Popen(
        [sys.executable, "-m", "sms_contract.cli", "serve", "--port", "0", "--db", ":memory:"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        url = banner.strip().rsplit(" ", 1)[-1]
        port = int(url.rsplit(":", 1)[-1])
        assert port != 0, banner
        answer = httpx.get(
            f"{url}/v1/Accounts/simaccount/Sms/Messages/nope.json",
            auth=("simkey", "simtoken"),
            timeout=30,
        )
        assert answer.status_code in (200, 404)  # a real simulator answered on that port
    finally:
        process.terminate()
        process.communicate(timeout=30)


# -- check: a usage error with a hint, not a failure blamed on the target ------------------


def test_check_recipient_that_is_not_a_number() -> None:
    assert_one_error_line(run("check", "--recipient", "notanumber"), "not a phone number", "+91")


def test_target_url_that_already_names_the_account_path() -> None:
    result = run(
        "check", "--target-url", "http://127.0.0.1:8765/v1/Accounts/simaccount/Sms/send.json"
    )
    assert_one_error_line(result, "base before /v1/Accounts", "'http://127.0.0.1:8765'")
    result = run("fuzz", "--target-url", "http://127.0.0.1:8765/v1/accounts/x")
    assert_one_error_line(result, "base before /v1/Accounts")


def test_recipient_and_target_url_in_the_pytest_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest_subprocess("--recipient", "notanumber")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*not a phone number*"])
    result = pytester.runpytest_subprocess("--target-url", "http://127.0.0.1:9/v1/Accounts/a")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*base before /v1/Accounts*"])


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--fuzz-examples", "99999999"),
        ("fuzz", "--examples", "1000000"),
        ("mutants", "--fuzz-examples", "50000"),
    ],
)
def test_absurd_fuzz_examples_are_refused(args: tuple[str, ...]) -> None:
    assert_one_error_line(run(*args), "not in the range", "10000")


def test_absurd_fuzz_examples_in_the_pytest_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest_subprocess("--fuzz-examples", "50000")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*at most 10000*"])


def test_a_click_usage_error_is_one_line() -> None:
    assert_one_error_line(run("check", "--mode", "lax"), "--mode", "--help")
    assert_one_error_line(run("no-such-command"), "no such command")


# -- cassettes: files that are not cassettes ------------------------------------------------


def test_drift_on_a_binary_file(tmp_path: Path) -> None:
    binary = tmp_path / "photo.yaml"
    binary.write_bytes(bytes(range(256)) * 8)
    assert_one_error_line(run("drift", str(binary), str(binary)), "not a text file")


def test_validate_on_a_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert_one_error_line_in(cli("validate", str(fifo), timeout=60), "not a regular file")


def test_validate_and_drift_on_a_device() -> None:
    assert_one_error_line(run("validate", os.devnull), "not a regular file")
    assert_one_error_line(run("drift", "/dev/zero", "/dev/zero"), "not a regular file")


ANCHORED = """\
x-shared:
  ok: &ok {code: 200, message: OK}
  json: &json {Content-Type: [application/json]}
interactions:
- &first
  request: &details
    method: GET
    uri: http://127.0.0.1:8765/v1/Accounts/simaccount/Sms/Messages/abc.json
    body: null
    headers: {}
  response: &answer
    status: *ok
    headers: *json
    body: {string: '{"SMSMessage": {}}'}
- *first
- request: {<<: *details}
  response:
    <<: *answer
version: 1
"""


def test_validate_reads_yaml_anchors_aliases_and_merge_keys(tmp_path: Path) -> None:
    cassette = tmp_path / "anchored.yaml"
    cassette.write_text(ANCHORED)
    result = run("validate", str(cassette))
    # three interactions read (the aliased and the merged one too), each judged on its body
    assert result.exit_code == 1, result.output
    assert "1 cassettes, 3 interactions" in result.output
    assert "not a vcrpy interaction" not in result.output + result.stderr
    for index in range(3):
        assert f"anchored.yaml#{index} GET" in result.output

"""The command line as CI and a person meet it: exit codes, one-line errors, no secrets."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from tests.factories import interrupted_check

from sms_contract.cli import main
from sms_contract.simulator import SimulatorConfig, create_app
from sms_contract.simulator.server import running

SECRET = "tok3nSECRETvalue"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def assert_usage_error(result: Result, *fragments: str) -> None:
    """Exit 2, one `error:` line on stderr, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.stderr)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    assert "Traceback" not in result.output + result.stderr
    text = result.stderr.strip()
    for fragment in fragments:
        assert fragment.lower() in text.lower(), text


@pytest.fixture(scope="module")
def simulator() -> Iterator[str]:
    config = SimulatorConfig(db=":memory:", api_token=SECRET)
    with running(create_app(config)) as url:
        yield url


@pytest.fixture(scope="module")
def html_site() -> Iterator[str]:
    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse("<html><body>Welcome</body></html>")

    app = Starlette(routes=[Route("/{p:path}", page)])
    with running(app) as url:
        yield url


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


# -- bad input: one clear line, exit 2 ---------------------------------------------------------


def test_connection_refused() -> None:
    result = run("check", "--target-url", f"http://127.0.0.1:{free_port()}")
    assert_usage_error(result, "connection refused")


def test_unknown_host() -> None:
    result = run(
        "check", "--target-url", "http://sms.invalid", "--allow-remote", "--auth", "k:t",
        "--recipient", "+919900000001",
    )  # fmt: skip
    assert_usage_error(result, "sms.invalid")


def test_tls_error(simulator: str) -> None:
    result = run("check", "--target-url", simulator.replace("http://", "https://"))
    assert_usage_error(result, "TLS")


def test_wrong_credentials(simulator: str) -> None:
    result = run("check", "--target-url", simulator, "--auth", "simkey:wrongtoken")
    assert_usage_error(result, "rejected the credentials")


def test_target_answers_html(html_site: str) -> None:
    assert_usage_error(run("check", "--target-url", html_site), "HTML")


def test_target_times_out(silent_port: int) -> None:
    result = run("check", "--target-url", f"http://127.0.0.1:{silent_port}", "--timeout", "0.5")
    assert_usage_error(result, "did not answer within 0.5 s")


def test_remote_target_needs_allow_remote() -> None:
    assert_usage_error(
        run("check", "--target-url", "https://staging.example.com", "--auth", "k:t"),
        "--allow-remote",
    )


def test_remote_target_needs_credentials() -> None:
    assert_usage_error(
        run("check", "--target-url", "https://staging.example.com", "--allow-remote"),
        "credentials",
    )


def test_remote_target_needs_its_own_recipients() -> None:
    result = run(
        "check", "--target-url", "https://staging.example.com", "--allow-remote", "--auth", "k:t"
    )
    assert_usage_error(result, "--recipient")


def test_credentials_must_be_key_colon_token() -> None:
    result = run("check", "--target-url", "http://127.0.0.1:9", "--auth", "justakey")
    assert_usage_error(result, "KEY:TOKEN")


def test_url_without_scheme() -> None:
    assert_usage_error(run("check", "--target-url", "localhost:8765"), "http://")


def test_invalid_mode() -> None:
    assert_usage_error(run("check", "--mode", "lenient"), "lenient")


def test_negative_budget() -> None:
    assert_usage_error(run("check", "--max-requests", "-1"), "-1")


def test_unknown_scenario_selection() -> None:
    assert_usage_error(run("check", "-k", "no-such-scenario"), "no scenario")


def test_cassette_that_is_not_yaml(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("interactions: [\n  {request: \n")
    assert_usage_error(run("validate", str(bad)), "not valid YAML")


def test_yaml_that_is_not_a_cassette(tmp_path: Path) -> None:
    other = tmp_path / "config.yaml"
    other.write_text("name: my-app\nreplicas: 3\n")
    assert_usage_error(run("validate", str(other)), "not a vcrpy cassette")


def test_json_that_is_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "cassette.json"
    bad.write_text("{not json")
    assert_usage_error(run("validate", str(bad)), "not valid JSON")


def test_empty_folder(tmp_path: Path) -> None:
    assert_usage_error(run("validate", str(tmp_path)), "no cassette files")


def test_missing_path(tmp_path: Path) -> None:
    assert_usage_error(run("validate", str(tmp_path / "nope")), "no such file")


def test_spec_that_does_not_parse(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "openapi.yaml").write_text("openapi: 3.1.0\npaths: {\n  bad: [\n")
    script = "from sms_contract.cli import main; main(['validate', 'x.yaml'])"
    env = {**os.environ, "SMS_CONTRACT_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert "does not parse" in done.stderr and "Traceback" not in done.stderr


def test_unknown_mutant() -> None:
    assert_usage_error(run("mutants", "--only", "no-such-mutant"), "unknown mutant")


def test_report_into_missing_folder(tmp_path: Path) -> None:
    result = run(
        "check",
        "-k",
        "send[json]",
        "--fuzz-examples",
        "0",
        "--report",
        str(tmp_path / "nope" / "r.html"),
    )
    assert_usage_error(result, "--report", "does not exist")


def test_serve_on_a_busy_port(silent_port: int) -> None:
    assert_usage_error(run("serve", "--port", str(silent_port)), "cannot listen")


def test_record_into_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("")
    assert_usage_error(run("record", "--out", str(target)), str(target.name))


# -- exit codes a CI system can trust --------------------------------------------------------


def test_check_against_the_embedded_simulator_conforms(tmp_path: Path) -> None:
    junit, html, md = tmp_path / "junit.xml", tmp_path / "report.html", tmp_path / "r.md"
    result = run("check", "--fuzz-examples", "2", "--junit-xml", str(junit), "--report", str(html))
    assert result.exit_code == 0, result.output
    assert "CONFORMS" in result.output
    assert 'failures="0"' in junit.read_text()
    assert "CONFORMS" in html.read_text()
    assert run("check", "-k", "send", "--fuzz-examples", "0", "--report", str(md)).exit_code == 0
    assert md.read_text().startswith("# sms-contract report: CONFORMS")


def test_check_finds_violations_and_names_them(tmp_path: Path) -> None:
    from sms_contract.mutants import catalogue

    with running(catalogue()["partial-success-200"].app()) as url:
        result = run("check", "--target-url", url, "--fuzz-examples", "0", "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    failed = [s for s in report["scenarios"] if s["status"] == "failed"]
    assert {s["id"] for s in failed} >= {"static-bulk-partial-207[json]"}
    violation = failed[0]["violations"][0]
    assert violation["check"] in ("partial_success_status", "expected_status")
    assert violation["pointer"] == "/status"


def test_validate_exit_codes(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1] / "cassettes"
    assert run("validate", str(root / "simulator")).exit_code == 0
    result = run("validate", str(root / "reference-docs" / "sample-20-curl-xml.yaml"))
    assert result.exit_code == 1
    assert "sample-20-curl-xml.yaml#0" in result.output and "uri_matches_sid" in result.output


def test_every_command_has_help_with_an_example() -> None:
    for command in ("check", "serve", "validate", "record", "fuzz", "mutants"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output, command


# -- no credential in any output -------------------------------------------------------------


def test_no_secret_in_output_reports_or_cassettes(simulator: str, tmp_path: Path) -> None:
    from sms_contract.mutants import catalogue

    auth = f"simkey:{SECRET}"
    outputs = []
    result = run(
        "check",
        "--target-url",
        simulator,
        "--auth",
        auth,
        "--fuzz-examples",
        "2",
        "--json",
        "--junit-xml",
        str(tmp_path / "j.xml"),
        "--report",
        str(tmp_path / "r.html"),
    )
    assert result.exit_code == 0, result.output
    outputs += [result.output, result.stderr]
    # a broken target makes every report path print violations and reproductions
    config = SimulatorConfig(db=":memory:", api_token=SECRET)
    broken = catalogue()["error-message-changed"]
    from sms_contract.mutants.middleware import Rewrite

    with running(Rewrite(create_app(config), response=broken.response)) as url:
        result = run(
            "check",
            "--target-url",
            url,
            "--auth",
            auth,
            "--fuzz-examples",
            "2",
            "--report",
            str(tmp_path / "r.md"),
        )
    assert result.exit_code == 1, result.output
    outputs += [result.output, result.stderr]
    with running(create_app(config)) as fresh:  # the check above used up the rate limits
        result = run(
            "record",
            "--target-url",
            fresh,
            "--auth",
            auth,
            "-k",
            "send",
            "--out",
            str(tmp_path / "cassettes"),
        )
    assert result.exit_code == 0, result.output
    outputs += [result.output, result.stderr]
    files = [p.read_text() for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) >= 5
    for text in outputs + files:
        assert SECRET not in text
        assert "c2lta2V5" not in text  # base64 of "simkey": no Authorization header either


# -- Ctrl-C ----------------------------------------------------------------------------------


def test_ctrl_c_reports_what_finished_and_exits_130() -> None:
    code, out, err = interrupted_check(SimulatorConfig(db=":memory:"), 20)
    assert code == 130, (out, err)
    assert "INTERRUPTED" in out and "scenarios passed" in out
    assert "Traceback" not in err


# -- callbacks -------------------------------------------------------------------------------


def test_callbacks_unknown_provider() -> None:
    result = run("callbacks", "--receiver-url", "http://127.0.0.1:9/h", "--provider", "twilio")
    assert_usage_error(result, "twilio")


def test_callbacks_unreachable_receiver() -> None:
    result = run("callbacks", "--receiver-url", f"http://127.0.0.1:{free_port()}/hooks")
    assert_usage_error(result, "cannot reach")


def test_callbacks_exit_codes_for_robust_and_fragile_receivers(tmp_path: Path) -> None:
    from examples.receivers import fragile, robust

    with running(robust.app) as url:
        good = run(
            "callbacks",
            "--receiver-url",
            f"{url}/hooks",
            "--expect-reject",
            "--junit-xml",
            str(tmp_path / "j.xml"),
        )
    assert good.exit_code == 0, good.output
    assert 'failures="0"' in (tmp_path / "j.xml").read_text()
    with running(fragile.app) as url:
        bad = run("callbacks", "--receiver-url", f"{url}/hooks", "--provider", "bandwidth")
    assert bad.exit_code == 1
    assert "receiver_no_server_error" in bad.output and "bandwidth/message-sending" in bad.output


def test_serve_connections_do_not_wait_for_a_delayed_ack() -> None:
    """Before: `serve` bound its socket with protocol 0, so asyncio (and uvicorn on it) left
    Nagle on, and every answer waited ~40 ms for the client's delayed ACK: a check against
    `serve` took 30 s where the embedded simulator took 2."""
    import asyncio

    from sms_contract.cli.serve import bind

    async def nodelay_of_an_accepted_connection() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        listening = bind("127.0.0.1", 0)
        server = await asyncio.start_server(accepted, sock=listening)
        async with server:
            _, writer = await asyncio.open_connection(*listening.getsockname())
            value = await asyncio.wait_for(seen, 30)
            writer.close()
        return value

    assert asyncio.run(nodelay_of_an_accepted_connection()) != 0


def test_a_short_credential_does_not_garble_the_output() -> None:
    """Before: `--auth a:b` turned "cannot connect" into "c<scru<scrubbed><scrubbed>ed>nnot"
    (every `a` and `b` replaced, the marker's own `b` too). A short secret is replaced where
    it stands alone; a long one wherever it is."""
    from sms_contract.cassettes.filters import scrub

    result = run("check", "--target-url", "http://127.0.0.1:9", "--auth", "a:b")
    assert result.exit_code == 2
    assert "cannot connect" in result.stderr and "<scrubbed>" not in result.stderr, result.stderr
    assert scrub("token=b&Body=a b", ("a", "b")) == "token=<scrubbed>&Body=<scrubbed> <scrubbed>"
    assert scrub("x=longsecret1longsecret1", ("longsecret1",)) == "x=<scrubbed><scrubbed>"
    # after an escape a short secret stands alone too: JSON's \n, a form's %0A or %3D
    for text in ("said:\\nab", "Body=k%3Dab%0Aab", "x\\u00e9ab"):
        assert "ab" not in scrub(text, ("ab",)).replace("<scrubbed>", ""), text
    # a report is scrubbed value by value: a numeric secret does not break its JSON
    from sms_contract.report import RunReport

    report = RunReport("t", "strict", "now", seconds=0.123, secrets=("123",))
    assert json.loads(report.to_json())["seconds"] == 0.123

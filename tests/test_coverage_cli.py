"""Coverage on the command line: the summary, the --json table, and the gate both ways."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from sms_contract.cli import main
from sms_contract.contract.registry import load_registries
from sms_contract.contract.spec import load_contract

ROOT = Path(__file__).resolve().parents[1]
SIMULATOR = ROOT / "cassettes" / "simulator"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_validate_reports_coverage_and_stays_report_only_by_default() -> None:
    result = run("validate", str(SIMULATOR / "send-json.yaml"))
    assert result.exit_code == 0, result.output
    assert "coverage: exercised " in result.output
    assert "CONFORMS" in result.output


def test_validate_json_carries_the_full_table() -> None:
    result = run("validate", str(SIMULATOR / "send-json.yaml"), "--json")
    assert result.exit_code == 0, result.output
    table = json.loads(result.output)["coverage"]
    keys = {(item["group"], item["key"]) for item in table["items"]}
    assert len(keys) == table["total"] == len(table["items"])
    assert {("error-rows", row.id) for row in load_registries().http_errors} <= keys
    assert {("operations", op.label) for op in load_contract().operations} <= keys
    seen = {item["key"] for item in table["items"] if item["exercised"]}
    assert "POST /v1/Accounts/{AccountSid}/Sms/send.json 200" in seen
    assert table["summary"].startswith(f"exercised {len(seen)} of {table['total']} ")


def test_min_coverage_gate_fails_below_and_passes_at_the_threshold() -> None:
    one = str(SIMULATOR / "send-json.yaml")
    percent = json.loads(run("validate", one, "--json").output)["coverage"]["percent"]
    below = run("validate", one, "--min-coverage", str(percent + 1))
    assert below.exit_code == 1, below.output
    assert "coverage gate failed" in below.output and "--min-coverage" in below.output
    assert "never exercised:" in below.output
    assert "error-rows: HTTP 403 40000 trial_promotional" in below.output
    assert "NOT COVERED" in below.output
    met = run("validate", one, "--min-coverage", str(max(percent - 1, 0)))
    assert met.exit_code == 0, met.output
    assert "coverage gate failed" not in met.output


def test_require_coverage_gate_both_ways(tmp_path: Path) -> None:
    # the simulator's cassettes exercise every operation in both formats, not every error row
    met = run("validate", str(SIMULATOR), "--require-coverage", "operations")
    assert met.exit_code == 0, met.output
    failed = run("validate", str(SIMULATOR), "--require-coverage", "error-rows", "--json")
    assert failed.exit_code == 1
    gate = json.loads(failed.output)["coverage_gate"]
    assert gate["passed"] is False and gate["require_coverage"] == ["error-rows"]
    assert "method_not_supported" in gate["never_exercised"]
    assert all(not key.startswith("POST ") for key in gate["never_exercised"])
    # only some operations recorded: the operations gate names the missing ones
    shutil.copy(SIMULATOR / "send-json.yaml", tmp_path)
    partial = run("validate", str(tmp_path), "--require-coverage", "operations")
    assert partial.exit_code == 1
    assert "operations: POST /v1/Accounts/{AccountSid}/Sms/bulksend.json" in partial.output


def test_a_violation_still_fails_when_coverage_is_met() -> None:
    broken = ROOT / "cassettes" / "reference-docs" / "sample-20-curl-xml.yaml"
    result = run("validate", str(broken), "--min-coverage", "0")
    assert result.exit_code == 1 and "FAILED" in result.output


def test_require_coverage_outside_the_command_scope_is_a_usage_error() -> None:
    result = run("validate", str(SIMULATOR), "--require-coverage", "callback-types")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --require-coverage callback-types: validate")
    assert run("validate", str(SIMULATOR), "--require-coverage", "codes").exit_code == 2
    assert run("validate", str(SIMULATOR), "--min-coverage", "101").exit_code == 2


def test_junit_and_markdown_carry_the_gate(tmp_path: Path) -> None:
    junit, md = tmp_path / "junit.xml", tmp_path / "coverage.md"
    result = run(
        "validate",
        str(SIMULATOR),
        "--require-coverage",
        "error-rows",
        "--junit-xml",
        str(junit),
        "--report",
        str(md),
    )
    assert result.exit_code == 1
    xml = junit.read_text(encoding="utf-8")
    assert '<testsuite name="coverage"' in xml and "coverage gate failed" in xml
    text = md.read_text(encoding="utf-8")
    assert "## Coverage" in text and "error-rows: `HTTP 405 40502 method_not_supported`" in text


def test_callbacks_cover_every_callback_type_and_final_code() -> None:
    from examples.receivers import fragile, robust

    from sms_contract.simulator.server import running

    with running(robust.app) as url:
        result = run(
            "callbacks", "--receiver-url", f"{url}/hooks", "--json", "--min-coverage", "100"
        )
    assert result.exit_code == 0, result.output
    table = json.loads(result.output)["coverage"]
    assert table["percent"] == 100.0 and table["groups"]["callback-types"]["total"] > 0
    finals = {str(d.code) for d in load_registries().dscs() if d.final and d.reached == "delivery"}
    codes = {i["key"] for i in table["items"] if i["group"] == "detailed-status-codes"}
    assert codes == finals  # a StatusCallback fires on a final state only
    with running(fragile.app) as url:
        bad = run(
            "callbacks", "--receiver-url", f"{url}/hooks", "--provider", "bandwidth", "--json"
        )
    assert bad.exit_code == 1
    items = json.loads(bad.output)["coverage"]["items"]
    failed = {i["key"] for i in items if i["state"] == "failed"}
    assert "bandwidth message-sending" in failed
    assert all(i["key"].startswith("bandwidth ") for i in items)


def test_coverage_is_the_same_validated_by_several_processes() -> None:
    one = json.loads(run("validate", str(SIMULATOR), "--json", "--jobs", "1").output)
    two = json.loads(run("validate", str(SIMULATOR), "--json", "--jobs", "2").output)
    assert one["coverage"] == two["coverage"]
    assert one["coverage"]["exercised"] > 0


def test_check_fills_coverage_and_gates_on_it() -> None:
    only = run("check", "-k", "send[json]", "--fuzz-examples", "0", "--json")
    assert only.exit_code == 0, only.output
    table = json.loads(only.output)["coverage"]
    seen = {i["key"] for i in table["items"] if i["exercised"]}
    assert {
        "POST /v1/Accounts/{AccountSid}/Sms/send.json",
        "GET /v1/Accounts/{AccountSid}/SMS/Messages/{SmsSid}.json 200",
        "queued",
    } <= seen
    # the embedded simulator speaks Exotel only: no Mobizon gap is reported
    assert (
        all(i["provider"] == "exotel" for i in table["items"])
        if "provider" in (table["items"][0])
        else all(not i["key"].startswith("mobizon") for i in table["items"])
    )
    short = run(
        "check", "-k", "send[json]", "--fuzz-examples", "0", "--require-coverage", "operations"
    )
    assert short.exit_code == 1
    assert "operations: POST /v1/Accounts/{AccountSid}/Sms/send" in short.output
    met = run("check", "-k", "send[", "--fuzz-examples", "0", "--min-coverage", "1")
    assert met.exit_code == 0, met.output
    assert "coverage: exercised" in met.output


def test_fuzz_fills_coverage() -> None:
    result = run("fuzz", "--examples", "2", "--json")
    assert result.exit_code in (0, 1), result.output
    groups = json.loads(result.output)["coverage"]["groups"]
    assert groups["operations"]["exercised"] == groups["operations"]["total"]
    assert groups["parameters"]["exercised"] > 0


def test_proxy_report_counts_what_the_traffic_exercised(tmp_path: Path) -> None:
    from tests.test_proxy import run_through_proxy

    from sms_contract.checks.coverage import Gate
    from sms_contract.mutants import catalogue
    from sms_contract.proxy.tally import ProxyReport
    from sms_contract.simulator import SimulatorConfig, create_app

    for app, failing in (
        (create_app(SimulatorConfig(db=":memory:")), False),
        (catalogue()["partial-success-200"].app(), True),
    ):
        proxy, _, _ = run_through_proxy(app)
        report = ProxyReport("upstream", "strict", "now", gate=Gate(groups=("operations",)))
        for index, exchange in enumerate(proxy.exchanges):
            report.add(exchange, index)
        report.coverage.narrow_to_seen_providers()
        items = {i.key: i for i in report.coverage.items.values()}
        assert items["body_empty"].exercised == 1
        partial = items["POST /v1/Accounts/{AccountSid}/Sms/send.json 207"]
        answered_200 = items["POST /v1/Accounts/{AccountSid}/Sms/send.json 200"]
        if failing:
            # the broken upstream answers the partial success 200: never 207, and 200 failed
            assert partial.exercised == 0 and answered_200.failed == 1
        else:
            assert partial.exercised == 1 and not partial.failed and not answered_200.failed
        # the traffic never touched bulksend: the gate names it
        assert report.uncovered
        assert any("Sms/bulksend" in line for line in report.gate_lines())
        assert "## Never exercised" in report.to_markdown()
        assert "Operations by outcome" in report.to_html()


# What no scenario can reach, and why (docs/coverage.md says the same):
# openapi.yaml lists 405 for the send operations, but its only 405 row (method_not_supported,
# exotel-sms-api.txt line 524) answers a POST to an unrecognised SMS endpoint, a path that is
# none of these operations.
UNREACHABLE = {
    f"POST /v1/Accounts/{{AccountSid}}/Sms/{path} 405"
    for path in ("send", "send.json", "bulksend", "bulksend.json")
}
# rows answered to paths outside openapi.yaml: `check` reaches them, but a recording of such a
# path is itself a violation for `validate`, so those scenarios are not recorded
OUTSIDE = {row.id for row in load_registries().http_errors if row.outside_contract}


def test_check_on_the_embedded_simulator_reaches_everything_it_can_produce() -> None:
    result = run("check", "--fuzz-examples", "3", "--json")
    assert result.exit_code == 0, result.output[-2000:]
    items = json.loads(result.output)["coverage"]["items"]
    assert {i["key"] for i in items if not i["exercised"]} == UNREACHABLE
    assert not [i for i in items if i["failed"]]


def test_the_simulator_cassettes_reach_everything_a_recording_can() -> None:
    result = run("validate", str(SIMULATOR), "--json")
    assert result.exit_code == 0
    items = json.loads(result.output)["coverage"]["items"]
    missing = {i["key"] for i in items if not i["exercised"] and i["group"] != "parameters"}
    assert missing == UNREACHABLE | OUTSIDE

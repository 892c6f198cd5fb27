"""The pytest plugin as a user meets it, run in a separate pytest session (pytester)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from sms_contract.callbacks import deliveries
from sms_contract.mutants import catalogue
from sms_contract.simulator.server import running

ROOT = Path(__file__).resolve().parents[1]

USER_TEST = textwrap.dedent(
    """
    from sms_contract.contract.registry import number_for

    def test_send(sms_session, sms_target, assert_conforms):
        import httpx
        with httpx.Client(auth=sms_target.auth) as client:
            response = client.post(
                sms_target.api + "/Sms/send.json",
                data={"From": "ACME", "To": number_for(20005), "Body": "hi"},
            )
        assert_conforms(response)
    """
)


def test_fixtures_against_the_embedded_simulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_target_url_points_the_fixtures_at_a_broken_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TEST)
    with running(catalogue()["dsc-as-string"].app()) as url:
        result = pytester.runpytest_subprocess("--target-url", url)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*response breaks the contract*", "*/SMSMessage/DetailedStatusCode*"]
    )


def test_cassette_dir_parametrizes_sms_cassette(pytester: pytest.Pytester) -> None:
    folder = pytester.mkdir("recorded")
    good = ROOT / "cassettes" / "simulator" / "send-json.yaml"
    shutil.copy(good, folder / "good.yaml")
    text = good.read_text().replace('"Status": "sent"', '"Status": "SENT"', 1)
    (folder / "bad.yaml").write_text(text)
    pytester.makepyfile(
        test_replay="""
        from sms_contract.cassettes.cassette import validate_cassette

        def test_cassette(sms_cassette, no_network):
            count, findings = validate_cassette(sms_cassette)
            assert not findings, "\\n".join(map(str, findings))
        """
    )
    result = pytester.runpytest_subprocess("--cassette-dir", str(folder), "-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*test_cassette?recorded/bad.yaml? FAILED*", "*bad.yaml#1*/SMSMessage/Status*"]
    )


def test_bad_options_are_usage_errors(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TEST)
    result = pytester.runpytest_subprocess(
        "--target-auth", "no-colon", "--target-url", "http://127.0.0.1:9"
    )
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*KEY:TOKEN*"])
    result = pytester.runpytest_subprocess("--cassette-dir", "missing-folder")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*missing-folder: no such file or directory*"])
    result = pytester.runpytest_subprocess("--contract-mode", "lenient")
    assert result.ret == pytest.ExitCode.USAGE_ERROR


# with pytest-recording installed its --record-mode drives sms_record too; without, the plugin's
@pytest.mark.parametrize("plugins", [(), ("-p", "no:recording")], ids=["with", "without"])
def test_record_mode_writes_scrubbed_cassettes(
    pytester: pytest.Pytester, plugins: tuple[str, ...]
) -> None:
    pytester.makepyfile(
        test_rec="""
        from sms_contract.conformance import all_scenarios, run_scenario

        def test_send(sms_session, sms_record):
            scenario = next(s for s in all_scenarios() if s.id == "send[json]")
            with sms_record(scenario.id):
                assert run_scenario(scenario, sms_session, "strict").status == "passed"
        """
    )
    result = pytester.runpytest_subprocess(*plugins, "--record-mode", "once")
    result.assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "recorded" / "send-json.yaml"
    text = cassette.read_text()
    assert "interactions" in text and "simtoken" not in text and "uthorization" not in text


def test_sms_callback_feeds_every_variant_to_a_handler_in_process(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_handler="""
        import json
        import pytest

        def handle(content_type, body):  # the user's webhook handler, called directly
            data = json.loads(body)
            return [e["type"] for e in data]  # Bandwidth sends an array of events

        @pytest.mark.sms_callbacks(provider="bandwidth")
        def test_handler(sms_callback):
            assert handle(sms_callback.content_type, sms_callback.body)

        def test_payload_fixture(callback_payloads):
            assert {d.provider for d in callback_payloads} == {
                "exotel", "bandwidth", "hubbucs", "mobizon"}
        """
    )
    result = pytester.runpytest_subprocess("-q")
    result.assert_outcomes(passed=len(deliveries("bandwidth")) + 1)


def test_options_can_live_in_pyproject(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TEST)
    with running(catalogue()["dsc-as-string"].app()) as url:
        pytester.makepyprojecttoml(
            f"""
            [tool.pytest.ini_options]
            sms_contract_target_url = "{url}"
            sms_contract_max_requests = "50"
            """
        )
        result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)  # the ini's target (a broken server) was used

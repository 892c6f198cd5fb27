"""`callbacks`: every documented callback variant delivered to a webhook receiver."""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any

import click

from sms_contract.cassettes.filters import redact_url
from sms_contract.checks.coverage import Gate
from sms_contract.cli.group import fail, main, require_contract
from sms_contract.cli.options import ReportArgs, coverage_options, gate_in_scope, report_options
from sms_contract.cli.output import progress, write_outputs


@main.command()
@click.option("--receiver-url", metavar="URL", help="your webhook endpoint")
@click.option(
    "--provider",
    type=click.Choice(["exotel", "bandwidth", "hubbucs", "mobizon", "all"]),
    default="all",
    show_default=True,
)
@click.option("--seed", type=int, default=0, show_default=True, help="same seed, same payloads")
@click.option(
    "--expect-reject", is_flag=True, help="also send malformed deliveries; they must get 4xx"
)
@click.option("--allow-remote", is_flag=True, help="allow a receiver that is not on this machine")
@click.option("--list", "list_only", is_flag=True, help="list the deliveries and exit")
@coverage_options
@report_options
def callbacks(
    receiver_url: str | None,
    provider: str,
    seed: int,
    expect_reject: bool,
    allow_remote: bool,
    list_only: bool,
    gate: Gate,
    output: ReportArgs,
) -> None:
    """Deliver every documented callback variant to your webhook receiver.

    Exotel StatusCallback for every Status and DetailedStatusCode and the click-tracking
    callback; Bandwidth v2 events (JSON arrays, several events, out of order); HubBucs;
    Mobizon delivery reports. Each is generated from the schemas (seeded) and sent the way the
    provider sends it, duplicates included. The receiver must answer 2xx within the provider's
    deadline and never 5xx.

    \b
    Examples:
      sms-contract callbacks --receiver-url http://127.0.0.1:8000/sms/status --provider exotel
      sms-contract callbacks --receiver-url http://127.0.0.1:8000/hooks --expect-reject
    """
    require_contract()
    from sms_contract.callbacks import PROVIDERS, deliver_all, deliveries
    from sms_contract.checks.coverage import CALLBACK_GROUPS, Coverage
    from sms_contract.checks.validate import validate_callback
    from sms_contract.conformance import is_local
    from sms_contract.conformance.session import TargetUnreachable
    from sms_contract.report import RunReport

    if not list_only:
        if not receiver_url:
            fail("--receiver-url is required (or --list to see the deliveries)")
        if not receiver_url.startswith(("http://", "https://")):
            fail(f"--receiver-url must start with http:// or https://, got {receiver_url!r}")
        if not is_local(receiver_url) and not allow_remote:
            fail(f"{receiver_url} is not on this machine: confirm with --allow-remote")
    planned = deliveries(provider, seed=seed, malformed=expect_reject)
    if list_only or not receiver_url:
        for delivery in planned:
            click.echo(f"{delivery.id:42} {delivery.content_type:36} {delivery.description}")
        return
    coverage = Coverage(
        CALLBACK_GROUPS,
        providers=PROVIDERS if provider == "all" else (provider,),
        final_states_only=True,
    )
    gate_in_scope(gate, coverage, "callbacks")
    started = time.perf_counter()
    run = RunReport(
        redact_url(receiver_url),
        f"callbacks ({provider}, seed {seed})",
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        unit="deliveries",
        coverage=coverage,
        gate=gate,
    )
    by_id = {d.id: d for d in planned}
    try:
        with progress(sum(d.valid or expect_reject for d in planned), output.as_json) as tick:

            def delivered(outcome: Any) -> None:
                run.outcomes.append(outcome)
                delivery = by_id[outcome.id]
                if delivery.valid:  # a malformed delivery exercises no documented behaviour
                    report = validate_callback(
                        delivery.provider, delivery.body, delivery.content_type
                    )
                    coverage.add_callback(report, failed=bool(report) or bool(outcome.violations))
                tick(outcome.id)

            deliver_all(receiver_url, planned, expect_reject=expect_reject, on_outcome=delivered)
    except TargetUnreachable as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        run.interrupted = True
    run.seconds = time.perf_counter() - started
    write_outputs(run, output)
    sys.exit(run.exit_code)

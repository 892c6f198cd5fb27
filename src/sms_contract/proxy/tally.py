"""What the proxy saw, aggregated as it goes: counts per operation, the violations, and the
exchanges outside the contract's paths.

Not a conformance run: nothing here was chosen by the suite, so there are no scenarios, no
fuzz pass and nothing "not run"; the proxy counts exchanges, per operation. It keeps no
exchange once counted, so a proxy that runs for days holds a bounded report (at most
`MAX_FAILURE_LINES` failure lines and `MAX_OUTSIDE_PATHS` outside paths; beyond them only
counts grow). Every renderer goes through `ProxyReport.scrub`, so no credential the
application sent reaches a file or a log.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from sms_contract.cassettes.cassette import operation_label
from sms_contract.cassettes.filters import redact_url, scrub
from sms_contract.checks.coverage import API_GROUPS, Coverage, Gate
from sms_contract.contract.schemastore import Mode
from sms_contract.contract.violations import Report
from sms_contract.proxy.relay import ProxiedExchange

# what the report keeps word for word; beyond this only the counts grow
MAX_FAILURE_LINES = 1000
MAX_OUTSIDE_PATHS = 100
OTHER_PATHS = "(other paths)"


@dataclass(frozen=True)
class OperationRow:
    """The exchanges of one operation: how many, how many broke the contract, and how."""

    operation: str
    exchanges: int
    failed: int
    findings: tuple[str, ...]


@dataclass
class _Counts:
    exchanges: int = 0
    failed: int = 0
    findings: list[str] = field(default_factory=list)


@dataclass
class ProxyReport:
    """The exchanges one `sms-contract proxy` session relayed, checked and counted."""

    upstream: str
    mode: Mode
    started: str
    upstream_errors: int = 0
    seconds: float = 0.0
    secrets: tuple[str, ...] = field(default=(), repr=False)
    passed: int = 0
    failed_exchanges: int = 0
    # exchanges outside the contract's paths (relayed, never checked): "METHOD /path" -> count
    outside: dict[str, int] = field(default_factory=dict)
    # the documented behaviours the relayed traffic exercised (a fixed set of counters), and
    # the gate on them (report-only when empty)
    coverage: Coverage = field(default_factory=lambda: Coverage(API_GROUPS), repr=False)
    gate: Gate = field(default_factory=Gate)
    _rows: dict[str, _Counts] = field(default_factory=dict, repr=False)
    _failures: list[str] = field(default_factory=list, repr=False)
    _failures_left_out: int = 0

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets)

    def add(self, exchange: ProxiedExchange, index: int) -> None:
        """Count one exchange the proxy relayed (`index`: its place in the session)."""
        if exchange.outside:
            path = redact_url(exchange.url).split("://", 1)[-1].partition("?")[0]
            key = f"{exchange.method} /{path.partition('/')[2]}"
            if key not in self.outside and len(self.outside) >= MAX_OUTSIDE_PATHS:
                key = OTHER_PATHS
            self.outside[key] = self.outside.get(key, 0) + 1
            return
        interaction = exchange.interaction()
        found = exchange.violations
        self.coverage.add_exchange(
            found if isinstance(found, Report) else Report(list(found)),
            interaction.method,
            interaction.uri,
            interaction.status,
            interaction.request_body,
            interaction.response_headers,
            interaction.response_body,
        )
        row = self._rows.setdefault(operation_label(interaction), _Counts())
        row.exchanges += 1
        if not exchange.violations:
            self.passed += 1
            return
        self.failed_exchanges += 1
        row.failed += 1
        for v in exchange.violations:
            finding = f"{v.check} @ {v.pointer or '(body)'}"
            if finding not in row.findings:
                row.findings.append(finding)
            if len(self._failures) < MAX_FAILURE_LINES:
                self._failures.append(
                    self.scrub(
                        f"{index}: {exchange.method} {redact_url(exchange.url)} -> "
                        f"{exchange.status}: [{v.check}] {v.pointer or '(body)'}: {v.message} "
                        f"(expected {v.expected}, got {v.actual})"
                    )
                )
            else:
                self._failures_left_out += 1

    @property
    def checked(self) -> int:
        """Exchanges in the contract's scope that were checked."""
        return self.passed + self.failed_exchanges

    @property
    def outside_total(self) -> int:
        return sum(self.outside.values())

    @property
    def failed(self) -> bool:
        return self.failed_exchanges > 0

    @property
    def uncovered(self) -> bool:
        """The coverage gate failed: something it requires was never exercised."""
        return bool(self.gate.shortfalls(self.coverage))

    def gate_lines(self) -> list[str]:
        return self.gate.explain(self.coverage)

    def by_operation(self) -> list[OperationRow]:
        return [
            OperationRow(op, row.exchanges, row.failed, tuple(row.findings))
            for op, row in self._rows.items()
        ]

    def failures(self) -> list[str]:
        """One line per violation: which exchange, check, field, message, expected and actual."""
        more = self._failures_left_out
        return self._failures + ([f"... and {more} more violations"] if more else [])

    def verdict(self) -> str:
        head = "FAILED" if self.failed else ("CONFORMS" if self.checked else "NOTHING CHECKED")
        errors = f", {self.upstream_errors} upstream errors" if self.upstream_errors else ""
        return (
            f"{head}: {self.passed} exchanges passed, {self.failed_exchanges} failed, "
            f"{self.outside_total} outside the contract (passed through){errors}; "
            f"{self.seconds:.1f} s"
        )

    def to_markdown(self) -> str:
        lines = [
            f"# sms-contract proxy report: {self.verdict().split(':')[0]}",
            "",
            f"- upstream: `{self.upstream}`, mode: {self.mode}, started {self.started}",
            f"- {self.verdict()}",
            f"- coverage: {self.coverage.summary()}",
            *[f"- {line}" for line in self.gate_lines()[:1]],
            "",
            "| operation | exchanges | failed | failing checks |",
            "|---|---|---|---|",
        ]
        for row in self.by_operation():
            findings = "; ".join(row.findings) or "-"
            lines.append(f"| `{row.operation}` | {row.exchanges} | {row.failed} | {findings} |")
        failures = self.failures()
        if failures:
            lines += ["", "## Failures", ""] + [f"- {line}" for line in failures]
        if self.outside:
            lines += ["", "## Outside the contract (passed through, not checked)", ""]
            lines += [f"- `{key}`: {count}" for key, count in self.outside.items()]
        missing = self.coverage.missing()
        if missing:
            lines += ["", "## Never exercised", ""]
            lines += [f"- {item.group}: `{item.label}`" for item in missing]
        return self.scrub("\n".join(lines) + "\n")

    def to_html(self) -> str:
        """A self-contained page: the verdict first, then the table, then every failure."""
        from sms_contract.report_html import STYLE, coverage_section

        colour = "#b00020" if self.failed or not self.checked or self.uncovered else "#1b5e20"
        rows = "".join(
            f"<tr class='{'bad' if row.failed else 'ok'}'><td><code>"
            f"{html.escape(row.operation)}</code></td><td>{row.exchanges}</td>"
            f"<td>{row.failed}</td><td>{html.escape('; '.join(row.findings)) or '-'}</td></tr>"
            for row in self.by_operation()
        )
        failures = "".join(f"<li>{html.escape(line)}</li>" for line in self.failures())
        outside = "".join(
            f"<li><code>{html.escape(key)}</code>: {count}</li>"
            for key, count in self.outside.items()
        )
        page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>sms-contract proxy report</title>
<style>{STYLE}
h1{{color:{colour}}} tr.bad td{{background:#fdecea}}
</style></head><body>
<h1>{html.escape(self.verdict())}</h1>
<p>upstream <code>{html.escape(self.upstream)}</code>, mode {html.escape(self.mode)},
started {html.escape(self.started)}</p>
{coverage_section(self.coverage, self.gate)}
<table><tr><th>operation</th><th>exchanges</th><th>failed</th><th>failing checks</th></tr>
{rows}</table>
<h2>Failures</h2><ul>{failures or "<li>none</li>"}</ul>
<h2>Outside the contract (passed through, not checked)</h2><ul>{outside or "<li>none</li>"}</ul>
</body></html>
"""
        return self.scrub(page)

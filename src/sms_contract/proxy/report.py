"""What the proxy saw: every exchange it relayed, and the violations in each.

Not a conformance run: nothing here was chosen by the suite, so there are no scenarios, no
fuzz pass and nothing "not run"; the proxy counts exchanges, per operation. Every renderer goes
through `ProxyReport.scrub`, so no credential the application sent reaches a file or a log.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from sms_contract.cassettes.cassette import operation_label
from sms_contract.cassettes.filters import redact_url, scrub
from sms_contract.contract.schemastore import Mode
from sms_contract.proxy.relay import Exchange


@dataclass(frozen=True)
class OperationRow:
    """The exchanges of one operation: how many, how many broke the contract, and how."""

    operation: str
    exchanges: int
    failed: int
    findings: tuple[str, ...]


@dataclass
class ProxyReport:
    """The exchanges one `sms-contract proxy` session relayed, checked."""

    upstream: str
    mode: Mode
    started: str
    exchanges: list[Exchange] = field(default_factory=list)
    upstream_errors: int = 0
    seconds: float = 0.0
    secrets: tuple[str, ...] = field(default=(), repr=False)

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets)

    @property
    def failed(self) -> bool:
        return any(e.violations for e in self.exchanges)

    def by_operation(self) -> list[OperationRow]:
        rows: dict[str, tuple[int, int, list[str]]] = {}
        for exchange in self.exchanges:
            label = operation_label(exchange.interaction())
            count, failed, findings = rows.get(label, (0, 0, []))
            for v in exchange.violations:
                finding = f"{v.check} @ {v.pointer or '(body)'}"
                if finding not in findings:
                    findings.append(finding)
            rows[label] = (count + 1, failed + bool(exchange.violations), findings)
        return [OperationRow(op, n, f, tuple(found)) for op, (n, f, found) in rows.items()]

    def failures(self) -> list[str]:
        """One line per violation: which exchange, check, field, message, expected and actual."""
        return [
            self.scrub(
                f"{index}: {e.method} {redact_url(e.url)} -> {e.status}: [{v.check}] "
                f"{v.pointer or '(body)'}: {v.message} (expected {v.expected}, got {v.actual})"
            )
            for index, e in enumerate(self.exchanges)
            for v in e.violations
        ]

    def verdict(self) -> str:
        failed = sum(bool(e.violations) for e in self.exchanges)
        head = "FAILED" if failed else ("CONFORMS" if self.exchanges else "NOTHING PROXIED")
        errors = f", {self.upstream_errors} upstream errors" if self.upstream_errors else ""
        return (
            f"{head}: {len(self.exchanges) - failed} exchanges passed, {failed} failed"
            f"{errors}; {self.seconds:.1f} s"
        )

    def to_markdown(self) -> str:
        lines = [
            f"# sms-contract proxy report: {self.verdict().split(':')[0]}",
            "",
            f"- upstream: `{self.upstream}`, mode: {self.mode}, started {self.started}",
            f"- {self.verdict()}",
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
        return self.scrub("\n".join(lines) + "\n")

    def to_html(self) -> str:
        """A self-contained page: the verdict first, then the table, then every failure."""
        colour = "#b00020" if self.failed else "#1b5e20"
        rows = "".join(
            f"<tr class='{'bad' if row.failed else 'ok'}'><td><code>"
            f"{html.escape(row.operation)}</code></td><td>{row.exchanges}</td>"
            f"<td>{row.failed}</td><td>{html.escape('; '.join(row.findings)) or '-'}</td></tr>"
            for row in self.by_operation()
        )
        failures = "".join(f"<li>{html.escape(line)}</li>" for line in self.failures())
        page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>sms-contract proxy report</title>
<style>
body{{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1100px}}
h1{{color:{colour}}} table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}
tr.bad td{{background:#fdecea}} code{{font-size:12px}}
</style></head><body>
<h1>{html.escape(self.verdict())}</h1>
<p>upstream <code>{html.escape(self.upstream)}</code>, mode {html.escape(self.mode)},
started {html.escape(self.started)}</p>
<table><tr><th>operation</th><th>exchanges</th><th>failed</th><th>failing checks</th></tr>
{rows}</table>
<h2>Failures</h2><ul>{failures or "<li>none</li>"}</ul>
</body></html>
"""
        return self.scrub(page)

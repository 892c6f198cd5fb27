"""The HTML report: one self-contained page a person reads at a glance.

No script, no stylesheet or font from elsewhere, nothing fetched: the verdict, the coverage
matrix with the gaps first, one row per scenario with its outcome, and every failure with its
expected and actual values side by side. Colour only repeats what the text says.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from sms_contract.checks.coverage import (
    GROUP_TITLES,
    HTTP_STATUSES,
    OPERATIONS,
    Coverage,
    Gate,
    Item,
)

if TYPE_CHECKING:
    from sms_contract.report import RunReport

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
h1.ok{color:#1b5e20} h1.bad{color:#b00020} h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0 1.2em} caption{text-align:left;font-weight:600}
td,th{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f4f4f4} code{font-size:12px}
.never{background:#fff3cd} .failed{background:#fdecea;color:#7f0010} .seen{background:#e8f5e9}
.undocumented{color:#999;text-align:center} table.matrix td{white-space:nowrap}
td.expected{background:#e8f5e9} td.actual{background:#fdecea}
td.expected code,td.actual code{white-space:pre-wrap;word-break:break-word}
ul.chips{list-style:none;margin:0;padding:0} ul.chips li{display:inline-block;margin:1px 4px 1px 0;
padding:0 5px;border-radius:3px;font-size:12px}
p.gate{font-weight:600;color:#b00020}
@page{size:A3 landscape;margin:1cm}
@media print{body{max-width:none;margin:0;font-size:11px}}
"""


def _short(label: str) -> str:
    return label.replace("/v1/Accounts/{AccountSid}", "…")


def _state_order(item: Item) -> int:
    return {"never seen": 0, "failed": 1, "seen": 2}[item.state]


def _cell(item: Item | None) -> str:
    if item is None:
        return "<td class='undocumented'>·</td>"
    if item.state == "never seen":
        return "<td class='never'>never seen</td>"
    if item.state == "failed":
        return f"<td class='failed'>failed {item.failed} of {item.exercised}</td>"
    return f"<td class='seen'>seen {item.exercised}</td>"


def _operations_matrix(coverage: Coverage) -> str:
    """Operations by outcome: one row per operation, one column per documented HTTP status."""
    statuses = coverage.in_group(HTTP_STATUSES)
    if not statuses:
        return ""
    operations = coverage.in_group(OPERATIONS)
    by_key = {i.key: i for i in statuses}
    columns = sorted({i.key.rsplit(" ", 1)[1] for i in statuses})

    def gaps(op: Item) -> tuple[int, int]:
        cells = [by_key.get(f"{op.key} {c}") for c in columns]
        never = sum(1 for c in cells if c is not None and not c.exercised)
        return (-never - (0 if op.exercised else 100), -sum(1 for c in cells if c and c.failed))

    rows = []
    for op in sorted(operations, key=gaps):
        cells = "".join(_cell(by_key.get(f"{op.key} {c}")) for c in columns)
        rows.append(f"<tr><th><code>{escape(_short(op.label))}</code></th>{_cell(op)}{cells}</tr>")
    head = "".join(f"<th>HTTP {escape(c)}</th>" for c in columns)
    return (
        "<table class='matrix'><caption>Operations by outcome (· = not documented for this "
        f"operation)</caption><tr><th>operation</th><th>any answer</th>{head}</tr>"
        + "".join(rows)
        + "</table>"
    )


def _chips(items: list[Item], state: str) -> str:
    if not items:
        return "<td>-</td>"
    chips = "".join(
        f"<li class='{state.split()[0]}'>{escape(_short(i.label))}"
        + (f" ({i.failed}/{i.exercised})" if state == "failed" else "")
        + (f" x{i.exercised}" if state == "seen" else "")
        + "</li>"
        for i in items
    )
    return f"<td><ul class='chips'>{chips}</ul></td>"


def _codes_matrix(coverage: Coverage) -> str:
    """Every other group by never seen / failed / seen, the groups with most gaps first."""
    groups = [g for g in coverage.groups() if g not in (OPERATIONS, HTTP_STATUSES)]
    if not groups:
        return ""
    groups.sort(key=lambda g: -len(coverage.missing([g])))
    rows = []
    for group in groups:
        items = coverage.in_group(group)
        by_state = {
            state: [i for i in items if i.state == state]
            for state in ("never seen", "failed", "seen")
        }
        counts = ", ".join(f"{len(v)} {k}" for k, v in by_state.items())
        rows.append(
            f"<tr><th>{escape(GROUP_TITLES[group])}<br><small>{escape(group)}: {counts}"
            "</small></th>" + "".join(_chips(v, k) for k, v in by_state.items()) + "</tr>"
        )
    return (
        "<table class='codes'><caption>Codes and callbacks by seen / failed / never seen"
        "</caption><tr><th>group</th><th>never seen</th><th>failed</th><th>seen</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def coverage_section(coverage: Coverage | None, gate: Gate) -> str:
    """The coverage summary, the gate's shortfalls and the matrices (gaps first)."""
    if coverage is None:
        return ""
    # the shortfalls; the never-seen items are the matrix's first column
    shortfalls = gate.shortfalls(coverage)
    failed = "".join(f"<p class='gate'>coverage gate failed: {escape(s)}</p>" for s in shortfalls)
    groups = "".join(
        f"<tr><td>{escape(GROUP_TITLES[g])}</td><td>{seen} of {total}</td>"
        f"<td>{total - seen}</td></tr>"
        for g, (seen, total) in coverage.by_group().items()
    )
    return (
        f"<h2 id='coverage'>Coverage: {escape(coverage.summary())}</h2>{failed}"
        "<table class='groups'><tr><th>documented behaviours</th><th>exercised</th>"
        f"<th>never seen</th></tr>{groups}</table>"
        + _operations_matrix(coverage)
        + _codes_matrix(coverage)
    )


def _scenarios(report: RunReport) -> str:
    if not report.outcomes:
        return ""
    order = {"failed": 0, "not run": 1, "passed": 2}
    rows = []
    for o in sorted(report.outcomes, key=lambda o: order[o.status]):
        note = o.reason or (o.violations[0].message if o.violations else o.title)
        css = {"failed": "failed", "not run": "never", "passed": "seen"}[o.status]
        rows.append(
            f"<tr><td><code>{escape(o.id)}</code></td><td><code>{escape(_short(o.operation))}"
            f"</code></td><td class='{css}'>{escape(o.status)}</td><td>{o.requests}</td>"
            f"<td>{escape(note)}</td></tr>"
        )
    return (
        f"<h2 id='scenarios'>{escape(report.unit.capitalize())} ({len(report.outcomes)})</h2>"
        "<table class='scenarios'><tr><th>id</th><th>operation</th><th>outcome</th>"
        "<th>requests</th><th>note</th></tr>" + "".join(rows) + "</table>"
    )


def _failures(report: RunReport) -> str:
    rows = []
    for o in report.outcomes:
        for v in o.violations:
            rows.append(
                f"<tr><td><code>{escape(o.id)}</code></td><td>{escape(v.check)}</td>"
                f"<td><code>{escape(v.pointer or '(body)')}</code></td>"
                f"<td class='expected'><code>{escape(v.expected)}</code></td>"
                f"<td class='actual'><code>{escape(v.actual)}</code></td>"
                f"<td>{escape(v.message)}</td></tr>"
            )
    for r in report.fuzz:
        for f in r.failures:
            first = f.message.strip().splitlines()[0] if f.message.strip() else f.check
            rows.append(
                f"<tr><td><code>fuzz {escape(_short(r.operation))} ({escape(r.mode)})</code>"
                f"</td><td>{escape(f.check)}</td><td>-</td><td class='expected'>-</td>"
                f"<td class='actual'><code>{escape(first)}</code></td>"
                f"<td><code>{escape(f.reproduce)}</code></td></tr>"
            )
    if not rows:
        return "<h2 id='failures'>Failures</h2><p>none</p>"
    return (
        f"<h2 id='failures'>Failures ({len(rows)})</h2><table class='failures'><tr>"
        "<th>scenario</th><th>check</th><th>field</th><th>expected</th><th>actual</th>"
        "<th>message</th></tr>" + "".join(rows) + "</table>"
    )


def _fuzz(report: RunReport) -> str:
    if not report.fuzz:
        return ""
    rows = "".join(
        f"<tr><td><code>{escape(_short(r.operation))}</code></td><td>{escape(r.mode)}</td>"
        f"<td>{r.cases}</td><td class='{'failed' if r.failures else 'seen'}'>"
        f"{escape(', '.join(sorted({f.check for f in r.failures})) or r.status)}</td></tr>"
        for r in report.fuzz
    )
    return (
        "<h2 id='fuzz'>Fuzz (schemathesis)</h2><table class='fuzz'><tr><th>operation</th>"
        f"<th>mode</th><th>cases</th><th>result</th></tr>{rows}</table>"
    )


def render(report: RunReport) -> str:
    """The page (not yet scrubbed: `RunReport.to_html` scrubs it)."""
    verdict = report.verdict()
    css = "bad" if report.failed or report.interrupted or report.uncovered else "ok"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sms-contract report: {escape(verdict.split(":")[0])}</title>
<style>{STYLE}</style></head><body>
<h1 class="{css}">{escape(verdict)}</h1>
<p>target <code>{escape(report.target)}</code>, mode {escape(report.mode)},
started {escape(report.started)}</p>
{coverage_section(report.coverage, report.gate)}
{_failures(report)}
{_scenarios(report)}
{_fuzz(report)}
</body></html>
"""

"""A run's findings, and the forms a person or a CI system reads them in.

Every renderer goes through `RunReport.scrub`, so no credential reaches a terminal, a file or
a log, whatever a target echoes back.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from sms_contract.cassettes.filters import scrub

if TYPE_CHECKING:
    from sms_contract.conformance.fuzz import FuzzResult
    from sms_contract.conformance.runner import Outcome


def short(operation: str) -> str:
    """`POST /v1/Accounts/{AccountSid}/Sms/send` -> `POST …/Sms/send`, for narrow tables."""
    return operation.replace("/v1/Accounts/{AccountSid}", "…")


@dataclass
class RunReport:
    """What a conformance run (`run_conformance`: `check`, `fuzz`, the mutants, the pytest
    suites) found on one target."""

    target: str
    mode: str
    started: str
    outcomes: list[Outcome] = field(default_factory=list)
    fuzz: list[FuzzResult] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    # why the run stopped short of a verdict (the target unreachable, or not an SMS API)
    error: str = ""
    secrets: tuple[str, ...] = field(default=(), repr=False)
    # what one outcome is: a scenario of `check`, an exchange the proxy saw, a callback sent
    unit: str = "scenarios"

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets)

    @property
    def failed(self) -> bool:
        return any(o.status == "failed" for o in self.outcomes) or any(
            r.status == "failed" for r in self.fuzz
        )

    @property
    def exit_code(self) -> int:
        """0 conforms, 1 violations found, 130 interrupted (what finished is still reported)."""
        if self.interrupted:
            return 130
        return 1 if self.failed else 0

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for outcome in self.outcomes:
            out[outcome.status] += 1
        for result in self.fuzz:
            out[f"fuzz {result.status}"] += 1
        out["fuzz cases"] = sum(r.cases for r in self.fuzz)
        out["requests"] = sum(o.requests for o in self.outcomes) + out["fuzz cases"]
        return dict(out)

    def by_operation(self) -> list[tuple[str, int, int, int, list[str]]]:
        """(operation, passed, failed, not run, failing 'check @ field') per operation."""
        rows: dict[str, list[Any]] = {}
        for o in self.outcomes:
            row = rows.setdefault(o.operation, [0, 0, 0, []])
            row[{"passed": 0, "failed": 1, "not run": 2}[o.status]] += 1
            for v in o.violations:
                finding = f"{v.check} @ {v.pointer or '(body)'}"
                if finding not in row[3]:
                    row[3].append(finding)
        return [(op, *row) for op, row in rows.items()]

    def failures(self) -> list[str]:
        """One line per violation: scenario, check, field, message, expected and actual."""
        lines = []
        for o in self.outcomes:
            for v in o.violations:
                lines.append(
                    self.scrub(
                        f"{o.id}: [{v.check}] {v.pointer or '(body)'}: {v.message} "
                        f"(expected {v.expected}, got {v.actual})"
                    )
                )
        for r in self.fuzz:
            for f in r.failures:
                first = f.message.strip().splitlines()[0] if f.message.strip() else f.check
                lines.append(self.scrub(f"fuzz {r.operation} ({r.mode}): [{f.check}] {first}"))
        return lines

    def to_dict(self) -> dict[str, Any]:
        data = {
            "target": self.target,
            "mode": self.mode,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "exit_code": self.exit_code,
            "counts": self.counts(),
            "scenarios": [
                {
                    "id": o.id,
                    "operation": o.operation,
                    "title": o.title,
                    "status": o.status,
                    "reason": o.reason,
                    "requests": o.requests,
                    "seconds": round(o.seconds, 4),
                    "violations": [v.to_dict() for v in o.violations],
                    "accepted": [str(a) for a in o.accepted],
                }
                for o in self.outcomes
            ],
            "fuzz": [
                {
                    "operation": r.operation,
                    "mode": r.mode,
                    "cases": r.cases,
                    "status": r.status,
                    "reason": r.reason,
                    "failures": [
                        {"check": f.check, "message": f.message, "reproduce": f.reproduce}
                        for f in r.failures
                    ],
                }
                for r in self.fuzz
            ],
        }
        scrubbed: dict[str, Any] = json.loads(self.scrub(json.dumps(data)))
        return scrubbed

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_junit(self) -> str:
        """JUnit XML: one testcase per scenario and per fuzzed operation and mode."""
        root = ET.Element("testsuites", name="sms-contract")
        suite = ET.SubElement(root, "testsuite", name="conformance")
        for o in self.outcomes:
            case = ET.SubElement(
                suite, "testcase", classname=o.operation, name=o.id, time=f"{o.seconds:.3f}"
            )
            if o.status == "failed":
                failure = ET.SubElement(
                    case, "failure", message=self.scrub(str(o.violations[0])[:500])
                )
                failure.text = self.scrub("\n".join(map(str, o.violations)))
            elif o.status == "not run":
                ET.SubElement(case, "skipped", message=o.reason)
        fuzz = ET.SubElement(root, "testsuite", name="fuzz")
        for r in self.fuzz:
            case = ET.SubElement(
                fuzz, "testcase", classname=r.operation, name=r.mode, time=f"{r.seconds:.3f}"
            )
            if r.failures:
                failure = ET.SubElement(case, "failure", message=r.failures[0].check)
                failure.text = self.scrub(
                    "\n\n".join(f"{f.message}\n{f.reproduce}" for f in r.failures)
                )
            elif r.reason:
                ET.SubElement(case, "skipped", message=r.reason)
        for element in (suite, fuzz):
            cases = element.findall("testcase")
            element.set("tests", str(len(cases)))
            element.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
            element.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
        return ET.tostring(root, encoding="unicode", xml_declaration=True)

    def verdict(self) -> str:
        counts = self.counts()
        head = "INTERRUPTED" if self.interrupted else ("FAILED" if self.failed else "CONFORMS")
        fuzz = (
            f"fuzz {counts['fuzz cases']} cases, {counts.get('fuzz failed', 0)} operations failed; "
            if self.fuzz or self.unit == "scenarios"
            else ""
        )
        return (
            f"{head}: {counts.get('passed', 0)} {self.unit} passed, {counts.get('failed', 0)} "
            f"failed, {counts.get('not run', 0)} not run; {fuzz}{self.seconds:.1f} s"
        )

    def to_markdown(self) -> str:
        lines = [
            f"# sms-contract report: {self.verdict().split(':')[0]}",
            "",
            f"- target: `{self.target}`, mode: {self.mode}, started {self.started}",
            f"- {self.verdict()}",
            "",
            "| operation | passed | failed | not run | failing checks |",
            "|---|---|---|---|---|",
        ]
        for op, passed, failed, not_run, findings in self.by_operation():
            lines.append(
                f"| `{op}` | {passed} | {failed} | {not_run} | {'; '.join(findings) or '-'} |"
            )
        if self.fuzz:
            lines += ["", "| fuzzed operation | mode | cases | result |", "|---|---|---|---|"]
            for r in self.fuzz:
                result = r.status if not r.failures else ", ".join(f.check for f in r.failures)
                lines.append(f"| `{r.operation}` | {r.mode} | {r.cases} | {result} |")
        failures = self.failures()
        if failures:
            lines += ["", "## Failures", ""] + [f"- {line}" for line in failures]
        skipped = [o for o in self.outcomes if o.status == "not run"]
        if skipped:
            lines += ["", "## Not run", ""] + [f"- {o.id}: {o.reason}" for o in skipped]
        return self.scrub("\n".join(lines) + "\n")

    def to_html(self) -> str:
        """A self-contained page: the verdict first, then the tables, then every failure."""
        verdict = self.verdict()
        colour = "#b00020" if self.failed or self.interrupted else "#1b5e20"
        rows = "".join(
            f"<tr class='{'bad' if failed else 'ok'}'><td><code>{html.escape(op)}</code></td>"
            f"<td>{passed}</td><td>{failed}</td><td>{not_run}</td>"
            f"<td>{html.escape('; '.join(findings)) or '-'}</td></tr>"
            for op, passed, failed, not_run, findings in self.by_operation()
        )
        fuzz_rows = "".join(
            f"<tr class='{'bad' if r.failures else 'ok'}'><td><code>{html.escape(r.operation)}"
            f"</code></td><td>{r.mode}</td><td>{r.cases}</td>"
            f"<td>{html.escape(', '.join(f.check for f in r.failures) or r.status)}</td></tr>"
            for r in self.fuzz
        )
        failures = "".join(f"<li>{html.escape(line)}</li>" for line in self.failures())
        page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>sms-contract report</title>
<style>
body{{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1100px}}
h1{{color:{colour}}} table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}
tr.bad td{{background:#fdecea}} code{{font-size:12px}}
</style></head><body>
<h1>{html.escape(verdict)}</h1>
<p>target <code>{html.escape(self.target)}</code>, mode {html.escape(self.mode)},
started {html.escape(self.started)}</p>
<table><tr><th>operation</th><th>passed</th><th>failed</th><th>not run</th>
<th>failing checks</th></tr>{rows}</table>
<table><tr><th>fuzzed operation</th><th>mode</th><th>cases</th><th>result</th></tr>
{fuzz_rows}</table>
<h2>Failures</h2><ul>{failures or "<li>none</li>"}</ul>
</body></html>
"""
        return self.scrub(page)

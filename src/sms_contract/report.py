"""A run's findings, and the forms a person or a CI system reads them in.

Every renderer goes through `RunReport.scrub`, so no credential reaches a terminal, a file or
a log, whatever a target echoes back.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from sms_contract.cassettes.filters import scrub, scrub_data
from sms_contract.checks.coverage import Coverage, Gate

if TYPE_CHECKING:
    from sms_contract.conformance.fuzz import FuzzResult
    from sms_contract.conformance.outcome import Outcome


# the exit code of a run that checked nothing (every scenario "not run", no fuzz case sent, no
# exchange, no interaction): never 0, and not 1 either, since nothing was found wrong; pytest
# uses the same code when it collected no test
EXIT_NOTHING_CHECKED = 5


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
    # the documented behaviours the run exercised, and the gate on them (report-only if empty)
    coverage: Coverage | None = None
    gate: Gate = field(default_factory=Gate)
    # the fuzz pass's hypothesis seed: `--seed` with it sends the same cases again
    fuzz_seed: int = 0

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets)

    @property
    def failed(self) -> bool:
        return any(o.status == "failed" for o in self.outcomes) or any(
            r.status == "failed" for r in self.fuzz
        )

    @property
    def uncovered(self) -> bool:
        """The coverage gate failed: something it requires was never exercised."""
        return self.coverage is not None and bool(self.gate.shortfalls(self.coverage))

    def gate_lines(self) -> list[str]:
        """What a failed coverage gate says (empty when it passed or there is none)."""
        return [] if self.coverage is None else self.gate.explain(self.coverage)

    @property
    def checked(self) -> int:
        """What was actually checked: the outcomes that ran, and the fuzz cases sent."""
        return sum(o.status != "not run" for o in self.outcomes) + sum(r.cases for r in self.fuzz)

    @property
    def exit_code(self) -> int:
        """0 conforms, 1 violations found or the coverage gate failed, 5 nothing was checked
        (a gate that checked nothing is never green), 130 interrupted (what finished is still
        reported)."""
        if self.interrupted:
            return 130
        if self.failed or self.uncovered:
            return 1
        return 0 if self.checked else EXIT_NOTHING_CHECKED

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
            "fuzz_seed": self.fuzz_seed,
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
        if self.coverage is not None:
            data["coverage"] = self.coverage.to_dict()
            data["coverage_gate"] = {
                "min_coverage": self.gate.min_percent,
                "require_coverage": list(self.gate.groups),
                "passed": not self.uncovered,
                "shortfalls": self.gate.shortfalls(self.coverage),
                "never_exercised": [i.key for i in self.gate.missing(self.coverage)]
                if self.uncovered
                else [],
            }
        scrubbed: dict[str, Any] = scrub_data(data, self.secrets)
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
        suites = [suite, fuzz]
        if self.coverage is not None and self.gate:
            gate = ET.SubElement(root, "testsuite", name="coverage")
            case = ET.SubElement(gate, "testcase", classname="coverage", name="gate")
            lines = self.gate_lines()
            if lines:
                failure = ET.SubElement(case, "failure", message=lines[0])
                failure.text = "\n".join(lines)
            suites.append(gate)
        for element in suites:
            cases = element.findall("testcase")
            element.set("tests", str(len(cases)))
            element.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
            element.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
        return ET.tostring(root, encoding="unicode", xml_declaration=True)

    def verdict(self) -> str:
        counts = self.counts()
        head = (
            "INTERRUPTED"
            if self.interrupted
            else "FAILED"
            if self.failed
            else "NOT COVERED"
            if self.uncovered
            else "CONFORMS"
            if self.checked
            else "NOTHING CHECKED"
        )
        fuzz = (
            f"fuzz {counts['fuzz cases']} cases (seed {self.fuzz_seed}), "
            f"{counts.get('fuzz failed', 0)} operations failed; "
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
            *([f"- coverage: {self.coverage.summary()}"] if self.coverage else []),
            *[f"- {line}" for line in self.gate_lines()[:1]],
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
        if self.coverage is not None:
            lines += ["", "## Coverage", "", self.coverage.summary(), ""]
            lines += ["| group | exercised | of | failed |", "|---|---|---|---|"]
            for group, (seen, total) in self.coverage.by_group().items():
                failed = sum(1 for i in self.coverage.in_group(group) if i.failed)
                lines.append(f"| {group} | {seen} | {total} | {failed} |")
            missing = self.coverage.missing()
            if missing:
                lines += ["", "Never exercised:", ""]
                lines += [f"- {item.group}: `{item.label}`" for item in missing]
        return self.scrub("\n".join(lines) + "\n")

    def to_html(self) -> str:
        """One self-contained page: verdict, coverage matrix (gaps first), one row per
        scenario, and each failure's expected and actual side by side."""
        from sms_contract.report_html import render

        return self.scrub(render(self))

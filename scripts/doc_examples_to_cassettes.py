"""Write the reference documents' example exchanges as vcrpy cassettes in cassettes/reference-docs/.

The transcription (verbatim bodies, file and lines, the decided outcome) lives in
tests/data/doc_examples.yaml; this script only changes its form. Each cassette carries its
provenance and the expected outcome per mode under `metadata`, which the replay suite asserts.

    python scripts/doc_examples_to_cassettes.py          # (re)write
    python scripts/doc_examples_to_cassettes.py --check  # exit 1 if the files are stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "data" / "doc_examples.yaml"
OUT = ROOT / "cassettes" / "reference-docs"


def cassette(example: dict[str, Any]) -> dict[str, Any]:
    request_body = example.get("request")
    request_headers: dict[str, list[str]] = {"host": [urlsplit(example["url"]).netloc]}
    if request_body:
        request_headers["content-type"] = ["application/x-www-form-urlencoded"]
    return {
        "interactions": [
            {
                "request": {
                    "body": request_body,
                    "headers": request_headers,
                    "method": example["method"],
                    "uri": example["url"],
                },
                "response": {
                    "body": {"string": example["body"]},
                    "headers": {"content-type": [example["content_type"]]},
                    "status": {"code": example["status"], "message": ""},
                },
            }
        ],
        "metadata": {
            "provenance": {
                "transcribed_from": f"../shared/reference/{example['file']}",
                "lines": example["lines"],
                "example": example["id"],
                "note": "the request is not in the docs: it is what a client would have sent",
            },
            "expect": {
                "strict": example["strict"],
                "tolerant": example["tolerant"],
                "checks": example.get("checks", []),
                "reason": example.get("reason", ""),
            },
        },
        "version": 1,
    }


def render(example: dict[str, Any]) -> str:
    return yaml.safe_dump(cassette(example), sort_keys=False, allow_unicode=True, width=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    examples = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))["examples"]
    wanted = {f"{e['id']}.yaml": render(e) for e in examples if e["kind"] == "response"}
    stale = [
        name
        for name, text in wanted.items()
        if not (OUT / name).exists() or (OUT / name).read_text(encoding="utf-8") != text
    ]
    extra = (
        sorted(p.name for p in OUT.glob("*.yaml") if p.name not in wanted) if OUT.exists() else []
    )
    if args.check:
        for name in stale + extra:
            print(f"stale: cassettes/reference-docs/{name}")
        return 1 if stale or extra else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name in extra:
        (OUT / name).unlink()
    for name, text in wanted.items():
        (OUT / name).write_text(text, encoding="utf-8")
    print(f"{len(wanted)} cassettes in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

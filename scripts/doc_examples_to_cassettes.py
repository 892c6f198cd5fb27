"""Write every request sample of the Exotel page as vcrpy cassettes in cassettes/reference-docs/.

The transcription lives in tests/data/doc_samples.yaml: each request sample's wire form, the
sample numbers of its section's JSON and XML answers, and the outcome decided for each answer.
The answer bodies are read verbatim from the copy of the code samples
(tests/data/reference/exotel-sms-api-code-samples.txt). One cassette per request sample and
answer format: the XML answer to the request as printed, the JSON answer to the same request
with `.json` appended (the document: "just append .json"). Each carries both sample numbers and
the expected outcome per mode under `metadata`, which the replay suite asserts.

    python scripts/doc_examples_to_cassettes.py          # (re)write
    python scripts/doc_examples_to_cassettes.py --check  # exit 1 if the files are stale
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "data" / "doc_samples.yaml"
SAMPLES = ROOT / "tests" / "data" / "reference" / "exotel-sms-api-code-samples.txt"
OUT = ROOT / "cassettes" / "reference-docs"
# <subdomain> of the Singapore cluster (exotel-sms-api.txt line 21); <your_sid> as the answers
# name the account
HOST = "api.exotel.com"
ACCOUNT = "Exotel"
_HEADING = re.compile(r'^--- sample (\d+): section "(.*)", tab "(.*)" ---\n', re.M)


def code_samples() -> dict[int, tuple[str, str, str]]:
    """Sample number -> (section, tab, text) of the code samples file."""
    parts = _HEADING.split(SAMPLES.read_text(encoding="utf-8"))
    return {
        int(parts[i]): (parts[i + 1], parts[i + 2], parts[i + 3].strip("\n"))
        for i in range(1, len(parts), 4)
    }


def cassette(request: dict[str, Any], answer: int, outcome: dict[str, Any]) -> dict[str, Any]:
    samples = code_samples()
    section, tab, _ = samples[request["sample"]]
    suffix = ".json" if outcome["format"] == "json" else ""
    uri = f"https://{HOST}/v1/Accounts/{ACCOUNT}{request['path']}{suffix}"
    body = request.get("body")
    headers: dict[str, list[str]] = {"host": [HOST]}
    if body is not None:
        headers["content-type"] = ["application/x-www-form-urlencoded"]
    media = "application/json" if outcome["format"] == "json" else "application/xml"
    provenance: dict[str, Any] = {
        "transcribed_from": "../shared/reference/exotel-sms-api-code-samples.txt",
        "section": section,
        "request_sample": request["sample"],
        "request_tab": tab,
        "response_sample": answer,
    }
    if suffix:
        provenance["url"] = "the sample's URL with .json appended, for the JSON answer"
    if "note" in request:
        provenance["note"] = request["note"]
    return {
        "interactions": [
            {
                "request": {
                    "body": body,
                    "headers": headers,
                    "method": request["method"],
                    "uri": uri,
                },
                "response": {
                    "body": {"string": samples[answer][2]},
                    "headers": {"content-type": [media]},
                    "status": {"code": outcome["status"], "message": ""},
                },
            }
        ],
        "metadata": {
            "provenance": provenance,
            "expect": {
                "strict": outcome["strict"],
                "tolerant": outcome["tolerant"],
                "accepted": outcome.get("accepted", []),
                "checks": outcome.get("checks", []),
                "reason": outcome.get("reason", ""),
            },
        },
        "version": 1,
    }


def wanted() -> dict[str, str]:
    """File name -> text of every cassette the transcription defines."""
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    out = {}
    for request in data["requests"]:
        for answer in request["responses"]:
            outcome = data["responses"][answer]
            name = (
                f"sample-{request['sample']:02d}-{request['tab'].lower()}-{outcome['format']}.yaml"
            )
            out[name] = yaml.safe_dump(
                cassette(request, answer, outcome), sort_keys=False, allow_unicode=True, width=100
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    files = wanted()
    stale = [
        name
        for name, text in files.items()
        if not (OUT / name).exists() or (OUT / name).read_text(encoding="utf-8") != text
    ]
    extra = (
        sorted(p.name for p in OUT.glob("*.yaml") if p.name not in files) if OUT.exists() else []
    )
    if args.check:
        for name in stale + extra:
            print(f"stale: cassettes/reference-docs/{name}")
        return 1 if stale or extra else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name in extra:
        (OUT / name).unlink()
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
    print(f"{len(files)} cassettes in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The contract's citations of the provider documents point at lines that say what is cited.

Schemas, registries, the OpenAPI documents, the docs and the code cite the reference documents
by line ("E.164 (lines 51-52)", "line 415 (and 789, ...)", "seed line 1") and the Exotel code
samples by number ("code sample 37"). Two checks keep them true, from tests/data/reference alone:

- every cited line of a document exists in it, every cited range runs forward and every cited
  code sample exists (the document a citation names, or else the one its file is about);
- a curated table of citations, each with the words its lines must hold, so a citation that
  drifts, or a document copy that changes, fails here with the line it now points at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "data" / "reference"

EXOTEL = "exotel-sms-api.txt"
SAMPLES = "exotel-sms-api-code-samples.txt"
BANDWIDTH = "bandwidth-message-failed.txt"
HUBBUCS = "crm-phone-api-sms-callback.txt"
MOBIZON = "mobizon-api-codes-and-statuses.txt"
DOCUMENTS = (EXOTEL, SAMPLES, BANDWIDTH, HUBBUCS, MOBIZON)
# the reference folder's own README (what the vendor SDK, the clients and other public pages
# say), cited as "reference/README.md": its copy here is reference-README.md
# (tests/data/reference/README.md says what the folder holds)
README = "README"
README_COPY = "reference-README.md"

# "line 59", "lines 72-125", "lines 50 and 64", "lines 133, 807, 991, 1603", "seed line 1"
CITATION = re.compile(r"\b(seed )?lines? (\d+(?:-\d+)?(?:(?:,? and |, )\d+(?:-\d+)?)*)\b")
SAMPLE_CITATION = re.compile(
    r"\b(?:code samples?|code-samples\.txt, samples?) (\d+(?:-\d+)?(?:(?:,? and |, )\d+(?:-\d+)?)*)\b"
)
NAMED = re.compile("|".join(re.escape(d) for d in DOCUMENTS) + r"|\bREADME\b")
NAME_WINDOW = 200  # a document named this far before a citation is the one it cites
README_WINDOW = 60  # the README only when named right before (its facts sit beside the others)


def _lines(document: str) -> list[str]:
    """The document's lines, each run of spaces (the page's no-break spaces too) made one space."""
    return [
        re.sub(r"[ \xa0]+", " ", line) for line in (REFERENCE / document).read_text().splitlines()
    ]


def _groups(spec: str) -> list[tuple[int, int]]:
    """'133, 807, 22-24' -> [(133, 133), (807, 807), (22, 24)]."""
    groups = []
    for part in re.split(r",? and |, ", spec):
        first, _, last = part.partition("-")
        groups.append((int(first), int(last or first)))
    return groups


def _default_document(path: Path) -> str:
    """The document a file is about, for a citation that names none."""
    rel = path.relative_to(ROOT).as_posix()
    for marker, document in (
        ("bandwidth", BANDWIDTH),
        ("hubbucs", HUBBUCS),
        ("mobizon", MOBIZON),
    ):
        if marker in rel:
            return document
    return EXOTEL


@dataclass(frozen=True)
class Citation:
    path: Path
    line: int  # of the citing file
    text: str
    document: str  # README: the reference folder's README (README_COPY)
    groups: tuple[tuple[int, int], ...]

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.text!r} ({self.document})"


def _cited_document(text: str, start: int, seed: bool, path: Path) -> str:
    if seed:
        return MOBIZON
    names = [m for m in NAMED.finditer(text, max(0, start - NAME_WINDOW), start)]
    for name in reversed(names):
        if name.group() != README:
            return name.group()
        if start - name.end() <= README_WINDOW:
            return README
    return _default_document(path)


def _citing_files() -> Iterator[Path]:
    yield from sorted((ROOT / "schemas").rglob("*.json"))
    yield from sorted((ROOT / "schemas").rglob("*.yaml"))
    yield from sorted(ROOT.glob("openapi*.yaml"))
    yield from sorted((ROOT / "docs").rglob("*.md"))
    yield from sorted((ROOT / "src").rglob("*.py"))
    yield from sorted((ROOT / "scripts").rglob("*.py"))


def _citations() -> list[Citation]:
    found = []
    for path in _citing_files():
        text = path.read_text()
        for match in CITATION.finditer(text):
            document = _cited_document(text, match.start(), bool(match.group(1)), path)
            found.append(
                Citation(
                    path,
                    text.count("\n", 0, match.start()) + 1,
                    match.group(),
                    document,
                    tuple(_groups(match.group(2))),
                )
            )
    return found


def test_every_cited_line_exists_in_its_document() -> None:
    citations = _citations()
    assert len(citations) >= 90, "the citation pattern no longer finds the citations"
    lengths = {d: len(_lines(d)) for d in DOCUMENTS}
    lengths[README] = len(_lines(README_COPY))
    wrong = [
        str(c)
        for c in citations
        if any(not 1 <= first <= last <= lengths[c.document] for first, last in c.groups)
    ]
    assert not wrong, "citations past the end of their document or backwards:\n" + "\n".join(wrong)


def test_every_cited_code_sample_exists() -> None:
    numbers = [
        int(n) for n in re.findall(r"^--- sample (\d+):", (REFERENCE / SAMPLES).read_text(), re.M)
    ]
    assert numbers == list(range(1, len(numbers) + 1))
    cited = 0
    for path in _citing_files():
        for match in SAMPLE_CITATION.finditer(path.read_text()):
            for first, last in _groups(match.group(1)):
                cited += 1
                assert 1 <= first <= last <= len(numbers), (
                    f"{path.relative_to(ROOT)}: {match.group()}"
                )
    assert cited >= 10


def _sample(number: int) -> str:
    text = (REFERENCE / SAMPLES).read_text()
    body = text.split(f"--- sample {number}:", 1)[1]
    return body.split("\n--- sample ", 1)[0]


# (citing file, the citation as it stands there, the cited document, the words the cited lines
# hold: one tuple for every line or range cited, or a single tuple that each of them holds)
CURATED: list[tuple[str, str, str, tuple[tuple[str, ...], ...]]] = [
    # Exotel: the send parameters, the response fields
    (
        "schemas/exotel/common.json",
        "no time zone (exotel-sms-api.txt line 195)",
        EXOTEL,
        (("Time in format YYYY-MM-DD HH:mm:ss",),),
    ),
    (
        "schemas/exotel/common.json",
        "unique identifier (line 187)",
        EXOTEL,
        (("an alpha-numeric unique identifier of the SMS",),),
    ),
    (
        "schemas/exotel/common.json",
        "preferably E.164 (lines 51-52)",
        EXOTEL,
        (("Preferably in", "E.164 format"),),
    ),
    (
        "schemas/exotel/common.json",
        "(line 56), but",
        EXOTEL,
        (("Max Length of the body cannot exceed 2000 characters",),),
    ),
    (
        "schemas/exotel/common.json",
        "FAILED_INVALID_MESSAGE (line 320)",
        EXOTEL,
        (("2000 characters may also end in this state",),),
    ),
    (
        "schemas/exotel/common.json",
        "Indian routes (line 403)",
        EXOTEL,
        (("exceeded the maximum allowed length of 2000 characters",),),
    ),
    (
        "schemas/exotel/common.json",
        "DLT SMS type (lines 152-164)",
        EXOTEL,
        (("SmsType", "transactional", "transactional_opt_in", "promotional"),),
    ),
    (
        "schemas/exotel/common.json",
        "Message encoding (lines 60-63)",
        EXOTEL,
        (("EncodingType", "plain or unicode"),),
    ),
    (
        "schemas/exotel/common.json",
        "SMS priority (lines 169-171)",
        EXOTEL,
        (("Priority", "normal or high"),),
    ),
    (
        "schemas/exotel/common.json",
        "bracket notation (lines 70-125)",
        EXOTEL,
        (
            (
                "ShortenUrlParams\n[Header]",
                "[CustomDomain]",
                "[Tracking]",
                "[ClickTrackingCallbackUrl]",
                "[TimeToExpiry]",
                "365 days",
            ),
        ),
    ),
    (
        "schemas/exotel/common.json",
        "1 to 365 days (lines 124-125)",
        EXOTEL,
        (("duration(minutes)", "Minimum is 1 minute", "max. value is  365 days"),),
    ),
    (
        "schemas/exotel/common.json",
        "FAILED_MISSING_BODY (lines 1663-1664)",
        EXOTEL,
        (('"DetailedStatusCode": 23000', '"FAILED_MISSING_BODY"'),),
    ),
    (
        "schemas/exotel/send-request.json",
        "(exotel-sms-api.txt lines 34-171, 904-1028)",
        EXOTEL,
        (
            (
                "Specify one of your ExoPhone",
                "ShortenUrlParams",
                "StatusCallback",
                "Priority of the SMS",
            ),
        ),
    ),
    (
        "schemas/exotel/send-request.form.json",
        "(exotel-sms-api.txt lines 34-171, 904-1028)",
        EXOTEL,
        (("Specify one of your ExoPhone", "Priority of the SMS"),),
    ),
    (
        "schemas/exotel/bulksend-request.json",
        "(lines 1462-1622)",
        EXOTEL,
        (
            (
                "Send Bulk SMS With Dynamic Content",
                "Will be used in cases where From is missing",
                "If not provided, will use outer From",
                "Priority of the SMS",
            ),
        ),
    ),
    (
        "schemas/exotel/sms-message.json",
        "(exotel-sms-api.txt lines 181-224)",
        EXOTEL,
        (('{ "SMSMessage"', "Description of parameters", "SmsUnits\nThe number of  SMS units"),),
    ),
    ("schemas/exotel/bulk-response.json", "(lines 1038, 1634)", EXOTEL, (('[ { "SMSMessage"',),)),
    (
        "schemas/exotel/bulk-response.json",
        "(lines 1041-1048)",
        EXOTEL,
        (("HTTP Response (Partial success)", "status code will be 207"),),
    ),
    # Exotel: the callbacks
    (
        "schemas/exotel/click-tracking-callback.json",
        "is clicked (lines 91-120)",
        EXOTEL,
        (("[ClickTrackingCallbackUrl]", "sid - ", "Platform type - "),),
    ),
    (
        "schemas/exotel/click-tracking-callback.json",
        'parameters\\", line 95)',
        EXOTEL,
        (("Below are the parameters",),),
    ),
    (
        "schemas/exotel/click-tracking-callback.json",
        'ISO format\\" (lines 102-108)',
        EXOTEL,
        (
            (
                "Expires_at -  Date Time in ISO format",
                "Created_time",
                "Last_viewed",
                "Date_created - Date Time in ISO format",
            ),
        ),
    ),
    (
        "schemas/exotel/status-callback.json",
        "(lines 126-138, 790-815)",
        EXOTEL,
        (("StatusCallback", "SmsSid", "DateSent", "SmsUnits"),),
    ),
    (
        "schemas/exotel/status-callback.json",
        "(lines 133, 807, 991, 1603)",
        EXOTEL,
        (("one of: queued, sending, submitted, sent, failed-dnd, failed",),),
    ),
    ("schemas/exotel/status-callback.json", "(lines 128, 790)", EXOTEL, (("terminal state",),)),
    (
        "schemas/registries/exotel-callbacks.yaml",
        "(exotel-sms-api.txt lines 128-138)",
        EXOTEL,
        (("application/x-www-form-urlencoded", "SmsSid -", "CustomField -"),),
    ),
    # Exotel: the tables
    (
        "schemas/registries/exotel-statuses.yaml",
        "response field table (lines 202-220)",
        EXOTEL,
        (("Status\nCan be of:", "failed - ", "Direction", "outbound-reply - "),),
    ),
    (
        "schemas/registries/exotel-statuses.yaml",
        "StatusCallback fires, lines 790-795",
        EXOTEL,
        (("terminal state", "sent", "failed", "failed-dnd"),),
    ),
    (
        "schemas/registries/exotel-http-errors.yaml",
        "POST table lines 417-527",
        EXOTEL,
        (("POST (/send, /bulksend) API error codes:", "This method is not supported"),),
    ),
    (
        "schemas/registries/exotel-http-errors.yaml",
        "lines 528-565",
        EXOTEL,
        (
            (
                "POST (/send, /bulksend) and /GET (/sms) error codes:",
                "Bad or missing parameters in request.",
            ),
        ),
    ),
    (
        "schemas/registries/exotel-http-errors.yaml",
        "GET table lines 816-833",
        EXOTEL,
        (("GET (/sms) error codes:", "40501"),),
    ),
    (
        "schemas/registries/exotel-http-errors.yaml",
        "no request error: line 320",
        EXOTEL,
        (("2000 characters may also end in this state",),),
    ),
    (
        "schemas/registries/exotel-detailed-status-codes.yaml",
        "table, lines 225-415",
        EXOTEL,
        (("Mapping and Description of status codes", "23281", "reserved for future"),),
    ),
    (
        "schemas/registries/exotel-detailed-status-codes.yaml",
        "(lines 415, 789, 1311, 1919)",
        EXOTEL,
        (("range of 23084-24000 are reserved for future",),),
    ),
    (
        "schemas/registries/exotel-detailed-status-codes.yaml",
        "example, lines 1644-1691",
        EXOTEL,
        (("FAILED_MISSING_BODY", "Hello World two"),),
    ),
    (
        "schemas/registries/sms-encoding.yaml",
        "exotel-sms-api.txt line 320",
        EXOTEL,
        (("160 GSM 7-bit characters, or 70 unicode 16-bit characters into multipart SMS",),),
    ),
    (
        "schemas/registries/sms-encoding.yaml",
        "line 414:",
        EXOTEL,
        (("In case EncodingType is not set, then it will auto detect",),),
    ),
    # Exotel: the recorded variants and decisions
    (
        "schemas/registries/variants.yaml",
        "lines 181 and 602 send",
        EXOTEL,
        (('"DetailedStatusCode": "21010"',), ('"DetailedStatusCode": "21020"',)),
    ),
    (
        "schemas/registries/variants.yaml",
        "lines 1038, 1048, 1634 send integers",
        EXOTEL,
        (('"DetailedStatusCode": 2',),),
    ),
    (
        "schemas/registries/variants.yaml",
        "line 1635 (dynamic bulk XML example)",
        EXOTEL,
        (("<SMSUnits/>",),),
    ),
    (
        "schemas/registries/variants.yaml",
        "lines 822-825 document 200",
        EXOTEL,
        (("SID not found in GET call\n200\n-\nNo matching results",),),
    ),
    (
        "openapi.yaml",
        "'No matching results' (lines 822-825)",
        EXOTEL,
        (("SID not found in GET call\n200\n-\nNo matching results",),),
    ),
    (
        "openapi.yaml",
        "Exotel clusters (lines 20-22)",
        EXOTEL,
        (("Singapore cluster is @api.exotel.com", "Mumbai cluster is @api.in.exotel.com"),),
    ),
    (
        "schemas/registries/variants.yaml",
        "<SmsSid> (lines 5, 569, 1466)",
        EXOTEL,
        (("/Sms/send",), ("/SMS/Messages/<SmsSid>",), ("/Sms/bulksend",)),
    ),
    (
        "schemas/registries/variants.yaml",
        "exotel-sms-api.txt lines 1663-1664",
        EXOTEL,
        (('"DetailedStatusCode": 23000', "FAILED_MISSING_BODY"),),
    ),
    (
        "schemas/registries/variants.yaml",
        "400 40201 (line 452)",
        EXOTEL,
        (("Message body for bulk send is invalid",),),
    ),
    (
        "schemas/registries/variants.yaml",
        "exotel-sms-api.txt lines 456 and 476",
        EXOTEL,
        (("Invalid (Array) message body",), ("Request parameter passed as array",)),
    ),
    (
        "schemas/registries/variants.yaml",
        "exotel-sms-api.txt lines 56, 320, 403",
        EXOTEL,
        (
            ("cannot exceed 2000 characters",),
            ("may also end in this state",),
            ("maximum allowed length of 2000 characters",),
        ),
    ),
    (
        "schemas/registries/variants.yaml",
        "exotel-sms-api.txt lines 131-138",
        EXOTEL,
        (("SmsSid - ", "SmsUnits - ", "DateSent - "),),
    ),
    (
        "schemas/registries/variants.yaml",
        "exotel-sms-api.txt lines 524, 537-550, 830",
        EXOTEL,
        (
            ("unrecognized SMS endpoint",),
            (
                "40500",
                "Unsupported API version",
                "Accounts missing from URL",
                "Account sid missing from URL",
            ),
            ("unrecognized SMS endpoint",),
        ),
    ),
    (
        "schemas/registries/variants.yaml",
        "exotel-sms-api.txt lines 95-120",
        EXOTEL,
        (("Below are the parameters", "Date Time in ISO format", "Platform type"),),
    ),
    (
        "schemas/registries/variants.yaml",
        "exotel-sms-api.txt lines 1500-1512",
        EXOTEL,
        (("From\nOptional", "If not set, default approved SENDER ID as per account will be used"),),
    ),
    (
        "schemas/registries/variants.yaml",
        "exotel-sms-api.txt line 191 and",
        EXOTEL,
        (("It is of format <VN>/<SenderID>",),),
    ),
    (
        "schemas/registries/variants.yaml",
        "exotel-sms-api.txt line 125",
        EXOTEL,
        (("Minimum is 1 minute",),),
    ),
    # Exotel: the docs and the code
    (
        "docs/modes.md",
        "JSON examples, lines 181 and 602",
        EXOTEL,
        (('"DetailedStatusCode": "21010"',), ('"DetailedStatusCode": "21020"',)),
    ),
    ("docs/modes.md", "XML example, line 1635", EXOTEL, (("<SMSUnits/>",),)),
    (
        "docs/modes.md",
        'can be expanded" (line 415)',
        EXOTEL,
        (("23084-24000 are reserved for future and can be expanded",),),
    ),
    (
        "docs/modes.md",
        "partial-success example (line 1663)",
        EXOTEL,
        (('"DetailedStatusCode": 23000',),),
    ),
    (
        "docs/coverage.md",
        "line 524) is the answer",
        EXOTEL,
        (("POST API call to an unrecognized SMS endpoint",),),
    ),
    (
        "docs/depth.md",
        '16-bit characters", line 320',
        EXOTEL,
        (("70 unicode 16-bit characters into multipart SMS",),),
    ),
    (
        "src/sms_contract/checks/semantic.py",
        '"1970-01-01 05:30:00", line 602',
        EXOTEL,
        (('"DateSent": "1970-01-01 05:30:00"',),),
    ),
    (
        "src/sms_contract/contract/paths.py",
        "(lines 524, 537-550,",
        EXOTEL,
        (
            ("unrecognized SMS endpoint",),
            ("Api call to v1/Accounts/exotel42us3/Sms", "Account sid missing from URL"),
        ),
    ),
    (
        "src/sms_contract/simulator/routes.py",
        "From = '080XXXXXX'\" (line 37)",
        EXOTEL,
        (("ExoPhone: From = '080XXXXXX'",),),
    ),
    (
        "src/sms_contract/simulator/routes.py",
        'as per account" (line 1512)',
        EXOTEL,
        (("If not set, default approved SENDER ID as per account will be used",),),
    ),
    (
        "src/sms_contract/simulator/routes.py",
        "own From wins (line 1518)",
        EXOTEL,
        (("If not provided, will use outer From",),),
    ),
    (
        "src/sms_contract/simulator/routes.py",
        'message body" is 40202 (line 456)',
        EXOTEL,
        (("Invalid (Array) message body",),),
    ),
    (
        "src/sms_contract/simulator/routes.py",
        "array is 40207 (line 476)",
        EXOTEL,
        (("Request parameter passed as array and not as a string",),),
    ),
    (
        "src/sms_contract/simulator/routes.py",
        "without a Body (line 1652)",
        EXOTEL,
        (("0XXXXX30240",),),
    ),
    (
        "src/sms_contract/simulator/routes.py",
        "invalid destination (line 1048",
        EXOTEL,
        (('"To": null', '"DetailedStatusCode": 23010'),),
    ),
    (
        "src/sms_contract/simulator/routes.py",
        '365 days" (line 125)',
        EXOTEL,
        (("Minimum is 1 minute", "max. value is 365 days"),),
    ),
    (
        "src/sms_contract/conformance/triggers.py",
        "in 23070 (line 320)",
        EXOTEL,
        (("may also end in this state",),),
    ),
    (
        "scripts/doc_examples_to_cassettes.py",
        "(exotel-sms-api.txt line 21)",
        EXOTEL,
        (("<subdomain> of Singapore cluster is @api.exotel.com",),),
    ),
    # Bandwidth
    (
        "schemas/bandwidth/callback.json",
        "(bandwidth-message-failed.txt lines 58-83)",
        BANDWIDTH,
        (('"type"          : "message-failed"', '"segmentCount"  : 1'),),
    ),
    (
        "schemas/bandwidth/callback-event.json",
        "(bandwidth-message-failed.txt lines 24-46)",
        BANDWIDTH,
        (("Parameters", "type string The Event type", "message.segmentCount"),),
    ),
    (
        "schemas/bandwidth/callback-event.json",
        '(if any)\\" (line 29)',
        BANDWIDTH,
        (("errorCode integer The error code (if any)",),),
    ),
    (
        "schemas/bandwidth/callback-event.json",
        'message receipt\\" (line 31)',
        BANDWIDTH,
        (("to string The destination number for an outbound message receipt",),),
    ),
    (
        "schemas/bandwidth/message.json",
        "(bandwidth-message-failed.txt lines 32-46, 65-81)",
        BANDWIDTH,
        (
            ("message.id string", "message.segmentCount"),
            ('"message"       : {', '"segmentCount"  : 1'),
        ),
    ),
    (
        "schemas/bandwidth/message.json",
        "is listed (line 46)",
        BANDWIDTH,
        (("message.segmentCount int",),),
    ),
    (
        "schemas/bandwidth/message.json",
        "in the example (line 80)",
        BANDWIDTH,
        (('"segmentCount"  : 1',),),
    ),
    (
        "schemas/registries/bandwidth-callbacks.yaml",
        "bandwidth-message-failed.txt lines 50 and 64",
        BANDWIDTH,
        (("Example Error (4432 - forbidden to country)",), ('"errorCode"     : 4432',)),
    ),
    (
        "schemas/registries/variants.yaml",
        "bandwidth-message-failed.txt lines 46 and 80",
        BANDWIDTH,
        (("segmentCount",),),
    ),
    (
        "schemas/registries/variants.yaml",
        "bandwidth-message-failed.txt line 29",
        BANDWIDTH,
        (("The error code (if any)",),),
    ),
    (
        "schemas/registries/variants.yaml",
        "bandwidth-message-failed.txt line 31",
        BANDWIDTH,
        (("for an outbound message receipt",),),
    ),
    (
        "schemas/registries/variants.yaml",
        "(line 30 lists it",
        BANDWIDTH,
        (("description string A detailed description",),),
    ),
    # HubBucs
    (
        "schemas/hubbucs/callback.json",
        "(crm-phone-api-sms-callback.txt lines 57-78)",
        HUBBUCS,
        (
            (
                "report the status of a failed delivery",
                "Content-Type: application/json; charset=utf-8",
                '"description":',
            ),
        ),
    ),
    (
        "schemas/hubbucs/callback.json",
        "parameter table (lines 58-65)",
        HUBBUCS,
        (
            (
                "Parameters | Sample | Description |",
                "message_id |",
                "errorCode | 205 |",
                "description | string |",
            ),
        ),
    ),
    (
        "schemas/registries/hubbucs-callbacks.yaml",
        "parameter table lines 58-65",
        HUBBUCS,
        (("Parameters | Sample | Description |", "description | string |"),),
    ),
    (
        "schemas/registries/hubbucs-callbacks.yaml",
        "example lines 66-78",
        HUBBUCS,
        (("Example:", '"type":"message-failed"', '"description":'),),
    ),
    (
        "schemas/registries/hubbucs-callbacks.yaml",
        "crm-phone-api-sms-callback.txt line 64",
        HUBBUCS,
        (("errorCode | 205 |",),),
    ),
    (
        "schemas/registries/variants.yaml",
        "crm-phone-api-sms-callback.txt line 76",
        HUBBUCS,
        (('"errorCode":"The error code (if any)',),),
    ),
    (
        "schemas/registries/variants.yaml",
        "crm-phone-api-sms-callback.txt lines 58-65",
        HUBBUCS,
        (("type | message-failed", "errorCode |", "description |"),),
    ),
    # Mobizon
    (
        "schemas/mobizon/response-envelope.json",
        "(mobizon-api-codes-and-statuses.txt line 1)",
        MOBIZON,
        (("returns an array consisting of three fields",),),
    ),
    (
        "openapi-mobizon.yaml",
        "(seed line 1)",
        MOBIZON,
        (("returns an array consisting of three fields",),),
    ),
    (
        "schemas/mobizon/result-data.json",
        "(mobizon-api-codes-and-statuses.txt lines 6, 18, 22-24)",
        MOBIZON,
        (
            ("The data field contains information on which fields",),
            ("the correct domain can be obtained in the data field",),
            ("98 |", "99 |", "100 |", "data field"),
        ),
    ),
    ("schemas/mobizon/result-data.json", "(seed line 6)", MOBIZON, (("1 | Validation error",),)),
    ("schemas/mobizon/result-data.json", "(seed line 18)", MOBIZON, (("13 | ",),)),
    ("schemas/mobizon/result-data.json", "(seed lines 22-23)", MOBIZON, (("98 | ", "99 | "),)),
    (
        "schemas/mobizon/result-data.json",
        "(seed line 24)",
        MOBIZON,
        (("the ID of the background operation",),),
    ),
    (
        "schemas/registries/mobizon-result-codes.yaml",
        "(lines 5-25)",
        MOBIZON,
        (("0 | Operation completed successfully.", "999 | General service error."),),
    ),
    (
        "schemas/registries/mobizon-result-codes.yaml",
        "(lines 6, 18, 22-24)",
        MOBIZON,
        (("1 | ",), ("13 | ",), ("98 | ", "100 | ")),
    ),
    (
        "schemas/registries/mobizon-sms-statuses.yaml",
        "(lines 73-83)",
        MOBIZON,
        (("Status | Final | Description |", "NEW | no |", "DELETED | yes |"),),
    ),
    # the reference folder's README
    (
        "schemas/registries/exotel-callbacks.yaml",
        "lines 40-41",
        README_COPY,
        (("answer 200 within 15 s", "retries up to 2 times"),),
    ),
    (
        "schemas/registries/mobizon-webhooks.yaml",
        "lines 34-35",
        README_COPY,
        (("webhooks arrive in an envelope", "sms-delivery-report"),),
    ),
]


@pytest.mark.parametrize(
    ("path", "citation", "document", "expected"),
    CURATED,
    ids=[f"{p.rsplit('/', 1)[-1]}:{c}" for p, c, _, _ in CURATED],
)
def test_curated_citation_holds_what_it_cites(
    path: str, citation: str, document: str, expected: tuple[tuple[str, ...], ...]
) -> None:
    assert citation in (ROOT / path).read_text(), f"{path} no longer cites {citation!r}"
    match = CITATION.search(citation)
    assert match is not None
    groups = _groups(match.group(2))
    assert len(expected) in (1, len(groups))
    lines = _lines(document)
    for i, (first, last) in enumerate(groups):
        cited = "\n".join(lines[first - 1 : last])
        for words in expected[i if len(expected) > 1 else 0]:
            words = re.sub(" +", " ", words)
            assert words in cited, (
                f"{document} lines {first}-{last} do not hold {words!r}:\n{cited}"
            )


@pytest.mark.parametrize(
    ("citation", "sample", "words"),
    [
        ("code sample 37", 37, '"To": null'),  # a failed static-bulk item echoes To null
        ("code sample 56", 56, '"To": "0XXXXX30240"'),  # a missing-Body item echoes its To
        ("code sample 31", 31, "/SMS/Messages/f477d60517e6e6a0f6d9a7e9af8630e<"),  # Uri typo
        ("samples 22, 27", 22, "'To' => array("),  # PHP sends an array: To[0], To[1]
        ("samples 22, 27", 27, "'To' => array("),
        ("code samples 51-55", 51, '-d "Messages[0][Body]=" '),  # the empty Body
        ("code samples 51-55", 54, "'Messages[0][Body]': ''"),
    ],
)
def test_cited_code_sample_holds_what_it_cites(citation: str, sample: int, words: str) -> None:
    assert words in _sample(sample)


def test_registry_rows_point_at_their_lines() -> None:
    """The `line` of every status, direction and Mobizon row is where that row stands."""
    exotel = _lines(EXOTEL)
    registries = ROOT / "schemas" / "registries"
    statuses = yaml.safe_load((registries / "exotel-statuses.yaml").read_text())
    for row in statuses["statuses"]:
        if row["line"] is not None:
            assert exotel[row["line"] - 1].startswith(f"{row['status']} - "), row
    for row in statuses["directions"]:
        assert exotel[row["line"] - 1].startswith(f"{row['direction']} - "), row
    encoding = yaml.safe_load((registries / "sms-encoding.yaml").read_text())
    for row in encoding["units"].values():
        assert "longer than 160 GSM 7-bit characters, or 70 unicode" in exotel[row["line"] - 1]
    mobizon = _lines(MOBIZON)
    codes = yaml.safe_load((registries / "mobizon-result-codes.yaml").read_text())["codes"]
    for row in codes:
        assert mobizon[row["line"] - 1].startswith(f"{row['code']} | "), row
    sms = yaml.safe_load((registries / "mobizon-sms-statuses.yaml").read_text())
    for row in sms["statuses"]:
        assert mobizon[row["line"] - 1].startswith(f"{row['status']} | "), row

"""openapi.yaml is a valid OpenAPI 3.1 document that schemathesis loads unchanged."""

from __future__ import annotations

import schemathesis
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from sms_contract import load_contract
from sms_contract.contract.resources import openapi_path


def test_openapi_document_is_valid() -> None:
    spec, base_uri = read_from_filename(str(openapi_path()))
    validate(spec, base_uri=base_uri)


def test_schemathesis_loads_every_operation() -> None:
    schema = schemathesis.openapi.from_path(str(openapi_path()))
    labels = {result.ok().label for result in schema.get_all_operations()}  # type: ignore[union-attr]
    assert labels == {
        "POST /v1/Accounts/{AccountSid}/Sms/send",
        "POST /v1/Accounts/{AccountSid}/Sms/send.json",
        "POST /v1/Accounts/{AccountSid}/Sms/bulksend",
        "POST /v1/Accounts/{AccountSid}/Sms/bulksend.json",
        "GET /v1/Accounts/{AccountSid}/SMS/Messages/{SmsSid}",
        "GET /v1/Accounts/{AccountSid}/SMS/Messages/{SmsSid}.json",
    }


def test_servers_name_both_clusters() -> None:
    spec = load_contract().spec
    cluster = spec["servers"][0]["variables"]["cluster"]
    assert set(cluster["enum"]) == {"api.exotel.com", "api.in.exotel.com"}
    assert spec["components"]["securitySchemes"]["basicAuth"]["scheme"] == "basic"


def test_webhooks_cover_all_four_providers() -> None:
    assert set(load_contract().spec["webhooks"]) == {
        "exotelStatusCallback",
        "exotelClickTrackingCallback",
        "bandwidthMessageCallback",
        "hubbucsSmsCallback",
        "mobizonWebhook",
    }


def test_find_operation_tells_json_and_xml_apart() -> None:
    contract = load_contract()
    base = "https://api.exotel.com/v1/Accounts/acme/SMS/Messages/abc"
    xml = contract.find_operation("GET", base)
    json_ = contract.find_operation("GET", base + ".json")
    assert xml and json_
    assert not xml[0].is_json and json_[0].is_json
    assert json_[1] == {"AccountSid": "acme", "SmsSid": "abc"}
    assert contract.find_operation("DELETE", base) is None
    assert contract.find_operation("GET", "https://x/v1/Accounts/a/Calls/b") is None


def test_every_send_operation_documents_errors_and_partial_success() -> None:
    for op in load_contract().operations:
        if op.method == "POST":
            assert {"200", "207", "400", "401", "403", "405", "429", "500", "503"} <= set(
                op.responses
            ), op.label

"""Schemathesis against the service's OpenAPI document, in process (ASGI transport, no network).

Every documented operation gets schema-valid and schema-invalid requests (Hypothesis, bounded
examples). Each response must not be a server error (5xx) and, where the document declares a
schema for its status code, must conform to it (content type and body).
"""

from __future__ import annotations

from collections import Counter

import pytest
from _tiny_product import tiny_model_dir
from hypothesis import HealthCheck, given, settings

schemathesis = pytest.importorskip(
    "schemathesis", reason="fuzz: schemathesis is not installed (pip install schemathesis)")
pytest.importorskip("fastapi", reason="fuzz: fastapi is not installed (serve extra)")

from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
)

OPERATIONS = {"GET /health", "GET /model", "POST /forecast", "POST /forecast/batch",
              "POST /forecast/poster"}
# not the positive/negative acceptance checks: a schema-valid date such as 0000-01-01 is
# rightly refused (422) by the calendar check, and 413/422 answers are the service's contract
CHECKS = [not_a_server_error, content_type_conformance]
CALLS: Counter = Counter()
# operations without parameters or body have no invalid request to generate
FUZZ = [(op, mode) for op in sorted(OPERATIONS) for mode in ("positive", "negative")
        if mode == "positive" or op.startswith("POST")]


@pytest.fixture(scope="module")
def app():
    from reelcast.serve import create_app

    return create_app(tiny_model_dir())


@pytest.fixture(scope="module")
def api_schema(app):
    # built in a fixture, not at import: the app needs the trained tiny model
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    print("\nschemathesis requests per operation and mode:", dict(sorted(CALLS.items())))


def test_openapi_documents_every_endpoint(app):
    from fastapi.testclient import TestClient

    paths = TestClient(app).get("/openapi.json").json()["paths"]
    found = {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops}
    assert found == OPERATIONS  # the fuzz run below covers exactly these; the page is not API


@pytest.mark.parametrize("operation, mode", FUZZ, ids=[f"{o} {m}" for o, m in FUZZ])
def test_api_never_500_and_conforms(api_schema, operation, mode):
    from schemathesis import GenerationMode

    method, path = operation.split(" ")
    strategy = api_schema[path][method].as_strategy(GenerationMode(mode))

    checks = CHECKS + [response_schema_conformance]
    # FastAPI documents its default 422 body (a list of pydantic errors) unless the app declares
    # its own; the service sends {"detail": "<field>: <problem>"}, checked below instead
    errors_422 = api_schema.raw_schema["paths"][path][method.lower()]["responses"].get("422", {})
    default_422 = "HTTPValidationError" in str(errors_422)

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        CALLS[f"{operation} {mode}"] += 1
        response = case.call()
        if response.status_code == 422 and default_422:
            case.validate_response(response, checks=CHECKS)
        else:
            case.validate_response(response, checks=checks)
        if 400 <= response.status_code < 500:
            detail = response.json().get("detail")
            assert isinstance(detail, str) and detail.strip() and "\n" not in detail, (
                f"{operation} answered {response.status_code} without a one-line detail: "
                f"{response.text[:300]}")

    run()

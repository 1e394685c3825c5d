"""The API's own description (issue 10, part 1): an OpenAPI 3.1 schema generated from the code
at /api/schema/, every endpoint under /api/v1/ and token-only, errors documented as problem
details; interactive documentation served from this site under its strict CSP."""

from __future__ import annotations

import json
import re
from enum import Enum

from django.test import Client
from pydantic import BaseModel

from oversight.api import (
    actionplan,
    activity,
    feed,
    measures,
    params,
    problems,
    reports,
    supervision,
    workforce,
)
from oversight.config.middleware import POLICY

API_MODULES = [
    actionplan,
    activity,
    feed,
    measures,
    params,
    problems,
    reports,
    supervision,
    workforce,
]


def test_the_schema_is_openapi_3_1_with_every_endpoint_under_v1(client: Client) -> None:
    response = client.get("/api/schema/")

    schema = response.json()
    assert response.status_code == 200
    assert schema["openapi"] == "3.1.0"
    assert (schema["info"]["title"], schema["info"]["version"]) == ("Oversight API", "1")
    assert sorted(schema["paths"]) == [
        "/api/v1/action-plan/inspections",
        "/api/v1/action-plan/inspections/{inspection_id}",
        "/api/v1/activity",
        "/api/v1/allocation/cases/{child_id}/allocations",
        "/api/v1/allocation/cases/{child_id}/recommendation",
        "/api/v1/allocation/teams/{team_id}/queue",
        "/api/v1/caseloads",
        "/api/v1/deadlines",
        "/api/v1/measure-values",
        "/api/v1/measures",
        "/api/v1/measures/{measure_id}",
        "/api/v1/measures/{measure_id}/cases",
        "/api/v1/measures/{measure_id}/value",
        "/api/v1/reports",
        "/api/v1/reports/{report_id}/file",
        "/api/v1/supervision/compliance",
        "/api/v1/supervision/sessions",
        "/api/v1/supervision/sessions/{session_id}",
        "/api/v1/teams",
        "/api/v1/teams/{team_id}/caseload",
    ]


def test_every_shape_has_a_name_of_its_own() -> None:
    """The schema names each shape by its class name: two classes of one name in different
    modules would silently share one description."""
    shapes = [
        name
        for module in API_MODULES
        for name, value in vars(module).items()
        if isinstance(value, type)
        and value.__module__ == module.__name__
        and issubclass(value, BaseModel | Enum)
    ]
    assert sorted(shapes) == sorted(set(shapes))


def _operations(client: Client) -> list[dict]:  # type: ignore[type-arg]
    paths = client.get("/api/schema/").json()["paths"]
    return [operation for item in paths.values() for operation in item.values()]


def test_no_object_in_the_schema_gives_a_key_twice(client: Client) -> None:
    """JSON allows it, but Swagger UI and other readers refuse such a schema."""
    repeated: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        keys = [key for key, _value in items]
        repeated.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(items)

    json.loads(client.get("/api/schema/").content, object_pairs_hook=pairs)

    assert repeated == []


def test_every_operation_needs_a_bearer_token(client: Client) -> None:
    schema = client.get("/api/schema/").json()

    assert schema["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }
    assert all(op["security"] == [{"TokenAuth": []}] for op in _operations(client))


def test_every_error_is_documented_as_a_problem(client: Client) -> None:
    for operation in _operations(client):
        errors = {s: r for s, r in operation["responses"].items() if int(s) >= 400}
        assert {"401", "422", "429"} <= set(errors), operation["operationId"]
        assert all(list(r["content"]) == ["application/problem+json"] for r in errors.values())


def test_writes_document_their_refusals(client: Client) -> None:
    writes = [op for op in _operations(client) if "requestBody" in op]

    assert sorted(op["operationId"] for op in writes) == [
        "allocate_case",
        "feed_activity",
        "record_supervision_session",
    ]
    assert all({"403", "413"} <= set(op["responses"]) for op in writes)


def test_a_recorded_session_links_to_reading_it_back(client: Client) -> None:
    record = next(
        op for op in _operations(client) if op["operationId"] == "record_supervision_session"
    )

    assert record["responses"]["201"]["links"] == {
        "Session": {
            "operationId": "get_supervision_session",
            "parameters": {"session_id": "$response.body#/id"},
        }
    }


def test_the_docs_are_served_from_this_site_under_the_strict_policy(client: Client) -> None:
    response = client.get("/api/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources == [
        "data:,",
        "/static/ninja/swagger-ui.css",
        "/static/api/swagger.css",
        "/api/schema/",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/api/swagger-names.js",
    ]
    # The only <script> with content is the settings, a JSON data block that is never run.
    inline = re.findall(r"<script([^>]*)>([^<]+)</script>", html)
    assert [attributes for attributes, _ in inline] == [
        ' id="swagger-settings" type="application/json"'
    ]
    assert '"url": "/api/schema/"' in inline[0][1]


def test_the_swagger_files_are_served(client: Client) -> None:
    for path in (
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/api/swagger-names.js",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith(("text/javascript", "application/javascript"))

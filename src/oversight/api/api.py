"""The REST API, version 1: one NinjaAPI under /api/v1/, its OpenAPI 3.1 schema at /api/schema/
and interactive documentation at /api/docs/ (docs/api.md is the guide).

Every endpoint needs a token (auth.TokenAuth) and answers errors as problem details
(problems.py). The routers are split by topic, as the web app's pages are.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET
from ninja import NinjaAPI

from oversight.api import (
    actionplan,
    activity,
    allocation,
    measures,
    reports,
    supervision,
    workforce,
)
from oversight.api.auth import TokenAuth
from oversight.api.problems import as_problem_media_type, install

DESCRIPTION = """\
Oversight's measures, caseloads, deadlines, supervision and action plan for programs such as
Power BI, and the nightly feed of case activity from the case-recording system.

Send a token with every request: `Authorization: Bearer <token>`. Make one on the **API tokens**
page (a personal token acts as you), or ask an administrator for a service token. A token sees
exactly what its user sees in Oversight, and a read-only token never writes.

Errors are problem details (RFC 9457, `application/problem+json`). Lists are paged with `limit`
and `offset`. Dates are ISO 8601 (`2026-11-27`).
"""


# OpenAPI links: where an answer's ids lead next (Swagger UI shows them; schemathesis follows
# them in its stateful tests).
LINKS: dict[str, tuple[str, dict[str, dict[str, Any]]]] = {
    "list_measures": (
        "200",
        {
            "MeasureValue": {
                "operationId": "measure_value",
                "parameters": {"measure_id": "$response.body#/items/0/id"},
            },
            "MeasureCases": {
                "operationId": "measure_cases",
                "parameters": {"measure_id": "$response.body#/items/0/id"},
            },
        },
    ),
    "list_teams": (
        "200",
        {
            "TeamCaseload": {
                "operationId": "team_caseload",
                "parameters": {"team_id": "$response.body#/items/0/id"},
            }
        },
    ),
    "list_inspections": (
        "200",
        {
            "ActionPlan": {
                "operationId": "get_action_plan",
                "parameters": {"inspection_id": "$response.body#/items/0/id"},
            }
        },
    ),
    "allocation_queue": (
        "200",
        {
            "Recommendation": {
                "operationId": "allocation_recommendation",
                "parameters": {"child_id": "$response.body#/items/0/child_id"},
            }
        },
    ),
    "record_supervision_session": (
        "201",
        {
            "Session": {
                "operationId": "get_supervision_session",
                "parameters": {"session_id": "$response.body#/id"},
            }
        },
    ),
}


class OversightApi(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                status, links = LINKS.get(operation.get("operationId"), ("", {}))
                for code, response in operation["responses"].items():
                    if links and str(code) == status:
                        response["links"] = links
        return as_problem_media_type(schema)


api = OversightApi(
    title="Oversight API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    # The schema and the docs are served below, outside the token-only API.
    openapi_url=None,
    docs_url=None,
    auth=TokenAuth(),
)
install(api)
api.add_router("", measures.router)
api.add_router("", workforce.router)
api.add_router("", supervision.router)
api.add_router("", actionplan.router)
api.add_router("", reports.router)
api.add_router("", activity.router)
api.add_router("", allocation.router)


@require_GET
def schema(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 schema. It holds no data, so it needs no token."""
    return JsonResponse(api.get_openapi_schema(), json_dumps_params={"indent": 1})


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI, served from this site (ninja's copy): nothing from a CDN, no inline script,
    so the site's Content Security Policy holds."""
    # Without deep links (Swagger UI puts each as a link inside a button, which screen readers
    # cannot use) and without syntax colours (too faint to read against their background).
    settings = {
        "url": reverse("api-schema"),
        "layout": "BaseLayout",
        "deepLinking": False,
        "syntaxHighlight": False,
    }
    # A page of its own, outside the app's frame: no request context, so no database query.
    return HttpResponse(render_to_string("api/swagger.html", {"swagger_settings": settings}))

"""Every route in the URL configuration × every access role (issue 9): who may open it, and what
everyone else gets. A route with no entry in ROUTES fails `test_every_route_has_an_entry`.

The personas live in two teams in two localities of one council (tests/security/personas.py).
Cross-scope requests get 404 — "not yours" looks the same as "does not exist" — and in-scope
requests get the right page, checked by a piece of its content. The other tests here: no GET
changes anything, POST-only routes refuse GET, and no route takes a POST without its CSRF token,
htmx requests (HX-Request: true) included.

ADDING A ROUTE: add one entry to ROUTES under the route's name, e.g.

    "report-view": route(
        Check(report_1, only(shows("Monthly audit"), "tm_a", "lm_a", "io")),
    ),

`only(outcome, *personas)` gives the listed personas `outcome`, every other signed-in persona
404 and anonymous visitors the sign-in page; pass `others=` or a persona's name to say otherwise.
A route that takes POST names who may post (`post_as="tm_a"`) for the CSRF tests. The
vocabulary is in tests/security/matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from oversight.audit.models import AuditEvent
from oversight.engine.registry import Period
from oversight.reports.archive import Built, store_report
from oversight.reports.models import Report
from oversight.reports.units import team_unit
from tests.security.matrix import (
    ANONYMOUS,
    NOT_ALLOWED,
    NOT_FOUND,
    TEAM_A_CHILD,
    TEAM_B_CHILD,
    Check,
    Route,
    download,
    everyone,
    goes_to,
    none,
    only,
    post_only,
    route,
    shows,
)
from tests.security.personas import EVERYONE, PERSONAS, World


# URL keyword builders for the world's records.
def team_a(w: World) -> dict[str, Any]:
    return {"team_id": w.team_a.pk}


def team_b(w: World) -> dict[str, Any]:
    return {"team_id": w.team_b.pk}


def worker_a(w: World) -> dict[str, Any]:
    return {"worker_id": w.workers["worker_a"].pk}


def worker_b(w: World) -> dict[str, Any]:
    return {"worker_id": w.workers["worker_b"].pk}


def session_a(w: World) -> dict[str, Any]:
    return {"session_id": w.sessions["worker_a"].pk}


def session_b(w: World) -> dict[str, Any]:
    return {"session_id": w.sessions["worker_b"].pk}


def inspection(w: World) -> dict[str, Any]:
    return {"inspection_id": w.inspection.pk}


def plan_action(w: World) -> dict[str, Any]:
    return {"action_id": w.action.pk}


def child(label: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"child_id": w.children[label].pk}


def team_page(team: str) -> Callable[[World], str]:
    return lambda w: reverse("team", kwargs={"team_id": getattr(w, team).pk})


def team_a_report(kind: Report.Kind, content: bytes) -> Callable[[World], dict[str, Any]]:
    """A report on team A in the archive (stored once; its file is a few bytes)."""

    def kwargs(w: World) -> dict[str, Any]:
        found = Report.objects.filter(kind=kind, scope="team", scope_id=w.team_a.pk).first()
        if found is None:
            built = Built(kind, content, "html", "text/html", Period(w.today, w.today))
            unit = team_unit(w.team_a)
            found = store_report(built=built, unit=unit, as_at=w.today, policy_version=0, by=None)
        return {"report_id": found.pk}

    return kwargs


# --- The matrix ---------------------------------------------------------------------------------

LOCAL_MANAGERS = ("atm_a", "tm_a", "lm_a")  # those who reach team A's pages
CASE_ROLES = ("worker_a", "atm_a", "tm_a", "lm_a", "tm_b")  # those with a staff record and role
PLAN_READERS = PERSONAS  # the action plan holds no child data: every role reads it

ROUTES: dict[str, Route] = {
    # Signing in and out
    "login": route(
        Check(none, everyone(goes_to("/"), anonymous=shows("Sign in to Oversight"))),
        post_as=ANONYMOUS,
    ),
    # Single sign-on is off unless configured (tests/accounts/test_sso.py switches it on).
    "sso-start": route(Check(none, everyone(NOT_FOUND, anonymous=NOT_FOUND))),
    "sso-callback": route(Check(none, everyone(NOT_FOUND, anonymous=NOT_FOUND))),
    "logout": route(Check(none, post_only(anonymous=NOT_ALLOWED)), post_as="worker_a"),
    "keep-alive": route(Check(none, post_only(anonymous=NOT_ALLOWED)), post_as="worker_a"),
    "break-glass": route(
        Check(none, only(shows("Break-glass access"), *CASE_ROLES)), post_as="worker_a"
    ),
    # Start pages, teams and caseloads
    "home": route(
        Check(
            none,
            only(
                NOT_FOUND,
                worker_a=goes_to("/my/caseload/"),
                atm_a=goes_to(team_page("team_a")),
                tm_a=goes_to(team_page("team_a")),
                lm_a=goes_to(team_page("team_a")),  # North has one team
                io=goes_to("/teams/"),
                admin=goes_to("/audit/"),
                tm_b=goes_to(team_page("team_b")),
            ),
        )
    ),
    "teams": route(
        Check(
            none,
            only(
                shows("North Assessment", hides="South Safeguarding"),
                *LOCAL_MANAGERS,
                io=shows("South Safeguarding"),
                tm_b=shows("South Safeguarding", hides="North Assessment"),
            ),
        )
    ),
    "team": route(
        Check(
            team_a,
            only(
                shows("LEAK-A-0002", hides=TEAM_B_CHILD),
                "tm_a",
                "lm_a",
                "io",
                # An ATM sees the team page through their supervisees: Olu's case is not theirs.
                atm_a=shows("LEAK-A-0001", hides="LEAK-A-0002"),
            ),
        ),
        Check(team_b, only(shows("LEAK-B-0002", hides=TEAM_A_CHILD), "tm_b", "io")),
    ),
    "my-caseload": route(
        Check(
            none,
            only(
                shows("My caseload", hides=TEAM_B_CHILD),
                "atm_a",
                "tm_a",
                "lm_a",
                worker_a=shows("LEAK-A-0001", hides=TEAM_B_CHILD),
                tm_b=shows("My caseload", hides=TEAM_A_CHILD),
            ),
        )
    ),
    "worker": route(
        Check(worker_a, only(shows("LEAK-A-0001"), "worker_a", *LOCAL_MANAGERS, "io")),
        Check(worker_b, only(shows("LEAK-B-0001"), "tm_b", "io")),
    ),
    # The one case summary page, through the doorway
    "case": route(
        Check(child("A1"), only(shows("Case LEAK-A-0001"), "worker_a", *LOCAL_MANAGERS, "io")),
        Check(child("A2"), only(shows("Case LEAK-A-0002"), "tm_a", "lm_a", "io")),
        Check(child("B1"), only(shows("Case LEAK-B-0001"), "tm_b", "io")),
    ),
    # Administration
    "policy": route(Check(none, only(shows("Policy settings"), "admin")), post_as="admin"),
    "audit": route(Check(none, only(shows("Audit trail"), "admin"))),
    "audit-export": route(Check(none, only(download("audit-trail-"), "admin"))),
    "audit-verify": route(Check(none, only(shows("The audit trail is intact"), "admin"))),
    # Imports and the Annex A export: information officers and administrators
    "imports": route(Check(none, only(shows("Import data"), "io", "admin")), post_as="io"),
    "import-run": route(
        Check(lambda w: {"run_id": w.import_run.pk}, only(shows("allocations.csv"), "io", "admin")),
        post_as="io",
    ),
    "import-status": route(
        Check(
            lambda w: {"run_id": w.import_run.pk}, only(shows('"status": "checked"'), "io", "admin")
        )
    ),
    "csv-template": route(
        Check(lambda w: {"name": "workers"}, only(download("oversight-workers.csv"), "io", "admin"))
    ),
    "export-annex-a": route(Check(none, only(shows("Annex A"), "io", "admin"))),
    # Supervision: records for the worker, their supervisor and the managers over them; never
    # information officers or administrators by that role alone
    "supervisees": route(Check(none, only(shows("My supervisees"), *CASE_ROLES))),
    "record-session": route(
        Check(worker_a, only(shows("Record supervision"), "atm_a", "tm_a")),
        Check(worker_b, only(shows("Record supervision"), "tm_b")),
        post_as="atm_a",
    ),
    "supervision-session": route(
        Check(session_a, only(shows("Decision on LEAK-A-0001"), "worker_a", *LOCAL_MANAGERS)),
        Check(session_b, only(shows("Decision on LEAK-B-0001"), "tm_b")),
    ),
    "change-session": route(
        Check(session_a, only(shows("Change supervision record"), "atm_a", "tm_a")),
        Check(session_b, only(shows("Change supervision record"), "tm_b")),
        post_as="atm_a",
    ),
    "action-done": route(
        Check(lambda w: {"action_id": w.supervision_actions["worker_a"].pk}, post_only()),
        post_as="worker_a",
    ),
    "my-supervision": route(Check(none, only(shows("My supervision"), *CASE_ROLES))),
    "worker-supervision": route(
        Check(worker_a, only(shows("Wren North"), "worker_a", *LOCAL_MANAGERS)),
        Check(worker_b, only(shows("Bea South"), "tm_b")),
    ),
    "team-supervision": route(
        Check(team_a, only(shows("Wren North", hides="Bea South"), *LOCAL_MANAGERS, "io")),
        Check(team_b, only(shows("Bea South", hides="Wren North"), "tm_b", "io")),
    ),
    "team-supervision-audit": route(
        Check(
            team_a,
            only(download("supervision-audit-"), *LOCAL_MANAGERS, "io"),
            query="month=2026-01&as_at=2026-01-31",
        ),
        Check(team_b, only(download("supervision-audit-"), "tm_b", "io"), query="month=2026-01"),
    ),
    # The action plan: no child data, so every role reads it; writing is narrower (actionplan)
    "plan": route(Check(none, only(shows("Audit overdue assessments"), *PLAN_READERS))),
    "my-actions": route(Check(none, only(shows("Actions I lead"), *PLAN_READERS))),
    "plan-inspection": route(
        Check(inspection, only(shows("Audit overdue assessments"), *PLAN_READERS))
    ),
    "reports": route(Check(none, only(shows("Generate a report"), "tm_a", "tm_b", "lm_a", "io"))),
    "reports-generate": route(Check(none, post_only()), post_as="tm_a"),
    "report-download": route(
        Check(
            team_a_report(Report.Kind.AUDIT_WORKBOOK, b"audit"),
            only(download("audit-workbook-north-assessment"), "tm_a", "lm_a", "io"),
        )
    ),
    "report-view": route(
        Check(
            team_a_report(Report.Kind.MI_PACK_HTML, b"<h1>Management information</h1>"),
            only(shows("Management information"), "tm_a", "lm_a", "io"),
        )
    ),
    "plan-xlsx": route(Check(inspection, only(download(".xlsx"), *PLAN_READERS))),
    "plan-pdf": route(Check(inspection, only(download(".pdf"), *PLAN_READERS))),
    "plan-action": route(
        Check(plan_action, only(shows("Audit overdue assessments"), *PLAN_READERS))
    ),
    "plan-action-update": route(Check(plan_action, post_only()), post_as="tm_a"),
    "plan-action-note": route(Check(plan_action, post_only()), post_as="tm_a"),
    "plan-action-measure": route(Check(plan_action, post_only()), post_as="tm_a"),
    "plan-action-measure-remove": route(
        Check(lambda w: {"action_id": w.action.pk, "link_id": w.measure_link.pk}, post_only()),
        post_as="tm_a",
    ),
    "plan-action-checked": route(Check(plan_action, post_only()), post_as="tm_a"),
    "plan-evidence-document": route(
        Check(lambda w: {"note_id": w.note.pk}, only(download("evidence-"), *PLAN_READERS))
    ),
    "plan-import": route(
        Check(none, only(shows("Import an action plan"), "tm_a", "lm_a", "io", "admin", "tm_b")),
        post_as="tm_a",
    ),
    "plan-import-save": route(Check(none, post_only()), post_as="tm_a"),
    # Allocation: the team's managers and information officers; decisions need TM or ATM
    "allocation-meeting": route(
        Check(team_a, only(shows("Allocation meeting", hides=TEAM_B_CHILD), *LOCAL_MANAGERS, "io")),
        Check(team_b, only(shows("Allocation meeting", hides=TEAM_A_CHILD), "tm_b", "io")),
    ),
    "allocation-board": route(
        Check(team_a, only(shows("Capacity board", hides="Bea South"), *LOCAL_MANAGERS, "io")),
        Check(team_b, only(shows("Capacity board", hides="Wren North"), "tm_b", "io")),
    ),
    "allocation-case": route(
        Check(child("A2"), only(shows("Allocate LEAK-A-0002"), "tm_a", "lm_a", "io")),
        Check(child("B2"), only(shows("Allocate LEAK-B-0002"), "tm_b", "io")),
        post_as="tm_a",
    ),
    "allocation-complexity": route(Check(child("A2"), post_only()), post_as="tm_a"),
    "allocation-reallocate": route(Check(child("A2"), post_only()), post_as="tm_a"),
    "allocation-co-worker": route(Check(child("A2"), post_only()), post_as="tm_a"),
    "allocation-end": route(Check(child("A2"), post_only()), post_as="tm_a"),
    "allocation-worker": route(
        Check(
            worker_a,
            only(shows("Allocation history: Wren North"), "worker_a", *LOCAL_MANAGERS, "io"),
        ),
        Check(worker_b, only(shows("Allocation history: Bea South"), "tm_b", "io")),
    ),
    # Email alerts: every signed-in user's own settings
    "email-alerts": route(Check(none, everyone(shows("Email alerts"))), post_as="worker_a"),
    # API tokens: everyone's own; service tokens are the administrator's (the API itself is
    # token-only, below in ELSEWHERE)
    "api-tokens": route(Check(none, everyone(shows("Your tokens"))), post_as="tm_a"),
    "api-token-revoke": route(Check(lambda w: {"token_id": 1}, post_only()), post_as="tm_a"),
    "service-tokens": route(Check(none, only(shows("Service tokens"), "admin")), post_as="admin"),
    "service-token-revoke": route(Check(lambda w: {"token_id": 1}, post_only()), post_as="admin"),
}

# Route prefixes whose access is tested elsewhere, as one entry each.
ELSEWHERE = {
    "api/": "token-authenticated, covered by tests/api",
}
SKIPPED_PREFIXES = ("django-admin/",)  # Django's own admin site, staff-only by Django


# --- Walking the URL configuration ---------------------------------------------------------------


def all_routes() -> Iterator[tuple[str, str]]:
    """(route name, path) for every route in the URL configuration we must cover."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            path = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
                yield from walk(pattern.url_patterns, path, inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"(no name: {pattern.lookup_str})"
                yield (f"{namespace}:{name}" if namespace else name), path

    for name, path in walk(get_resolver().url_patterns, "", ""):
        if not path.startswith(SKIPPED_PREFIXES):
            yield name, path


def _covered_elsewhere(path: str) -> bool:
    return path.startswith(tuple(ELSEWHERE))


def test_every_route_has_an_entry() -> None:
    missing = [
        f"  {name!r:34} /{path}"
        for name, path in all_routes()
        if name not in ROUTES and not _covered_elsewhere(path)
    ]
    assert not missing, (
        "These routes have no entry in ROUTES (tests/security/test_route_matrix.py):\n"
        + "\n".join(missing)
        + "\nAdd one per route saying who may use it, for example\n"
        + '    "my-route": route(Check(none, only(shows("Page heading"), "tm_a", "io"))),\n'
        + "(the personas are in tests/security/personas.py; see the module docstring)."
    )


def test_every_entry_is_a_route() -> None:
    """A renamed or removed route leaves its entry behind: say so, rather than test nothing."""
    names = {name for name, _path in all_routes()}
    assert sorted(set(ROUTES) - names) == []


def _outcomes_differ(name: str, world: World) -> list[str]:
    clients = {p: world.client_for(p) for p in EVERYONE}
    found = []
    for check in ROUTES[name].checks:
        assert set(check.expect) == set(EVERYONE), f"{name}: every persona needs an outcome"
        url = check.url(name, world)
        for persona in EVERYONE:
            response = clients[persona].get(url)
            for problem in check.expect[persona].problems(response, world):
                found.append(f"{persona} GET {url}: {problem}")
    return found


# What only a state-changing request may record (a GET may record views and exports).
WRITES = (AuditEvent.Kind.CHANGE, AuditEvent.Kind.IMPORT, AuditEvent.Kind.BREAK_GLASS)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_persona_gets_what_the_matrix_says(name: str, world: World) -> None:
    writes_before = AuditEvent.objects.filter(kind__in=WRITES).count()

    problems = _outcomes_differ(name, world)

    assert problems == []
    # No GET changes anything: every change is an action that records itself.
    assert AuditEvent.objects.filter(kind__in=WRITES).count() == writes_before


# --- POST and CSRF -------------------------------------------------------------------------------

CSRF_SECRET = "s3cretS3cretS3cretS3cretS3cret00"  # 32 characters: an unmasked CSRF secret


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.post_only))
def test_post_only_routes_refuse_get(name: str, world: World) -> None:
    spec = ROUTES[name]
    client = world.client_for(spec.post_as)

    assert client.get(spec.checks[0].url(name, world)).status_code == 405


@pytest.mark.parametrize("name", sorted(ROUTES))
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_no_route_takes_a_post_without_its_csrf_token(name: str, htmx: bool, world: World) -> None:
    """Django checks the token before any view runs, so every route must refuse: one that did
    not would be marked csrf_exempt."""
    spec = ROUTES[name]
    url = spec.checks[0].url(name, world)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for persona in (ANONYMOUS, spec.post_as or "tm_a"):
        client = world.client_for(persona, enforce_csrf_checks=True)

        response = client.post(url, spec.post_data, **headers)

        assert response.status_code == 403, f"{persona} POST {url}"
        assert "Your form had expired" in response.content.decode()


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.post_as))
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_the_same_post_with_its_token_gets_past_the_check(
    name: str, htmx: bool, world: World
) -> None:
    """The control for the test above: with the token (a form field, or htmx's X-CSRFToken
    header) the same request reaches the view, whatever the view then makes of it."""
    spec = ROUTES[name]
    client: Client = world.client_for(spec.post_as, enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_SECRET
    if htmx:
        sent = client.post(
            spec.checks[0].url(name, world),
            spec.post_data,
            HTTP_HX_REQUEST="true",
            HTTP_X_CSRFTOKEN=CSRF_SECRET,
        )
    else:
        data = {**spec.post_data, "csrfmiddlewaretoken": CSRF_SECRET}
        sent = client.post(spec.checks[0].url(name, world), data)

    assert sent.status_code != 403

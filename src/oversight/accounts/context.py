"""Navigation: each role sees the links it may use, and nothing else."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from oversight.accounts.menu import access_links
from oversight.accounts.roles import AccessRole, Breadth
from oversight.accounts.scope import scope_of
from oversight.people.models import LocalAuthority


def _single_council_name() -> str:
    """Without a configured name, a database holding one council shows that council's name."""
    names = list(LocalAuthority.objects.values_list("name", flat=True)[:2])
    return names[0] if len(names) == 1 else ""


def navigation(request: HttpRequest) -> dict[str, Any]:
    council = settings.OVERSIGHT_COUNCIL_NAME or _single_council_name() or "Oversight"
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"council_name": council, "nav_items": []}
    idle = settings.OVERSIGHT_IDLE_MINUTES
    scope = scope_of(user)
    items: list[tuple[str, str]] = []
    if scope.worker is not None:
        items.append(("My caseload", reverse("my-caseload")))
        items.append(("My supervision", reverse("my-supervision")))
    if scope.worker is not None and (
        scope.breadth in (Breadth.SUPERVISEES, Breadth.TEAM) or scope.worker.supervisees.exists()
    ):
        items.append(("Supervision", reverse("supervisees")))
    if scope.breadth >= Breadth.SUPERVISEES:
        items.append(("Teams", reverse("teams")))
    if scope.roles:
        items.append(("Action plan", reverse("plan")))
    if scope.breadth >= Breadth.TEAM:  # audit workbooks and MI packs: a whole team at least
        items.append(("Reports", reverse("reports")))
    if scope.roles & {AccessRole.INFORMATION_OFFICER, AccessRole.ADMINISTRATOR}:
        items.append(("Imports", reverse("imports")))
        # Those who feed data in and pull measures out; anyone may open it (docs/api.md).
        items.append(("API tokens", reverse("api-tokens")))
    if AccessRole.ADMINISTRATOR in scope.roles:
        items.append(("Policy settings", reverse("policy")))
    items += access_links(scope)
    current = request.path
    return {
        "council_name": council,
        "idle_minutes": idle,
        "nav_items": [
            {"label": label, "url": url, "current": current.startswith(url)} for label, url in items
        ],
    }

"""The menu links for access and audit (added to the navigation by accounts.context)."""

from __future__ import annotations

from django.urls import reverse

from oversight.accounts.break_glass import may_break_glass, oversees_break_glass
from oversight.accounts.roles import AccessRole
from oversight.accounts.scope import Scope


def access_links(scope: Scope) -> list[tuple[str, str]]:
    links = []
    if may_break_glass(scope) or oversees_break_glass(scope):
        links.append(("Break-glass access", reverse("break-glass")))
    if AccessRole.ADMINISTRATOR in scope.roles:
        links.append(("Audit trail", reverse("audit")))
    return links

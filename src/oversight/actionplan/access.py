"""Who may do what with the action plan (issue 8).

The plan holds no child data, so anyone signed in with an access role reads their council's
plan. Writing is narrower: a progress update or a note of evidence by the action's leads and by
managers; measure links and status changes by managers; imports (and clearing the flags an
import left for its reviewer) by managers and information officers. Anything else is 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404

from oversight.accounts.roles import AccessRole
from oversight.accounts.scope import scope_of
from oversight.actionplan.document import KNOWN_ROLES, expand_lead, lead_parts
from oversight.actionplan.models import Action
from oversight.interchange.actions import NoCouncil, council_for
from oversight.people.models import LocalAuthority, Worker

# "Team managers and above, and administrators".
MANAGERS = frozenset(
    {
        AccessRole.TEAM_MANAGER,
        AccessRole.SAFEGUARDING_MANAGER,
        AccessRole.LOCALITY_MANAGER,
        AccessRole.ADMINISTRATOR,
    }
)
IMPORTERS = MANAGERS | {AccessRole.INFORMATION_OFFICER}


@dataclass(frozen=True)
class PlanAccess:
    user: User
    council: LocalAuthority
    roles: frozenset[AccessRole]
    worker: Worker | None

    @property
    def may_manage(self) -> bool:
        """Link measures, change an action's status."""
        return bool(self.roles & MANAGERS)

    @property
    def may_import(self) -> bool:
        """Import a plan, and mark an imported action as checked."""
        return bool(self.roles & IMPORTERS)

    def leads(self, action: Action) -> bool:
        return is_lead(action, role_names(self.worker), person_names(self.user, self.worker))

    def may_update(self, action: Action) -> bool:
        """Add a progress update or a note of evidence."""
        return self.may_manage or self.leads(action)


def plan_access(user: User | AnonymousUser) -> PlanAccess:
    """The user's council and roles; 404 for anyone without an access role or a council."""
    scope = scope_of(user)
    if not scope.roles or not isinstance(user, User):
        raise Http404("Not found")
    return PlanAccess(user, _council(scope.local_authority_id), scope.roles, scope.worker)


def _council(la_id: int | None) -> LocalAuthority:
    """The council of the user's staff record, else the only council held (an administrator
    or information officer need not have a staff record)."""
    if la_id is not None:
        return LocalAuthority.objects.get(pk=la_id)
    try:
        return council_for(None)
    except NoCouncil:
        raise Http404("No council is set up") from None


def role_names(worker: Worker | None) -> list[str]:
    """The job as a plan writes it in full: "ATM" → "Assistant Team Manager"."""
    if worker is None:
        return []
    return [KNOWN_ROLES.get(worker.role, worker.get_role_display())]


def person_names(user: User, worker: Worker | None) -> list[str]:
    names = [worker.name] if worker else []
    full = user.get_full_name().strip()
    return [*names, full] if full and full not in names else names


def parts_of(action: Action) -> list[str]:
    """The lead's parts in full; read from the lead as written when an older record has none."""
    if action.lead_parts:
        return [str(part) for part in action.lead_parts]
    return [expand_lead(part, {}) for part in lead_parts(action.lead, {})]


def is_lead(action: Action, roles: list[str], people: list[str]) -> bool:
    """A part equal to the job ("Team Manager" is not "Assistant Team Manager"; "Assistant
    Team Managers" is), or a part naming the person ("Lead Christine Ramshaw")."""
    wanted_roles = {_words(r) for r in roles}
    wanted_people = [_words(p) for p in people if p.strip()]
    for part in parts_of(action):
        words = _words(part)
        if words in wanted_roles or any(f" {p} " in f" {words} " for p in wanted_people):
            return True
    return False


def _words(text: str) -> str:
    """Case, punctuation and plurals set aside, so "ATMs" and "Assistant Team Manager" meet."""
    return " ".join(w.rstrip("s") for w in re.findall(r"[a-z0-9&]+", text.casefold()))

"""Who may see and record supervision: the doorway for supervision records.

Compliance dates (last session, next due, overdue) are workforce facts: anyone who can see the
worker sees them (people.queries.workers_visible_to). Supervision *records* — the sessions, the
decision given on each case, the actions agreed — are the worker's supervision file: only the
worker, their supervisor and the managers over them see those, never an information officer or
administrator by that role alone (accounts.scope.supervision_scope_of).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import Http404

from oversight.accounts.roles import Breadth
from oversight.accounts.scope import supervision_scope_of
from oversight.people.models import Worker
from oversight.people.queries import workers_within
from oversight.supervision.models import SupervisionSession


def files_visible_to(user: User | AnonymousUser) -> QuerySet[Worker]:
    """Workers whose supervision file this user may read."""
    return workers_within(supervision_scope_of(user))


def sessions_visible_to(user: User | AnonymousUser) -> QuerySet[SupervisionSession]:
    """Sessions in those files: received by a visible worker, or held by the user."""
    scope = supervision_scope_of(user)
    visible = SupervisionSession.objects.filter(supervisee__in=workers_within(scope))
    if scope.worker is not None:
        visible = visible | SupervisionSession.objects.filter(supervisor=scope.worker)
    return visible.distinct()


def get_session_for_user(user: User | AnonymousUser, session_id: int) -> SupervisionSession:
    try:
        return (
            sessions_visible_to(user).select_related("supervisee", "supervisor").get(id=session_id)
        )
    except SupervisionSession.DoesNotExist:
        raise Http404("No such session") from None


def may_record_for(user: User | AnonymousUser, supervisee: Worker) -> bool:
    """A worker's own supervisor records their sessions; so may an ATM or TM whose reach
    includes them. Safeguarding and locality managers read, and nobody supervises themselves."""
    scope = supervision_scope_of(user)
    me = scope.worker
    if me is None or me.pk == supervisee.pk:
        return False
    if supervisee.supervisor_id == me.pk:
        return True
    if scope.breadth not in (Breadth.SUPERVISEES, Breadth.TEAM):
        return False
    return workers_within(scope).filter(pk=supervisee.pk).exists()

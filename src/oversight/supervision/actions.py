"""Recording supervision: every write is atomic and audited; a written-up record keeps its
history (issue 6: "edits after write-up are kept as history")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.cases.models import Child
from oversight.people.models import Worker
from oversight.supervision.models import (
    CaseDiscussion,
    SessionRevision,
    SupervisionAction,
    SupervisionSession,
)


@dataclass(frozen=True)
class AgreedAction:
    description: str
    due_on: dt.date


@dataclass(frozen=True)
class SessionRecord:
    """What a supervisor records about one session."""

    held_on: dt.date
    kind: str
    minutes: int
    written_up_on: dt.date | None
    decisions: dict[int, str] = field(default_factory=dict)  # child id → decision or direction
    actions: tuple[AgreedAction, ...] = ()


@transaction.atomic
def record_session(
    *, by: User, supervisor: Worker, supervisee: Worker, record: SessionRecord
) -> SupervisionSession:
    session = SupervisionSession.objects.create(
        supervisee=supervisee,
        supervisor=supervisor,
        held_on=record.held_on,
        kind=record.kind,
        minutes=record.minutes,
        written_up_on=record.written_up_on,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    _write_contents(session, record)
    record_event(
        user=by,
        kind=AuditEvent.Kind.CHANGE,
        what=f"Supervision recorded: {supervisee.name}, {record.held_on:%d/%m/%Y}",
        object_type="supervision_session",
        object_id=session.pk,
        detail={"after": snapshot(session)},
    )
    return session


@transaction.atomic
def change_session(
    *, by: User, session: SupervisionSession, record: SessionRecord, reason: str
) -> SupervisionSession:
    """Change a session; once it had been written up, the before and after are kept."""
    before = snapshot(session)
    session.held_on = record.held_on
    session.kind = record.kind
    session.minutes = record.minutes
    session.written_up_on = record.written_up_on
    session.save()
    session.cases_discussed.all().delete()
    session.actions.filter(done_on__isnull=True).delete()
    _write_contents(session, record)
    after = snapshot(session)
    if before["written_up_on"] is not None and before != after:
        SessionRevision.objects.create(
            session=session,
            changed_by=by,
            changed_at=timezone.now(),
            reason=reason,
            before=before,
            after=after,
        )
    record_event(
        user=by,
        kind=AuditEvent.Kind.CHANGE,
        what=f"Supervision changed: {session.supervisee.name}, {session.held_on:%d/%m/%Y}",
        object_type="supervision_session",
        object_id=session.pk,
        detail={"before": before, "after": after, "reason": reason},
    )
    return session


@transaction.atomic
def mark_action_done(*, by: User, action: SupervisionAction, done_on: dt.date) -> None:
    action.done_on = done_on
    action.save(update_fields=["done_on"])
    record_event(
        user=by,
        kind=AuditEvent.Kind.CHANGE,
        what=f"Supervision action done: {action.description[:80]}",
        object_type="supervision_action",
        object_id=action.pk,
        detail={"done_on": done_on.isoformat()},
    )


def _write_contents(session: SupervisionSession, record: SessionRecord) -> None:
    CaseDiscussion.objects.bulk_create(
        CaseDiscussion(session=session, child_id=child, decision=text)
        for child, text in sorted(record.decisions.items())
    )
    SupervisionAction.objects.bulk_create(
        SupervisionAction(session=session, description=a.description, due_on=a.due_on)
        for a in record.actions
    )


def snapshot(session: SupervisionSession) -> dict[str, Any]:
    """The record as it stands, JSON-ready, for the history and the audit trail."""
    children = dict(
        Child.objects.filter(discussions__session=session).values_list("id", "la_child_id")
    )
    return {
        "held_on": session.held_on.isoformat(),
        "kind": session.kind,
        "minutes": session.minutes,
        "written_up_on": session.written_up_on.isoformat() if session.written_up_on else None,
        "decisions": {
            children[d.child_id]: d.decision
            for d in session.cases_discussed.order_by("child__la_child_id")
        },
        "actions": [
            {
                "description": a.description,
                "due_on": a.due_on.isoformat(),
                "done_on": str(a.done_on or ""),
            }
            for a in session.actions.order_by("due_on", "id")
        ],
    }

"""Writes to the action plan. Each is atomic and records its audit event in the same
transaction; views and the import page call these, nothing else saves plan records."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from oversight.actionplan.document import DraftPlan
from oversight.actionplan.importer import Saved, save_plan
from oversight.actionplan.models import (
    Action,
    ActionUpdate,
    EvidenceMeasure,
    EvidenceNote,
    Inspection,
)
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.people.models import LocalAuthority


def _label(action: Action) -> str:
    return f"action {action.finding.order}.{action.order}"


def _record(by: User, what: str, object_type: str, object_id: int, **detail: object) -> None:
    record_event(
        user=by,
        kind=AuditEvent.Kind.CHANGE,
        what=what,
        object_type=object_type,
        object_id=object_id,
        detail=dict(detail),
    )


@transaction.atomic
def add_update(
    *,
    action: Action,
    by: User,
    text: str,
    status: str = "",
    completed_on: dt.date | None = None,
) -> ActionUpdate:
    """A dated progress update; with a new status, the action changes too, and the log says
    so in words (the update is the action's history)."""
    before = action.status
    changed = bool(status) and (status != before or completed_on != action.completed_on)
    if changed:
        action.status = status
        action.completed_on = completed_on if status == Action.Status.COMPLETED else None
        action.save(update_fields=["status", "completed_on"])
        text = f"{text}\n\n{_status_sentence(before, action)}"
    update = ActionUpdate.objects.create(
        action=action, written_at=timezone.now(), author=by, text=text
    )
    _record(
        by,
        f"Progress update on {_label(action)}",
        "action",
        action.pk,
        update=update.pk,
        status_from=before,
        status_to=action.status,
        completed_on=action.completed_on.isoformat() if action.completed_on else None,
    )
    return update


def _status_sentence(before: str, action: Action) -> str:
    now = Action.Status(action.status).label
    sentence = f"Status changed from {Action.Status(before).label} to {now}"
    if action.completed_on:
        sentence += f" (completed {action.completed_on.day} {action.completed_on:%B %Y})"
    return sentence + "."


@transaction.atomic
def add_evidence_note(
    *, action: Action, by: User, text: str, document: UploadedFile[bytes] | None = None
) -> EvidenceNote:
    """The document is stored under MEDIA_ROOT with a random name (never the name given), and
    read back only through the view that checks who is asking."""
    note = EvidenceNote(action=action, written_at=timezone.now(), author=by, text=text)
    if document is not None:
        suffix = Path(document.name or "").suffix.lower()
        note.document.save(f"{uuid.uuid4().hex}{suffix}", document, save=False)
    note.save()
    _record(
        by,
        f"Evidence note on {_label(action)}",
        "action",
        action.pk,
        note=note.pk,
        document=bool(document),
    )
    return note


@transaction.atomic
def link_measure(
    *,
    action: Action,
    by: User,
    measure_id: str,
    comparison: str,
    target: Decimal,
    amber_margin: Decimal,
    breakdown: str = "",
) -> EvidenceMeasure:
    link = EvidenceMeasure.objects.create(
        action=action,
        measure_id=measure_id,
        comparison=comparison,
        target=target,
        amber_margin=amber_margin,
        breakdown=breakdown,
    )
    _record(
        by,
        f"Measure {measure_id} linked to {_label(action)}",
        "action",
        action.pk,
        link=link.pk,
        comparison=comparison,
        target=str(target),
        amber_margin=str(amber_margin),
        breakdown=breakdown,
    )
    return link


@transaction.atomic
def unlink_measure(*, link: EvidenceMeasure, by: User) -> None:
    action = link.action
    _record(
        by,
        f"Measure {link.measure_id} removed from {_label(action)}",
        "action",
        action.pk,
        link=link.pk,
        target=str(link.target),
    )
    link.delete()


@transaction.atomic
def mark_checked(*, action: Action, by: User) -> None:
    """The reviewer has checked what the import flagged: the flags go, the audit keeps them."""
    flags = list(action.review_flags)
    action.review_flags = []
    action.save(update_fields=["review_flags"])
    _record(by, f"Import flags checked on {_label(action)}", "action", action.pk, flags=flags)


@dataclass(frozen=True)
class NewInspection:
    body: str
    kind: str
    start_date: dt.date
    end_date: dt.date
    report_published_on: dt.date | None = None


@transaction.atomic
def import_plan(
    *,
    plan: DraftPlan,
    into: Inspection | NewInspection,
    council: LocalAuthority,
    by: User,
) -> tuple[Inspection, Saved]:
    """The reviewed draft saved into an inspection (made first when new), all or nothing."""
    if isinstance(into, NewInspection):
        inspection = Inspection.objects.create(
            local_authority=council,
            body=into.body,
            kind=into.kind,
            start_date=into.start_date,
            end_date=into.end_date,
            report_published_on=into.report_published_on,
        )
        _record(by, f"Inspection added: {inspection}", "inspection", inspection.pk)
    else:
        inspection = into
    return inspection, save_plan(plan, inspection, by=by)

"""One action: its schedule, evidence with charts, progress log and notes, and the forms that
change them. Each form posts to its own address; an error shows the page again with the error
summary, a success goes back to the page (post/redirect/get)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from oversight.actionplan import actions
from oversight.actionplan.access import PlanAccess, plan_access
from oversight.actionplan.charts import LineChart, line_chart
from oversight.actionplan.evidence import Evidence
from oversight.actionplan.forms import MeasureForm, NoteForm, UpdateForm
from oversight.actionplan.models import Action, EvidenceMeasure, EvidenceNote
from oversight.actionplan.queries import action_rows, get_action
from oversight.actionplan.wording import margin_text, rag_label, target_text, value_text
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.people.views import as_at_from


def today() -> dt.date:
    """The date updates are checked against (tests fix it)."""
    return timezone.localdate()


@dataclass(frozen=True)
class EvidenceView:
    evidence: Evidence
    chart: LineChart
    target: str
    margin: str
    table: list[tuple[str, str, str, str]]  # month, value, RAG, RAG words


def _evidence_view(evidence: Evidence) -> EvidenceView:
    return EvidenceView(
        evidence=evidence,
        chart=line_chart(evidence),
        target=target_text(evidence.link, evidence.unit),
        margin=margin_text(evidence.link, evidence.unit),
        table=[
            (
                f"{r.month_end.day} {r.month_end:%B %Y}",
                value_text(r.value, evidence.unit),
                r.rag,
                rag_label(r.rag),
            )
            for r in evidence.readings
        ],
    )


@login_required
@require_GET
def action_page(request: HttpRequest, action_id: int) -> HttpResponse:
    access = plan_access(request.user)
    return _page(request, access, get_action(access, action_id))


def _page(
    request: HttpRequest,
    access: PlanAccess,
    action: Action,
    *,
    forms: dict[str, Any] | None = None,
) -> HttpResponse:
    as_at, date_error = as_at_from(request)
    inspection = action.finding.inspection
    [row] = action_rows([action], as_at, council=inspection.local_authority)
    may_update = access.may_update(action)
    bound = forms or {}
    shown = {
        "update": bound.get("update")
        or UpdateForm(may_change_status=access.may_manage, today=today()),
        "note": bound.get("note") or NoteForm(),
        "measure": bound.get("measure") or MeasureForm(),
    }
    errors = [e for form in bound.values() for e in form.error_list()]
    return render(
        request,
        "actionplan/action.html",
        {
            "row": row,
            "action": action,
            "inspection": inspection,
            "evidence": [_evidence_view(e) for e in row.evidence],
            "updates": action.updates.select_related("author").order_by("-written_at", "-pk"),
            "notes": action.notes.select_related("author"),
            "access": access,
            "may_update": may_update,
            "forms": shown,
            "errors": errors,
            "as_at": as_at,
            "date_error": date_error,
        },
        status=400 if errors else 200,
    )


def _writable(
    request: HttpRequest, action_id: int, *, manage: bool = False
) -> tuple[PlanAccess, Action]:
    """The action, if this user may change it this way; otherwise 404, as if it were not there."""
    access = plan_access(request.user)
    action = get_action(access, action_id)
    allowed = access.may_manage if manage else access.may_update(action)
    if not allowed:
        raise Http404("Not found")
    return access, action


def _back(action: Action, anchor: str) -> HttpResponse:
    return redirect(reverse("plan-action", args=[action.pk]) + f"#{anchor}")


@login_required
@require_POST
def add_update(request: HttpRequest, action_id: int) -> HttpResponse:
    access, action = _writable(request, action_id)
    form = UpdateForm(request.POST, may_change_status=access.may_manage, today=today())
    if not form.is_valid():
        return _page(request, access, action, forms={"update": form})
    actions.add_update(
        action=action,
        by=request.user,  # type: ignore[arg-type]
        text=form.cleaned_data["text"],
        status=form.cleaned_data.get("status") or "",
        completed_on=form.cleaned_data["completed_on"],
    )
    messages.success(request, "Progress update added.")
    return _back(action, "progress")


@login_required
@require_POST
def add_note(request: HttpRequest, action_id: int) -> HttpResponse:
    access, action = _writable(request, action_id)
    form = NoteForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, access, action, forms={"note": form})
    actions.add_evidence_note(
        action=action,
        by=request.user,  # type: ignore[arg-type]
        text=form.cleaned_data["text"],
        document=form.cleaned_data.get("document"),
    )
    messages.success(request, "Evidence added.")
    return _back(action, "notes")


@login_required
@require_POST
def link_measure(request: HttpRequest, action_id: int) -> HttpResponse:
    access, action = _writable(request, action_id, manage=True)
    form = MeasureForm(request.POST)
    if not form.is_valid():
        return _page(request, access, action, forms={"measure": form})
    data = form.cleaned_data
    actions.link_measure(
        action=action,
        by=request.user,  # type: ignore[arg-type]
        measure_id=data["measure"],
        comparison=data["comparison"],
        target=data["target"],
        amber_margin=data["margin"],
        breakdown=data["breakdown"].strip(),
    )
    messages.success(request, "Measure linked.")
    return _back(action, "evidence")


@login_required
@require_POST
def unlink_measure(request: HttpRequest, action_id: int, link_id: int) -> HttpResponse:
    _access, action = _writable(request, action_id, manage=True)
    link = EvidenceMeasure.objects.filter(pk=link_id, action=action).first()
    if link is None:
        raise Http404("Not found")
    actions.unlink_measure(link=link, by=request.user)  # type: ignore[arg-type]
    messages.success(request, "Measure removed.")
    return _back(action, "evidence")


@login_required
@require_POST
def mark_checked(request: HttpRequest, action_id: int) -> HttpResponse:
    access = plan_access(request.user)
    action = get_action(access, action_id)
    if not access.may_import:
        raise Http404("Not found")
    actions.mark_checked(action=action, by=request.user)  # type: ignore[arg-type]
    messages.success(request, "Marked as checked.")
    return _back(action, "main-content")


@login_required
@require_GET
def evidence_document(request: HttpRequest, note_id: int) -> FileResponse:
    """Documents are never served from MEDIA_ROOT directly: only here, to people who may read
    the plan they belong to. A document may name children, so each download is audited."""
    access = plan_access(request.user)
    note = (
        EvidenceNote.objects.select_related("action__finding__inspection")
        .filter(pk=note_id, action__finding__inspection__local_authority=access.council)
        .first()
    )
    if (
        note is None
        or not note.document.name
        or not note.document.storage.exists(note.document.name)
    ):
        raise Http404("No such document")
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what=f"Evidence document {note.pk}",
        object_type="evidence_note",
        object_id=note.pk,
        request=request,
    )
    suffix = Path(note.document.name or "").suffix
    return FileResponse(
        note.document.open("rb"), as_attachment=True, filename=f"evidence-{note.pk}{suffix}"
    )

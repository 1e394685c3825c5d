"""Recording supervision: the supervisor's list of supervisees, recording and changing a session,
reading it back. Reads go through supervision.queries (the doorway for supervision files) and
cases.queries; writes through supervision.actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.accounts.scope import supervision_scope_of
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.people.models import Worker
from oversight.supervision.actions import change_session, mark_action_done, record_session
from oversight.supervision.forms import ACTION_ROWS, DateValue, SessionForm
from oversight.supervision.models import SupervisionAction, SupervisionSession
from oversight.supervision.queries import files_visible_to, get_session_for_user, may_record_for
from oversight.supervision.standing import standings, write_ups_owed
from oversight.supervision.suggestions import cases_to_discuss


def today() -> dt.date:
    """The date pages are measured at and sessions checked against (tests fix it)."""
    return timezone.localdate()


@login_required
def supervisees(request: HttpRequest) -> HttpResponse:
    """The supervisor's list: who is due, who is overdue, which write-ups are outstanding."""
    me = supervision_scope_of(request.user).worker
    if me is None:
        raise Http404("No staff record")
    day = today()
    mine = files_visible_to(request.user).filter(supervisor=me)
    others = files_visible_to(request.user).exclude(supervisor=me).exclude(pk=me.pk)
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what="my supervisees",
        object_type="worker",
        object_id=me.pk,
        request=request,
    )
    return render(
        request,
        "supervision/supervisees.html",
        {
            "today": day,
            "mine": standings(mine, day),
            "others": standings(others, day) if others.exists() else [],
            "owed": write_ups_owed(me, day),
        },
    )


def _supervisee(request: HttpRequest, worker_id: int) -> Worker:
    worker = get_object_or_404(files_visible_to(request.user), pk=worker_id)
    if not may_record_for(request.user, worker):
        raise Http404("Not found")
    return worker


@login_required
def record(request: HttpRequest, worker_id: int) -> HttpResponse:
    supervisee = _supervisee(request, worker_id)
    day = today()
    cases = cases_to_discuss(request.user, supervisee, day)
    data = request.POST if request.method == "POST" else None
    form = SessionForm(data, cases=cases, today=day)
    if request.method == "POST" and form.is_valid() and form.record is not None:
        me = supervision_scope_of(request.user).worker
        assert me is not None  # may_record_for needs a staff record
        session = record_session(
            by=request.user,  # type: ignore[arg-type]
            supervisor=me,
            supervisee=supervisee,
            record=form.record,
        )
        messages.success(request, f"Supervision with {supervisee.name} recorded.")
        return redirect("supervision-session", session_id=session.pk)
    if request.method != "POST":
        form.dates["held_on"] = DateValue.of(day)  # most sessions are recorded the same day
    return _form_page(request, form, supervisee=supervisee, session=None)


@login_required
def edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id)
    if not may_record_for(request.user, session.supervisee):
        raise Http404("Not found")
    day = today()
    cases = cases_to_discuss(request.user, session.supervisee, day)
    cases = _with_discussed(cases, session)
    written_up = session.written_up_on is not None
    data = request.POST if request.method == "POST" else _as_form_data(session)
    form = SessionForm(data, cases=cases, today=day, needs_reason=written_up)
    if request.method == "POST" and form.is_valid() and form.record is not None:
        change_session(
            by=request.user,  # type: ignore[arg-type]
            session=session,
            record=form.record,
            reason=form.cleaned_data.get("reason", ""),
        )
        messages.success(request, "Supervision record changed.")
        return redirect("supervision-session", session_id=session.pk)
    return _form_page(request, form, supervisee=session.supervisee, session=session)


def _with_discussed(cases: list[Any], session: SupervisionSession) -> list[Any]:
    """A case discussed then but since closed still appears when the record is changed."""
    from oversight.supervision.suggestions import CaseToDiscuss

    shown = {c.child_id for c in cases}
    extra = [
        CaseToDiscuss(d.child_id, d.child.la_child_id, "No longer allocated", 0, False, None, 0, 0)
        for d in session.cases_discussed.select_related("child")
        if d.child_id not in shown
    ]
    return cases + extra


def _as_form_data(session: SupervisionSession) -> dict[str, str]:
    data: dict[str, str] = {"kind": session.kind, "minutes": str(session.minutes)}
    for name, day in (("held_on", session.held_on), ("written_up_on", session.written_up_on)):
        value = DateValue.of(day)
        data |= {f"{name}-day": value.day, f"{name}-month": value.month, f"{name}-year": value.year}
    for d in session.cases_discussed.all():
        data[f"decision-{d.child_id}"] = d.decision
    open_actions = session.actions.filter(done_on__isnull=True)[:ACTION_ROWS]
    for n, action in enumerate(open_actions, start=1):
        due = DateValue.of(action.due_on)
        data |= {
            f"action-{n}-text": action.description,
            f"action-{n}-due-day": due.day,
            f"action-{n}-due-month": due.month,
            f"action-{n}-due-year": due.year,
        }
    return data


def _form_page(
    request: HttpRequest,
    form: SessionForm,
    *,
    supervisee: Worker,
    session: SupervisionSession | None,
) -> HttpResponse:
    show = request.method == "POST"  # a change form is filled from the record, not yet checked

    def error(field: str) -> str:
        return form.error_for(field) if show else ""

    rows = [
        {
            "n": n,
            "text": text,
            "due": due,
            "due_name": f"action-{n}-due",
            "text_error": error(f"action-{n}-text"),
            "due_error": error(f"action-{n}-due"),
        }
        for n, (text, due) in enumerate(form.action_rows, start=1)
    ]
    cases = [
        {
            "case": c,
            "decision": form.decisions.get(c.child_id, ""),
            "error": error(f"decision-{c.child_id}"),
        }
        for c in form.cases
    ]
    return render(
        request,
        "supervision/record_session.html",
        {
            "form": form,
            "supervisee": supervisee,
            "session": session,
            "errors": form.error_list() if show else [],
            "field_errors": {
                f: error(f) for f in ("held_on", "kind", "minutes", "written_up_on", "reason")
            },
            "values": form.data,
            "held_on": form.dates["held_on"],
            "written_up_on": form.dates["written_up_on"],
            "cases": cases,
            "action_rows": rows,
        },
        status=400 if show and form.errors else 200,
    )


@login_required
def session(request: HttpRequest, session_id: int) -> HttpResponse:
    found = get_session_for_user(request.user, session_id)
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what=f"supervision record: {found.supervisee.name}, {found.held_on:%d/%m/%Y}",
        object_type="supervision_session",
        object_id=found.pk,
        request=request,
    )
    return render(
        request,
        "supervision/session.html",
        {
            "session": found,
            "discussions": found.cases_discussed.select_related("child").order_by(
                "child__la_child_id"
            ),
            "actions": found.actions.all(),
            "revisions": found.revisions.select_related("changed_by"),
            "may_change": may_record_for(request.user, found.supervisee),
            "today": today(),
        },
    )


@login_required
@require_POST
def action_done(request: HttpRequest, action_id: int) -> HttpResponse:
    action = get_object_or_404(
        SupervisionAction.objects.select_related("session__supervisee"), pk=action_id
    )
    session = get_session_for_user(request.user, action.session_id)
    if (
        not may_record_for(request.user, session.supervisee)
        and session.supervisee.user_id != request.user.pk
    ):
        raise Http404("Not found")
    if action.done_on is None:
        mark_action_done(by=request.user, action=action, done_on=today())  # type: ignore[arg-type]
        messages.success(request, "Action marked as done.")
    return redirect("supervision-session", session_id=session.pk)

"""Importing a plan from the web: upload the document or workbook, review the draft (move any
action to another finding), then save it into an inspection held or a new one.

The draft travels as a signed hidden field (review.py), so the review and the save read the same
plan and nothing is kept on the server between them. Saving uses importer.save_plan: findings
and actions already held are left as they are, so saving twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from oversight.actionplan.access import PlanAccess, plan_access
from oversight.actionplan.actions import import_plan
from oversight.actionplan.document import DraftPlan
from oversight.actionplan.forms import PlanUploadForm, SaveForm
from oversight.actionplan.queries import inspections_of
from oversight.actionplan.reading import read_plan_file
from oversight.actionplan.review import (
    DraftUnreadable,
    placements,
    sign_draft,
    unsign_draft,
    with_moves,
)
from oversight.actionplan.timescales import MONTH_YEAR, MONTHS
from oversight.interchange.safety import FileRefused


def _importer(request: HttpRequest) -> PlanAccess:
    access = plan_access(request.user)
    if not access.may_import:
        raise Http404("Not found")
    return access


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    access = _importer(request)
    if request.method != "POST":
        return _upload_page(request, PlanUploadForm())
    form = PlanUploadForm(request.POST, request.FILES)
    plan = _read(form) if form.is_valid() else None
    if plan is None:
        return _upload_page(request, form, status=400)
    name = Path(form.cleaned_data["file"].name).name
    token = sign_draft(plan, council_id=access.council.pk, file_name=name)
    inspections = inspections_of(access.council)
    save = SaveForm(inspections=inspections, initial=_initial(plan, inspections))
    return _review_page(request, plan, token, name, save, placements(plan))


def _read(form: PlanUploadForm) -> DraftPlan | None:
    """The draft, or None with the reason filed on the form."""
    try:
        plan = _read_upload(form.cleaned_data["file"])
    except FileRefused as error:
        form.add_error("file", f"The file could not be read: {error}")
        return None
    if not plan.findings:
        form.add_error("file", "No plan found: the file needs a table with an Action column")
        return None
    return plan


def _read_upload(upload: Any) -> DraftPlan:
    """Readers take a path (a workbook is checked on disk before it is opened): the upload waits
    in the private import folder under a random name, and is deleted once read."""
    folder = Path(settings.OVERSIGHT_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    suffix = Path(upload.name or "").suffix.lower()
    with tempfile.NamedTemporaryFile(dir=folder, suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        return read_plan_file(Path(handle.name))


def _initial(plan: DraftPlan, inspections: list[Any]) -> dict[str, Any]:
    start = _month_in(plan.title)
    return {
        "target": "existing" if inspections else "new",
        "inspection": inspections[0].pk if len(inspections) == 1 else None,
        "body": "Ofsted",
        "kind": plan.title[:120],
        "start": start,
        "end": start,
    }


def _month_in(title: str) -> dt.date | None:
    """ "Inspection Outcome Action Plan (November 2010)" → 1 November 2010."""
    for match in MONTH_YEAR.finditer(title):
        if month := MONTHS.get(match.group(1).lower()):
            return dt.date(int(match.group(2)), month, 1)
    return None


@login_required
@require_POST
def save(request: HttpRequest) -> HttpResponse:
    access = _importer(request)
    token = request.POST.get("draft", "")
    try:
        draft = unsign_draft(token, council_id=access.council.pk)
    except DraftUnreadable:
        problem = (
            "The plan under review could not be read back (it is more than 8 hours old or was "
            "changed): upload the file again"
        )
        return _upload_page(request, PlanUploadForm(), problem=problem, status=400)
    plan = draft.plan
    chosen, move_errors = _chosen(request.POST, plan)
    form = SaveForm(request.POST, inspections=inspections_of(access.council))
    if form.is_valid() and not move_errors and form.into is not None:
        inspection, saved = import_plan(
            plan=with_moves(plan, chosen),
            into=form.into,
            council=access.council,
            by=request.user,  # type: ignore[arg-type]
        )
        messages.success(
            request,
            f"Plan saved: {saved.findings_new} findings and {saved.actions_new} actions added "
            f"({saved.findings_unchanged} findings and {saved.actions_unchanged} actions were "
            "already held).",
        )
        return redirect("plan-inspection", inspection_id=inspection.pk)
    return _review_page(
        request, plan, token, draft.file_name, form, chosen, move_errors, status=400
    )


def _chosen(data: Any, plan: DraftPlan) -> tuple[list[int], list[tuple[str, str]]]:
    """The finding chosen for each action (`finding-N`, actions numbered through the plan)."""
    chosen, errors = [], []
    for number, was in enumerate(placements(plan), start=1):
        raw = data.get(f"finding-{number}", str(was))
        if raw.isdigit() and int(raw) < len(plan.findings):
            chosen.append(int(raw))
        else:
            chosen.append(was)
            errors.append((f"finding-{number}", f"Choose a finding for action {number}"))
    return chosen, errors


def _upload_page(
    request: HttpRequest, form: PlanUploadForm, *, problem: str = "", status: int = 200
) -> HttpResponse:
    errors = form.error_list() + ([("plan-file", problem)] if problem else [])
    return render(
        request,
        "actionplan/import_upload.html",
        {"form": form, "errors": errors, "file_error": form.error_for("file") or problem},
        status=status,
    )


def _review_page(
    request: HttpRequest,
    plan: DraftPlan,
    token: str,
    file_name: str,
    form: SaveForm,
    chosen: list[int],
    extra_errors: list[tuple[str, str]] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    numbered = iter(enumerate(zip(plan.actions, chosen, strict=True), start=1))
    findings = [
        {
            "number": index + 1,
            "text": finding.text,
            "actions": [next(numbered) for _action in finding.actions],
        }
        for index, finding in enumerate(plan.findings)
    ]
    return render(
        request,
        "actionplan/import_review.html",
        {
            "plan": plan,
            "findings": findings,
            "choices": [
                (i, f"Finding {i + 1}: {_short(f.text)}") for i, f in enumerate(plan.findings)
            ],
            "token": token,
            "file_name": file_name,
            "form": form,
            "dates": form.dates,
            "errors": [*(extra_errors or []), *form.error_list()],
        },
        status=status,
    )


def _short(text: str, most: int = 70) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"

"""The plan as a workbook and as a PDF, for anyone who may read it; every export is audited."""

from __future__ import annotations

import io
import logging
from types import ModuleType

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from oversight.actionplan.access import plan_access
from oversight.actionplan.exports import export_blocks, write_plan_workbook
from oversight.actionplan.models import Inspection
from oversight.actionplan.queries import get_inspection, plan_overview
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.people.views import as_at_from


def _audit(
    request: HttpRequest, inspection: Inspection, kind: str, detail: dict[str, object]
) -> None:
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.EXPORT,
        what=f"Action plan ({kind}): {inspection}",
        object_type="inspection",
        object_id=inspection.pk,
        detail=detail,
        request=request,
    )


@login_required
@require_GET
def plan_xlsx(request: HttpRequest, inspection_id: int) -> FileResponse:
    access = plan_access(request.user)
    inspection = get_inspection(access, inspection_id)
    as_at, _error = as_at_from(request)
    buffer = io.BytesIO()
    written = write_plan_workbook(buffer, plan_overview(inspection, as_at))
    _audit(request, inspection, "xlsx", {"as_at": as_at.isoformat(), "actions": written})
    buffer.seek(0)
    name = f"action-plan-{inspection.pk}-{as_at.isoformat()}.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name)


def weasyprint() -> tuple[ModuleType | None, str]:
    """WeasyPrint, or why it cannot run: it loads pango (a system library) when imported."""
    # Its step-by-step progress is logged at INFO, which would fill the server's log.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    try:
        import weasyprint as module  # imported on use: slow to load, and may be missing
    except (ImportError, OSError) as error:
        return None, str(error)
    return module, ""


@login_required
@require_GET
def plan_pdf(request: HttpRequest, inspection_id: int) -> HttpResponse | FileResponse:
    access = plan_access(request.user)
    inspection = get_inspection(access, inspection_id)
    as_at, _error = as_at_from(request)
    printer, problem = weasyprint()
    if printer is None:
        return render(request, "actionplan/pdf_unavailable.html", {"problem": problem}, status=503)
    overview = plan_overview(inspection, as_at)
    html = render_to_string(
        "actionplan/plan_pdf.html",
        {"overview": overview, "blocks": export_blocks(overview), "council": access.council},
    )
    pdf = printer.HTML(string=html).write_pdf()
    _audit(request, inspection, "PDF", {"as_at": as_at.isoformat()})
    name = f"action-plan-{inspection.pk}-{as_at.isoformat()}.pdf"
    return FileResponse(io.BytesIO(pdf), as_attachment=True, filename=name)

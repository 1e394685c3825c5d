"""The import pages: upload a file, watch it being checked, read the report, then import it.

Only information officers and administrators import. Every upload is checked first (a dry run);
the import itself is a second, deliberate step from the report page, on the same file.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from oversight.accounts.roles import AccessRole
from oversight.accounts.scope import scope_of
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.cases.queries import cases_visible_to
from oversight.engine.periods import add_months
from oversight.interchange.actions import NoCouncil, begin_import, council_for, file_digest
from oversight.interchange.annex_a_export import ExportPeriod, write_annex_a
from oversight.interchange.background import start
from oversight.interchange.forms import UploadForm
from oversight.interchange.models import ImportRun
from oversight.people.models import LocalAuthority
from oversight.people.views import as_at_from

IMPORTING_ROLES = frozenset({AccessRole.INFORMATION_OFFICER, AccessRole.ADMINISTRATOR})
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates_csv"
PROBLEMS_SHOWN = 200
TABLE_LABELS = {
    "teams": "Teams",
    "workers": "Workers",
    "absences": "Absences",
    "children": "Children",
    "contacts": "Contacts",
    "referrals": "Referrals (episodes of need)",
    "assessments": "Assessments",
    "s47": "Section 47 enquiries",
    "cp_plans": "Child protection plans",
    "cp_reviews": "Child protection reviews",
    "allocations": "Allocations",
    "supervision_sessions": "Supervision sessions",
}


def _council_for_importer(request: HttpRequest) -> LocalAuthority:
    """The importer's council: their staff record's, or the only council held."""
    scope = scope_of(request.user)
    if not IMPORTING_ROLES & scope.roles:
        raise Http404("Not found")
    worker = scope.worker
    if worker is not None and (worker.team_id or worker.locality_id):
        locality = worker.team.locality if worker.team else worker.locality
        if locality is not None:
            return locality.local_authority
    try:
        return council_for(None)
    except NoCouncil:
        raise Http404("No council is set up") from None


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    la = _council_for_importer(request)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = _keep_upload(upload)
        run = begin_import(
            form.cleaned_data["kind"],
            path,
            la,
            user=request.user,
            dry_run=True,
            file_name=Path(upload.name).name,
        )
        ImportRun.objects.filter(pk=run.pk).update(upload_path=str(path))
        start(run, path)
        return redirect("import-run", run_id=run.pk)
    runs = ImportRun.objects.filter(local_authority=la)[:25]
    return render(
        request,
        "interchange/imports.html",
        {
            "form": form,
            "runs": runs,
            "templates": _csv_templates(),
            "council": la,
            "max_mb": settings.OVERSIGHT_IMPORT_MAX_MB,
        },
        status=400 if form.errors else 200,
    )


def _keep_upload(upload: Any) -> Path:
    """Uploads wait in a private folder under a random name, never the name given."""
    folder = Path(settings.OVERSIGHT_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


def _csv_templates() -> list[str]:
    return sorted(p.stem for p in TEMPLATES_DIR.glob("*.csv")) if TEMPLATES_DIR.is_dir() else []


@login_required
def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    la = _council_for_importer(request)
    run = get_object_or_404(ImportRun, pk=run_id, local_authority=la)
    if request.method == "POST":
        return _import_checked_file(request, run, la)
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what=f"import report: {run.file_name}",
        object_type="import",
        object_id=run.pk,
        request=request,
    )
    problems = run.report.get("problems", [])
    return render(
        request,
        "interchange/import_run.html",
        {
            "run": run,
            "tables": [
                (name, TABLE_LABELS.get(name, name), count)
                for name, count in run.report.get("tables", {}).items()
            ],
            "problems": problems[:PROBLEMS_SHOWN],
            "problems_hidden": max(len(problems) - PROBLEMS_SHOWN, 0),
            "errors": sum(1 for p in problems if p["severity"] == "error"),
            "warnings": sum(1 for p in problems if p["severity"] == "warning"),
        },
    )


def _import_checked_file(request: HttpRequest, run: ImportRun, la: LocalAuthority) -> HttpResponse:
    """Import exactly the file that was checked: refuse if it is gone or has changed."""
    path = Path(run.upload_path)
    if not run.may_be_imported or file_digest(path) != run.file_sha256:
        return redirect("import-run", run_id=run.pk)
    real = begin_import(
        run.kind, path, la, user=request.user, dry_run=False, file_name=run.file_name
    )
    ImportRun.objects.filter(pk=run.pk).update(upload_path="")
    ImportRun.objects.filter(pk=real.pk).update(upload_path=str(path))
    start(real, path)
    return redirect("import-run", run_id=real.pk)


@login_required
@require_GET
def import_status(request: HttpRequest, run_id: int) -> JsonResponse:
    """For the page's progress line (oversight-imports.js); no child data in it."""
    la = _council_for_importer(request)
    run = get_object_or_404(ImportRun, pk=run_id, local_authority=la)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "rows_read": run.rows_read,
            "finished": run.finished,
        }
    )


@login_required
@require_GET
def csv_template(request: HttpRequest, name: str) -> FileResponse:
    _council_for_importer(request)
    if name not in _csv_templates():
        raise Http404("No such template")
    path = TEMPLATES_DIR / f"{name}.csv"
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"oversight-{name}.csv")


PERIODS = {"6": "6 months (Ofsted's Annex A period)", "12": "12 months", "24": "24 months"}


@login_required
@require_GET
def export_annex_a(request: HttpRequest) -> HttpResponse | FileResponse:
    """Annex A from Oversight's data, for the cases this user may see, as at a date."""
    la = _council_for_importer(request)
    as_at, date_error = as_at_from(request)
    months = request.GET.get("months", "6")
    if request.GET.get("download") and not date_error and months in PERIODS:
        period = ExportPeriod(add_months(as_at, -int(months)) + dt.timedelta(days=1), as_at)
        buffer = io.BytesIO()
        counts = write_annex_a(buffer, cases_visible_to(request.user), period)
        record_event(
            user=request.user,
            kind=AuditEvent.Kind.EXPORT,
            what=f"Annex A export as at {as_at:%d/%m/%Y} ({la.name})",
            object_type="export",
            detail={"as_at": str(as_at), "period_start": str(period.start), "rows": counts},
            request=request,
        )
        buffer.seek(0)
        name = f"annex-a-{la.code}-{as_at.isoformat()}.xlsx"
        return FileResponse(buffer, as_attachment=True, filename=name)
    return render(
        request,
        "interchange/export_annex_a.html",
        {"as_at": as_at, "date_error": date_error, "months": months, "periods": PERIODS},
        status=400 if date_error else 200,
    )

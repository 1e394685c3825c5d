"""Running an import: read the file, store it (or check it, on a dry run), record who did it.

The CLI (`oversight import`) and the upload page both call `run_import`, so every import is
checked, all-or-nothing, recorded as an ImportRun and written to the audit trail the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.interchange.annex_a import read_annex_a
from oversight.interchange.cin_census import read_cin_census
from oversight.interchange.csv_templates import read_csv
from oversight.interchange.extract import Extract, Progress
from oversight.interchange.models import ImportRun
from oversight.interchange.report import ImportReport, Problem
from oversight.interchange.safety import FileRefused, Limits
from oversight.interchange.store import store
from oversight.people.models import LocalAuthority

Reader = Callable[[Path, Progress | None], Extract]


def limits() -> Limits:
    """The largest file an import accepts, from the settings (OVERSIGHT_IMPORT_MAX_MB)."""
    return Limits(max_file_bytes=settings.OVERSIGHT_IMPORT_MAX_MB * 1024 * 1024)


def _annex_a(path: Path, progress: Progress | None) -> Extract:
    return read_annex_a(path, progress=progress, limits=limits())


def _cin(path: Path, progress: Progress | None) -> Extract:
    return read_cin_census(path, progress=progress, limits=limits())


def _csv(path: Path, progress: Progress | None) -> Extract:
    # The template is told from the headings.
    return read_csv(path, progress=progress, limits=limits())


READERS: dict[str, Reader] = {
    ImportRun.Kind.ANNEX_A: _annex_a,
    ImportRun.Kind.CIN: _cin,
    ImportRun.Kind.CSV: _csv,
}


class NoCouncil(ValueError):
    """Which council the import is for cannot be told."""


def council_for(code: str | None) -> LocalAuthority:
    """The council named by its DfE code, or the only council held."""
    if code:
        found = LocalAuthority.objects.filter(code=code).first()
        if found is None:
            raise NoCouncil(f"no council with LA code {code}")
        return found
    councils = list(LocalAuthority.objects.all()[:2])
    if len(councils) != 1:
        raise NoCouncil("say which council with --la CODE" if councils else "no council set up")
    return councils[0]


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_import(
    kind: str,
    path: Path,
    la: LocalAuthority,
    *,
    user: User | AnonymousUser | None,
    dry_run: bool,
    progress: Progress | None = None,
    file_name: str | None = None,
) -> tuple[ImportRun, ImportReport]:
    """Import one file now; returns the recorded run and its report. Nothing is written on a
    dry run or when the report has any error."""
    run = begin_import(kind, path, la, user=user, dry_run=dry_run, file_name=file_name)
    return run, execute(run, path, progress)


def begin_import(
    kind: str,
    path: Path,
    la: LocalAuthority,
    *,
    user: User | AnonymousUser | None,
    dry_run: bool,
    file_name: str | None = None,
) -> ImportRun:
    """Record an import waiting to run (the upload page runs it in the background)."""
    known_user = user if user is not None and user.is_authenticated else None
    return ImportRun.objects.create(
        kind=kind,
        file_name=file_name or path.name,
        file_sha256=file_digest(path),
        file_bytes=path.stat().st_size,
        local_authority=la,
        user=known_user,
        username=known_user.get_username() if known_user else "",
        dry_run=dry_run,
        status=ImportRun.Status.WAITING,
        started_at=timezone.now(),
    )


def execute(run: ImportRun, path: Path, progress: Progress | None = None) -> ImportReport:
    """Read and store the run's file, then record the outcome and audit it."""
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    try:
        extract = READERS[run.kind](path, progress)
    except FileRefused as refused:
        report = ImportReport(problems=[Problem(run.file_name, None, None, None, str(refused))])
    else:
        run.rows_read = extract.rows_read
        run.template = (
            extract.source.removeprefix("csv:") if extract.source.startswith("csv:") else ""
        )
        report = store(extract, run.local_authority, dry_run=run.dry_run)
    _finish(run, report, run.user)
    return report


def _finish(run: ImportRun, report: ImportReport, user: User | None) -> None:
    run.report = report.as_json()
    run.finished_at = timezone.now()
    if report.committed:
        run.status = ImportRun.Status.IMPORTED
    elif report.errors:
        run.status = ImportRun.Status.REFUSED
    else:
        run.status = ImportRun.Status.CHECKED
    run.save()
    record_event(
        user=user,
        kind=AuditEvent.Kind.IMPORT,
        what=f"{run.get_kind_display()}: {run.file_name} ({run.get_status_display().lower()})",
        object_type="import",
        object_id=run.pk,
        detail={
            "sha256": run.file_sha256,
            "dry_run": run.dry_run,
            "tables": report.as_json()["tables"],
            "errors": len(report.errors),
            "warnings": len(report.warnings),
        },
    )

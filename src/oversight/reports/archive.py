"""Storing generated reports and reading them back (the archive's writes and reads).

`store_report` is the one way a report enters the archive: the file is written under
OVERSIGHT_REPORT_DIR, then its row and the audit event are saved in one transaction. Reads go
through `reports_visible_to` (the units the user's role covers) and `report_content`, which
checks the file's SHA-256 against the one recorded when it was made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.engine.registry import Period
from oversight.reports.models import Report
from oversight.reports.units import Unit, units_for


class ReportDamaged(Exception):
    """The file on disk is missing or is not the one that was generated."""


@dataclass(frozen=True)
class Built:
    """A report made but not yet stored."""

    kind: Report.Kind
    content: bytes
    extension: str
    content_type: str
    period: Period
    figures: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)


def report_dir() -> Path:
    return Path(settings.OVERSIGHT_REPORT_DIR)


def store_report(
    *,
    built: Built,
    unit: Unit,
    as_at: dt.date,
    policy_version: int,
    by: User | AnonymousUser | None,
    scheduled: bool = False,
    request: HttpRequest | None = None,
) -> Report:
    """Write the file, then its archive entry and the audit event together."""
    now = timezone.now()
    relative = (
        f"{as_at:%Y/%m}/{built.kind}-{unit.kind.value}-{unit.id}-{as_at.isoformat()}-"
        f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.{built.extension}"
    )
    path = report_dir() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(built.content)
    user = by if isinstance(by, User) else None
    try:
        with transaction.atomic():
            report = Report.objects.create(
                kind=built.kind,
                scope=unit.kind.value,
                scope_id=unit.id,
                scope_name=unit.name,
                local_authority_id=unit.local_authority_id,
                as_at=as_at,
                period_start=built.period.start,
                period_end=built.period.end,
                policy_version=policy_version,
                parameters=built.parameters,
                figures=built.figures,
                file_name=relative,
                content_type=built.content_type,
                size=len(built.content),
                sha256=hashlib.sha256(built.content).hexdigest(),
                created_at=now,
                created_by=user,
                created_by_name=user.get_username() if user else "scheduled run",
                scheduled=scheduled,
            )
            record_event(
                user=user,
                kind=AuditEvent.Kind.EXPORT,
                what=f"Report generated: {report}",
                object_type="report",
                object_id=report.pk,
                detail={"as_at": as_at.isoformat(), "scope": unit.key, "sha256": report.sha256},
                request=request,
            )
    except Exception:
        path.unlink(missing_ok=True)  # no archive entry, so no orphaned file either
        raise
    return report


def reports_visible_to(user: User | AnonymousUser) -> QuerySet[Report]:
    """Reports of the units this user's role covers (none for workers and assistant TMs)."""
    units = units_for(user)
    if not units:
        return Report.objects.none()
    condition = Q()
    for unit in units:
        condition |= Q(scope=unit.kind.value, scope_id=unit.id)
    return Report.objects.filter(condition)


def get_report_for_user(user: User | AnonymousUser, report_id: int) -> Report:
    """One report, or 404 whether it is missing or not this user's to have."""
    try:
        return reports_visible_to(user).get(pk=report_id)
    except Report.DoesNotExist:
        raise Http404("No such report") from None


def report_content(report: Report) -> bytes:
    """The file as generated; ReportDamaged if it is gone or its hash does not match."""
    path = report_dir() / report.file_name
    try:
        content = path.read_bytes()
    except OSError as error:
        raise ReportDamaged(f"{report.file_name}: {error.strerror}") from None
    if hashlib.sha256(content).hexdigest() != report.sha256:
        raise ReportDamaged(f"{report.file_name}: the file has changed since it was generated")
    return content


def download_name(report: Report) -> str:
    scope = "".join(c if c.isalnum() else "-" for c in report.scope_name.lower()).strip("-")
    return f"{report.kind.replace('_', '-')}-{scope}-{report.as_at.isoformat()}.{report.extension}"


def record_download(user: User | AnonymousUser, report: Report, request: HttpRequest) -> None:
    record_event(
        user=user,
        kind=AuditEvent.Kind.EXPORT,
        what=f"Report downloaded: {report}",
        object_type="report",
        object_id=report.pk,
        detail={"as_at": report.as_at.isoformat(), "scope": f"{report.scope}:{report.scope_id}"},
        request=request,
    )

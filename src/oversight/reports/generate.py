"""Generating a report and archiving it: the one way in for the web page, the command line and
the schedule. Each uses the policy in force, records its version on the report, and writes the
archive entry and its audit event together (archive.store_report).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from oversight.actionplan.export_views import weasyprint
from oversight.policy.queries import current_policy
from oversight.reports.archive import Built, store_report
from oversight.reports.mi_pack import NO_TARGET, MiPack, build_mi_pack
from oversight.reports.models import Report
from oversight.reports.monthly import build_audit_workbook
from oversight.reports.units import Unit

STYLESHEET = "reports/mi-pack.css"


class PdfUnavailable(RuntimeError):
    """WeasyPrint (or the Pango library it needs) is not installed."""


def _name(by: User | AnonymousUser | None) -> str:
    if isinstance(by, User):
        return by.get_full_name() or by.get_username()
    return "Scheduled run"


def generate_audit_workbook(
    *,
    unit: Unit,
    as_at: dt.date,
    by: User | AnonymousUser | None,
    scheduled: bool = False,
    request: HttpRequest | None = None,
) -> Report:
    policy, version = current_policy()
    built = build_audit_workbook(
        unit,
        as_at,
        policy=policy,
        policy_version=version,
        generated_by=_name(by),
        generated_at=timezone.localtime(),
    )
    return store_report(
        built=built,
        unit=unit,
        as_at=as_at,
        policy_version=version,
        by=by,
        scheduled=scheduled,
        request=request,
    )


def generate_mi_pack(
    *,
    unit: Unit,
    as_at: dt.date,
    by: User | AnonymousUser | None,
    scheduled: bool = False,
    request: HttpRequest | None = None,
) -> list[Report]:
    """The pack as a web page and as a PDF: two archive entries with the same figures."""
    policy, version = current_policy()
    pack = build_mi_pack(
        unit,
        as_at,
        policy=policy,
        policy_version=version,
        generated_by=_name(by),
        generated_at=timezone.localtime(),
    )
    return [
        store_report(
            built=built,
            unit=unit,
            as_at=as_at,
            policy_version=version,
            by=by,
            scheduled=scheduled,
            request=request,
        )
        for built in mi_pack_files(pack)
    ]


def mi_pack_html(pack: MiPack, *, for_print: bool = False) -> str:
    return render_to_string(
        "reports/mi_pack.html", {"pack": pack, "for_print": for_print, "no_target": NO_TARGET}
    )


def mi_pack_pdf(pack: MiPack) -> bytes:
    printer, problem = weasyprint()
    if printer is None:
        raise PdfUnavailable(problem)
    stylesheet = finders.find(STYLESHEET)
    assert isinstance(stylesheet, str), STYLESHEET
    document = printer.HTML(string=mi_pack_html(pack, for_print=True))
    pdf: bytes = document.write_pdf(stylesheets=[printer.CSS(filename=Path(stylesheet))])
    return pdf


def mi_pack_files(pack: MiPack) -> list[Built]:
    figures = pack.figures()
    parameters = {"scope": pack.unit.key, "as_at": pack.as_at.isoformat(), "fortnights": 12}
    html = Built(
        kind=Report.Kind.MI_PACK_HTML,
        content=mi_pack_html(pack).encode(),
        extension="html",
        content_type="text/html; charset=utf-8",
        period=pack.period,
        figures=figures,
        parameters=parameters,
    )
    pdf = Built(
        kind=Report.Kind.MI_PACK_PDF,
        content=mi_pack_pdf(pack),
        extension="pdf",
        content_type="application/pdf",
        period=pack.period,
        figures=figures,
        parameters=parameters,
    )
    return [html, pdf]

"""The administrators' audit pages: search the trail, export what was found, verify the chain.

Only administrators open them (anyone else gets 404). Searching, exporting and verifying are
themselves recorded in the trail.
"""

from __future__ import annotations

import itertools
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from oversight.accounts.roles import AccessRole
from oversight.accounts.scope import scope_of
from oversight.audit.actions import record_event
from oversight.audit.chain import verify
from oversight.audit.export import csv_lines
from oversight.audit.models import AuditEvent
from oversight.audit.search import AuditFilter, detail_rows, parse_filter, search

PER_PAGE = 50
BREAKS_SHOWN = 200


def _administrator(request: HttpRequest) -> None:
    if AccessRole.ADMINISTRATOR not in scope_of(request.user).roles:
        raise Http404("Not found")


def _query_without_page(request: HttpRequest) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k != "page"])


@login_required
@require_GET
def audit_search(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    chosen = parse_filter(request.GET)
    events = search(chosen) if not chosen.errors else AuditEvent.objects.none()
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    # Read the page before recording this search, so it shows the trail as it was searched.
    rows = [(event, detail_rows(event)) for event in page.object_list]
    _record(request, AuditEvent.Kind.VIEW, "Audit trail searched", chosen, page.paginator.count)
    return render(
        request,
        "audit/search.html",
        {
            "filter": chosen,
            "page": page,
            "rows": rows,
            "kinds": AuditEvent.Kind.choices,
            "query": _query_without_page(request),
        },
        status=400 if chosen.errors else 200,
    )


@login_required
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    _administrator(request)
    chosen = parse_filter(request.GET)
    if chosen.errors:
        return HttpResponse(
            "; ".join(chosen.errors.values()), status=400, content_type="text/plain; charset=utf-8"
        )
    events = search(chosen)
    _record(request, AuditEvent.Kind.EXPORT, "Audit trail exported", chosen, events.count())
    response = StreamingHttpResponse(
        csv_lines(events.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    name = f"audit-trail-{timezone.now():%Y-%m-%d-%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _record(
    request: HttpRequest, kind: AuditEvent.Kind, what: str, chosen: AuditFilter, found: int
) -> None:
    record_event(
        user=request.user,
        kind=kind,
        what=what,
        object_type="audit",
        detail={"filters": chosen.as_detail(), "events": found},
        request=request,
    )


@login_required
@require_GET
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Check the hash chain from the first event to the last, as `oversight audit verify`."""
    _administrator(request)
    total = AuditEvent.objects.count()
    found = verify()
    breaks = list(itertools.islice(found, BREAKS_SHOWN))
    more = sum(1 for _ in found)
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what="Audit trail verified",
        object_type="audit",
        detail={"events": total, "breaks": len(breaks) + more},
        request=request,
    )
    return render(
        request,
        "audit/verify.html",
        {"total": total, "breaks": breaks, "more": more, "checked_at": timezone.now()},
    )

"""The nightly feed: case activity in by natural keys, all or nothing, with a dry run.

The JSON is read into an Extract (feed.py) and stored by the import's own store
(interchange.store.store): the same matching by natural key, the same checks and the same single
transaction as an Annex A or CSV file, so sending the same feed twice changes nothing. Only
information officers and administrators feed data in (as on the Imports page), with a
read-and-write token. Every feed, refused and dry runs included, goes in the audit trail.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.params import functions as param

from oversight.accounts.roles import AccessRole
from oversight.accounts.scope import scope_of
from oversight.api.audit import record_call, require_write, user_of
from oversight.api.feed import Feed, feed_field, read_feed
from oversight.api.problems import ApiProblem, ProblemError, documented
from oversight.audit.models import AuditEvent
from oversight.interchange.actions import NoCouncil, council_for
from oversight.interchange.report import ImportReport, Problem
from oversight.interchange.store import store
from oversight.people.models import LocalAuthority

router = Router(tags=["Case activity feed"])
# The same roles as the Imports page.
IMPORTING_ROLES = frozenset({AccessRole.INFORMATION_OFFICER, AccessRole.ADMINISTRATOR})


class TableCount(Schema):
    new: int
    updated: int
    unchanged: int


class FeedReport(Schema):
    dry_run: bool
    committed: bool
    rows: int
    tables: dict[str, TableCount]
    warnings: list[ProblemError]


@router.post(
    "/activity",
    response={200: FeedReport, **documented(400, 401, 403, 404, 413, 422, 429)},
    operation_id="feed_activity",
    summary="Create or update case activity by natural keys, all or nothing",
)
def feed_activity(
    request: HttpRequest,
    payload: Feed,
    dry_run: bool = param.Query(
        False, description="Check only: report what would change, store nothing"
    ),
) -> dict[str, Any]:
    require_write(request)
    la = _council(user_of(request), payload.la_code)
    report = store(read_feed(payload), la, dry_run=dry_run)
    _record(request, payload, report, dry_run)
    warnings = [_error(p) for p in report.warnings]
    if report.errors:
        raise ApiProblem(
            422,
            f"Nothing was stored: {len(report.errors)} problem(s) to put right, listed in "
            "`errors`. Send the whole feed again once they are.",
            errors=[_error(p) for p in report.errors],
            warnings=warnings,
        )
    return {
        "dry_run": dry_run,
        "committed": report.committed,
        "rows": payload.rows,
        "tables": report.as_json()["tables"],
        "warnings": warnings,
    }


def _council(user: User, la_code: str | None) -> LocalAuthority:
    """The council fed: the user's own (their staff record's), else the one held, else the one
    named by `la_code` where several share this Oversight."""
    scope = scope_of(user)
    if not IMPORTING_ROLES & scope.roles:
        raise ApiProblem(403, "Only information officers and administrators feed data in.")
    if scope.local_authority_id is not None:
        own = LocalAuthority.objects.get(pk=scope.local_authority_id)
        if la_code and la_code != own.code:
            raise Http404("Not this user's council")
        return own
    try:
        return council_for(la_code)
    except NoCouncil:
        several = la_code is None and LocalAuthority.objects.exists()
        reason = "several councils are held: say which" if several else "no such council"
        raise ApiProblem(
            422,
            "Which council this feed is for cannot be told.",
            errors=[ProblemError(field="la_code", value=la_code, reason=reason)],
        ) from None


def _error(problem: Problem) -> ProblemError:
    return ProblemError(
        table=problem.where,
        row=problem.row,
        field=feed_field(problem.column),
        value=problem.value,
        reason=problem.reason,
    )


def _record(request: HttpRequest, payload: Feed, report: ImportReport, dry_run: bool) -> None:
    outcome = "imported" if report.committed else "refused" if report.errors else "checked"
    record_call(
        request,
        f"case activity feed: {payload.rows} rows ({outcome})",
        kind=AuditEvent.Kind.IMPORT,
        object_type="feed",
        detail={
            "sha256": hashlib.sha256(request.body).hexdigest(),
            "dry_run": dry_run,
            "tables": report.as_json()["tables"],
            "errors": len(report.errors),
            "warnings": len(report.warnings),
        },
    )

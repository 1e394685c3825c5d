"""Searching the audit trail (the administrators' audit page and its CSV export): by user, by
child (LA child ID), by kind of event and by date range, in UTC as the trail is written."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict

from oversight.audit.models import AuditEvent
from oversight.cases.models import Child

# Supervision records are the worker's supervision file: the audit page names the event but
# never shows what the record said (administrators have no supervision files of their own).
PRIVATE_DETAIL = frozenset({"supervision_session", "supervision_action"})
PRIVATE_NOTE = "Not shown: the contents of a supervision record stay in the supervision file"
DATE_ERROR = "Enter a real date, for example 27 11 2026"


@dataclass
class AuditFilter:
    username: str = ""
    child: str = ""
    kind: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, dict[str, str]] = field(default_factory=dict)  # date parts as typed

    def as_detail(self) -> dict[str, str]:
        """For the audit event that records a search or an export."""
        shown = {
            "username": self.username,
            "child": self.child,
            "kind": self.kind,
            "from": self.start.isoformat() if self.start else "",
            "to": self.end.isoformat() if self.end else "",
        }
        return {name: value for name, value in shown.items() if value}


def parse_filter(query: QueryDict) -> AuditFilter:
    chosen = AuditFilter(
        username=query.get("user", "").strip()[:150],
        child=query.get("child", "").strip()[:40],
        kind=query.get("kind", "").strip(),
    )
    if chosen.kind and chosen.kind not in AuditEvent.Kind.values:
        chosen.errors["kind"] = "Choose a kind of event from the list"
        chosen.kind = ""
    chosen.start = _date(query, "from", chosen)
    chosen.end = _date(query, "to", chosen)
    if chosen.start and chosen.end and chosen.end < chosen.start:
        chosen.errors["to"] = "The end date must be the same as or after the start date"
    return chosen


def _date(query: QueryDict, name: str, chosen: AuditFilter) -> dt.date | None:
    parts = {part: query.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year")}
    chosen.typed[name] = parts
    if not any(parts.values()):
        return None
    try:
        return dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        chosen.errors[name] = DATE_ERROR
        return None


def search(chosen: AuditFilter) -> QuerySet[AuditEvent]:
    """The events matching every filter given, newest first."""
    events = AuditEvent.objects.all()
    if chosen.username:
        events = events.filter(username__iexact=chosen.username)
    if chosen.kind:
        events = events.filter(kind=chosen.kind)
    if chosen.child:
        events = events.filter(_about_child(chosen.child))
    if chosen.start:
        events = events.filter(at__gte=_utc_midnight(chosen.start))
    if chosen.end:
        events = events.filter(at__lt=_utc_midnight(chosen.end + dt.timedelta(days=1)))
    return events.order_by("-sequence", "-id")


def _about_child(la_child_id: str) -> Q:
    """Events about the child: recorded against its case (a view, an allocation, break-glass
    access), naming it, or a supervision record discussing it (before or after a change)."""
    # The trail keeps the case's row id. Looking the ids up here, outside the doorway, reveals
    # nothing a trail that names the child does not already show its administrator.
    ids = [
        str(pk) for pk in Child.objects.filter(la_child_id=la_child_id).values_list("pk", flat=True)
    ]
    return (
        Q(object_type="child", object_id__in=ids)
        | Q(detail__la_child_id=la_child_id)
        | Q(detail__after__decisions__has_key=la_child_id)
        | Q(detail__before__decisions__has_key=la_child_id)
    )


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)


def shown_detail(event: AuditEvent) -> str:
    """The event's detail as compact JSON, or why it is not shown."""
    if event.object_type in PRIVATE_DETAIL:
        return PRIVATE_NOTE
    if not event.detail:
        return ""
    return json.dumps(event.detail, sort_keys=True, ensure_ascii=False, default=str)


def detail_rows(event: AuditEvent) -> list[tuple[str, Any]]:
    """The detail as (name, value) pairs for the page; nested values as JSON."""
    if event.object_type in PRIVATE_DETAIL:
        return [("Detail", PRIVATE_NOTE)]
    return [
        (name, value if isinstance(value, str | int | float) else json.dumps(value, default=str))
        for name, value in sorted(event.detail.items())
    ]

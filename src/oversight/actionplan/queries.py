"""Reads for the plan pages and exports: a council's inspections, an action, and where every
action stands on a date with its evidence, in a fixed number of queries however long the plan.

The engine's data is loaded once for all the actions shown (evidence.evidence_for), and each
action's last progress update comes from one query.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from oversight.actionplan.access import PlanAccess, parts_of
from oversight.actionplan.document import expand_lead
from oversight.actionplan.evidence import Evidence, evidence_for, overall
from oversight.actionplan.models import Action, ActionUpdate, Finding, Inspection
from oversight.actionplan.standing import Standing, standing_of
from oversight.actionplan.wording import RAG_ORDER, rag_label
from oversight.people.models import LocalAuthority


@dataclass(frozen=True)
class ActionRow:
    action: Action
    number: str  # "2.1": the finding's and the action's place in the plan
    lead: str  # in full
    standing: Standing
    rag: str
    evidence: tuple[Evidence, ...]
    last_update: ActionUpdate | None

    @property
    def headline(self) -> Evidence | None:
        """The measure that sets the action's RAG (its worst), for one-line summaries."""
        for evidence in self.evidence:
            if evidence.latest and evidence.latest.rag == self.rag:
                return evidence
        return self.evidence[0] if self.evidence else None


@dataclass(frozen=True)
class FindingBlock:
    finding: Finding
    rows: tuple[ActionRow, ...]


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    n: int


@dataclass(frozen=True)
class Counts:
    total: int
    by_rag: tuple[Count, ...]
    by_status: tuple[Count, ...]
    overdue: int
    review_missed: int


@dataclass(frozen=True)
class PlanOverview:
    inspection: Inspection
    as_at: dt.date
    findings: tuple[FindingBlock, ...]
    counts: Counts

    @property
    def rows(self) -> list[ActionRow]:
        return [row for block in self.findings for row in block.rows]


def inspections_of(council: LocalAuthority) -> list[Inspection]:
    """Newest first."""
    return list(Inspection.objects.filter(local_authority=council).order_by("-start_date", "-pk"))


def get_inspection(access: PlanAccess, inspection_id: int) -> Inspection:
    found = Inspection.objects.filter(pk=inspection_id, local_authority=access.council).first()
    if found is None:
        raise Http404("No such inspection")
    return found


def get_action(access: PlanAccess, action_id: int) -> Action:
    found = (
        Action.objects.select_related("finding__inspection__local_authority")
        .filter(pk=action_id, finding__inspection__local_authority=access.council)
        .first()
    )
    if found is None:
        raise Http404("No such action")
    return found


def plan_starts(inspection: Inspection) -> dt.date:
    """When the plan began: the report's publication, else the last day of the visit."""
    return inspection.report_published_on or inspection.end_date


def plan_overview(inspection: Inspection, as_at: dt.date) -> PlanOverview:
    findings = list(inspection.findings.prefetch_related("actions"))
    glossary = dict(inspection.glossary.values_list("abbreviation", "meaning"))
    actions = [a for f in findings for a in f.actions.all()]
    rows = {
        row.action.pk: row
        for row in action_rows(
            actions, as_at, council=inspection.local_authority, glossary=glossary
        )
    }
    blocks = tuple(FindingBlock(f, tuple(rows[a.pk] for a in f.actions.all())) for f in findings)
    return PlanOverview(inspection, as_at, blocks, counts_of(list(rows.values())))


def action_rows(
    actions: Sequence[Action],
    as_at: dt.date,
    *,
    council: LocalAuthority,
    glossary: dict[str, str] | None = None,
) -> list[ActionRow]:
    """Each action as it stands at as_at. The actions carry their finding and inspection
    (select_related or prefetched)."""
    latest = last_updates(actions, as_at)
    evidence = evidence_for(actions, council, as_at) if actions else {}
    rows = []
    for action in actions:
        inspection = action.finding.inspection
        found = evidence.get(action.pk, [])
        last = latest.get(action.pk)
        rows.append(
            ActionRow(
                action=action,
                number=f"{action.finding.order}.{action.order}",
                lead=lead_in_full(action, glossary or {}),
                standing=standing_of(
                    action,
                    as_at=as_at,
                    plan_starts=plan_starts(inspection),
                    last_update=timezone.localtime(last.written_at).date() if last else None,
                ),
                rag=overall(found),
                evidence=tuple(found),
                last_update=last,
            )
        )
    return rows


def lead_in_full(action: Action, glossary: dict[str, str]) -> str:
    if action.lead_parts or not glossary:
        return ", ".join(parts_of(action))
    return expand_lead(action.lead, glossary)


def day_end(day: dt.date) -> dt.datetime:
    """The first moment after `day` in the council's time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def last_updates(actions: Iterable[Action], as_at: dt.date) -> dict[int, ActionUpdate]:
    """Each action's latest progress update written on or before as_at (one query)."""
    latest: dict[int, ActionUpdate] = {}
    updates = ActionUpdate.objects.filter(
        action__in=list(actions), written_at__lt=day_end(as_at)
    ).order_by("written_at", "pk")
    for update in updates:
        latest[update.action_id] = update
    return latest


def counts_of(rows: Sequence[ActionRow]) -> Counts:
    rags = Counter(row.rag for row in rows)
    statuses = Counter(row.action.status for row in rows)
    return Counts(
        total=len(rows),
        by_rag=tuple(Count(r, rag_label(r), rags[r]) for r in RAG_ORDER),
        by_status=tuple(Count(s, str(label), statuses[s]) for s, label in Action.Status.choices),
        overdue=sum(row.standing.overdue for row in rows),
        review_missed=sum(row.standing.review_missed for row in rows),
    )


def my_actions(access: PlanAccess, as_at: dt.date) -> list[ActionRow]:
    """The actions this user leads, across the council's inspections, newest inspection first."""
    actions = (
        Action.objects.select_related("finding__inspection")
        .filter(finding__inspection__local_authority=access.council)
        .order_by("-finding__inspection__start_date", "finding__order", "order")
    )
    mine = [a for a in actions if access.leads(a)]
    return action_rows(mine, as_at, council=access.council)

"""Saving an imported plan (actionplan.document) as findings and actions of an inspection.

Idempotent: findings are matched by their text and actions by their finding and text (case and
spacing ignored), so importing the same document twice creates nothing new, and a re-import never
overwrites what has been edited in Oversight since. Each action's timescale becomes a schedule,
its lead is read with the plan's glossary, and its Comments give its status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from oversight.actionplan.document import DraftAction, DraftPlan, expand_lead, lead_parts
from oversight.actionplan.models import Action, Finding, Glossary, Inspection
from oversight.actionplan.timescales import month_end, parse_timescale
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent

COMPLETED = ("completed", "complete", "done", "achieved")


@dataclass(frozen=True)
class Status:
    status: str
    completed_on: dt.date | None
    flags: tuple[str, ...] = ()


def status_of(action: DraftAction, *, starts: dt.date) -> Status:
    """From the Comments column: "Completed…" is completed (on the date it names, else the
    timescale's), any other comment is in progress, none is not started. A status the reader
    was told outright (a workbook's Status column) wins."""
    comments = action.comments.strip()
    if action.status and action.status != Action.Status.COMPLETED:
        return Status(action.status, None)
    if action.status == Action.Status.COMPLETED and action.completed_on:
        return Status(Action.Status.COMPLETED, action.completed_on)
    if action.status == Action.Status.COMPLETED or comments.lower().startswith(COMPLETED):
        on = month_end(comments) or parse_timescale(action.timescale, starts=starts).due_on
        if on is None:
            return Status(Action.Status.COMPLETED, starts, ("completed, but no date given: check",))
        return Status(Action.Status.COMPLETED, on)
    if comments:
        return Status(Action.Status.IN_PROGRESS, None)
    return Status(Action.Status.NOT_STARTED, None)


def plan_json(plan: DraftPlan, *, starts: dt.date) -> dict[str, Any]:
    """The documented JSON (docs/action-plans.md)."""
    return {
        "findings": [
            {
                "text": f.text,
                "actions": [a.as_json(status_of(a, starts=starts).status) for a in f.actions],
            }
            for f in plan.findings
        ],
        "glossary": dict(plan.glossary),
        "flags": list(plan.flags),
    }


@dataclass
class Saved:
    findings_new: int = 0
    findings_unchanged: int = 0
    actions_new: int = 0
    actions_unchanged: int = 0
    flags: list[str] = field(default_factory=list)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@transaction.atomic
def save_plan(
    plan: DraftPlan, inspection: Inspection, *, by: User | None, dry_run: bool = False
) -> Saved:
    saved = Saved(flags=list(plan.flags))
    starts = inspection.report_published_on or inspection.end_date
    findings = {_key(f.text): f for f in inspection.findings.all()}
    next_finding = max((f.order for f in findings.values()), default=0) + 1
    for draft in plan.findings:
        finding = findings.get(_key(draft.text))
        if finding is None:
            finding = Finding.objects.create(
                inspection=inspection, order=next_finding, text=draft.text
            )
            findings[_key(draft.text)] = finding
            next_finding += 1
            saved.findings_new += 1
        else:
            saved.findings_unchanged += 1
        _save_actions(draft.actions, finding, plan, starts, saved)
    for abbreviation, meaning in plan.glossary.items():
        Glossary.objects.get_or_create(
            inspection=inspection, abbreviation=abbreviation, defaults={"meaning": meaning}
        )
    record_event(
        user=by,
        kind=AuditEvent.Kind.IMPORT,
        what=f"Action plan imported into {inspection}"[:200],
        object_type="inspection",
        object_id=inspection.pk,
        detail={
            "findings_new": saved.findings_new,
            "actions_new": saved.actions_new,
            "dry_run": dry_run,
        },
    )
    if dry_run:
        transaction.set_rollback(True)
    return saved


def _save_actions(
    drafts: list[DraftAction], finding: Finding, plan: DraftPlan, starts: dt.date, saved: Saved
) -> None:
    held = {_key(a.text): a for a in finding.actions.all()}
    order = max((a.order for a in held.values()), default=0) + 1
    for draft in drafts:
        if _key(draft.text) in held:
            saved.actions_unchanged += 1
            continue
        schedule = parse_timescale(draft.timescale, starts=starts)
        status = status_of(draft, starts=starts)
        flags = [*draft.flags, *status.flags]
        if draft.timescale and not schedule.understood:
            flags.append(f"timescale not understood: “{draft.timescale}”")
        action = Action.objects.create(
            finding=finding,
            order=order,
            text=draft.text,
            lead=draft.lead[:200],
            timescale=draft.timescale[:120],
            evidence=draft.evidence,
            comments=draft.comments,
            status=status.status,
            completed_on=status.completed_on,
            due_on=schedule.due_on,
            recurrence=schedule.every.value if schedule.every else "",
            ongoing=schedule.ongoing,
            review_point=schedule.review[:120],
            lead_parts=[
                expand_lead(p, plan.glossary) for p in lead_parts(draft.lead, plan.glossary)
            ],
            review_flags=flags,
        )
        held[_key(draft.text)] = action
        order += 1
        saved.actions_new += 1

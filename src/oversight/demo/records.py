"""The unsaved records, everything as known at as_at: children, contacts, referrals,
assessments, s47 enquiries, CP plans and reviews, complexity assessments and allocations; and
the seed's action plan.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from oversight.actionplan.document import expand_lead, lead_parts
from oversight.actionplan.models import Action, ActionUpdate, EvidenceMeasure, Finding, Inspection
from oversight.actionplan.timescales import parse_timescale
from oversight.cases.models import (
    Allocation,
    Assessment,
    Child,
    ChildProtectionPlan,
    ChildProtectionReview,
    ComplexityAssessment,
    Contact,
    Referral,
    Section47,
)
from oversight.demo import story
from oversight.demo.context import CO_WORKER, HOLDER, Context, known
from oversight.demo.episodes import ChildHistory, Episode, Plan
from oversight.engine.codes import CodeSetName
from oversight.people.models import LocalAuthority, Team, Worker

LONDON = ZoneInfo("Europe/London")


# ---------------------------------------------------------------------------------------------
# Records: everything as known at as_at
# ---------------------------------------------------------------------------------------------


def case_records(
    ctx: Context, children: list[ChildHistory], *, intake_team: Team
) -> dict[str, list[Any]]:
    records: dict[str, list[Any]] = {
        "children": [],
        "contacts": [],
        "referrals": [],
        "assessments": [],
        "section47s": [],
        "cp_plans": [],
        "cp_reviews": [],
        "complexity_assessments": [],
        "allocations": [],
    }
    for child in children:
        records["children"].append(child.record)
        for episode in child.episodes:
            _episode_records(ctx, episode, records)
        records["contacts"] += _other_contacts(ctx, child)
        child.record.responsible_team = _responsible_team(ctx, child, intake_team)
    _families(ctx, children, intake_team)
    return records


def _families(ctx: Context, children: list[ChildHistory], intake_team: Team) -> None:
    """Family references, so the allocation meeting shows siblings (R-AL-2): the first two
    children waiting for allocation are brothers or sisters, and the third has a sibling already
    held in the intake team."""
    waiting = [c for c in children if _awaiting_allocation(ctx, c, intake_team)]
    held = [
        c
        for c in children
        if c.record.responsible_team == intake_team
        and not _awaiting_allocation(ctx, c, intake_team)
    ]
    if len(waiting) >= 2:
        for child in waiting[:2]:
            child.record.family_reference = "FAM-0001"
    if len(waiting) >= 3 and held:
        for child in (waiting[2], held[0]):
            child.record.family_reference = "FAM-0002"


def _awaiting_allocation(ctx: Context, child: ChildHistory, intake_team: Team) -> bool:
    if child.record.responsible_team != intake_team or not child.episodes:
        return False
    return not any(
        holding.worker and holding.open_on(ctx.as_at) for holding in child.episodes[-1].holdings
    )


def _responsible_team(ctx: Context, child: ChildHistory, intake_team: Team) -> Team | None:
    """The team holding the open episode, or R&A for a referral awaiting allocation."""
    if not child.episodes or child.episodes[-1].closure <= ctx.as_at:
        return None
    for holding in child.episodes[-1].holdings:
        if holding.worker and holding.open_on(ctx.as_at):
            return holding.worker.worker.team
    return intake_team


def _episode_records(ctx: Context, episode: Episode, records: dict[str, list[Any]]) -> None:
    child = episode.child.record
    closed = known(ctx, episode.closure)
    referral = Referral(
        child=child,
        date=episode.referral_date,
        source=episode.source,
        nfa=episode.nfa,
        primary_need=episode.need,
        closure_date=closed,
        closure_reason=episode.closure_reason if closed else "",
    )
    records["referrals"].append(referral)
    records["contacts"].append(_referral_contact(ctx, episode, child))
    if episode.assessment and episode.assessment.start <= ctx.as_at:
        records["assessments"].append(_assessment_record(ctx, episode, child, referral))
    if episode.s47 and episode.s47.strategy <= ctx.as_at:
        records["section47s"].append(_section47_record(ctx, episode, child, referral))
    if episode.plan and episode.plan.start <= ctx.as_at:
        plan = _plan_record(ctx, episode.plan, child)
        records["cp_plans"].append(plan)
        records["cp_reviews"] += [
            ChildProtectionReview(plan=plan, date=day)
            for day in episode.plan.reviews
            if day <= ctx.as_at
        ]
    records["complexity_assessments"] += [
        ComplexityAssessment(child=child, level=level, assessed_on=day, reason=reason)
        for day, level, reason in episode.complexity
        if day <= ctx.as_at
    ]
    records["allocations"] += _allocation_records(ctx, episode)


def _referral_contact(ctx: Context, episode: Episode, child: Child) -> Contact:
    """The contact that became this referral, decided the day the referral was made."""
    received = episode.referral_date
    if ctx.chance(0.3) and received > ctx.first_day:
        received = ctx.on_or_before(received - timedelta(days=1))
    return Contact(
        child=child,
        date=received,
        source=episode.source,
        outcome=Contact.Outcome.REFERRAL,
        decision_date=episode.referral_date,
    )


def _other_contacts(ctx: Context, child: ChildHistory) -> list[Contact]:
    """Contacts that did not become referrals: about a child with an open case they are passed
    to the worker (advice), otherwise NFA, advice or early help (R-RR-4)."""
    contacts = []
    for day in child.other_contacts:
        late = ctx.chance(story.CONTACT_DECIDED_LATE)
        decided = known(ctx, ctx.after(day, ctx.rng.randint(2, 3) if late else 1))
        if any(e.referral_date <= day <= e.closure for e in child.episodes):
            outcome = Contact.Outcome.ADVICE
        else:
            outcome = Contact.Outcome(ctx.pick(story.CONTACT_OUTCOMES_NOT_PROGRESSED))
        contacts.append(
            Contact(
                child=child.record,
                date=day,
                source=ctx.code(CodeSetName.REFERRAL_SOURCE, story.REFERRAL_SOURCES, day),
                outcome=outcome if decided else "",
                decision_date=decided,
            )
        )
    return contacts


def _holder_on(episode: Episode, day: date) -> Worker | None:
    for holding in episode.holdings:
        if holding.worker and holding.start <= day < holding.end:
            return holding.worker.worker
    return None


def _assessment_record(
    ctx: Context, episode: Episode, child: Child, referral: Referral
) -> Assessment:
    planned = episode.assessment
    assert planned is not None
    authorised = known(ctx, planned.authorised)
    days = ctx.calendar.elapsed(planned.start, ctx.as_at if authorised is None else authorised)
    overdue = days > ctx.policy.timescales.single_assessment_days
    return Assessment(
        child=child,
        referral=referral,
        kind=Assessment.Kind.SINGLE,
        worker=_holder_on(episode, planned.start),
        start_date=planned.start,
        authorised_date=authorised,
        outcome=planned.outcome if authorised else "",
        delay_reason=planned.delay_reason if overdue else "",
    )


def _section47_record(
    ctx: Context, episode: Episode, child: Child, referral: Referral
) -> Section47:
    planned = episode.s47
    assert planned is not None
    ended = known(ctx, planned.end)
    icpc = known(ctx, planned.icpc)
    lead = planned.lead.worker if planned.lead else _holder_on(episode, planned.strategy)
    return Section47(
        child=child,
        referral=referral,
        strategy_date=planned.strategy,
        lead_worker=lead,
        end_date=ended,
        icpc_not_required=planned.icpc_not_required and ended is not None,
        icpc_date=icpc,
        icpc_result=planned.result if icpc else "",
    )


def _plan_record(ctx: Context, plan: Plan, child: Child) -> ChildProtectionPlan:
    return ChildProtectionPlan(
        child=child, start_date=plan.start, end_date=known(ctx, plan.end), category=plan.category
    )


def _allocation_records(ctx: Context, episode: Episode) -> list[Allocation]:
    allocations = []
    for holding in episode.holdings:
        if holding.worker is None:
            continue
        ended = known(ctx, holding.end)
        allocations.append(
            Allocation(
                child=episode.child.record,
                worker=holding.worker.worker,
                role=HOLDER,
                start_date=holding.start,
                end_date=ended,
                end_reason=holding.end_reason if ended else "",
                complexity_level=episode.level_on(holding.start),
                rationale=ctx.rng.choice(story.ALLOCATION_RATIONALES),
            )
        )
        if holding.co_worker and holding.co_start:
            allocations.append(
                Allocation(
                    child=episode.child.record,
                    worker=holding.co_worker.worker,
                    role=CO_WORKER,
                    start_date=holding.co_start,
                    end_date=ended,
                    end_reason="Co-working ended" if ended else "",
                    complexity_level=episode.level_on(holding.co_start),
                    rationale="Co-worker to support the case holder",
                )
            )
    return allocations


# ---------------------------------------------------------------------------------------------
# The seed's action plan
# ---------------------------------------------------------------------------------------------


def _status(action: story.ActionStory) -> str:
    """Status as the Comments column records it."""
    if action.comments.startswith("Completed"):
        return Action.Status.COMPLETED
    if action.comments:
        return Action.Status.IN_PROGRESS
    return Action.Status.NOT_STARTED


# The seed's abbreviations legend.
GLOSSARY = {"TM": "Team Manager", "SM": "Safeguarding Manager", "LM": "Locality Manager"}


def action_plan(la: LocalAuthority) -> dict[str, list[Any]]:
    inspection = Inspection(
        local_authority=la,
        body=story.INSPECTION_BODY,
        kind=story.INSPECTION_KIND,
        start_date=story.INSPECTION_START,
        end_date=story.INSPECTION_END,
        report_published_on=story.INSPECTION_REPORT_PUBLISHED,
    )
    findings, actions, updates, measures = [], [], [], []
    updated_at = datetime.combine(story.PLAN_UPDATED_ON, time(10, 0), tzinfo=LONDON)
    for order, finding_story in enumerate(story.FINDINGS, start=1):
        finding = Finding(inspection=inspection, order=order, text=finding_story.text)
        findings.append(finding)
        for action_order, a in enumerate(finding_story.actions, start=1):
            schedule = parse_timescale(a.timescale, starts=story.INSPECTION_REPORT_PUBLISHED)
            action = Action(
                finding=finding,
                order=action_order,
                text=a.text,
                lead=a.lead,
                timescale=a.timescale,
                evidence=a.evidence,
                comments=a.comments,
                status=_status(a),
                completed_on=a.completed_on,
                due_on=schedule.due_on,
                recurrence=schedule.every.value if schedule.every else "",
                ongoing=schedule.ongoing,
                review_point=schedule.review,
                lead_parts=[expand_lead(part, GLOSSARY) for part in lead_parts(a.lead, GLOSSARY)],
            )
            actions.append(action)
            link = story.EVIDENCE[(order, action_order)]
            measures.append(
                EvidenceMeasure(
                    action=action,
                    measure_id=link.measure_id,
                    comparison=link.comparison,
                    target=Decimal(str(link.target)),
                    amber_margin=Decimal(str(link.amber_margin)),
                    breakdown=link.breakdown,
                )
            )
            if a.comments:
                updates.append(ActionUpdate(action=action, written_at=updated_at, text=a.comments))
    return {
        "inspections": [inspection],
        "findings": findings,
        "actions": actions,
        "action_updates": updates,
        "evidence_measures": measures,
    }

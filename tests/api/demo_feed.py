"""The demo council's records (demo.generator, in memory) written as the API's nightly feed, the
way a council's case-recording system would send them: everything by natural keys (LA child ID,
worker names, dates), no database ids."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from oversight.demo.generator import DemoCouncil


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _text(value: str) -> str | None:
    return value or None


def demo_feed(council: DemoCouncil) -> dict[str, Any]:
    reviews: dict[int, list[str]] = defaultdict(list)
    for review in council.cp_reviews:
        reviews[id(review.plan)].append(review.date.isoformat())
    return {
        "la_code": council.local_authority.code,
        "workers": [
            {
                "name": w.name,
                "role": w.role,
                "team": w.team.name if w.team else None,
                "locality": w.locality.name if w.locality else None,
                "qualified": w.qualified,
                "qualification_date": _day(w.qualification_date),
                "start_date": _day(w.start_date),
                "end_date": _day(w.end_date),
                "fte": float(w.fte),
                "agency": w.agency,
                "supervisor": w.supervisor.name if w.supervisor else None,
                "swe_number": _text(w.swe_number),
            }
            for w in council.workers
        ],
        "absences": [
            {
                "worker": a.worker.name,
                "start_date": _day(a.start_date),
                "end_date": _day(a.end_date),
                "reason": _text(a.reason),
            }
            for a in council.absences
        ],
        "children": [
            {
                "la_child_id": c.la_child_id,
                "date_of_birth": _day(c.date_of_birth),
                "sex": _text(c.sex),
                "ethnicity": _text(c.ethnicity),
                "disability": c.disability,
                "team": c.responsible_team.name if c.responsible_team else None,
            }
            for c in council.children
        ],
        "contacts": [
            {
                "la_child_id": c.child.la_child_id,
                "date": _day(c.date),
                "source": _text(c.source),
                "outcome": _text(c.outcome),
            }
            for c in council.contacts
        ],
        "referrals": [
            {
                "la_child_id": r.child.la_child_id,
                "date": _day(r.date),
                "source": _text(r.source),
                "nfa": r.nfa,
                "primary_need": _text(r.primary_need),
                "closure_date": _day(r.closure_date),
                "closure_reason": _text(r.closure_reason),
            }
            for r in council.referrals
        ],
        "assessments": [
            {
                "la_child_id": a.child.la_child_id,
                "kind": a.kind,
                "start_date": _day(a.start_date),
                "authorised_date": _day(a.authorised_date),
                "outcome": _text(a.outcome),
                "delay_reason": _text(a.delay_reason),
                "worker": a.worker.name if a.worker else None,
            }
            for a in council.assessments
        ],
        "s47": [
            {
                "la_child_id": s.child.la_child_id,
                "strategy_date": _day(s.strategy_date),
                "icpc_not_required": s.icpc_not_required,
                "icpc_date": _day(s.icpc_date),
                "icpc_result": _text(s.icpc_result),
                "end_date": _day(s.end_date),
                "lead_worker": s.lead_worker.name if s.lead_worker else None,
            }
            for s in council.section47s
        ],
        "cp_plans": [
            {
                "la_child_id": p.child.la_child_id,
                "start_date": _day(p.start_date),
                "end_date": _day(p.end_date),
                "category": _text(p.category),
                "review_dates": reviews[id(p)],
            }
            for p in council.cp_plans
        ],
        "complexity": [
            {
                "la_child_id": c.child.la_child_id,
                "assessed_on": _day(c.assessed_on),
                "level": c.level,
                "reason": _text(c.reason),
            }
            for c in council.complexity_assessments
        ],
        "allocations": [
            {
                "la_child_id": a.child.la_child_id,
                "worker": a.worker.name,
                "role": a.role,
                "start_date": _day(a.start_date),
                "end_date": _day(a.end_date),
                "end_reason": _text(a.end_reason),
                "complexity_level": a.complexity_level,
                "rationale": _text(a.rationale),
            }
            for a in council.allocations
        ],
        "supervision_sessions": [
            {
                "supervisee": s.supervisee.name,
                "supervisor": s.supervisor.name,
                "held_on": _day(s.held_on),
                "kind": s.kind,
                "minutes": s.minutes,
                "written_up_on": _day(s.written_up_on),
            }
            for s in council.supervision_sessions
        ],
        "case_discussions": [
            {
                "supervisee": d.session.supervisee.name,
                "supervisor": d.session.supervisor.name,
                "held_on": _day(d.session.held_on),
                "la_child_id": d.child.la_child_id,
                "decision": d.decision,
            }
            for d in council.case_discussions
        ],
    }

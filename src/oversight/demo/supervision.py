"""Supervision: formal sessions (R-SV) from each worker's first week in post, ASYEs seen less
often than they should be and one planted gap, informal catch-ups that do not count, and the
open cases discussed in each formal session.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from oversight.demo import story
from oversight.demo.context import Context, known
from oversight.demo.episodes import Episode, Holding
from oversight.demo.workforce import Staff
from oversight.engine.periods import add_months
from oversight.engine.workforce import Grade
from oversight.supervision.models import CaseDiscussion, SupervisionSession


def supervision(ctx: Context, staff: list[Staff], episodes: list[Episode]) -> dict[str, list[Any]]:
    """R-SV: monthly formal sessions for most, ASYEs less often than they should be; cases
    discussed are the supervisee's open cases that day."""
    holdings: dict[int, list[tuple[Holding, Episode]]] = {}
    for episode in episodes:
        for holding in episode.holdings:
            if holding.worker:
                holdings.setdefault(id(holding.worker), []).append((holding, episode))
    sessions: list[SupervisionSession] = []
    discussions: list[CaseDiscussion] = []
    for s in staff:
        if s.supervisor is None:
            continue
        for held_on, kind in _session_days(ctx, s):
            session = _session(ctx, s, held_on, kind)
            sessions.append(session)
            if kind == SupervisionSession.Kind.FORMAL:
                discussions += _cases_discussed(ctx, session, holdings.get(id(s), []))
    return {"supervision_sessions": sessions, "case_discussions": discussions}


def _session_days(ctx: Context, s: Staff) -> Iterator[tuple[date, str]]:
    """Formal sessions from the first week in post (or the start of the two years), with an
    informal catch-up now and then for ASYEs - which does not count towards R-SV-1."""
    started = s.worker.start_date
    if started >= ctx.first_day:
        day = ctx.on_or_after(started + timedelta(days=ctx.rng.randint(2, 6)))
    else:
        day = ctx.on_or_after(ctx.first_day + timedelta(days=ctx.rng.randint(0, 27)))
    planted_name, planted_gap = story.PLANTED_SUPERVISION_GAP
    planted = s.member.name == planted_name
    while day <= ctx.as_at:
        yield day, SupervisionSession.Kind.FORMAL
        gap = _gap_days(ctx, s, day)
        if planted and day >= ctx.as_at - timedelta(days=75):
            gap, planted = planted_gap, False
        if s.grade(day, ctx.policy) == Grade.ASYE and gap > 10 and ctx.chance(0.3):
            informal = ctx.on_or_before(day + timedelta(days=gap // 2))
            if day < informal <= ctx.as_at:
                yield informal, SupervisionSession.Kind.INFORMAL
        day = ctx.on_or_before(day + timedelta(days=gap))


def _gap_days(ctx: Context, s: Staff, day: date) -> int:
    """R-SV-1 asks weekly, then fortnightly, then monthly sessions of an ASYE; the story has them
    come less often. Everyone else is mostly seen monthly."""
    rules = ctx.policy.supervision
    if s.grade(day, ctx.policy) == Grade.ASYE:
        started = s.worker.start_date
        if day < started + timedelta(weeks=rules.asye_weekly_weeks):
            phase = "weekly"
        elif day < add_months(started, rules.asye_fortnightly_months):
            phase = "fortnightly"
        else:
            phase = "monthly"
        low, high = story.ASYE_SESSION_GAP_DAYS[phase]
        return ctx.rng.randint(low, high)
    if ctx.chance(story.SESSION_MISSED):
        return ctx.rng.randint(29, 45)
    return ctx.rng.randint(*story.SESSION_GAP_DAYS)


def _session(ctx: Context, s: Staff, held_on: date, kind: str) -> SupervisionSession:
    assert s.supervisor is not None
    written: date | None = held_on
    if kind == SupervisionSession.Kind.INFORMAL:
        minutes = ctx.rng.choice((15, 20, 30, 40))
    else:
        minutes, written = _formal_minutes(ctx, s, held_on), _written_up(ctx, held_on)
    return SupervisionSession(
        supervisee=s.worker,
        supervisor=s.supervisor.worker,
        held_on=held_on,
        kind=kind,
        minutes=minutes,
        written_up_on=known(ctx, written),
    )


def _formal_minutes(ctx: Context, s: Staff, held_on: date) -> int:
    asye = s.grade(held_on, ctx.policy) == Grade.ASYE
    if ctx.chance(story.SESSION_SHORT["ASYE" if asye else "other"]):
        return ctx.rng.choice((45, 60, 75))
    return ctx.rng.choice((90, 90, 105, 120))


def _written_up(ctx: Context, held_on: date) -> date | None:
    """R-SV-4: most sessions are written up within 5 working days; some late, some never."""
    roll = ctx.rng.random()
    if roll < story.SESSION_NOT_WRITTEN_UP:
        return None
    if roll < story.SESSION_NOT_WRITTEN_UP + story.SESSION_WRITTEN_UP_LATE:
        return ctx.after(held_on, ctx.rng.randint(6, 15))
    return ctx.after(held_on, ctx.rng.choice((0, 1, 1, 2, 2, 3, 4)))


def _cases_discussed(
    ctx: Context, session: SupervisionSession, held: list[tuple[Holding, Episode]]
) -> list[CaseDiscussion]:
    day = session.held_on
    open_cases = [episode for holding, episode in held if holding.open_on(day)]
    chosen = ctx.rng.sample(open_cases, min(len(open_cases), ctx.rng.randint(3, 7)))
    return [
        CaseDiscussion(
            session=session,
            child=episode.child.record,
            decision=ctx.rng.choice(story.SUPERVISION_DECISIONS[episode.level_on(day)]),
        )
        for episode in chosen
    ]

"""The allocation meeting, which hands every holding to a worker in date order, and the seed's
planted problems, set in the amounts `story.py` states: overdue assessments, FSW cases that
became too complex, and R&A's experienced workers brought into their utilisation band.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from oversight.demo import story
from oversight.demo.context import CO_WORKER, HOLDER, RNA, Context
from oversight.demo.episodes import Episode, Holding, S47Enquiry
from oversight.demo.workforce import Staff
from oversight.engine.workforce import Grade, case_capacity

# ---------------------------------------------------------------------------------------------
# The allocation meeting
# ---------------------------------------------------------------------------------------------


def allocate(ctx: Context, staff: list[Staff], episodes: list[Episode]) -> None:
    """Every holding that starts by as_at goes to a worker, in date order: eligible by grade
    (R-AL-1), nearest their target utilisation, experienced workers for s47 work."""
    teams: dict[str, list[Staff]] = {}
    for s in staff:
        if s.team_kind and s.member.job != story.TM:
            teams.setdefault(s.team_kind, []).append(s)
    pending = [
        (holding, episode, index)
        for episode in episodes
        for index, holding in enumerate(episode.holdings)
        if holding.start <= ctx.as_at
    ]
    pending.sort(key=lambda item: item[0].start)
    for holding, episode, index in pending:
        previous = episode.holdings[index - 1].worker if holding.after_reallocation else None
        members = teams[holding.team]
        holding.worker = _choose_holder(ctx, members, holding, episode, previous)
        holding.worker.take(holding.end, ctx.weight(episode.level_on(holding.start)))
        if holding.co_work:
            _choose_co_worker(ctx, members, holding, episode)


def _spare(ctx: Context, s: Staff, day: date) -> float:
    """How far below their target utilisation a worker is (negative: above it)."""
    grade = s.grade(day, ctx.policy)
    target = story.TARGET_UTILISATION[s.team_kind or ""][grade]
    capacity = case_capacity(s.facts, day, ctx.policy, ctx.calendar) or 1.0
    return target - s.load_on(day) / capacity


def _choose_holder(
    ctx: Context,
    members: list[Staff],
    holding: Holding,
    episode: Episode,
    previous: Staff | None,
) -> Staff:
    day = holding.start
    top = episode.highest_level(day, min(holding.end, ctx.as_at))
    limits = ctx.policy.eligibility.max_complexity
    eligible = [
        s
        for s in members
        if s.in_post(day) and limits[s.grade(day, ctx.policy)] >= top and s is not previous
    ]
    if holding.prefer == "experienced" and ctx.chance(story.S47_LED_BY_EXPERIENCED):
        senior = (Grade.EXPERIENCED_SW, Grade.SENIOR)
        eligible = [s for s in eligible if s.grade(day, ctx.policy) in senior] or eligible
    bonus = story.LEAST_EXPERIENCED_FIRST if holding.prefer == "least_experienced" else {}
    scores = [
        _spare(ctx, s, day) + bonus.get(s.grade(day, ctx.policy), 0) + ctx.rng.uniform(0, 0.1)
        for s in eligible
    ]
    return eligible[scores.index(max(scores))]


def _choose_co_worker(
    ctx: Context, members: list[Staff], holding: Holding, episode: Episode
) -> None:
    day = ctx.after(holding.start, ctx.rng.randint(0, 10))
    if day >= holding.end or day > ctx.as_at:
        return
    candidates = [
        s for s in members if s.in_post(day) and s.grade(day, ctx.policy) == holding.co_work
    ]
    if not candidates:
        return
    scores = [_spare(ctx, s, day) for s in candidates]
    chosen = candidates[scores.index(max(scores))]
    chosen.take(holding.end, ctx.weight(episode.level_on(day)) * _co_fraction(ctx))
    holding.co_worker, holding.co_start = chosen, day


def _co_fraction(ctx: Context) -> float:
    return ctx.policy.caseload.co_worker_fraction


# ---------------------------------------------------------------------------------------------
# The planted problems
# ---------------------------------------------------------------------------------------------


def plant_overdue_assessments(ctx: Context, episodes: list[Episode]) -> None:
    """Exactly OVERDUE_OPEN_ASSESSMENTS single assessments are open past 45 working days at
    as_at, the first OVERDUE_OPEN_WITH_REASON with a reason for delay and the rest without
    (R-TS-10). Other late runners are authorised late, before as_at."""
    limit = ctx.policy.timescales.single_assessment_days
    overdue = [
        e.assessment
        for e in episodes
        if e.assessment
        and e.assessment.authorised > ctx.as_at
        and ctx.calendar.elapsed(e.assessment.start, ctx.as_at) > limit
    ]
    kept = ctx.rng.sample(overdue, min(story.OVERDUE_OPEN_ASSESSMENTS, len(overdue)))
    for assessment in overdue:
        if any(assessment is k for k in kept):
            continue
        assessment.authorised = ctx.day_between(ctx.after(assessment.start, limit + 1), ctx.as_at)
        assessment.outcome = assessment.outcome or "Child in need plan"
    for order, assessment in enumerate(sorted(kept, key=lambda a: a.start)):
        with_reason = order < story.OVERDUE_OPEN_WITH_REASON
        assessment.delay_reason = ctx.rng.choice(story.DELAY_REASONS) if with_reason else ""


def _open_holdings(episodes: list[Episode], day: date) -> Iterator[tuple[Holding, Episode]]:
    for episode in episodes:
        for holding in episode.holdings:
            if holding.worker and holding.open_on(day):
                yield holding, episode


def plant_fsw_holding_complex_work(
    ctx: Context, staff: list[Staff], episodes: list[Episode]
) -> None:
    """The seed's last finding: FSW-held cases re-assessed as more complex after allocation,
    one because an s47 enquiry started (R-AL-4). FSWs are otherwise only given level-1 work."""
    as_at = ctx.as_at
    by_name = {s.member.name: s for s in staff}
    candidates = [
        (holding, episode)
        for holding, episode in _open_holdings(episodes, as_at)
        if holding.worker and holding.worker.member.job == story.FSW
    ]
    planted: list[Episode] = []
    for number, name in enumerate(story.FSW_TOO_COMPLEX_HOLDERS):
        fsw = by_name[name]
        choice = _case_to_escalate(ctx, fsw, candidates, planted)
        if choice is None:
            continue
        holding, episode = choice
        planted.append(episode)
        if number < story.FSW_CASES_WITH_S47_AFTER_ALLOCATION:
            _s47_on_fsw_case(ctx, staff, holding, episode)
        else:
            known = [assessed for assessed, _, _ in episode.complexity if assessed <= as_at]
            last = max([holding.start, *known])
            day = ctx.day_between(last + timedelta(days=1), as_at - timedelta(days=1))
            episode.rate(day, 2, "Re-assessed at review: needs more complex than at allocation")


def _case_to_escalate(
    ctx: Context,
    fsw: Staff,
    candidates: list[tuple[Holding, Episode]],
    taken: list[Episode],
) -> tuple[Holding, Episode] | None:
    """An FSW case held for a few weeks whose last re-assessment leaves room for a later one."""
    room = ctx.as_at - timedelta(days=14)
    fitting = [
        (h, e)
        for h, e in candidates
        if h.worker is fsw
        and e not in taken
        and h.start <= room
        and all(assessed <= room for assessed, _, _ in e.complexity if assessed <= ctx.as_at)
    ]
    return ctx.rng.choice(fitting) if fitting else None


def _s47_on_fsw_case(ctx: Context, staff: list[Staff], holding: Holding, episode: Episode) -> None:
    """An s47 enquiry starts on an FSW's case in the last fortnight; an experienced colleague
    leads it as co-worker, but the FSW still holds the case."""
    strategy = ctx.day_between(ctx.as_at - timedelta(days=12), ctx.as_at - timedelta(days=2))
    leads = [
        s
        for s in staff
        if s.team_kind == holding.team
        and s.in_post(strategy)
        and s.grade(strategy, ctx.policy) == Grade.EXPERIENCED_SW
    ]
    lead = ctx.rng.choice(leads)
    episode.s47 = S47Enquiry(strategy=strategy, end=date.max, lead=lead)
    episode.rate(strategy, 3, "Section 47 enquiry started")
    holding.co_worker, holding.co_start = lead, strategy


# Each worker's open cases at as_at: (holding, episode, role on the case), keyed by id(Staff).
_OpenCases = dict[int, list[tuple[Holding, Episode, str]]]


def _current_load(ctx: Context, s: Staff, episodes_by_worker: _OpenCases) -> float:
    """R-CL-1/2 weighted load at as_at with each case's level in force (frames._level_at)."""
    points = 0.0
    for holding, episode, role in episodes_by_worker.get(id(s), []):
        since = holding.start if role == HOLDER else holding.co_start or holding.start
        later = [lvl for day, lvl, _ in episode.complexity if since <= day <= ctx.as_at]
        level = later[-1] if later else episode.level_on(since)
        share = 1.0 if role == HOLDER else _co_fraction(ctx)
        points += ctx.weight(level) * share
    return points


def _holdings_by_worker(ctx: Context, episodes: list[Episode]) -> _OpenCases:
    found: _OpenCases = {}
    for holding, episode in _open_holdings(episodes, ctx.as_at):
        found.setdefault(id(holding.worker), []).append((holding, episode, HOLDER))
        if holding.co_worker and holding.co_start and holding.co_start <= ctx.as_at:
            found.setdefault(id(holding.co_worker), []).append((holding, episode, CO_WORKER))
    return found


def _utilisation(ctx: Context, s: Staff, held: _OpenCases) -> float:
    capacity = case_capacity(s.facts, ctx.as_at, ctx.policy, ctx.calendar)
    return _current_load(ctx, s, held) / capacity


def balance_rna_experienced(ctx: Context, staff: list[Staff], episodes: list[Episode]) -> None:
    """Bring each of R&A's experienced workers into the planted band (90-115 %) by moving recent
    open cases between them and colleagues furthest from their own target, as a TM would at the
    last allocation meeting."""
    low, high = story.RNA_EXPERIENCED_UTILISATION
    aim = (low + 0.03, high - 0.03)
    rna = [s for s in staff if s.team_kind == RNA and s.member.job != story.TM]
    experienced = [s for s in rna if s.grade(ctx.as_at, ctx.policy) == Grade.EXPERIENCED_SW]
    others = [s for s in rna if s not in experienced]
    for worker in experienced:
        for _ in range(40):
            held = _holdings_by_worker(ctx, episodes)
            utilisation = _utilisation(ctx, worker, held)
            if aim[0] <= utilisation <= aim[1]:
                break
            if utilisation < aim[0]:
                moved = _move_case(ctx, givers=others, receivers=[worker], held=held, aim=aim)
            else:
                moved = _move_case(ctx, givers=[worker], receivers=others, held=held, aim=aim)
            if not moved:
                break


def _move_case(
    ctx: Context,
    *,
    givers: list[Staff],
    receivers: list[Staff],
    held: _OpenCases,
    aim: tuple[float, float],
) -> bool:
    """Move one open case from the giver most above target to the receiver most below it,
    never to a worker whose grade may not hold it (R-AL-1), preferring the latest allocated."""
    limits = ctx.policy.eligibility.max_complexity
    options = []
    for giver in givers:
        giver_excess = -_spare_now(ctx, giver, held)
        for holding, episode, role in held.get(id(giver), []):
            if role != HOLDER or holding.co_worker is not None or holding.after_reallocation:
                continue
            top = episode.highest_level(holding.start, ctx.as_at)
            points = ctx.weight(episode.level_on(ctx.as_at))
            for receiver in receivers:
                grade = receiver.grade(holding.start, ctx.policy)
                if not receiver.in_post(holding.start) or limits[grade] < top:
                    continue
                capacity = case_capacity(receiver.facts, ctx.as_at, ctx.policy, ctx.calendar)
                after = _utilisation(ctx, receiver, held) + points / capacity
                if len(receivers) == 1 and after > aim[1]:
                    continue  # would overshoot the band the move is meant to reach
                need = _spare_now(ctx, receiver, held)
                options.append((giver_excess + need, holding.start, holding, receiver))
    if not options:
        return False
    options.sort(key=lambda o: (o[0], o[1]), reverse=True)
    options[0][2].worker = options[0][3]
    return True


def _spare_now(ctx: Context, s: Staff, held: _OpenCases) -> float:
    target = story.TARGET_UTILISATION[s.team_kind or ""][s.grade(ctx.as_at, ctx.policy)]
    return target - _utilisation(ctx, s, held)

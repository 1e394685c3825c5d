"""Children and their episodes of need, dated as if the future were known.

Every referred child gets a chain of episodes (referral → NFA, assessment, s47, child protection
plan...), each a sequence of *holdings* - stretches of casework in one team - and the re-referral
rate is settled at its target. Nobody holds the work yet: `allocation.py` hands it out, and
`records.py` keeps only what has happened by as_at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from oversight.cases.models import Child
from oversight.demo import story
from oversight.demo.context import CIN, RNA, SAFEGUARDING, Context
from oversight.demo.workforce import Staff
from oversight.engine.codes import CodeSetName, is_valid
from oversight.engine.periods import add_months
from oversight.engine.workforce import Grade
from oversight.people.models import LocalAuthority

CASE_CLOSED = "Case closed"


@dataclass(eq=False)
class _Assessment:
    start: date
    authorised: date
    delay_reason: str = ""
    outcome: str = ""


@dataclass(eq=False)
class S47Enquiry:
    strategy: date
    end: date
    icpc_not_required: bool = False
    icpc: date | None = None
    result: str = ""
    lead: Staff | None = None  # set only where someone other than the case holder leads


@dataclass(eq=False)
class Plan:
    start: date
    end: date
    category: str
    reviews: list[date]


@dataclass(eq=False)
class Holding:
    """A stretch of casework in one team, held by one worker once the meeting has chosen."""

    team: str
    start: date
    end: date = date.max
    end_reason: str = ""
    prefer: str = ""  # "experienced" for s47 work, "least_experienced" for low-level work
    co_work: str = ""  # a grade to co-work the case (FSW on CP plans, ASYE on s47s)
    after_reallocation: bool = False
    worker: Staff | None = None
    co_worker: Staff | None = None
    co_start: date | None = None

    def open_on(self, day: date) -> bool:
        return self.start <= day < self.end


@dataclass(eq=False)
class Episode:
    """One referral and everything that follows it, dated as if the future were known; the
    records keep only what has happened by as_at."""

    child: ChildHistory
    referral_date: date
    source: str
    need: str
    kind: str = ""  # nfa, assessed, cin, cp: what the episode became (drives re-referral)
    nfa: bool = False
    closure: date = date.max
    closure_reason: str = ""
    assessment: _Assessment | None = None
    s47: S47Enquiry | None = None
    plan: Plan | None = None
    complexity: list[tuple[date, int, str]] = field(default_factory=list)
    holdings: list[Holding] = field(default_factory=list)

    def rate(self, day: date, level: int, reason: str) -> None:
        """Record a complexity (re-)assessment (R-CL-2 keeps the history)."""
        self.complexity.append((day, level, reason))
        self.complexity.sort(key=lambda entry: entry[0])

    def level_on(self, day: date) -> int:
        levels = [level for assessed, level, _ in self.complexity if assessed <= day]
        return levels[-1] if levels else self.complexity[0][1]

    def highest_level(self, first: date, last: date) -> int:
        later = [level for assessed, level, _ in self.complexity if first < assessed <= last]
        return max([self.level_on(first), *later])

    def hold(
        self, team: str, start: date, *, reason: str = "", prefer: str = "", co_work: str = ""
    ) -> None:
        """Hand the case to a (new) holding; the previous one ends the same day."""
        if self.holdings:
            previous = self.holdings[-1]
            start = max(start, previous.start)
            previous.end = start
            previous.end_reason = reason or _transfer_reason(team)
        self.holdings.append(Holding(team=team, start=start, prefer=prefer, co_work=co_work))

    def close(self, day: date, reason: str, kind: str) -> None:
        if self.assessment:
            day = max(day, self.assessment.authorised)
        if self.holdings:
            day = max(day, self.holdings[-1].start)
            self.holdings[-1].end = day
            self.holdings[-1].end_reason = CASE_CLOSED
        self.closure, self.closure_reason, self.kind = day, reason, kind


def _transfer_reason(team: str) -> str:
    names = {t.kind: t.name for t in story.TEAMS}
    return f"Transferred to {names[team]} team"


@dataclass(eq=False)
class ChildHistory:
    record: Child
    episodes: list[Episode] = field(default_factory=list)
    other_contacts: list[date] = field(default_factory=list)


def referred_children(ctx: Context, la: LocalAuthority) -> list[ChildHistory]:
    """Children whose first referral falls in the two years, numbered in referral order."""
    firsts = sorted(
        ctx.day_between(ctx.first_day, ctx.as_at) for _ in range(story.REFERRED_CHILDREN)
    )
    children = []
    for number, first in enumerate(firsts, start=1):
        child = ChildHistory(_child_record(ctx, la, number, first))
        child.episodes = _episodes(ctx, child, first)
        low, high = story.CONTACTS_PER_REFERRED_CHILD
        child.other_contacts = _contact_days(ctx, ctx.rng.randint(low, high), first)
        children.append(child)
    return children


def contact_only_children(ctx: Context, la: LocalAuthority) -> list[ChildHistory]:
    children = []
    for offset in range(story.CONTACT_ONLY_CHILDREN):
        first = ctx.day_between(ctx.first_day, ctx.as_at)
        child = ChildHistory(_child_record(ctx, la, story.REFERRED_CHILDREN + offset + 1, first))
        low, high = story.CONTACTS_PER_CONTACT_ONLY_CHILD
        child.other_contacts = [first, *_contact_days(ctx, ctx.rng.randint(low, high) - 1, first)]
        children.append(child)
    return children


def _contact_days(ctx: Context, count: int, first_seen: date) -> list[date]:
    return sorted(ctx.day_between(first_seen, ctx.as_at) for _ in range(count))


def _child_record(ctx: Context, la: LocalAuthority, number: int, first_seen: date) -> Child:
    """Minimal personal data (domain.md §2): no names, an age, sex, ethnicity, disability."""
    record = Child(
        local_authority=la,
        la_child_id=f"C{number:06d}",
        ethnicity=ctx.pick(story.ETHNICITIES),
        disability=ctx.chance(story.DISABLED),
    )
    if ctx.chance(story.UNBORN_AT_FIRST_REFERRAL):
        expected = first_seen + timedelta(days=ctx.rng.randint(30, 150))
        record.expected_date_of_birth = expected
        born = expected + timedelta(days=ctx.rng.randint(-10, 10))
        if born <= ctx.as_at:
            record.date_of_birth = born
            record.sex = ctx.pick(story.SEXES)
        else:
            record.sex = "U"
    else:
        record.date_of_birth = first_seen - timedelta(days=ctx.rng.randint(0, 16 * 365))
        record.sex = ctx.pick(story.SEXES)
    return record


def _episodes(ctx: Context, child: ChildHistory, first_referral: date) -> list[Episode]:
    """Referral after referral: a child is referred again only once the last episode closed."""
    episodes: list[Episode] = []
    referral: date | None = first_referral
    while referral is not None and referral <= ctx.as_at:
        episode = _episode(ctx, child, referral)
        episodes.append(episode)
        referral = _next_referral(ctx, episode)
    return episodes


def _next_referral(ctx: Context, episode: Episode) -> date | None:
    """R-RR-1: most re-referrals come within 12 months; a few children return after longer.
    Gaps keep clear of the 12-month line so every definition of the window agrees."""
    earliest = episode.closure + timedelta(days=10)
    if ctx.chance(story.REREFERRAL_AFTER[episode.kind]):
        latest = episode.referral_date + timedelta(days=335)
        if earliest > latest:
            return None
        span = (latest - earliest).days
        day = ctx.on_or_before(earliest + timedelta(days=int(ctx.rng.triangular(0, span, 0))))
        return day if day >= earliest else None
    if ctx.chance(story.LATER_REFERRAL):
        day = episode.referral_date + timedelta(days=ctx.rng.randint(400, 700))
        return ctx.on_or_after(max(day, earliest))
    return None


def _is_rereferral(episode: Episode) -> bool:
    """R-RR-1: an earlier referral of the same child dated within the 12 months before."""
    window_opens = add_months(episode.referral_date, -12)
    return any(
        window_opens <= other.referral_date < episode.referral_date
        for other in episode.child.episodes
    )


def settle_rereferral_rate(ctx: Context, children: list[ChildHistory]) -> None:
    """Bring the re-referral rate of the 12 months to as_at to TARGET_REREFERRAL_RATE (within
    half a point) by adding or removing quick NFA re-referrals - the contacts recorded as
    referrals of the seed - at the end of children's histories. Chance alone would leave the
    rate anywhere between 21 and 28 % depending on the seed."""
    year_opens = add_months(ctx.as_at, -12)
    in_year = [e for c in children for e in c.episodes if e.referral_date > year_opens]
    referrals = len(in_year)
    rereferrals = sum(1 for e in in_year if _is_rereferral(e))
    target, tolerance = story.TARGET_REREFERRAL_RATE, 0.005
    order = list(children)
    ctx.rng.shuffle(order)
    for child in order:
        rate = rereferrals / referrals
        if abs(rate - target) <= tolerance:
            return
        if rate > target and _drop_last_nfa_rereferral(child, year_opens):
            referrals, rereferrals = referrals - 1, rereferrals - 1
        elif rate < target and _add_nfa_rereferral(ctx, child, year_opens):
            referrals, rereferrals = referrals + 1, rereferrals + 1


def _drop_last_nfa_rereferral(child: ChildHistory, year_opens: date) -> bool:
    last = child.episodes[-1]
    if last.kind != "nfa" or last.referral_date <= year_opens or not _is_rereferral(last):
        return False
    child.episodes.pop()
    return True


def _add_nfa_rereferral(ctx: Context, child: ChildHistory, year_opens: date) -> bool:
    last = child.episodes[-1]
    first = max(last.closure + timedelta(days=10), year_opens + timedelta(days=1))
    latest = min(last.referral_date + timedelta(days=335), ctx.as_at - timedelta(days=1))
    if first > latest:
        return False
    day = ctx.day_between(first, latest)
    if day < first:
        return False
    episode = Episode(
        child=child,
        referral_date=day,
        source=ctx.code(CodeSetName.REFERRAL_SOURCE, story.REFERRAL_SOURCES, day),
        need=ctx.pick(story.PRIMARY_NEEDS),
    )
    _no_further_action(ctx, episode)
    child.episodes.append(episode)
    return True


def _episode(ctx: Context, child: ChildHistory, referral: date) -> Episode:
    episode = Episode(
        child=child,
        referral_date=referral,
        source=ctx.code(CodeSetName.REFERRAL_SOURCE, story.REFERRAL_SOURCES, referral),
        need=ctx.pick(story.PRIMARY_NEEDS),
    )
    path = ctx.pick(list(story.REFERRAL_PATHS.items()))
    if path == "nfa":
        _no_further_action(ctx, episode)
    elif path == "assessment":
        _assessment_path(ctx, episode)
    else:
        _section47_path(ctx, episode)
    _reallocate_some_long_holdings(ctx, episode)
    return episode


def _closed_after_assessment(ctx: Context, day: date) -> str:
    """RC8, or RC9 (referred to early help) where that code exists."""
    if ctx.chance(0.3) and is_valid(CodeSetName.CLOSURE_REASON, "RC9", day):
        return "RC9"
    return "RC8"


def _no_further_action(ctx: Context, episode: Episode) -> None:
    """A referral closed the same or next day with nothing done: often a contact recorded as a
    referral (R-RR-5), the seed's finding."""
    day = episode.referral_date if ctx.chance(0.6) else ctx.after(episode.referral_date, 1)
    episode.nfa = True
    episode.close(day, _closed_after_assessment(ctx, day), "nfa")


def _assess(ctx: Context, episode: Episode, start: date) -> date:
    """R-TS-4: most single assessments are authorised within 45 working days; a share run late,
    some without a recorded reason."""
    if ctx.chance(story.ASSESSMENT_LATE):
        days = 46 + min(int(ctx.rng.expovariate(1 / 30)), 120)
        reason = (
            ctx.rng.choice(story.DELAY_REASONS)
            if ctx.chance(story.COMPLETED_LATE_WITH_REASON)
            else ""
        )
    else:
        days, reason = int(ctx.rng.triangular(5, 46, 35)), ""
    authorised = ctx.after(start, days)
    episode.assessment = _Assessment(start=start, authorised=authorised, delay_reason=reason)
    return authorised


def _allocation_day(ctx: Context, referral: date, lags: tuple[int, ...]) -> date:
    """The next allocation meeting, but never more than 5 days after the referral (a duty
    worker picks it up over bank holidays)."""
    meeting = ctx.after(referral, ctx.rng.choice(lags))
    return min(meeting, ctx.on_or_before(referral + timedelta(days=5)))


def _assessment_start(ctx: Context, episode: Episode, allocated: date) -> date:
    """Assessments start once allocated and within 5 days of the referral."""
    return ctx.day_between(allocated, episode.referral_date + timedelta(days=5))


def _assessment_path(ctx: Context, episode: Episode) -> None:
    allocated = _allocation_day(ctx, episode.referral_date, (0, 0, 1, 1, 2))
    episode.rate(allocated, 2, "Assessment under way")
    episode.hold(RNA, allocated)
    authorised = _assess(ctx, episode, _assessment_start(ctx, episode, allocated))
    if ctx.chance(story.ASSESSED_NOT_IN_NEED):
        _close_after_assessment(ctx, episode, authorised)
    else:
        _child_in_need(ctx, episode, authorised, level=1 if ctx.chance(0.6) else 2)


def _close_after_assessment(ctx: Context, episode: Episode, after: date) -> None:
    day = ctx.after(after, ctx.rng.randint(0, 5))
    reason = _closed_after_assessment(ctx, day)
    if episode.assessment:
        episode.assessment.outcome = (
            "Referred to early help" if reason == "RC9" else "No further action"
        )
    episode.close(day, reason, "assessed")


def _child_in_need(ctx: Context, episode: Episode, after: date, *, level: int) -> None:
    """A child in need plan: low-level work may stay in R&A with a family support worker; the
    rest moves to the Children in Need team and is reviewed about every three months."""
    if episode.assessment and not episode.assessment.outcome:
        episode.assessment.outcome = "Child in need plan"
    if level == 1 and ctx.chance(story.RNA_SHORT_TERM_WORK):
        handover = ctx.after(after, ctx.rng.randint(1, 5))
        episode.rate(handover, 1, "Low-level needs: short-term family support")
        episode.hold(
            RNA,
            handover,
            reason="Reallocated for short-term family support",
            prefer="least_experienced",
        )
        closed = ctx.after(handover, ctx.rng.randint(*story.RNA_SHORT_TERM_WORKING_DAYS))
        reason = "RC7"
    else:
        transfer = ctx.after(after, ctx.rng.randint(*story.TRANSFER_WORKING_DAYS))
        episode.rate(transfer, level, "Child in need plan agreed")
        episode.hold(CIN, transfer, prefer="least_experienced" if level == 1 else "")
        closed = _child_in_need_reviews(ctx, episode, transfer, level)
        reason = ctx.pick((("RC7", 90), ("RC5", 8), ("RC6", 2)))
    episode.close(closed, reason, "cin")


def _child_in_need_reviews(ctx: Context, episode: Episode, start: date, level: int) -> date:
    """Reviews re-assess complexity; needs only ever reduce here, so an FSW's case never
    escalates except where the story plants it."""
    closed = ctx.after(start, ctx.rng.randint(*story.CHILD_IN_NEED_WORKING_DAYS))
    review = ctx.after(start, ctx.rng.randint(55, 70))
    while review < closed:
        level = 1 if level == 1 or ctx.chance(0.3) else 2
        episode.rate(review, level, "Child in need review")
        review = ctx.after(review, ctx.rng.randint(55, 70))
    return closed


def _section47_path(ctx: Context, episode: Episode) -> None:
    """R-TS-5: a strategy discussion starts the s47 enquiry; the ICPC follows within 15 working
    days when one is needed. Experienced workers lead most enquiries (the seed's first finding)."""
    allocated = _allocation_day(ctx, episode.referral_date, (0, 0, 1))
    team = SAFEGUARDING if ctx.chance(story.S47_LED_BY_SAFEGUARDING) else RNA
    episode.rate(allocated, 3, "Section 47 enquiry")
    co_work = Grade.ASYE if team == RNA and ctx.chance(0.15) else ""
    episode.hold(team, allocated, prefer="experienced", co_work=co_work)
    strategy = ctx.after(allocated, ctx.rng.choice((0, 0, 1)))
    authorised = _assess(ctx, episode, _assessment_start(ctx, episode, allocated))
    if ctx.chance(story.ICPC_NOT_REQUIRED):
        ended = ctx.after(strategy, ctx.rng.randint(5, 15))
        episode.s47 = S47Enquiry(strategy=strategy, end=ended, icpc_not_required=True)
        episode.rate(ended, 2, "Section 47 concluded: no conference needed")
        after = max(ended, authorised)
        if ctx.chance(0.5):
            _close_after_assessment(ctx, episode, after)
        else:
            _child_in_need(ctx, episode, after, level=2)
        return
    late = ctx.chance(story.ICPC_LATE)
    icpc = ctx.after(strategy, ctx.rng.randint(16, 30) if late else ctx.rng.randint(8, 15))
    plan = ctx.chance(story.ICPC_RESULT_PLAN)
    episode.s47 = S47Enquiry(
        strategy=strategy, end=icpc, icpc=icpc, result="PLAN" if plan else "NO_PLAN"
    )
    if plan:
        _child_protection(ctx, episode, icpc)
    else:
        episode.rate(icpc, 2, "Conference: no plan; child in need")
        _child_in_need(ctx, episode, max(icpc, authorised), level=2)


def _child_protection(ctx: Context, episode: Episode, icpc: date) -> None:
    """R-TS-6: a CP plan, reviewed within 3 months then 6-monthly, held by Safeguarding; some go
    to care proceedings (level 4), the rest step down to child in need."""
    proceedings = ctx.chance(story.CARE_PROCEEDINGS)
    episode.rate(icpc, 3, "Initial conference: child protection plan")
    co_work = ctx.pick(story.CP_PLAN_CO_WORKERS)
    if episode.holdings[-1].team != SAFEGUARDING:
        episode.hold(SAFEGUARDING, ctx.after(icpc, ctx.rng.randint(0, 5)), co_work=co_work)
    plan = _plan(ctx, icpc)
    episode.plan = plan
    if proceedings:
        episode.rate(plan.reviews[0], 4, "Care proceedings issued")
        closed = ctx.after(plan.end, ctx.rng.randint(80, 250))
        episode.close(closed, ctx.pick((("RC3", 40), ("RC4", 40), ("RC1", 20))), "cp")
        return
    episode.rate(plan.end, 2, "Child protection plan ended: child in need")
    if ctx.chance(story.CLOSED_WHEN_PLAN_ENDS):
        step_down = ctx.after(plan.end, ctx.rng.randint(1, 5))
        episode.hold(
            SAFEGUARDING, step_down, reason="Reallocated for step-down", prefer="least_experienced"
        )
        closed = ctx.after(step_down, ctx.rng.randint(20, 60))
    else:
        transfer = ctx.after(plan.end, ctx.rng.randint(5, 15))
        episode.hold(CIN, transfer)
        closed = ctx.after(transfer, ctx.rng.randint(40, 130))
    episode.close(closed, "RC7", "cp")


def _plan(ctx: Context, icpc: date) -> Plan:
    """The plan ends at the review that decides it is no longer needed."""
    timescales = ctx.policy.timescales
    low, high, mode = story.CP_PLAN_DAYS
    planned_end = icpc + timedelta(days=int(ctx.rng.triangular(low, high, mode)))
    reviews = [_review_day(ctx, add_months(icpc, timescales.first_cp_review_months))]
    while reviews[-1] < planned_end:
        due = add_months(reviews[-1], timescales.cp_review_interval_months)
        reviews.append(_review_day(ctx, due))
    category = ctx.code(CodeSetName.CATEGORY_OF_ABUSE, story.CP_CATEGORIES, icpc)
    return Plan(start=icpc, end=reviews[-1], category=category, reviews=reviews)


def _review_day(ctx: Context, due: date) -> date:
    if ctx.chance(story.CP_REVIEW_LATE):
        return ctx.on_or_after(due + timedelta(days=ctx.rng.randint(5, 20)))
    return ctx.on_or_before(due - timedelta(days=ctx.rng.randint(0, 20)))


def _reallocate_some_long_holdings(ctx: Context, episode: Episode) -> None:
    """Worker churn (R-CL-5): some long holdings pass to a colleague part-way through."""
    for index in range(len(episode.holdings) - 1, -1, -1):
        holding = episode.holdings[index]
        if (holding.end - holding.start).days < 120 or not ctx.chance(story.CASE_REALLOCATED):
            continue
        handover = ctx.day_between(
            holding.start + timedelta(days=30), holding.end - timedelta(days=20)
        )
        second = Holding(
            team=holding.team,
            start=handover,
            end=holding.end,
            end_reason=holding.end_reason,
            prefer=holding.prefer,
            after_reallocation=True,
        )
        holding.end, holding.end_reason = handover, "Reallocated within team: caseload balance"
        episode.holdings.insert(index + 1, second)

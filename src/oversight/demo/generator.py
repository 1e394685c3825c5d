"""Builds the demo council's records in memory, ready for the loader to bulk-write.

The story (who, how much, which problems) is data in `story.py`; this module plays it out over
the two years before `as_at`:

1. every referred child gets a chain of episodes (referral → NFA, assessment, s47, child
   protection plan...), each a sequence of *holdings* - stretches of casework in one team;
2. holdings are handed to workers in date order by an allocation meeting that aims each worker
   at their share of capacity and prefers experienced workers for s47 enquiries;
3. everything dated after `as_at` is cut off, so open work is simply work not finished yet;
4. the seed's problems are planted in the amounts `story.py` states: the re-referral rate is
   settled at its target with quick NFA re-referrals, overdue assessments and FSW cases that
   became too complex are fixed in number, and R&A's experienced workers are brought into their
   utilisation band;
5. supervision sessions, cases discussed and the action plan are added.

All randomness comes from one `random.Random` seeded by (seed, council number) and no clock is
read, so the same arguments always give the same records.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Model

from oversight.accounts.roles import AccessRole
from oversight.actionplan.models import Action, ActionUpdate, Finding, Inspection
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
from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.codes import CodeSetName, is_valid
from oversight.engine.periods import add_months
from oversight.engine.policy import Policy
from oversight.engine.workforce import Absence as AbsenceFacts
from oversight.engine.workforce import Grade, WorkerFacts, case_capacity, experience_grade
from oversight.people.models import Absence, LocalAuthority, Locality, Team, Worker
from oversight.supervision.models import CaseDiscussion, SupervisionSession

RNA = Team.Kind.REFERRAL_ASSESSMENT
SAFEGUARDING = Team.Kind.SAFEGUARDING
CIN = Team.Kind.CHILDREN_IN_NEED
HOLDER = Allocation.Role.CASE_HOLDER
CO_WORKER = Allocation.Role.CO_WORKER
CASE_CLOSED = "Case closed"
LONDON = ZoneInfo("Europe/London")

# ---------------------------------------------------------------------------------------------
# What the generator returns
# ---------------------------------------------------------------------------------------------


@dataclass
class DemoLogin:
    """A demo sign-in the loader turns into a user (council 1 only)."""

    username: str
    description: str
    access_role: AccessRole
    worker: Worker | None
    is_staff: bool = False


@dataclass
class DemoCouncil:
    """One council's unsaved records. Foreign keys point at the instances in these lists, so the
    loader only has to write them in dependency order."""

    council_number: int
    as_at: date
    local_authority: LocalAuthority
    localities: list[Locality]
    teams: list[Team]
    workers: list[Worker]
    absences: list[Absence]
    logins: list[DemoLogin]
    children: list[Child]
    contacts: list[Contact]
    referrals: list[Referral]
    assessments: list[Assessment]
    section47s: list[Section47]
    cp_plans: list[ChildProtectionPlan]
    cp_reviews: list[ChildProtectionReview]
    complexity_assessments: list[ComplexityAssessment]
    allocations: list[Allocation]
    supervision_sessions: list[SupervisionSession]
    case_discussions: list[CaseDiscussion]
    inspections: list[Inspection]
    findings: list[Finding]
    actions: list[Action]
    action_updates: list[ActionUpdate]

    def record_lists(self) -> list[list[Model]]:
        """Every record, grouped by model, in an order that writes parents before children."""
        return [
            [self.local_authority],
            list(self.localities),
            list(self.teams),
            list(self.workers),
            list(self.absences),
            list(self.children),
            list(self.contacts),
            list(self.referrals),
            list(self.assessments),
            list(self.section47s),
            list(self.cp_plans),
            list(self.cp_reviews),
            list(self.complexity_assessments),
            list(self.allocations),
            list(self.supervision_sessions),
            list(self.case_discussions),
            list(self.inspections),
            list(self.findings),
            list(self.actions),
            list(self.action_updates),
        ]


def council_seed(seed: int, council_number: int) -> int:
    """Each council draws from its own stream, so copies made for benchmarks differ in detail
    while keeping the same shape and the same number of children."""
    return seed * 1_000 + council_number


def generate(*, as_at: date, seed: int = 2010, council_number: int = 1) -> DemoCouncil:
    """The demo council as it stands at `as_at`. Deterministic: the same arguments always give
    the same records (see `council_seed`)."""
    ctx = _Context(
        rng=random.Random(council_seed(seed, council_number)),
        calendar=WorkingDayCalendar.england(),
        as_at=as_at,
        first_day=add_months(as_at, -12 * story.ACTIVITY_YEARS),
        policy=Policy(),
    )
    la = LocalAuthority(
        code=story.demo_la_code(council_number), name=story.demo_council_name(council_number)
    )
    locality = Locality(local_authority=la, name=story.LOCALITY_NAME)
    teams = {t.kind: Team(locality=locality, name=t.name, kind=t.kind) for t in story.TEAMS}
    staff = _workforce(ctx, locality, teams)
    referred = _referred_children(ctx, la)
    _settle_rereferral_rate(ctx, referred)
    children = referred + _contact_only_children(ctx, la)
    episodes = [episode for child in children for episode in child.episodes]
    _allocate(ctx, staff, episodes)
    _plant_overdue_assessments(ctx, episodes)
    _plant_fsw_holding_complex_work(ctx, staff, episodes)
    _balance_rna_experienced(ctx, staff, episodes)
    return DemoCouncil(
        council_number=council_number,
        as_at=as_at,
        local_authority=la,
        localities=[locality],
        teams=list(teams.values()),
        workers=[s.worker for s in staff],
        absences=_absences(ctx, staff),
        logins=_logins(staff) if council_number == 1 else [],
        **_case_records(ctx, children, intake_team=teams[RNA]),
        **_supervision(ctx, staff, episodes),
        **_action_plan(la),
    )


# ---------------------------------------------------------------------------------------------
# Dates and chance
# ---------------------------------------------------------------------------------------------


@dataclass
class _Context:
    rng: random.Random
    calendar: WorkingDayCalendar
    as_at: date
    first_day: date
    policy: Policy

    def after(self, day: date, working_days: int) -> date:
        """R-WD-3: the Nth working day after `day`."""
        return self.calendar.add(day, working_days)

    def on_or_after(self, day: date) -> date:
        return day if self.calendar.is_working_day(day) else self.calendar.add(day, 1)

    def on_or_before(self, day: date) -> date:
        while not self.calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def day_between(self, first: date, last: date) -> date:
        """A working day in [first, last] (first itself if the span has none)."""
        span = max((last - first).days, 0)
        day = self.on_or_before(first + timedelta(days=self.rng.randint(0, span)))
        return day if day >= first else first

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def pick(self, weighted: Sequence[tuple[str, float]]) -> str:
        codes = [code for code, _ in weighted]
        return self.rng.choices(codes, weights=[w for _, w in weighted])[0]

    def code(self, code_set: CodeSetName, weighted: Sequence[tuple[str, float]], on: date) -> str:
        """A code from a DfE code set, never one that is not yet valid on the day."""
        return self.pick([(c, w) for c, w in weighted if is_valid(code_set, c, on)])

    def weight(self, level: int) -> int:
        """R-CL-2 points for a case held at this complexity level."""
        return self.policy.caseload.complexity_weights[level]


# ---------------------------------------------------------------------------------------------
# The workforce
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Staff:
    """A worker plus what the allocation meeting needs to know about them."""

    worker: Worker
    member: story.StaffMember
    team_kind: str | None
    facts: WorkerFacts
    supervisor: _Staff | None = None
    # Open holdings by end date, so the load on any later day is one pop away.
    _open: list[tuple[int, int, float]] = field(default_factory=list)
    _load: float = 0.0
    _taken: int = 0

    def grade(self, day: date, policy: Policy) -> Grade:
        return experience_grade(self.facts, day, policy)

    def in_post(self, day: date) -> bool:
        return self.worker.start_date <= day

    def load_on(self, day: date) -> float:
        """R-CL-2 weighted load on `day` of the holdings given so far."""
        while self._open and self._open[0][0] <= day.toordinal():
            self._load -= heapq.heappop(self._open)[2]
        return self._load

    def take(self, until: date, points: float) -> None:
        self._taken += 1
        heapq.heappush(self._open, (until.toordinal(), self._taken, points))
        self._load += points


def _workforce(ctx: _Context, locality: Locality, teams: dict[str, Team]) -> list[_Staff]:
    """The roster from story.py, with dates counted back from as_at and supervisors linked."""
    staff = [_staff(ctx, m, None, locality, None) for m in story.LOCALITY_STAFF]
    for team_story in story.TEAMS:
        team = teams[team_story.kind]
        staff += [_staff(ctx, m, team_story.kind, locality, team) for m in team_story.staff]
    by_name = {s.member.name: s for s in staff}
    for s in staff:
        if s.member.supervisor:
            s.supervisor = by_name[s.member.supervisor]
            s.worker.supervisor = s.supervisor.worker
    return staff


def _staff(
    ctx: _Context,
    member: story.StaffMember,
    team_kind: str | None,
    locality: Locality,
    team: Team | None,
) -> _Staff:
    started = add_months(ctx.as_at, -member.started_months_ago) - timedelta(
        weeks=member.started_weeks_ago
    )
    qualified = (
        None
        if member.qualified_months_ago is None
        else add_months(ctx.as_at, -member.qualified_months_ago)
    )
    worker = Worker(
        name=member.name,
        role=story.WORKER_ROLE[member.job],
        team=team,
        locality=locality if team is None else None,
        qualified=qualified is not None,
        qualification_date=qualified,
        start_date=started,
        fte=member.fte,
        agency=member.agency,
        swe_number=f"SW{ctx.rng.randint(10_000, 199_999)}" if qualified else "",
    )
    absences = tuple(
        AbsenceFacts(
            ctx.as_at + timedelta(days=a.first_day_offset),
            ctx.as_at + timedelta(days=a.last_day_offset),
        )
        for a in story.PLANNED_ABSENCES
        if a.worker == member.name
    )
    facts = WorkerFacts(
        worker_id=id(worker),
        name=member.name,
        role=worker.role,
        team_id=None,
        qualified=worker.qualified,
        qualification_date=qualified,
        start_date=started,
        end_date=None,
        fte=float(member.fte),
        absences=absences,
    )
    return _Staff(worker=worker, member=member, team_kind=team_kind, facts=facts)


def _absences(ctx: _Context, staff: list[_Staff]) -> list[Absence]:
    by_name = {s.member.name: s.worker for s in staff}
    return [
        Absence(
            worker=by_name[a.worker],
            start_date=ctx.as_at + timedelta(days=a.first_day_offset),
            end_date=ctx.as_at + timedelta(days=a.last_day_offset),
            reason=a.reason,
        )
        for a in story.PLANNED_ABSENCES
    ]


def _logins(staff: list[_Staff]) -> list[DemoLogin]:
    """One sign-in per access role; each role-holder's access follows their job."""
    access = {
        story.TM: AccessRole.TEAM_MANAGER,
        story.ATM: AccessRole.ASSISTANT_TEAM_MANAGER,
        story.SM: AccessRole.SAFEGUARDING_MANAGER,
        story.LM: AccessRole.LOCALITY_MANAGER,
        story.IO: AccessRole.INFORMATION_OFFICER,
    }
    logins = [
        DemoLogin(
            username=s.member.login,
            description=story.LOGIN_DESCRIPTIONS[s.member.login],
            access_role=access.get(s.member.job, AccessRole.WORKER),
            worker=s.worker,
        )
        for s in staff
        if s.member.login
    ]
    order = list(story.LOGIN_DESCRIPTIONS)
    logins.sort(key=lambda login: order.index(login.username))
    logins.append(
        DemoLogin(
            username=story.ADMIN_USERNAME,
            description=story.LOGIN_DESCRIPTIONS[story.ADMIN_USERNAME],
            access_role=AccessRole.ADMINISTRATOR,
            worker=None,
            is_staff=True,
        )
    )
    return logins


# ---------------------------------------------------------------------------------------------
# Children and their episodes of need
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Assessment:
    start: date
    authorised: date
    delay_reason: str = ""
    outcome: str = ""


@dataclass(eq=False)
class _Section47:
    strategy: date
    end: date
    icpc_not_required: bool = False
    icpc: date | None = None
    result: str = ""
    lead: _Staff | None = None  # set only where someone other than the case holder leads


@dataclass(eq=False)
class _Plan:
    start: date
    end: date
    category: str
    reviews: list[date]


@dataclass(eq=False)
class _Holding:
    """A stretch of casework in one team, held by one worker once the meeting has chosen."""

    team: str
    start: date
    end: date = date.max
    end_reason: str = ""
    prefer: str = ""  # "experienced" for s47 work, "least_experienced" for low-level work
    co_work: str = ""  # a grade to co-work the case (FSW on CP plans, ASYE on s47s)
    after_reallocation: bool = False
    worker: _Staff | None = None
    co_worker: _Staff | None = None
    co_start: date | None = None

    def open_on(self, day: date) -> bool:
        return self.start <= day < self.end


@dataclass(eq=False)
class _Episode:
    """One referral and everything that follows it, dated as if the future were known; the
    records keep only what has happened by as_at."""

    child: _Child
    referral_date: date
    source: str
    need: str
    kind: str = ""  # nfa, assessed, cin, cp: what the episode became (drives re-referral)
    nfa: bool = False
    closure: date = date.max
    closure_reason: str = ""
    assessment: _Assessment | None = None
    s47: _Section47 | None = None
    plan: _Plan | None = None
    complexity: list[tuple[date, int, str]] = field(default_factory=list)
    holdings: list[_Holding] = field(default_factory=list)

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
        self.holdings.append(_Holding(team=team, start=start, prefer=prefer, co_work=co_work))

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
class _Child:
    record: Child
    episodes: list[_Episode] = field(default_factory=list)
    other_contacts: list[date] = field(default_factory=list)


def _referred_children(ctx: _Context, la: LocalAuthority) -> list[_Child]:
    """Children whose first referral falls in the two years, numbered in referral order."""
    firsts = sorted(
        ctx.day_between(ctx.first_day, ctx.as_at) for _ in range(story.REFERRED_CHILDREN)
    )
    children = []
    for number, first in enumerate(firsts, start=1):
        child = _Child(_child_record(ctx, la, number, first))
        child.episodes = _episodes(ctx, child, first)
        low, high = story.CONTACTS_PER_REFERRED_CHILD
        child.other_contacts = _contact_days(ctx, ctx.rng.randint(low, high), first)
        children.append(child)
    return children


def _contact_only_children(ctx: _Context, la: LocalAuthority) -> list[_Child]:
    children = []
    for offset in range(story.CONTACT_ONLY_CHILDREN):
        first = ctx.day_between(ctx.first_day, ctx.as_at)
        child = _Child(_child_record(ctx, la, story.REFERRED_CHILDREN + offset + 1, first))
        low, high = story.CONTACTS_PER_CONTACT_ONLY_CHILD
        child.other_contacts = [first, *_contact_days(ctx, ctx.rng.randint(low, high) - 1, first)]
        children.append(child)
    return children


def _contact_days(ctx: _Context, count: int, first_seen: date) -> list[date]:
    return sorted(ctx.day_between(first_seen, ctx.as_at) for _ in range(count))


def _child_record(ctx: _Context, la: LocalAuthority, number: int, first_seen: date) -> Child:
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


def _episodes(ctx: _Context, child: _Child, first_referral: date) -> list[_Episode]:
    """Referral after referral: a child is referred again only once the last episode closed."""
    episodes: list[_Episode] = []
    referral: date | None = first_referral
    while referral is not None and referral <= ctx.as_at:
        episode = _episode(ctx, child, referral)
        episodes.append(episode)
        referral = _next_referral(ctx, episode)
    return episodes


def _next_referral(ctx: _Context, episode: _Episode) -> date | None:
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


def _is_rereferral(episode: _Episode) -> bool:
    """R-RR-1: an earlier referral of the same child dated within the 12 months before."""
    window_opens = add_months(episode.referral_date, -12)
    return any(
        window_opens <= other.referral_date < episode.referral_date
        for other in episode.child.episodes
    )


def _settle_rereferral_rate(ctx: _Context, children: list[_Child]) -> None:
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


def _drop_last_nfa_rereferral(child: _Child, year_opens: date) -> bool:
    last = child.episodes[-1]
    if last.kind != "nfa" or last.referral_date <= year_opens or not _is_rereferral(last):
        return False
    child.episodes.pop()
    return True


def _add_nfa_rereferral(ctx: _Context, child: _Child, year_opens: date) -> bool:
    last = child.episodes[-1]
    first = max(last.closure + timedelta(days=10), year_opens + timedelta(days=1))
    latest = min(last.referral_date + timedelta(days=335), ctx.as_at - timedelta(days=1))
    if first > latest:
        return False
    day = ctx.day_between(first, latest)
    if day < first:
        return False
    episode = _Episode(
        child=child,
        referral_date=day,
        source=ctx.code(CodeSetName.REFERRAL_SOURCE, story.REFERRAL_SOURCES, day),
        need=ctx.pick(story.PRIMARY_NEEDS),
    )
    _no_further_action(ctx, episode)
    child.episodes.append(episode)
    return True


def _episode(ctx: _Context, child: _Child, referral: date) -> _Episode:
    episode = _Episode(
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


def _closed_after_assessment(ctx: _Context, day: date) -> str:
    """RC8, or RC9 (referred to early help) where that code exists."""
    if ctx.chance(0.3) and is_valid(CodeSetName.CLOSURE_REASON, "RC9", day):
        return "RC9"
    return "RC8"


def _no_further_action(ctx: _Context, episode: _Episode) -> None:
    """A referral closed the same or next day with nothing done: often a contact recorded as a
    referral (R-RR-5), the seed's finding."""
    day = episode.referral_date if ctx.chance(0.6) else ctx.after(episode.referral_date, 1)
    episode.nfa = True
    episode.close(day, _closed_after_assessment(ctx, day), "nfa")


def _assess(ctx: _Context, episode: _Episode, start: date) -> date:
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


def _allocation_day(ctx: _Context, referral: date, lags: tuple[int, ...]) -> date:
    """The next allocation meeting, but never more than 5 days after the referral (a duty
    worker picks it up over bank holidays)."""
    meeting = ctx.after(referral, ctx.rng.choice(lags))
    return min(meeting, ctx.on_or_before(referral + timedelta(days=5)))


def _assessment_start(ctx: _Context, episode: _Episode, allocated: date) -> date:
    """Assessments start once allocated and within 5 days of the referral."""
    return ctx.day_between(allocated, episode.referral_date + timedelta(days=5))


def _assessment_path(ctx: _Context, episode: _Episode) -> None:
    allocated = _allocation_day(ctx, episode.referral_date, (0, 0, 1, 1, 2))
    episode.rate(allocated, 2, "Assessment under way")
    episode.hold(RNA, allocated)
    authorised = _assess(ctx, episode, _assessment_start(ctx, episode, allocated))
    if ctx.chance(story.ASSESSED_NOT_IN_NEED):
        _close_after_assessment(ctx, episode, authorised)
    else:
        _child_in_need(ctx, episode, authorised, level=1 if ctx.chance(0.6) else 2)


def _close_after_assessment(ctx: _Context, episode: _Episode, after: date) -> None:
    day = ctx.after(after, ctx.rng.randint(0, 5))
    reason = _closed_after_assessment(ctx, day)
    if episode.assessment:
        episode.assessment.outcome = (
            "Referred to early help" if reason == "RC9" else "No further action"
        )
    episode.close(day, reason, "assessed")


def _child_in_need(ctx: _Context, episode: _Episode, after: date, *, level: int) -> None:
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


def _child_in_need_reviews(ctx: _Context, episode: _Episode, start: date, level: int) -> date:
    """Reviews re-assess complexity; needs only ever reduce here, so an FSW's case never
    escalates except where the story plants it."""
    closed = ctx.after(start, ctx.rng.randint(*story.CHILD_IN_NEED_WORKING_DAYS))
    review = ctx.after(start, ctx.rng.randint(55, 70))
    while review < closed:
        level = 1 if level == 1 or ctx.chance(0.3) else 2
        episode.rate(review, level, "Child in need review")
        review = ctx.after(review, ctx.rng.randint(55, 70))
    return closed


def _section47_path(ctx: _Context, episode: _Episode) -> None:
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
        episode.s47 = _Section47(strategy=strategy, end=ended, icpc_not_required=True)
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
    episode.s47 = _Section47(
        strategy=strategy, end=icpc, icpc=icpc, result="PLAN" if plan else "NO_PLAN"
    )
    if plan:
        _child_protection(ctx, episode, icpc)
    else:
        episode.rate(icpc, 2, "Conference: no plan; child in need")
        _child_in_need(ctx, episode, max(icpc, authorised), level=2)


def _child_protection(ctx: _Context, episode: _Episode, icpc: date) -> None:
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


def _plan(ctx: _Context, icpc: date) -> _Plan:
    """The plan ends at the review that decides it is no longer needed."""
    timescales = ctx.policy.timescales
    low, high, mode = story.CP_PLAN_DAYS
    planned_end = icpc + timedelta(days=int(ctx.rng.triangular(low, high, mode)))
    reviews = [_review_day(ctx, add_months(icpc, timescales.first_cp_review_months))]
    while reviews[-1] < planned_end:
        due = add_months(reviews[-1], timescales.cp_review_interval_months)
        reviews.append(_review_day(ctx, due))
    category = ctx.code(CodeSetName.CATEGORY_OF_ABUSE, story.CP_CATEGORIES, icpc)
    return _Plan(start=icpc, end=reviews[-1], category=category, reviews=reviews)


def _review_day(ctx: _Context, due: date) -> date:
    if ctx.chance(story.CP_REVIEW_LATE):
        return ctx.on_or_after(due + timedelta(days=ctx.rng.randint(5, 20)))
    return ctx.on_or_before(due - timedelta(days=ctx.rng.randint(0, 20)))


def _reallocate_some_long_holdings(ctx: _Context, episode: _Episode) -> None:
    """Worker churn (R-CL-5): some long holdings pass to a colleague part-way through."""
    for index in range(len(episode.holdings) - 1, -1, -1):
        holding = episode.holdings[index]
        if (holding.end - holding.start).days < 120 or not ctx.chance(story.CASE_REALLOCATED):
            continue
        handover = ctx.day_between(
            holding.start + timedelta(days=30), holding.end - timedelta(days=20)
        )
        second = _Holding(
            team=holding.team,
            start=handover,
            end=holding.end,
            end_reason=holding.end_reason,
            prefer=holding.prefer,
            after_reallocation=True,
        )
        holding.end, holding.end_reason = handover, "Reallocated within team: caseload balance"
        episode.holdings.insert(index + 1, second)


# ---------------------------------------------------------------------------------------------
# The allocation meeting
# ---------------------------------------------------------------------------------------------


def _allocate(ctx: _Context, staff: list[_Staff], episodes: list[_Episode]) -> None:
    """Every holding that starts by as_at goes to a worker, in date order: eligible by grade
    (R-AL-1), nearest their target utilisation, experienced workers for s47 work."""
    teams: dict[str, list[_Staff]] = {}
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


def _spare(ctx: _Context, s: _Staff, day: date) -> float:
    """How far below their target utilisation a worker is (negative: above it)."""
    grade = s.grade(day, ctx.policy)
    target = story.TARGET_UTILISATION[s.team_kind or ""][grade]
    capacity = case_capacity(s.facts, day, ctx.policy, ctx.calendar) or 1.0
    return target - s.load_on(day) / capacity


def _choose_holder(
    ctx: _Context,
    members: list[_Staff],
    holding: _Holding,
    episode: _Episode,
    previous: _Staff | None,
) -> _Staff:
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
    ctx: _Context, members: list[_Staff], holding: _Holding, episode: _Episode
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


def _co_fraction(ctx: _Context) -> float:
    return ctx.policy.caseload.co_worker_fraction


# ---------------------------------------------------------------------------------------------
# The planted problems
# ---------------------------------------------------------------------------------------------


def _plant_overdue_assessments(ctx: _Context, episodes: list[_Episode]) -> None:
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


def _open_holdings(episodes: list[_Episode], day: date) -> Iterator[tuple[_Holding, _Episode]]:
    for episode in episodes:
        for holding in episode.holdings:
            if holding.worker and holding.open_on(day):
                yield holding, episode


def _plant_fsw_holding_complex_work(
    ctx: _Context, staff: list[_Staff], episodes: list[_Episode]
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
    planted: list[_Episode] = []
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
    ctx: _Context,
    fsw: _Staff,
    candidates: list[tuple[_Holding, _Episode]],
    taken: list[_Episode],
) -> tuple[_Holding, _Episode] | None:
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


def _s47_on_fsw_case(
    ctx: _Context, staff: list[_Staff], holding: _Holding, episode: _Episode
) -> None:
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
    episode.s47 = _Section47(strategy=strategy, end=date.max, lead=lead)
    episode.rate(strategy, 3, "Section 47 enquiry started")
    holding.co_worker, holding.co_start = lead, strategy


# Each worker's open cases at as_at: (holding, episode, role on the case), keyed by id(_Staff).
_OpenCases = dict[int, list[tuple[_Holding, _Episode, str]]]


def _current_load(ctx: _Context, s: _Staff, episodes_by_worker: _OpenCases) -> float:
    """R-CL-1/2 weighted load at as_at with each case's level in force (frames._level_at)."""
    points = 0.0
    for holding, episode, role in episodes_by_worker.get(id(s), []):
        since = holding.start if role == HOLDER else holding.co_start or holding.start
        later = [lvl for day, lvl, _ in episode.complexity if since <= day <= ctx.as_at]
        level = later[-1] if later else episode.level_on(since)
        share = 1.0 if role == HOLDER else _co_fraction(ctx)
        points += ctx.weight(level) * share
    return points


def _holdings_by_worker(ctx: _Context, episodes: list[_Episode]) -> _OpenCases:
    found: _OpenCases = {}
    for holding, episode in _open_holdings(episodes, ctx.as_at):
        found.setdefault(id(holding.worker), []).append((holding, episode, HOLDER))
        if holding.co_worker and holding.co_start and holding.co_start <= ctx.as_at:
            found.setdefault(id(holding.co_worker), []).append((holding, episode, CO_WORKER))
    return found


def _utilisation(ctx: _Context, s: _Staff, held: _OpenCases) -> float:
    capacity = case_capacity(s.facts, ctx.as_at, ctx.policy, ctx.calendar)
    return _current_load(ctx, s, held) / capacity


def _balance_rna_experienced(ctx: _Context, staff: list[_Staff], episodes: list[_Episode]) -> None:
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
    ctx: _Context,
    *,
    givers: list[_Staff],
    receivers: list[_Staff],
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


def _spare_now(ctx: _Context, s: _Staff, held: _OpenCases) -> float:
    target = story.TARGET_UTILISATION[s.team_kind or ""][s.grade(ctx.as_at, ctx.policy)]
    return target - _utilisation(ctx, s, held)


# ---------------------------------------------------------------------------------------------
# Records: everything as known at as_at
# ---------------------------------------------------------------------------------------------


def _known(ctx: _Context, day: date | None) -> date | None:
    """A date is on the record only once it has happened."""
    return day if day is not None and day <= ctx.as_at else None


def _case_records(
    ctx: _Context, children: list[_Child], *, intake_team: Team
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
    return records


def _responsible_team(ctx: _Context, child: _Child, intake_team: Team) -> Team | None:
    """The team holding the open episode, or R&A for a referral awaiting allocation."""
    if not child.episodes or child.episodes[-1].closure <= ctx.as_at:
        return None
    for holding in child.episodes[-1].holdings:
        if holding.worker and holding.open_on(ctx.as_at):
            return holding.worker.worker.team
    return intake_team


def _episode_records(ctx: _Context, episode: _Episode, records: dict[str, list[Any]]) -> None:
    child = episode.child.record
    closed = _known(ctx, episode.closure)
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


def _referral_contact(ctx: _Context, episode: _Episode, child: Child) -> Contact:
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


def _other_contacts(ctx: _Context, child: _Child) -> list[Contact]:
    """Contacts that did not become referrals: about a child with an open case they are passed
    to the worker (advice), otherwise NFA, advice or early help (R-RR-4)."""
    contacts = []
    for day in child.other_contacts:
        late = ctx.chance(story.CONTACT_DECIDED_LATE)
        decided = _known(ctx, ctx.after(day, ctx.rng.randint(2, 3) if late else 1))
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


def _holder_on(episode: _Episode, day: date) -> Worker | None:
    for holding in episode.holdings:
        if holding.worker and holding.start <= day < holding.end:
            return holding.worker.worker
    return None


def _assessment_record(
    ctx: _Context, episode: _Episode, child: Child, referral: Referral
) -> Assessment:
    planned = episode.assessment
    assert planned is not None
    authorised = _known(ctx, planned.authorised)
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
    ctx: _Context, episode: _Episode, child: Child, referral: Referral
) -> Section47:
    planned = episode.s47
    assert planned is not None
    ended = _known(ctx, planned.end)
    icpc = _known(ctx, planned.icpc)
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


def _plan_record(ctx: _Context, plan: _Plan, child: Child) -> ChildProtectionPlan:
    return ChildProtectionPlan(
        child=child, start_date=plan.start, end_date=_known(ctx, plan.end), category=plan.category
    )


def _allocation_records(ctx: _Context, episode: _Episode) -> list[Allocation]:
    allocations = []
    for holding in episode.holdings:
        if holding.worker is None:
            continue
        ended = _known(ctx, holding.end)
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
# Supervision
# ---------------------------------------------------------------------------------------------


def _supervision(
    ctx: _Context, staff: list[_Staff], episodes: list[_Episode]
) -> dict[str, list[Any]]:
    """R-SV: monthly formal sessions for most, ASYEs less often than they should be; cases
    discussed are the supervisee's open cases that day."""
    holdings: dict[int, list[tuple[_Holding, _Episode]]] = {}
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


def _session_days(ctx: _Context, s: _Staff) -> Iterator[tuple[date, str]]:
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


def _gap_days(ctx: _Context, s: _Staff, day: date) -> int:
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


def _session(ctx: _Context, s: _Staff, held_on: date, kind: str) -> SupervisionSession:
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
        written_up_on=_known(ctx, written),
    )


def _formal_minutes(ctx: _Context, s: _Staff, held_on: date) -> int:
    asye = s.grade(held_on, ctx.policy) == Grade.ASYE
    if ctx.chance(story.SESSION_SHORT["ASYE" if asye else "other"]):
        return ctx.rng.choice((45, 60, 75))
    return ctx.rng.choice((90, 90, 105, 120))


def _written_up(ctx: _Context, held_on: date) -> date | None:
    """R-SV-4: most sessions are written up within 5 working days; some late, some never."""
    roll = ctx.rng.random()
    if roll < story.SESSION_NOT_WRITTEN_UP:
        return None
    if roll < story.SESSION_NOT_WRITTEN_UP + story.SESSION_WRITTEN_UP_LATE:
        return ctx.after(held_on, ctx.rng.randint(6, 15))
    return ctx.after(held_on, ctx.rng.choice((0, 1, 1, 2, 2, 3, 4)))


def _cases_discussed(
    ctx: _Context, session: SupervisionSession, held: list[tuple[_Holding, _Episode]]
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


def _action_plan(la: LocalAuthority) -> dict[str, list[Any]]:
    inspection = Inspection(
        local_authority=la,
        body=story.INSPECTION_BODY,
        kind=story.INSPECTION_KIND,
        start_date=story.INSPECTION_START,
        end_date=story.INSPECTION_END,
        report_published_on=story.INSPECTION_REPORT_PUBLISHED,
    )
    findings, actions, updates = [], [], []
    updated_at = datetime.combine(story.PLAN_UPDATED_ON, time(10, 0), tzinfo=LONDON)
    for order, finding_story in enumerate(story.FINDINGS, start=1):
        finding = Finding(inspection=inspection, order=order, text=finding_story.text)
        findings.append(finding)
        for action_order, a in enumerate(finding_story.actions, start=1):
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
            )
            actions.append(action)
            if a.comments:
                updates.append(ActionUpdate(action=action, written_at=updated_at, text=a.comments))
    return {
        "inspections": [inspection],
        "findings": findings,
        "actions": actions,
        "action_updates": updates,
    }

"""A user's digest as plain data: what is overdue or due soon in their scope, section by
section. Pure — no Django, no clock: `sources.py` reads the scoped facts, this turns them into
lines that the email and the notifications panel both print.

The statuses come from the engine: assessments from `engine.timeliness.open_deadlines`
(R-TS-10), supervision from `supervision.standing` (R-SV-3, R-SV-4), cases without a qualified
case holder from the registry's `allocation.unallocated_child_protection` (R-AL-1). The engine
has no per-case "next due" for conferences and reviews (it measures them once held), so those
two deadlines are worked out here from the engine's own pieces: the R-WD-3 due date from the
working-day calendar, and the calendar months of `periods.add_months`, as
`engine.measures.timeliness._cp_review_rate` chains them. Tests check both against the engine.

Emails carry LA child ids, dates and staff names only: there are no child names, and no
supervision notes ever leave Oversight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.periods import add_months
from oversight.engine.policy import Policy
from oversight.engine.timeliness import AssessmentKind, AssessmentStatus, TimelinessState

# An email stays readable: each section lists this many items, then "and N more" (a
# locality's digest can hold hundreds). Presentation, not policy.
ITEMS_PER_SECTION = 10


class Kind(StrEnum):
    """The sections, in the order a digest shows them: child protection first."""

    UNALLOCATED_CP = "unallocated_cp"
    ASSESSMENT = "assessment"
    ICPC = "icpc"
    CP_REVIEW = "cp_review"
    SUPERVISION = "supervision"
    WRITE_UP = "write_up"


class Urgency(StrEnum):
    OVERDUE = "overdue"  # past its date, or (R-AL-1) needing action now
    DUE_SOON = "due_soon"


SECTIONS: dict[Kind, tuple[str, str]] = {
    Kind.UNALLOCATED_CP: ("Child protection cases without a qualified social worker", "R-AL-1"),
    Kind.ASSESSMENT: ("Assessments", "R-TS-10"),
    Kind.ICPC: ("Initial child protection conferences", "R-TS-5"),
    Kind.CP_REVIEW: ("Child protection reviews", "R-TS-6"),
    Kind.SUPERVISION: ("Supervision", "R-SV-3"),
    Kind.WRITE_UP: ("Supervision write-ups", "R-SV-4"),
}

ASSESSMENT_NAMES = {
    AssessmentKind.INITIAL: "initial assessment",
    AssessmentKind.CORE: "core assessment",
    AssessmentKind.SINGLE: "single assessment",
}


# --- the facts a digest is built from ---------------------------------------------------------


@dataclass(frozen=True)
class PendingConference:
    """An s47 enquiry open at as_at whose initial conference is needed and not yet held."""

    child_id: int
    strategy_date: dt.date
    worker_id: int | None  # the enquiry's lead worker


@dataclass(frozen=True)
class OpenPlan:
    """A child protection plan open at as_at, with the latest review held after it started."""

    child_id: int
    start: dt.date
    last_review: dt.date | None


@dataclass(frozen=True)
class WithoutQualifiedHolder:
    """R-AL-1: a child in child protection with no qualified case holder."""

    child_id: int
    since: dt.date | None  # when the s47 or plan began; None when only the level says so


@dataclass(frozen=True)
class SupervisionDue:
    """One worker's supervision standing (supervision.standing.Standing, as plain data)."""

    worker_name: str
    next_due: dt.date | None
    days_overdue: int  # calendar days (R-SV-3)
    not_written_up: int  # their sessions past the write-up deadline, not the user's to write


@dataclass(frozen=True)
class WriteUpOwed:
    """A session the user held as supervisor, past its write-up deadline (R-SV-4)."""

    supervisee_name: str
    held_on: dt.date


@dataclass(frozen=True)
class Facts:
    """Everything in a user's scope a digest is made from. `assessments` are the engine's
    open statuses, already judged with the digest's look-ahead as the "due soon" margin."""

    la_child_ids: Mapping[int, str]
    worker_names: Mapping[int, str]
    case_holders: Mapping[int, int]  # child id → the worker holding the case
    assessments: Sequence[AssessmentStatus] = ()
    conferences: Sequence[PendingConference] = ()
    plans: Sequence[OpenPlan] = ()
    without_holder: Sequence[WithoutQualifiedHolder] = ()
    supervision: Sequence[SupervisionDue] = ()
    write_ups: Sequence[WriteUpOwed] = ()


# --- what a digest is -------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One line: the subject (an LA child id, or a worker), what is due, and when."""

    kind: Kind
    urgency: Urgency
    subject: str
    what: str
    when: str
    due: dt.date | None = None
    worker: str = ""  # whose it is, shown to managers
    child_id: int | None = None  # for the audit trail; never printed

    @property
    def text(self) -> str:
        line = f"{self.subject}: {self.what}"
        if self.when:
            line += f", {self.when}"
        return f"{line} ({self.worker})" if self.worker else line


@dataclass(frozen=True)
class Section:
    kind: Kind
    items: tuple[Item, ...]
    limit: int = ITEMS_PER_SECTION

    @property
    def title(self) -> str:
        return SECTIONS[self.kind][0]

    @property
    def rule(self) -> str:
        return SECTIONS[self.kind][1]

    @property
    def shown(self) -> tuple[Item, ...]:
        return self.items[: self.limit]

    @property
    def more(self) -> int:
        return len(self.items) - len(self.shown)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.urgency is Urgency.OVERDUE)

    @property
    def due_soon(self) -> int:
        return sum(1 for item in self.items if item.urgency is Urgency.DUE_SOON)

    @property
    def summary(self) -> str:
        """One line, e.g. "Assessments: 2 overdue, 1 due soon"; undated sections just count."""
        if self.kind is Kind.UNALLOCATED_CP:
            return f"{self.title}: {len(self.items)}"
        if self.kind is Kind.WRITE_UP:
            return f"{self.title} outstanding: {len(self.items)}"
        return f"{self.title}: {self.overdue} overdue, {self.due_soon} due soon"


@dataclass(frozen=True)
class Digest:
    as_at: dt.date
    scope: str  # whose work it covers, in words: "your cases", "the Safeguarding team"
    look_ahead: int  # working days "due soon" reaches
    sections: tuple[Section, ...]  # only those with something in them

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    @property
    def is_empty(self) -> bool:
        return not self.sections

    @property
    def overdue(self) -> int:
        return sum(section.overdue for section in self.sections)

    @property
    def due_soon(self) -> int:
        return sum(section.due_soon for section in self.sections)

    @property
    def child_ids(self) -> list[int]:
        """The children the digest names (internal ids, for the audit trail)."""
        return sorted({item.child_id for item in self.items if item.child_id is not None})

    @property
    def headline(self) -> str:
        return f"{self.overdue} overdue, {self.due_soon} due soon"


# --- building it ------------------------------------------------------------------------------


def build_digest(
    facts: Facts,
    *,
    as_at: dt.date,
    policy: Policy,
    calendar: WorkingDayCalendar,
    look_ahead: int,
    scope: str,
    show_worker: bool,
) -> Digest:
    """The digest as at `as_at`: overdue items first in each section (longest overdue first),
    then those due within `look_ahead` working days (soonest first)."""
    owner = _Owner(facts, show_worker)
    found = {
        Kind.UNALLOCATED_CP: _without_holder(facts, owner),
        Kind.ASSESSMENT: _assessments(facts, owner, as_at),
        Kind.ICPC: _conferences(facts, owner, as_at, policy, calendar, look_ahead),
        Kind.CP_REVIEW: _reviews(facts, owner, as_at, policy, calendar, look_ahead),
        Kind.SUPERVISION: _supervision(facts, as_at, calendar, look_ahead),
        Kind.WRITE_UP: _write_ups(facts, policy),
    }
    sections = tuple(
        Section(kind, tuple(sorted(items, key=_order))) for kind, items in found.items() if items
    )
    return Digest(as_at, scope, look_ahead, sections)


def _order(item: Item) -> tuple[int, dt.date, str]:
    return (item.urgency is not Urgency.OVERDUE, item.due or dt.date.min, item.subject)


class _Owner:
    """Whose a child's item is: the assessment's or enquiry's worker, else the case holder."""

    def __init__(self, facts: Facts, show: bool) -> None:
        self.facts, self.show = facts, show

    def of(self, child_id: int, worker_id: int | None) -> str:
        if not self.show:
            return ""
        worker_id = worker_id or self.facts.case_holders.get(child_id)
        if worker_id is None:
            return "unallocated"
        return self.facts.worker_names.get(worker_id, "unallocated")


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _overdue_by(n: int, unit: str, due: dt.date) -> str:
    return f"{_plural(n, unit)} overdue (due {_day(due)})"


def _due_in(left: int, due: dt.date, as_at: dt.date) -> str:
    if due == as_at:
        return f"due today ({_day(due)})"
    if left == 0:  # due on a weekend or bank holiday before the next working day
        return f"due {_day(due)}"
    return f"due in {_plural(left, 'working day')} ({_day(due)})"


def _without_holder(facts: Facts, owner: _Owner) -> list[Item]:
    """R-AL-1: an unallocated child protection case is an alert, whatever its dates. The
    worker shown is who holds it now (an FSW, say), if anyone."""
    return [
        Item(
            Kind.UNALLOCATED_CP,
            Urgency.OVERDUE,
            facts.la_child_ids.get(case.child_id, ""),
            "no qualified case holder",
            f"child protection since {_day(case.since)}" if case.since else "",
            due=case.since,
            worker=owner.of(case.child_id, None),
            child_id=case.child_id,
        )
        for case in facts.without_holder
    ]


def _assessments(facts: Facts, owner: _Owner, as_at: dt.date) -> list[Item]:
    """R-TS-10, as the engine judged each open assessment."""
    items = []
    for status in facts.assessments:
        child = status.facts.child_id
        what = ASSESSMENT_NAMES[status.facts.kind]
        if status.state is TimelinessState.OVERDUE and status.days_overdue is not None:
            urgency = Urgency.OVERDUE
            when = _overdue_by(status.days_overdue, "working day", status.due_date)
        elif status.state is TimelinessState.DUE_SOON and status.days_left is not None:
            urgency = Urgency.DUE_SOON
            when = _due_in(status.days_left, status.due_date, as_at)
        else:
            continue
        items.append(
            Item(
                Kind.ASSESSMENT,
                urgency,
                facts.la_child_ids.get(child, ""),
                what,
                when,
                due=status.due_date,
                worker=owner.of(child, status.facts.worker_id),
                child_id=child,
            )
        )
    return items


def _conferences(
    facts: Facts,
    owner: _Owner,
    as_at: dt.date,
    policy: Policy,
    calendar: WorkingDayCalendar,
    look_ahead: int,
) -> list[Item]:
    """R-TS-5: the conference is due on the policy's Nth working day after the strategy
    discussion (R-WD-3); it is late once more than N working days have elapsed (R-WD-2)."""
    limit = policy.timescales.icpc_days
    items = []
    for enquiry in facts.conferences:
        due = calendar.add(enquiry.strategy_date, limit)
        elapsed = calendar.elapsed(enquiry.strategy_date, as_at)
        if elapsed > limit:
            urgency, when = Urgency.OVERDUE, _overdue_by(elapsed - limit, "working day", due)
        elif (left := calendar.elapsed(as_at, due)) <= look_ahead:
            urgency, when = Urgency.DUE_SOON, _due_in(left, due, as_at)
        else:
            continue
        child = enquiry.child_id
        items.append(
            Item(
                Kind.ICPC,
                urgency,
                facts.la_child_ids.get(child, ""),
                "initial child protection conference",
                when,
                due=due,
                worker=owner.of(child, enquiry.worker_id),
                child_id=child,
            )
        )
    return items


def next_review_due(plan: OpenPlan, policy: Policy) -> dt.date:
    """R-TS-6: the first review is due the policy's months after the plan starts, each later
    one the interval after the review actually held before it (a late one included)."""
    timescales = policy.timescales
    if plan.last_review is None:
        return add_months(plan.start, timescales.first_cp_review_months)
    return add_months(plan.last_review, timescales.cp_review_interval_months)


def _reviews(
    facts: Facts,
    owner: _Owner,
    as_at: dt.date,
    policy: Policy,
    calendar: WorkingDayCalendar,
    look_ahead: int,
) -> list[Item]:
    """R-TS-6 deadlines are calendar months, so lateness is counted in days; a review held
    on the deadline meets it."""
    items = []
    for plan in facts.plans:
        due = next_review_due(plan, policy)
        first = plan.last_review is None
        what = "first child protection review" if first else "child protection review"
        if due < as_at:
            urgency, when = Urgency.OVERDUE, _overdue_by((as_at - due).days, "day", due)
        elif (left := calendar.elapsed(as_at, due)) <= look_ahead:
            urgency, when = Urgency.DUE_SOON, _due_in(left, due, as_at)
        else:
            continue
        child = plan.child_id
        items.append(
            Item(
                Kind.CP_REVIEW,
                urgency,
                facts.la_child_ids.get(child, ""),
                what,
                when,
                due=due,
                worker=owner.of(child, None),
                child_id=child,
            )
        )
    return items


def _supervision(
    facts: Facts, as_at: dt.date, calendar: WorkingDayCalendar, look_ahead: int
) -> list[Item]:
    """R-SV-3 as the supervision standings give it: overdue by calendar days, or next due
    within the look-ahead."""
    items = []
    for worker in facts.supervision:
        due = worker.next_due
        if due is None:
            continue
        if worker.days_overdue > 0:
            urgency, when = Urgency.OVERDUE, _overdue_by(worker.days_overdue, "day", due)
        elif due >= as_at and (left := calendar.elapsed(as_at, due)) <= look_ahead:
            urgency, when = Urgency.DUE_SOON, _due_in(left, due, as_at)
        else:
            continue
        items.append(Item(Kind.SUPERVISION, urgency, worker.worker_name, "supervision", when, due))
    return items


def _write_ups(facts: Facts, policy: Policy) -> list[Item]:
    """R-SV-4: sessions the user must write up (with their dates), then other supervisors'
    outstanding files in the user's scope (counted, by supervisee)."""
    days = policy.supervision.write_up_working_days
    owed = [
        Item(
            Kind.WRITE_UP,
            Urgency.OVERDUE,
            owed.supervisee_name,
            f"your supervision session of {_day(owed.held_on)} is not written up",
            f"due within {_plural(days, 'working day')}",
            due=owed.held_on,
        )
        for owed in facts.write_ups
    ]
    files = [
        Item(
            Kind.WRITE_UP,
            Urgency.OVERDUE,
            worker.worker_name,
            f"{_plural(worker.not_written_up, 'supervision session')} not written up",
            "",
        )
        for worker in facts.supervision
        if worker.not_written_up > 0
    ]
    return owed + files

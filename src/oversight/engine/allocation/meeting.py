"""The allocation meeting as the engine sees it: the queue of unallocated cases and the workers
who could take them, as at a date, built from the engine's frames.

Everything the recommendation (R-AL-2) and the optimiser read is here, in small plain records,
so scoring a case against 80 workers is a loop over numbers, not a query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import CaseData
from oversight.engine.measures.caseloads import worker_loads_frame
from oversight.engine.measures.eligibility import CHILD_PROTECTION_LEVEL
from oversight.engine.measures.status import child_protection_children, open_allocations
from oversight.engine.policy import Policy
from oversight.engine.workforce import Grade

HOLDER = "holder"

# R-CL-2: the level a case's status implies when no re-assessment since the episode began says
# otherwise: child protection (an s47 or a CP plan) 3, an open assessment 2, otherwise 1.
OPEN_ASSESSMENT_LEVEL = 2
LOWEST_LEVEL = 1


@dataclass(frozen=True)
class QueueCase:
    """An unallocated case waiting for the meeting."""

    child_id: int
    la_child_id: str
    team_id: int | None
    level: int
    child_protection: bool  # an s47 in progress or a CP plan
    s47_open: bool  # s47 work: the recent-s47 preference applies
    waiting_since: dt.date
    previous_workers: tuple[int, ...] = ()  # most recent first
    siblings: frozenset[int] = frozenset()  # other children in the same family

    def weight(self, policy: Policy) -> float:
        """R-CL-2 points this case adds to its holder's load."""
        return float(policy.caseload.complexity_weights[self.level])


@dataclass(frozen=True)
class Candidate:
    """A worker in post who could take a case, with their load as the meeting opens."""

    worker_id: int
    name: str
    team_id: int | None
    grade: Grade
    fte: float
    capacity: float  # R-CL-3 case capacity in points
    load: float  # R-CL-2 weighted load now
    s47_recent: int  # s47s led in the R-CL-4 window
    holds: frozenset[int] = frozenset()  # children they hold or co-work now

    @property
    def utilisation(self) -> float | None:
        return self.load / self.capacity if self.capacity > 0 else None

    @property
    def s47_per_fte(self) -> float:
        return self.s47_recent / self.fte if self.fte > 0 else 0.0


@dataclass(frozen=True)
class Meeting:
    as_at: dt.date
    cases: tuple[QueueCase, ...]
    candidates: tuple[Candidate, ...]
    policy: Policy = field(repr=False)


def queue_frame(data: CaseData, as_at: dt.date, team_ids: Collection[int]) -> pl.DataFrame:
    """Cases waiting for allocation at `as_at` whose responsible team is one of `team_ids`:
    children with an open episode or in child protection and no open case holder. Columns:
    child_id, la_child_id, team_id, level, child_protection, s47_open, waiting_since. Sorted as
    the meeting takes them: child protection first, then highest level, then longest waiting."""
    held = open_allocations(data, as_at).filter(pl.col("role") == HOLDER).select("child_id")
    teams = data.children.filter(pl.col("responsible_team_id").is_in(list(team_ids)))
    waiting = _open_cases(data, teams, as_at).join(held, on="child_id", how="anti")
    return _with_levels(data, waiting, as_at)


def case_now(
    data: CaseData, as_at: dt.date, child_id: int, families: Mapping[int, str] | None = None
) -> QueueCase | None:
    """One open case, held or not, as the meeting would see it (for reallocating it or adding a
    co-worker): its level is the higher of the queue's reading and the level in force on its
    open allocations (R-CL-2). None if the case has no open episode or child protection."""
    child = data.children.filter(pl.col("child_id") == child_id)
    rows = _with_levels(data, _open_cases(data, child, as_at), as_at).to_dicts()
    if not rows:
        return None
    allocated = open_allocations(data, as_at).filter(pl.col("child_id") == child_id)
    row = rows[0] | {"level": max([rows[0]["level"], *allocated["level"].to_list()])}
    families = families or {}
    family = families.get(child_id, "")
    siblings = {c for c, f in families.items() if family and f == family} - {child_id}
    previous = _previous_workers(data, as_at).get(child_id, ())
    return _queue_case(row, previous, {family: siblings | {child_id}} if family else {}, families)


def _open_cases(data: CaseData, children: pl.DataFrame, as_at: dt.date) -> pl.DataFrame:
    """These children with an open episode or in child protection at `as_at`, with when each
    began and whether an s47 is open."""
    episodes = data.referrals.filter(
        (pl.col("date") <= as_at)
        & (pl.col("closure_date").is_null() | (pl.col("closure_date") > as_at))
    ).select("child_id", episode_start=pl.col("date"))
    protection = child_protection_children(data, as_at).rename({"since": "cp_since"})
    s47_open = (
        data.section47s.filter(
            (pl.col("strategy_date") <= as_at)
            & (pl.col("end_date").is_null() | (pl.col("end_date") > as_at))
        )
        .select("child_id", s47_open=pl.lit(value=True))
        .unique("child_id")
    )
    return (
        children.select("child_id", "la_child_id", team_id=pl.col("responsible_team_id"))
        .join(episodes, on="child_id", how="left")
        .join(protection, on="child_id", how="left")
        .filter(pl.col("episode_start").is_not_null() | pl.col("cp_since").is_not_null())
        .join(s47_open, on="child_id", how="left")
    )


def _with_levels(data: CaseData, waiting: pl.DataFrame, as_at: dt.date) -> pl.DataFrame:
    """Each case's level: a re-assessment made since its episode began (R-CL-2), never below what
    its status implies; and since when it has waited (the episode start, or the day its last
    holder's allocation ended if later)."""
    began = pl.min_horizontal("episode_start", "cp_since")
    assessed = (
        data.complexity.filter(pl.col("assessed_on") <= as_at)
        .join(waiting.select("child_id", began=began), on="child_id")
        .filter(pl.col("assessed_on") >= pl.col("began"))
        .group_by("child_id")
        .agg(pl.col("level").get(pl.col("assessed_on").arg_max()).alias("assessed_level"))
    )
    last_holder_end = (
        data.allocations.filter(
            (pl.col("role") == HOLDER) & pl.col("end").is_not_null() & (pl.col("end") <= as_at)
        )
        .group_by("child_id")
        .agg(pl.col("end").max().alias("holder_ended"))
    )
    has_assessment = (
        data.assessments.filter(
            (pl.col("start") <= as_at)
            & (pl.col("authorised").is_null() | (pl.col("authorised") > as_at))
        )
        .select("child_id", open_assessment=pl.lit(value=True))
        .unique("child_id")
    )
    status_level = (
        pl.when(pl.col("cp_since").is_not_null())
        .then(pl.lit(CHILD_PROTECTION_LEVEL))
        .when(pl.col("open_assessment"))
        .then(pl.lit(OPEN_ASSESSMENT_LEVEL))
        .otherwise(pl.lit(LOWEST_LEVEL))
    )
    return (
        waiting.join(assessed, on="child_id", how="left")
        .join(last_holder_end, on="child_id", how="left")
        .join(has_assessment, on="child_id", how="left")
        .with_columns(
            pl.col("open_assessment", "s47_open").fill_null(value=False),
            child_protection=pl.col("cp_since").is_not_null(),
            waiting_since=pl.max_horizontal(began, "holder_ended"),
        )
        .with_columns(level=pl.max_horizontal("assessed_level", status_level).cast(pl.Int64))
        .sort(
            ["child_protection", "level", "waiting_since", "child_id"],
            descending=[True, True, False, False],
        )
        .select(
            "child_id",
            "la_child_id",
            "team_id",
            "level",
            "child_protection",
            "s47_open",
            "waiting_since",
        )
    )


def build_meeting(
    data: CaseData,
    *,
    as_at: dt.date,
    policy: Policy,
    calendar: WorkingDayCalendar,
    team_ids: Collection[int],
    worker_ids: Collection[int],
    families: Mapping[int, str] | None = None,
) -> Meeting:
    """The meeting for the cases waiting in these teams (in the queue's order, `queue_frame`)
    and these candidate workers.

    `families` maps a child to a family reference: children sharing one are siblings (R-AL-2
    "siblings together"); the engine's frames do not carry families, so the caller passes them.
    """
    families = families or {}
    queue = queue_frame(data, as_at, team_ids)
    previous = _previous_workers(data, as_at)
    groups: dict[str, set[int]] = {}
    for child, family in families.items():
        if family:
            groups.setdefault(family, set()).add(child)
    cases = tuple(
        _queue_case(row, previous.get(row["child_id"], ()), groups, families)
        for row in queue.iter_rows(named=True)
    )
    return Meeting(as_at, cases, _candidates(data, as_at, policy, calendar, worker_ids), policy)


def _queue_case(
    row: Mapping[str, object],
    previous: tuple[int, ...],
    groups: Mapping[str, set[int]],
    families: Mapping[int, str],
) -> QueueCase:
    child = int(row["child_id"])  # type: ignore[call-overload]
    family = families.get(child, "")
    siblings = frozenset(groups.get(family, set()) - {child}) if family else frozenset()
    return QueueCase(
        child_id=child,
        la_child_id=str(row["la_child_id"]),
        team_id=row["team_id"],  # type: ignore[arg-type]
        level=int(row["level"]),  # type: ignore[call-overload]
        child_protection=bool(row["child_protection"]),
        s47_open=bool(row["s47_open"]),
        waiting_since=row["waiting_since"],  # type: ignore[arg-type]
        previous_workers=previous,
        siblings=siblings,
    )


def _previous_workers(data: CaseData, as_at: dt.date) -> dict[int, tuple[int, ...]]:
    """For each child, the workers who held or co-worked them before (allocations ended by
    `as_at`), most recent first."""
    ended = (
        data.allocations.filter(pl.col("end").is_not_null() & (pl.col("end") <= as_at))
        .sort("end", "allocation_id", descending=True)
        .group_by("child_id", maintain_order=True)
        .agg(pl.col("worker_id").unique(maintain_order=True))
    )
    return {
        child: tuple(workers)
        for child, workers in zip(ended["child_id"], ended["worker_id"].to_list(), strict=True)
    }


def _candidates(
    data: CaseData,
    as_at: dt.date,
    policy: Policy,
    calendar: WorkingDayCalendar,
    worker_ids: Collection[int],
) -> tuple[Candidate, ...]:
    wanted = pl.Series(list(worker_ids), dtype=pl.Int64())
    loads = worker_loads_frame(data, as_at=as_at, policy=policy, calendar=calendar).filter(
        pl.col("worker_id").is_in(wanted.implode())
    )
    names = dict(zip(data.workers["worker_id"], data.workers["name"], strict=True))
    holds = (
        open_allocations(data, as_at)
        .group_by("worker_id")
        .agg(pl.col("child_id").unique())
        .iter_rows()
    )
    held = {worker: frozenset(children) for worker, children in holds}
    return tuple(
        Candidate(
            worker_id=row["worker_id"],
            name=names.get(row["worker_id"], ""),
            team_id=row["team_id"],
            grade=Grade(row["grade"]),
            fte=row["fte"],
            capacity=row["capacity"] or 0.0,
            load=row["weighted_load"],
            s47_recent=row["s47_led"],
            holds=held.get(row["worker_id"], frozenset()),
        )
        for row in loads.sort("worker_id").iter_rows(named=True)
    )

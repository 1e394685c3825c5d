"""Reference implementations the measures engine is timed against (bench_measures.py).

For the four core families (issue 3, part 6):

- re-referrals (R-RR-1, R-RR-2): referrals in the period that are re-referrals, and children with
  a re-referral, over referrals and children referred in the period;
- assessment timeliness (R-TS-2..4, R-TS-10): assessments authorised in the period within their
  timescale over all authorised in the period, and assessments open and overdue at as_at;
- month-end caseloads (R-CL-1, R-CL-2, R-CL-4): per worker in post at each month end in the
  period: cases held, weighted load (the complexity level in force) and s47 enquiries led in the
  trailing 13 weeks;
- supervision compliance (R-SV-1, R-SV-2): compliant worker-months over worker-months, per worker.

each written twice: `Duck*` as DuckDB SQL over the same Arrow tables the engine reads (working
days as a join against a calendar table holding the running count of working days), and
`pandas_*` the way a council analyst would write them (group by child or worker and apply a
Python function; numpy `busday_count` for working days). `rereferral_floor` is the least work
re-referrals can take: one numpy sort of (child, date) and one linear pass.

Every reference follows the engine's definitions (read from `engine/measures/*.py`), so the
benchmark can check that they agree before it times them. Policy values come from the `Policy`
passed in, never literals; only the default shapes of the policy are supported (see `_require`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import CaseData
from oversight.engine.policy import ClockStart, MonthlyInterval, Policy
from oversight.engine.registry import Context

# The engine's code values (not policy): assessment kinds, allocation roles, session kind, and
# the roles the supervision family leaves out / treats as senior (engine/measures/supervision.py,
# engine/workforce.py).
INITIAL, CORE, SINGLE = "initial", "core", "single"
HOLDER, CO_WORKER = "holder", "co"
FORMAL = "formal"
UNSUPERVISED_ROLES = ["SM", "LM", "IO"]
SENIOR_ROLES = ["SP", "ATM", "TM"]


# --- what each reference returns -------------------------------------------------------------


@dataclass(frozen=True)
class Rereferrals:
    referrals: int
    rereferrals: int
    children: int
    children_rereferred: int


@dataclass(frozen=True)
class Timeliness:
    authorised: int
    in_time: int
    open_overdue: int


@dataclass(frozen=True)
class Supervision:
    worker_months: int
    compliant: int
    by_worker: dict[int, tuple[int, int]] = field(repr=False)  # worker -> (compliant, months)


# Month-end caseloads are a frame: month_end, worker_id, cases, weighted_load, s47_led.
CASELOAD_COLUMNS = ["month_end", "worker_id", "cases", "weighted_load", "s47_led"]


def month_ends(ctx: Context) -> list[dt.date]:
    """The last day of each month that ends within the period (and by as_at)."""
    last = min(ctx.period.end, ctx.as_at)
    ends = []
    year, month = ctx.period.start.year, ctx.period.start.month
    while True:
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        end = following - dt.timedelta(days=1)
        if end > last:
            return ends
        if end >= ctx.period.start:
            ends.append(end)
        year, month = following.year, following.month


def _require(policy: Policy) -> None:
    """The references implement the policy's default shapes (the values are read from it)."""
    if policy.referrals.rereferral_window_days is not None:
        raise NotImplementedError("the references count the re-referral window in months")


def _last_day(ctx: Context) -> dt.date:
    return min(ctx.period.end, ctx.as_at)


def _from_referral(policy: Policy) -> list[str]:
    """Assessment kinds whose clock starts at the referral (`timeliness.clock_start_for`)."""
    kinds = [INITIAL]
    if policy.timescales.single_assessment_clock_start is ClockStart.REFERRAL:
        kinds.append(SINGLE)
    return kinds


def _limits(policy: Policy) -> dict[str, int]:
    t = policy.timescales
    return {
        INITIAL: t.initial_assessment_days,
        CORE: t.core_assessment_days,
        SINGLE: t.single_assessment_days,
    }


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


# --- DuckDB ----------------------------------------------------------------------------------


def calendar_table(calendar: WorkingDayCalendar, first: dt.date, last: dt.date) -> pl.DataFrame:
    """One row per day from `first` to `last`: `day` and `wd`, the working days up to and
    including it (R-WD-1), so elapsed(A, B) = wd(B) − wd(A) (R-WD-2)."""
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    holidays = np.array(calendar.closures(), dtype="datetime64[D]")
    working = np.is_busday(days, holidays=holidays)
    return pl.DataFrame({"day": days, "wd": np.cumsum(working, dtype=np.int64)})


TABLES = (
    "referrals",
    "assessments",
    "section47s",
    "workers",
    "allocations",
    "complexity",
    "supervision_sessions",
)


class Duck:
    """DuckDB over the engine's frames as Arrow tables (registered, not copied)."""

    def __init__(self, data: CaseData, ctx: Context) -> None:
        _require(ctx.policy)
        self.ctx = ctx
        self.con = duckdb.connect()
        for name in TABLES:
            self.con.register(name, getattr(data, name).to_arrow())
        first = dt.date(1999, 12, 1)
        last = dt.date(2046, 1, 31)
        self.con.register("calendar", calendar_table(ctx.calendar, first, last).to_arrow())
        weights = ctx.policy.caseload.complexity_weights
        self.con.register(
            "weights",
            pl.DataFrame(
                {"level": list(weights), "points": [float(p) for p in weights.values()]},
                schema={"level": pl.Int64(), "points": pl.Float64()},
            ).to_arrow(),
        )

    def close(self) -> None:
        self.con.close()

    def _one(self, sql: str, params: dict[str, Any]) -> tuple[Any, ...]:
        rows = self.con.execute(sql, params).fetchall()
        assert len(rows) == 1
        return tuple(rows[0])

    def rereferrals(self) -> Rereferrals:
        ctx, policy = self.ctx, self.ctx.policy.referrals
        comparison = ">=" if policy.rereferral_window_inclusive else ">"
        sql = REREFERRALS_SQL.replace("{reaches}", comparison)
        row = self._one(
            sql,
            {
                "as_at": ctx.as_at,
                "first": ctx.period.start,
                "last": _last_day(ctx),
                "months": policy.rereferral_window_months,
            },
        )
        return Rereferrals(*(int(v) for v in row))

    def timeliness(self) -> Timeliness:
        ctx, limits = self.ctx, _limits(self.ctx.policy)
        row = self._one(
            TIMELINESS_SQL,
            {
                "as_at": ctx.as_at,
                "first": ctx.period.start,
                "last": _last_day(ctx),
                "initial": limits[INITIAL],
                "core": limits[CORE],
                "single": limits[SINGLE],
                "from_referral": _from_referral(ctx.policy),
            },
        )
        return Timeliness(*(int(v) for v in row))

    def caseloads(self) -> pl.DataFrame:
        rules = self.ctx.policy.caseload
        result = pl.from_arrow(
            self.con.sql(
                CASELOADS_SQL,
                params={
                    "month_ends": month_ends(self.ctx),
                    "co_fraction": rules.co_worker_fraction,
                    "s47_days": 7 * rules.s47_window_weeks,
                    "non_case_roles": list(rules.non_case_holding_roles),
                },
            ).to_arrow_table()
        )
        assert isinstance(result, pl.DataFrame)
        return result.select(
            pl.col("month_end").cast(pl.Date()),
            pl.col("worker_id").cast(pl.Int64()),
            pl.col("cases").cast(pl.Int64()),
            pl.col("weighted_load").cast(pl.Float64()),
            pl.col("s47_led").cast(pl.Int64()),
        )

    def supervision(self) -> Supervision:
        ctx = self.ctx
        rules = ctx.policy.supervision
        last = _last_day(ctx)
        rows = self.con.execute(
            SUPERVISION_SQL,
            {
                "as_at": ctx.as_at,
                "first_month": _month_index(ctx.period.start),
                "last_month": _month_index(last),
                "unsupervised": UNSUPERVISED_ROLES,
                "senior": SENIOR_ROLES,
                "asye_months": ctx.policy.experience.asye_months,
                "weekly_days": 7 * rules.asye_weekly_weeks,
                "fortnightly_months": rules.asye_fortnightly_months,
                "calendar_month": rules.monthly_interval is MonthlyInterval.CALENDAR_MONTH,
                "monthly_days": rules.monthly_days,
                "fsw_days": rules.fsw_interval_days,
                "minimum_minutes": rules.minimum_minutes,
            },
        ).fetchall()
        by_worker = {int(w): (int(k), int(n)) for w, k, n in rows}
        return Supervision(
            sum(n for _, n in by_worker.values()),
            sum(k for k, _ in by_worker.values()),
            by_worker,
        )


REREFERRALS_SQL = """
WITH known AS (
    SELECT child_id, date FROM referrals WHERE date <= $as_at
),
days AS (
    SELECT child_id, date, lag(date) OVER (PARTITION BY child_id ORDER BY date) AS previous
    FROM (SELECT DISTINCT child_id, date FROM known)
),
flagged AS (
    SELECT child_id, date,
           coalesce(previous {reaches} CAST(date - to_months($months) AS DATE), false)
               AS rereferral
    FROM days
)
SELECT count(*),
       count(*) FILTER (WHERE f.rereferral),
       count(DISTINCT k.child_id),
       count(DISTINCT k.child_id) FILTER (WHERE f.rereferral)
FROM known k JOIN flagged f USING (child_id, date)
WHERE k.date BETWEEN $first AND $last
"""

TIMELINESS_SQL = """
WITH started AS (
    SELECT a.kind, a.start,
           CASE WHEN a.authorised <= $as_at THEN a.authorised END AS authorised,
           r.date AS referral_date
    FROM assessments a
    LEFT JOIN (SELECT referral_id, date FROM referrals WHERE date <= $as_at) r
        ON r.referral_id = a.referral_id
    WHERE a.start <= $as_at
),
timed AS (
    SELECT authorised,
           CASE kind WHEN 'initial' THEN $initial WHEN 'core' THEN $core
                     WHEN 'single' THEN $single END AS limit_days,
           CASE WHEN list_contains($from_referral, kind) AND referral_date <= start
                THEN referral_date ELSE start END AS clock_start
    FROM started
    WHERE authorised IS NULL OR (authorised BETWEEN $first AND $last AND authorised >= start)
),
counted AS (
    SELECT t.authorised, t.limit_days, e.wd - s.wd AS elapsed
    FROM timed t
    JOIN calendar s ON s.day = t.clock_start
    JOIN calendar e ON e.day = coalesce(t.authorised, $as_at)
)
SELECT count(*) FILTER (WHERE authorised IS NOT NULL),
       count(*) FILTER (WHERE authorised IS NOT NULL AND elapsed <= limit_days),
       count(*) FILTER (WHERE authorised IS NULL AND elapsed > limit_days)
FROM counted
"""

CASELOADS_SQL = """
WITH month_ends AS (
    SELECT unnest($month_ends::DATE[]) AS month_end
),
open AS (
    SELECT m.month_end, a.allocation_id, a.child_id, a.worker_id, a.role, a.start,
           a.complexity_level
    FROM allocations a
    JOIN month_ends m ON a.start <= m.month_end AND (a."end" IS NULL OR a."end" > m.month_end)
),
reassessed AS (
    SELECT o.month_end, o.allocation_id, arg_max(c.level, c.assessed_on) AS level
    FROM open o
    JOIN complexity c ON c.child_id = o.child_id
        AND c.assessed_on >= o.start AND c.assessed_on <= o.month_end
    GROUP BY o.month_end, o.allocation_id
),
per_worker AS (
    SELECT o.month_end, o.worker_id,
           count(*) FILTER (WHERE o.role = 'holder') AS cases,
           sum(CASE WHEN o.role = 'co' THEN w.points * $co_fraction ELSE w.points END)
               AS weighted_load
    FROM open o
    LEFT JOIN reassessed r ON r.month_end = o.month_end AND r.allocation_id = o.allocation_id
    JOIN weights w ON w.level = coalesce(r.level, o.complexity_level)
    GROUP BY o.month_end, o.worker_id
),
led AS (
    SELECT m.month_end, s.lead_worker_id AS worker_id, count(*) AS s47_led
    FROM section47s s
    JOIN month_ends m ON s.strategy_date <= m.month_end
        AND s.strategy_date > m.month_end - $s47_days
    WHERE s.lead_worker_id IS NOT NULL
    GROUP BY m.month_end, s.lead_worker_id
),
board AS (
    SELECT m.month_end, w.worker_id, w.role
    FROM workers w
    JOIN month_ends m ON w.start_date <= m.month_end
        AND (w.end_date IS NULL OR m.month_end <= w.end_date)
)
SELECT b.month_end, b.worker_id,
       coalesce(p.cases, 0) AS cases,
       coalesce(p.weighted_load, 0.0) AS weighted_load,
       coalesce(l.s47_led, 0) AS s47_led
FROM board b
LEFT JOIN per_worker p ON p.month_end = b.month_end AND p.worker_id = b.worker_id
LEFT JOIN led l ON l.month_end = b.month_end AND l.worker_id = b.worker_id
WHERE NOT list_contains($non_case_roles, b.role) OR p.worker_id IS NOT NULL
ORDER BY b.month_end, b.worker_id
"""

SUPERVISION_SQL = """
WITH supervised AS (
    SELECT worker_id, team_id, role, start_date,
           CASE WHEN qualified THEN qualification_date END AS qualified_on,
           least(coalesce(end_date, $as_at), $as_at) AS last_day
    FROM workers
    WHERE NOT list_contains($unsupervised, role) AND start_date <= $as_at
),
graded AS (
    SELECT *, qualified_on IS NULL AS fsw,
           coalesce(qualified_on IS NOT NULL AND NOT list_contains($senior, role)
                    AND start_date < CAST(qualified_on + to_months($asye_months) AS DATE),
                    false) AS asye
    FROM supervised
),
placed AS (
    SELECT *, CASE WHEN asye THEN greatest(qualified_on, start_date) ELSE start_date END
                  AS in_post_from
    FROM graded
),
milestones AS (
    SELECT *, in_post_from + $weekly_days AS weekly_until,
           CAST(in_post_from + to_months($fortnightly_months) AS DATE) AS fortnightly_until,
           CASE WHEN asye THEN CAST(in_post_from + to_months($asye_months) AS DATE) END
               AS asye_until
    FROM placed
),
links AS (
    SELECT DISTINCT worker_id, day FROM (
        SELECT worker_id, in_post_from AS day FROM milestones
        UNION ALL
        SELECT s.supervisee_id, s.held_on
        FROM supervision_sessions s JOIN milestones m ON m.worker_id = s.supervisee_id
        WHERE s.kind = 'formal' AND s.minutes >= $minimum_minutes AND s.held_on <= $as_at
          AND s.held_on >= m.in_post_from
    )
    WHERE day <= $as_at
),
chain AS (
    SELECT l.worker_id, l.day,
           lead(l.day) OVER (PARTITION BY l.worker_id ORDER BY l.day) AS next,
           m.fsw, m.asye_until, m.weekly_until, m.fortnightly_until, m.last_day
    FROM links l JOIN milestones m USING (worker_id)
),
due AS (
    SELECT worker_id,
           CASE WHEN fsw THEN day + $fsw_days
                WHEN asye_until IS NOT NULL AND day < asye_until AND day < weekly_until
                    THEN day + 7
                WHEN asye_until IS NOT NULL AND day < asye_until AND day < fortnightly_until
                    THEN day + 14
                WHEN $calendar_month THEN CAST(day + INTERVAL 1 MONTH AS DATE)
                ELSE day + $monthly_days END AS due,
           least(coalesce(next - 1, last_day), last_day) AS until
    FROM chain
),
breaches AS (
    SELECT DISTINCT worker_id, month FROM (
        SELECT worker_id,
               unnest(range(greatest(year(due) * 12 + month(due) - 1, $first_month),
                            least(year(until) * 12 + month(until) - 1, $last_month) + 1))
                   AS month
        FROM due WHERE due <= until
    )
),
months AS (
    SELECT month, make_date(month // 12, month % 12 + 1, 1) AS month_start,
           last_day(make_date(month // 12, month % 12 + 1, 1)) AS month_end
    FROM (SELECT unnest(range($first_month, $last_month + 1)) AS month)
)
SELECT m.worker_id,
       count(*) FILTER (WHERE b.month IS NULL) AS compliant,
       count(*) AS months
FROM milestones m
JOIN months mo ON greatest(mo.month_start, m.start_date) <= mo.month_end
    AND mo.month_start <= m.last_day
LEFT JOIN breaches b ON b.worker_id = m.worker_id AND b.month = mo.month
GROUP BY m.worker_id
"""


# --- pandas, as a council analyst would write it ---------------------------------------------


def to_pandas(data: CaseData) -> dict[str, pd.DataFrame]:
    """The tables the analyst reads (as if from the case system's extracts)."""
    return {name: getattr(data, name).to_pandas() for name in TABLES}


def _ts(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


def pandas_rereferrals(tables: dict[str, pd.DataFrame], ctx: Context) -> Rereferrals:
    policy = ctx.policy.referrals
    _require(ctx.policy)
    window = pd.DateOffset(months=policy.rereferral_window_months)
    as_at, first, last = _ts(ctx.as_at), _ts(ctx.period.start), _ts(_last_day(ctx))
    referrals = tables["referrals"]
    referrals = referrals[referrals["date"] <= as_at].copy()

    def flag_rereferrals(dates: pd.Series) -> pd.Series:
        """For each of a child's referrals: was there an earlier referral (an earlier day)
        within the window before it?"""
        days = sorted(set(dates))
        flags = []
        for day in dates:
            earlier = [d for d in days if d < day]
            if not earlier:
                flags.append(False)
            elif policy.rereferral_window_inclusive:
                flags.append(earlier[-1] >= day - window)
            else:
                flags.append(earlier[-1] > day - window)
        return pd.Series(flags, index=dates.index)

    referrals["rereferral"] = referrals.groupby("child_id", group_keys=False)["date"].apply(
        flag_rereferrals
    )
    in_period = referrals[(referrals["date"] >= first) & (referrals["date"] <= last)]
    re = in_period[in_period["rereferral"]]
    return Rereferrals(
        len(in_period), len(re), in_period["child_id"].nunique(), re["child_id"].nunique()
    )


def pandas_timeliness(tables: dict[str, pd.DataFrame], ctx: Context) -> Timeliness:
    as_at, first, last = _ts(ctx.as_at), _ts(ctx.period.start), _ts(_last_day(ctx))
    limits = _limits(ctx.policy)
    from_referral = _from_referral(ctx.policy)
    holidays = np.busdaycalendar(holidays=np.array(ctx.calendar.closures(), dtype="M8[D]"))
    one_day = pd.Timedelta(days=1)
    referrals = tables["referrals"]
    referrals = referrals[referrals["date"] <= as_at][["referral_id", "date"]]
    assessments = tables["assessments"]
    assessments = assessments[assessments["start"] <= as_at].merge(
        referrals.rename(columns={"date": "referral_date"}), on="referral_id", how="left"
    )

    def status(row: pd.Series) -> str:
        authorised = row["authorised"]
        if pd.isna(authorised) or authorised > as_at:
            authorised = None
        elif authorised < first or authorised > last or authorised < row["start"]:
            return "not counted"
        clock = row["start"]
        referral = row["referral_date"]
        if row["kind"] in from_referral and pd.notna(referral) and referral <= row["start"]:
            clock = referral
        end = as_at if authorised is None else authorised
        elapsed = np.busday_count(
            (clock + one_day).date(), (end + one_day).date(), busdaycal=holidays
        )
        late = elapsed > limits[row["kind"]]
        if authorised is None:
            return "overdue" if late else "open"
        return "late" if late else "in time"

    states = assessments.apply(status, axis=1)
    counts = states.value_counts()
    in_time, late = int(counts.get("in time", 0)), int(counts.get("late", 0))
    return Timeliness(in_time + late, in_time, int(counts.get("overdue", 0)))


def pandas_caseloads(tables: dict[str, pd.DataFrame], ctx: Context) -> pl.DataFrame:
    rules = ctx.policy.caseload
    allocations, complexity = tables["allocations"], tables["complexity"]
    section47s, workers = tables["section47s"], tables["workers"]
    rows = []
    for month_end in month_ends(ctx):
        day = _ts(month_end)
        open_ = allocations[
            (allocations["start"] <= day) & (allocations["end"].isna() | (allocations["end"] > day))
        ]
        # The level in force: the latest re-assessment since the allocation started, if any.
        reassessed = (
            open_[["allocation_id", "child_id", "start"]]
            .merge(complexity[complexity["assessed_on"] <= day], on="child_id")
            .query("assessed_on >= start")
            .sort_values("assessed_on")
            .drop_duplicates("allocation_id", keep="last")
            .set_index("allocation_id")["level"]
        )
        open_ = open_.assign(
            level=open_["allocation_id"].map(reassessed).fillna(open_["complexity_level"])
        )

        def load(held: pd.DataFrame) -> pd.Series:
            weighted = 0.0
            for role, level in zip(held["role"], held["level"], strict=True):
                points = float(rules.complexity_weights[int(level)])
                weighted += points * rules.co_worker_fraction if role == CO_WORKER else points
            return pd.Series(
                {"cases": int((held["role"] == HOLDER).sum()), "weighted_load": weighted}
            )

        loads = open_.groupby("worker_id")[["role", "level"]].apply(load)
        window = section47s[
            section47s["lead_worker_id"].notna()
            & (section47s["strategy_date"] <= day)
            & (section47s["strategy_date"] > day - pd.Timedelta(weeks=rules.s47_window_weeks))
        ]
        led = window.groupby("lead_worker_id").size()
        in_post = workers[
            (workers["start_date"] <= day)
            & (workers["end_date"].isna() | (day <= workers["end_date"]))
        ]
        for worker in in_post.itertuples():
            held = worker.worker_id in loads.index
            if worker.role in rules.non_case_holding_roles and not held:
                continue
            rows.append(
                (
                    month_end,
                    worker.worker_id,
                    int(loads.loc[worker.worker_id, "cases"]) if held else 0,
                    float(loads.loc[worker.worker_id, "weighted_load"]) if held else 0.0,
                    int(led.get(worker.worker_id, 0)),
                )
            )
    return pl.DataFrame(
        rows,
        schema={
            "month_end": pl.Date(),
            "worker_id": pl.Int64(),
            "cases": pl.Int64(),
            "weighted_load": pl.Float64(),
            "s47_led": pl.Int64(),
        },
        orient="row",
    ).sort("month_end", "worker_id")


def pandas_supervision(tables: dict[str, pd.DataFrame], ctx: Context) -> Supervision:
    policy = ctx.policy
    rules = policy.supervision
    as_at = _ts(ctx.as_at)
    last = _ts(_last_day(ctx))
    months = pd.period_range(ctx.period.start, last, freq="M")
    sessions = tables["supervision_sessions"]
    counting = sessions[
        (sessions["kind"] == FORMAL)
        & (sessions["minutes"] >= rules.minimum_minutes)
        & (sessions["held_on"] <= as_at)
    ]
    held_by_worker = counting.groupby("supervisee_id")["held_on"].apply(sorted).to_dict()
    workers = tables["workers"]
    workers = workers[~workers["role"].isin(UNSUPERVISED_ROLES) & (workers["start_date"] <= as_at)]

    def compliance(worker: pd.Series) -> pd.Series:
        qualified_on = worker["qualification_date"] if worker["qualified"] else pd.NaT
        fsw = pd.isna(qualified_on)
        asye = (
            not fsw
            and worker["role"] not in SENIOR_ROLES
            and worker["start_date"]
            < qualified_on + pd.DateOffset(months=policy.experience.asye_months)
        )
        start = max(qualified_on, worker["start_date"]) if asye else worker["start_date"]
        weekly_until = start + pd.Timedelta(weeks=rules.asye_weekly_weeks)
        fortnightly_until = start + pd.DateOffset(months=rules.asye_fortnightly_months)
        asye_until = start + pd.DateOffset(months=policy.experience.asye_months)
        end = worker["end_date"]
        last_day = as_at if pd.isna(end) or end > as_at else end

        def next_due(day: pd.Timestamp) -> pd.Timestamp:
            if fsw:
                return day + pd.Timedelta(days=rules.fsw_interval_days)
            if asye and day < asye_until and day < weekly_until:
                return day + pd.Timedelta(weeks=1)
            if asye and day < asye_until and day < fortnightly_until:
                return day + pd.Timedelta(weeks=2)
            if rules.monthly_interval is MonthlyInterval.CALENDAR_MONTH:
                return day + pd.DateOffset(months=1)
            return day + pd.Timedelta(days=rules.monthly_days)

        held = [d for d in held_by_worker.get(worker["worker_id"], []) if d >= start]
        links = sorted({start, *held}) if start <= as_at else sorted(set(held))
        breaches = []  # (from, to): days on which a supervision was overdue
        for i, day in enumerate(links):
            following = links[i + 1] - pd.Timedelta(days=1) if i + 1 < len(links) else last_day
            until = min(following, last_day)
            due = next_due(day)
            if due <= until:
                breaches.append((due, until))
        compliant = total = 0
        for month in months:
            month_start, month_end = month.start_time.normalize(), month.end_time.normalize()
            if max(month_start, worker["start_date"]) > month_end or month_start > last_day:
                continue
            total += 1
            if not any(b <= month_end and u >= month_start for b, u in breaches):
                compliant += 1
        return pd.Series({"compliant": compliant, "months": total})

    per_worker = workers.apply(compliance, axis=1)
    by_worker = {
        int(w): (int(k), int(n))
        for w, k, n in zip(
            workers["worker_id"], per_worker["compliant"], per_worker["months"], strict=True
        )
        if n > 0
    }
    return Supervision(
        sum(n for _, n in by_worker.values()), sum(k for k, _ in by_worker.values()), by_worker
    )


# --- the physical floor for re-referrals -----------------------------------------------------


def rereferral_floor(data: CaseData, ctx: Context) -> tuple[int, int]:
    """(re-referrals, referrals) in the period with one sort of (child, day) and one linear
    pass: the least work R-RR-1/2 can take. Same definition as the engine's (previous distinct
    day of the same child within the window; a same-day referral never counts)."""
    months = ctx.policy.referrals.rereferral_window_months
    as_at = np.datetime64(ctx.as_at, "D").astype(np.int64)
    child = data.referrals["child_id"].to_numpy()
    day = data.referrals["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    known = day <= as_at
    key = (child[known] << 20) | day[known]  # days since 1970 fit in 20 bits until 4840
    key.sort()
    child, day = key >> 20, key & ((1 << 20) - 1)
    # The pass: a run of equal (child, day) takes its first row's flag; that row's previous row
    # is the child's previous referral day, when it is the same child.
    n = key.size
    starts = np.ones(n, dtype=bool)
    starts[1:] = key[1:] != key[:-1]
    same_child = np.zeros(n, dtype=bool)
    same_child[1:] = child[1:] == child[:-1]
    previous = np.empty(n, dtype=np.int64)
    previous[0] = 0
    previous[1:] = day[:-1]
    dates = day.astype("datetime64[D]")
    month = dates.astype("datetime64[M]")
    day_of_month = (dates - month.astype("datetime64[D]")).astype(np.int64)
    back = month - months
    length = ((back + 1).astype("datetime64[D]") - back.astype("datetime64[D]")).astype(np.int64)
    opens = back.astype("datetime64[D]").astype(np.int64) + np.minimum(day_of_month, length - 1)
    if ctx.policy.referrals.rereferral_window_inclusive:
        flag = starts & same_child & (previous >= opens)
    else:
        flag = starts & same_child & (previous > opens)
    run = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    flag = flag[run]
    first = np.datetime64(ctx.period.start, "D").astype(np.int64)
    last = np.datetime64(_last_day(ctx), "D").astype(np.int64)
    in_period = (day >= first) & (day <= last)
    return int((flag & in_period).sum()), int(in_period.sum())

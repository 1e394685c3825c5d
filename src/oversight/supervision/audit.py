"""The monthly supervision audit (R-SV-1..4): one row per worker for a calendar month, and the
team's compliance rate month by month.

These are the numbers the team supervision page shows and the monthly audit workbook (issue 7)
writes. Every judgement comes from the engine through `standing.py`; this module only picks the
month, counts the sessions held in it and shapes the rows.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from oversight.engine.registry import rate
from oversight.people.models import Worker
from oversight.supervision.models import SupervisionSession
from oversight.supervision.standing import Month, context_for, monthly_history, standings

MET, MISSED, NOT_IN_POST, NOT_HELD = "Met", "Missed", "Not in post", "Not held to an interval"


@dataclass(frozen=True)
class AuditRow:
    """One worker's supervision in one calendar month, measured at the month's end (or as_at,
    when the month is not over yet)."""

    worker: str
    team: str
    role: str
    stage: str
    supervisor: str
    counting_sessions: int  # formal one-to-ones long enough to count (R-SV-2)
    other_sessions: int  # group, informal, or formal but too short
    compliant: str  # Met, Missed, Not in post, Not held to an interval
    last_session: dt.date | None
    next_due: dt.date | None
    days_overdue: int
    not_written_up: int


@dataclass(frozen=True)
class ComplianceRate:
    """R-SV-2 for a team: compliant worker-months ÷ judged worker-months (a worker not in post
    in a month, or not held to an interval, is not judged in it)."""

    compliant: int
    judged: int

    @property
    def percent(self) -> str:
        value = rate(self.compliant, self.judged).value
        return "–" if value is None else f"{round(value, 1):.1f}%"


@dataclass(frozen=True)
class MonthRate(ComplianceRate):
    first_day: dt.date


CSV_HEADINGS = (
    "Worker",
    "Team",
    "Role",
    "Interval in force",
    "Supervisor",
    "Formal sessions counting",
    "Other sessions",
    "Compliant this month",
    "Last counting session",
    "Next due",
    "Days overdue",
    "Sessions not written up",
)
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection, OWASP);
# tab and carriage return are on OWASP's list too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def month_end(first_day: dt.date) -> dt.date:
    return first_day.replace(day=calendar.monthrange(first_day.year, first_day.month)[1])


def supervision_audit_rows(
    workers: QuerySet[Worker], month_first_day: dt.date, as_at: dt.date
) -> list[AuditRow]:
    """Every worker of `workers` in post on a day of the month (up to as_at), in name order."""
    if month_first_day.day != 1 or month_first_day > as_at:
        raise ValueError("the month must start on its first day, on or before as_at")
    at = min(month_end(month_first_day), as_at)
    # The same test as WorkerFacts.in_post, over the month's days rather than one day.
    in_month = workers.filter(
        Q(start_date__lte=at), Q(end_date__isnull=True) | Q(end_date__gte=month_first_day)
    )
    policy = context_for(at)[0].policy
    _shown, cells = monthly_history(in_month, at, months=1)
    held = _sessions_held(in_month, month_first_day, at, policy.supervision.minimum_minutes)
    unsupervised = set(policy.supervision.unsupervised_roles)
    rows = []
    for s in standings(in_month, at):
        w = s.worker
        counting, other = held.get(w.pk, (0, 0))
        rows.append(
            AuditRow(
                worker=w.name,
                team=w.team.name if w.team else "",
                role=w.get_role_display(),
                stage=s.stage,
                supervisor=w.supervisor.name if w.supervisor else "",
                counting_sessions=counting,
                other_sessions=other,
                compliant=_verdict(cells[w.pk][0], w.role in unsupervised),
                last_session=s.last_session,
                next_due=s.next_due,
                days_overdue=s.days_overdue,
                not_written_up=s.not_written_up,
            )
        )
    return rows


def _verdict(month: Month, unsupervised: bool) -> str:
    if month.compliant is None:
        return NOT_HELD if unsupervised else NOT_IN_POST
    return MET if month.compliant else MISSED


def _sessions_held(
    workers: QuerySet[Worker], first: dt.date, last: dt.date, minimum_minutes: int
) -> dict[int, tuple[int, int]]:
    """Sessions received between the two dates, by supervisee: (counting, other). Only a formal
    one-to-one of at least the policy's minimum length counts (R-SV-2)."""
    counts = Q(kind=SupervisionSession.Kind.FORMAL, minutes__gte=minimum_minutes)
    tally = (
        SupervisionSession.objects.filter(supervisee__in=workers, held_on__range=(first, last))
        .values("supervisee_id")
        .annotate(counting=Count("id", filter=counts), other=Count("id", filter=~counts))
        .order_by()
    )
    return {row["supervisee_id"]: (row["counting"], row["other"]) for row in tally}


def month_rates(months: Sequence[dt.date], cells: Mapping[int, Sequence[Month]]) -> list[MonthRate]:
    """The team's rate for each month shown, from the engine's cells (monthly_history)."""
    rates = []
    for k, first_day in enumerate(months):
        judged = [
            row[k].compliant is True for row in cells.values() if row[k].compliant is not None
        ]
        rates.append(MonthRate(sum(judged), len(judged), first_day))
    return rates


def overall_rate(rates: Sequence[ComplianceRate]) -> ComplianceRate:
    """Several months as one: every judged worker-month counts once."""
    return ComplianceRate(sum(r.compliant for r in rates), sum(r.judged for r in rates))


def audit_csv(rows: Iterable[AuditRow]) -> str:
    """The rows as CSV, every text cell safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADINGS)
    for row in rows:
        writer.writerow(
            [
                _safe(row.worker),
                _safe(row.team),
                _safe(row.role),
                _safe(row.stage),
                _safe(row.supervisor),
                row.counting_sessions,
                row.other_sessions,
                row.compliant,
                _date(row.last_session),
                _date(row.next_due),
                row.days_overdue,
                row.not_written_up,
            ]
        )
    return out.getvalue()


def _safe(text: str) -> str:
    """A leading apostrophe makes a spreadsheet show the cell as text, never run it."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""

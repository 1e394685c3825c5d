"""Writing Annex A Lists 1, 3, 4, 5, 6 and 7 from Oversight's own data, in Ofsted's layout.

Headings as the August 2019 template, codes with their letter prefix, dates as real date cells
shown DD/MM/YYYY, and the "in the last 12 months" columns computed as Ofsted's guidance says
(domain.md §5). Every text cell is written as text, so a value beginning `=`, `+`, `-` or `@`
can never become a formula. Importing the export into an empty database and exporting again
gives the same workbook (tests/interchange/test_annex_a_export.py).

The caller passes the children already scoped to the requesting user (cases_visible_to).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter
from django.db.models import QuerySet

from oversight.cases.models import (
    Allocation,
    Assessment,
    Child,
    ChildProtectionPlan,
    ChildProtectionReview,
    Contact,
    Referral,
    Section47,
)
from oversight.engine.periods import add_months
from oversight.interchange import annex_a_layout as layout


@dataclass(frozen=True)
class ExportPeriod:
    start: dt.date  # first day of the lists' period (Ofsted: six months before the inspection)
    end: dt.date  # the as-at date

    def touches(self, start: dt.date, end: dt.date | None) -> bool:
        """Whether something running from start to end was open at any time in the period."""
        return start <= self.end and (end is None or end >= self.start)


def write_annex_a(
    target: Path | BinaryIO, children: QuerySet[Child], period: ExportPeriod
) -> dict[str, int]:
    """Write the workbook; returns rows written per sheet."""
    people = _People.load(children, period.end)
    lists = {
        1: _list_1(children, period, people),
        3: _list_3(children, period, people),
        4: _list_4(children, period, people),
        5: _list_5(children, period, people),
        6: _list_6(children, period, people),
        7: _list_7(children, period, people),
    }
    book = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_formulas": False})
    formats = _Formats(book)
    for number, rows in lists.items():
        _write_sheet(book, formats, number, rows)
    book.close()
    return {layout.SHEET_NAMES[n]: len(rows) for n, rows in lists.items()}


class _Formats:
    def __init__(self, book: Any):
        self.date = book.add_format({"num_format": "dd/mm/yyyy"})
        self.heading = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})


def _write_sheet(book: Any, formats: _Formats, number: int, rows: list[list[Any]]) -> None:
    sheet = book.add_worksheet(layout.SHEET_NAMES[number])
    headings = layout.HEADINGS[number]
    for column, heading in enumerate(headings):
        sheet.write_string(0, column, heading, formats.heading)
        sheet.set_column(column, column, max(12, min(len(heading), 30)))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), formats.date)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(r, c, value)
            elif value:
                sheet.write_string(r, c, str(value))  # never a formula, whatever it begins with
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(headings) - 1)


class _People:
    """Each child's columns common to every list, and who is allocated at the as-at date."""

    def __init__(self, children: dict[int, Child], workers: dict[int, str], as_at: dt.date):
        self.children = children
        self.workers = workers
        self.as_at = as_at

    @classmethod
    def load(cls, children: QuerySet[Child], as_at: dt.date) -> _People:
        held = {c.pk: c for c in children.select_related("responsible_team")}
        holders = Allocation.objects.filter(
            child__in=children, role=Allocation.Role.CASE_HOLDER, start_date__lte=as_at
        ).exclude(end_date__lte=as_at)  # an allocation is open up to the day before it ends
        workers = dict(holders.values_list("child_id", "worker__name"))
        return cls(held, workers, as_at)

    def child(self, child_id: int) -> list[Any]:
        child = self.children[child_id]
        born = child.date_of_birth
        return [
            child.la_child_id,
            layout.GENDER.get(child.sex, ""),
            layout.ETHNICITY.get(child.ethnicity, child.ethnicity),
            born,
            _age(born, self.as_at),
        ]

    def disability(self, child_id: int) -> str:
        return layout.YES_NO.get(self.children[child_id].disability, "")  # type: ignore[arg-type]

    def allocated(self, child_id: int) -> list[str]:
        team = self.children[child_id].responsible_team
        return [team.name if team else "", self.workers.get(child_id, "")]


def _age(born: dt.date | None, on: dt.date) -> int | str:
    if born is None or born > on:
        return ""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _list_1(children: QuerySet[Child], period: ExportPeriod, people: _People) -> list[list[Any]]:
    contacts = Contact.objects.filter(
        child__in=children, date__gte=period.start, date__lte=period.end
    ).order_by("date", "child__la_child_id", "source", "id")
    sources = layout.referral_source_labels()
    return [[*people.child(c.child_id), c.date, sources.get(c.source, c.source)] for c in contacts]


def _list_3(children: QuerySet[Child], period: ExportPeriod, people: _People) -> list[list[Any]]:
    referrals = list(
        Referral.objects.filter(child__in=children, date__lte=period.end).order_by(
            "date", "child__la_child_id"
        )
    )
    previous = _previous_12_months(referrals)
    sources = layout.referral_source_labels()
    return [
        [
            *people.child(r.child_id),
            r.date,
            sources.get(r.source, r.source),
            "Yes" if r.nfa else "No",
            previous[r.child_id],
            *people.allocated(r.child_id),
        ]
        for r in referrals
        if r.date >= period.start
    ]


def _previous_12_months(referrals: list[Referral]) -> dict[int, int]:
    """domain.md §5: referrals in the 12 months before the child's latest referral."""
    dates: dict[int, list[dt.date]] = defaultdict(list)
    for referral in referrals:
        dates[referral.child_id].append(referral.date)
    counts = {}
    for child, days in dates.items():
        latest = max(days)
        counts[child] = sum(1 for d in days if add_months(latest, -12) <= d < latest)
    return counts


def _list_4(children: QuerySet[Child], period: ExportPeriod, people: _People) -> list[list[Any]]:
    assessments = Assessment.objects.filter(child__in=children).order_by(
        "start_date", "child__la_child_id", "id"
    )
    return [
        [
            *people.child(a.child_id),
            people.disability(a.child_id),
            a.start_date,
            "",
            a.authorised_date,
            a.outcome,
            *people.allocated(a.child_id),
        ]
        for a in assessments
        if period.touches(a.start_date, a.authorised_date)
    ]


def _list_5(children: QuerySet[Child], period: ExportPeriod, people: _People) -> list[list[Any]]:
    enquiries = list(
        Section47.objects.filter(child__in=children, strategy_date__lte=period.end).order_by(
            "strategy_date", "child__la_child_id", "id"
        )
    )
    year_ago = add_months(period.end, -12)
    s47s: dict[int, int] = defaultdict(int)
    icpcs: dict[int, int] = defaultdict(int)
    for s in enquiries:
        s47s[s.child_id] += s.strategy_date > year_ago
        icpcs[s.child_id] += s.icpc_date is not None and year_ago < s.icpc_date <= period.end
    plan = {"PLAN": "Yes", "NO_PLAN": "No"}
    return [
        [
            *people.child(s.child_id),
            people.disability(s.child_id),
            s.strategy_date,
            "Yes" if s.icpc_not_required else "No",
            s.icpc_date,
            plan.get(s.icpc_result, ""),
            s47s[s.child_id],
            icpcs[s.child_id],
            *people.allocated(s.child_id),
        ]
        for s in enquiries
        if s.strategy_date >= period.start
    ]


def _list_6(children: QuerySet[Child], period: ExportPeriod, people: _People) -> list[list[Any]]:
    """Children in need: every episode open at some time in the period (NFA referrals are not
    children in need)."""
    episodes = Referral.objects.filter(child__in=children, nfa=False).order_by(
        "date", "child__la_child_id"
    )
    return [
        [
            *people.child(r.child_id),
            people.disability(r.child_id),
            r.date,
            r.primary_need,
            None,
            r.closure_date if r.closure_date and r.closure_date <= period.end else None,
            r.closure_reason if r.closure_date and r.closure_date <= period.end else "",
            "",
            *people.allocated(r.child_id),
        ]
        for r in episodes
        if period.touches(r.date, r.closure_date)
    ]


def _list_7(children: QuerySet[Child], period: ExportPeriod, people: _People) -> list[list[Any]]:
    plans = list(
        ChildProtectionPlan.objects.filter(child__in=children, start_date__lte=period.end).order_by(
            "start_date", "child__la_child_id", "id"
        )
    )
    reviews: dict[int, dt.date] = {}
    for plan_id, day in ChildProtectionReview.objects.filter(
        plan__child__in=children, date__lte=period.end
    ).values_list("plan_id", "date"):
        reviews[plan_id] = max(day, reviews.get(plan_id, day))
    earlier: dict[int, int] = defaultdict(int)
    rows = []
    for p in plans:
        category = layout.category_label(p.category)
        ended = p.end_date if p.end_date and p.end_date <= period.end else None
        if period.touches(p.start_date, p.end_date):
            rows.append(
                [
                    *people.child(p.child_id),
                    people.disability(p.child_id),
                    p.start_date,
                    category,
                    category,
                    None,
                    "",
                    reviews.get(p.pk),
                    ended,
                    "",
                    earlier[p.child_id],
                    *people.allocated(p.child_id),
                ]
            )
        earlier[p.child_id] += 1
    return rows

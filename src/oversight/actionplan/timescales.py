"""A timescale as real plans write it, turned into a schedule (domain.md §8).

"Ongoing", "Monthly", "Fortnightly", "Weekly", "Bi-monthly", "Feb 2011", "December 2010",
"15/03/2011", "With immediate effect", "With immediate effect and ongoing", "Supervision audit
May 2011" (a review point). A schedule is a due date, a recurrence, or both; whatever cannot be
read is kept as written and flagged, never guessed. Pure Python: no Django.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class Every(StrEnum):
    WEEK = "weekly"
    FORTNIGHT = "fortnightly"
    MONTH = "monthly"
    TWO_MONTHS = "bi-monthly"  # every two months: the commoner meaning in council plans
    QUARTER = "quarterly"


RECURRENCES = {
    "weekly": Every.WEEK,
    "fortnightly": Every.FORTNIGHT,
    "monthly": Every.MONTH,
    "bi-monthly": Every.TWO_MONTHS,
    "bimonthly": Every.TWO_MONTHS,
    "every two months": Every.TWO_MONTHS,
    "quarterly": Every.QUARTER,
}
MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9
MONTH_YEAR = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{4})\b")
DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b")
IMMEDIATE = re.compile(r"\b(with\s+)?immediate(\s+effect)?\b|\bimmediately\b", re.IGNORECASE)
ONGOING = re.compile(r"\bongoing\b|\bon-going\b|\bcontinuous\b", re.IGNORECASE)


@dataclass(frozen=True)
class Schedule:
    """When an action is due: once (due_on), again and again (every), or without end (ongoing).

    `review` names a review point ("Supervision audit") that the due date belongs to."""

    written: str
    due_on: dt.date | None = None
    every: Every | None = None
    ongoing: bool = False
    review: str = ""

    @property
    def understood(self) -> bool:
        return bool(self.due_on or self.every or self.ongoing)


def parse_timescale(text: str, *, starts: dt.date) -> Schedule:
    """`starts` is when the plan began (the report's publication): "With immediate effect" is
    due then. A month means its last day."""
    written = " ".join(text.split())
    lowered = written.lower()
    if not written:
        return Schedule(written)
    # Longest first: "bi-monthly" also contains "monthly".
    words = sorted(RECURRENCES, key=len, reverse=True)
    every = next((RECURRENCES[word] for word in words if word in lowered), None)
    ongoing = bool(ONGOING.search(written))
    due_on = _date_in(written)
    if due_on is None and IMMEDIATE.search(written):
        due_on = starts
    review = _review_label(written) if due_on and not IMMEDIATE.search(written) else ""
    return Schedule(written, due_on, every, ongoing, review)


def _date_in(text: str) -> dt.date | None:
    if match := DAY_MONTH_YEAR.search(text):
        day, month, year = (int(part) for part in match.groups())
        year += 2000 if year < 100 else 0
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    for match in MONTH_YEAR.finditer(text):
        if named_month := MONTHS.get(match.group(1).lower()):
            year_number = int(match.group(2))
            last_day = calendar.monthrange(year_number, named_month)[1]
            return dt.date(year_number, named_month, last_day)
    return None


def _review_label(text: str) -> str:
    """ "Supervision audit May 2011" → "Supervision audit": the words before the month."""
    match = MONTH_YEAR.search(text) or DAY_MONTH_YEAR.search(text)
    before = text[: match.start()].strip(" ,-–:") if match else ""
    return before if before.lower() not in ("", "by", "end of", "from") else ""


def month_end(text: str) -> dt.date | None:
    """A date or month named in free text ("Completed Dec 2010" → 31 Dec 2010)."""
    return _date_in(text)

"""Calendar-month arithmetic (re-referral windows, ASYE year, supervision months)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (or earlier), clipped to the month's end:
    31 January + 1 month = 28 or 29 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))

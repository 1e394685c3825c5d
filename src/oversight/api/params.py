"""Query parameters shared by the read endpoints: the date measured at, the reporting period,
a team, and paging. Every list is paged the same way: `limit` (at most 1,000) and `offset`,
answered with `count`, `limit`, `offset` and `items`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from django.utils import timezone
from ninja import Field, Schema
from pydantic import field_validator

from oversight.api.problems import ApiProblem, ProblemError
from oversight.engine.periods import add_months

# Dates outside these are typing slips (the working-day calendar covers them all).
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)
# Database ids are 64-bit: a larger number cannot be an id (and some databases refuse it).
MAX_ID = 2**63 - 1
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

T = TypeVar("T")


def as_at_field() -> Any:
    return Field(
        None,
        ge=EARLIEST,
        le=LATEST,
        description="The date measured at (YYYY-MM-DD); facts known then only. Default: today.",
    )


def team_field() -> Any:
    return Field(None, ge=1, le=MAX_ID, description="Only this team (an id from /teams)")


class Strict(Schema):
    """Input whose text may not hold a NUL character: no database stores one (PostgreSQL
    refuses it), and no council system means one."""

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("contains a NUL character")
        return value


class AsAt(Schema):
    as_at: dt.date | None = as_at_field()


class Paging(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")
    offset: int = Field(0, ge=0, le=MAX_ID, description="Items to skip")


def page_of(items: Sequence[T], paging: Paging) -> dict[str, Any]:
    end = paging.offset + paging.limit
    return {
        "count": len(items),
        "limit": paging.limit,
        "offset": paging.offset,
        "items": list(items[paging.offset : end]),
    }


def day_or_today(day: dt.date | None) -> dt.date:
    return day if day is not None else timezone.localdate()


def period_start_for(as_at: dt.date, start: dt.date | None) -> dt.date:
    """The period's first day: given, or 12 months back (as `oversight measures` does)."""
    chosen = start or add_months(as_at, -12) + dt.timedelta(days=1)
    if chosen > as_at:
        raise ApiProblem(
            422,
            "The period must start on or before the date measured at.",
            errors=[
                ProblemError(
                    field="period_start",
                    value=chosen.isoformat(),
                    reason=f"after as_at ({as_at.isoformat()})",
                )
            ],
        )
    return chosen

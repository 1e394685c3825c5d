"""`oversight reports run --due`: monthly audits on the first working day (R-WD-1: bank holidays
skipped), the MI pack every other Monday from the configured Monday; a repeated run makes
nothing twice."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.policy import DEFAULT_POLICY
from oversight.reports.forms import AUDIT, MI_PACK
from oversight.reports.models import Report
from oversight.reports.schedule import audit_day, due_on, is_mi_monday
from oversight.reports.units import Unit, UnitKind
from tests.conftest import Scene

CALENDAR = WorkingDayCalendar.for_policy(DEFAULT_POLICY)
COUNCIL = Unit(UnitKind.COUNCIL, 1, "Testshire", 1)


@pytest.fixture(autouse=True)
def _schedule(settings: Any, tmp_path: Path) -> None:
    settings.OVERSIGHT_REPORT_DIR = tmp_path / "reports"
    settings.OVERSIGHT_MI_PACK_FIRST_MONDAY = "2023-01-02"
    settings.OVERSIGHT_MONTHLY_AUDIT_WORKING_DAY = 1


@pytest.mark.parametrize(
    ("month", "first_working_day"),
    [
        (dt.date(2023, 5, 17), dt.date(2023, 5, 2)),  # 1 May 2023 is a bank holiday
        (dt.date(2023, 1, 31), dt.date(2023, 1, 3)),  # 2 January: New Year's substitute day
        (dt.date(2023, 4, 5), dt.date(2023, 4, 3)),  # 1 April 2023 is a Saturday
        (dt.date(2023, 6, 30), dt.date(2023, 6, 1)),  # a Thursday
    ],
)
def test_monthly_audits_are_due_on_the_first_working_day(
    month: dt.date, first_working_day: dt.date
) -> None:
    assert audit_day(month, CALENDAR) == first_working_day


def test_audit_day_is_configurable(settings: Any) -> None:
    settings.OVERSIGHT_MONTHLY_AUDIT_WORKING_DAY = 3
    assert audit_day(dt.date(2023, 5, 1), CALENDAR) == dt.date(2023, 5, 4)


def test_the_mi_pack_is_due_every_other_monday() -> None:
    assert [is_mi_monday(dt.date(2023, 1, 2) + dt.timedelta(days=7 * k)) for k in range(4)] == [
        True,
        False,
        True,
        False,
    ]
    assert not is_mi_monday(dt.date(2022, 12, 19))  # before the first
    assert not is_mi_monday(dt.date(2023, 1, 3))


def test_what_is_due_and_as_at_when() -> None:
    # Tuesday 2 May 2023: audits for April (as at its last day). Monday 22 May: the pack for
    # the fortnight ending Sunday 21 May (20 weeks after 2 January: an MI Monday).
    assert [(d.kind, d.as_at) for d in due_on(dt.date(2023, 5, 2), [COUNCIL], CALENDAR)] == [
        (AUDIT, dt.date(2023, 4, 30))
    ]
    assert [(d.kind, d.as_at) for d in due_on(dt.date(2023, 5, 22), [COUNCIL], CALENDAR)] == [
        (MI_PACK, dt.date(2023, 5, 21))
    ]
    assert due_on(dt.date(2023, 5, 15), [COUNCIL], CALENDAR) == []  # the Monday between


@pytest.mark.django_db
def test_run_due_makes_each_report_once(three_worker_team: Scene) -> None:
    """The scene's council has one locality and two teams: four audit workbooks."""
    out = StringIO()
    call_command("reports", "run", "--due", "--date", "2023-06-01", stdout=out)
    made = Report.objects.filter(scheduled=True)
    assert sorted((r.scope, r.as_at) for r in made) == [
        ("council", dt.date(2023, 5, 31)),
        ("locality", dt.date(2023, 5, 31)),
        ("team", dt.date(2023, 5, 31)),
        ("team", dt.date(2023, 5, 31)),
    ]
    assert {r.created_by_name for r in made} == {"scheduled run"}
    again = StringIO()
    call_command("reports", "run", "--due", "--date", "2023-06-01", stdout=again)
    assert Report.objects.count() == 4
    assert again.getvalue().count("Already made:") == 4


@pytest.mark.django_db
def test_nothing_due_says_so(three_worker_team: Scene) -> None:
    out = StringIO()
    call_command("reports", "run", "--due", "--date", "2023-06-07", stdout=out)
    assert out.getvalue().strip() == "Nothing is due on Wednesday 07 June 2023."
    assert not Report.objects.exists()

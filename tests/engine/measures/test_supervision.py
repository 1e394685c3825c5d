"""Supervision measures (domain.md §7, R-SV-1..5): hand-worked cases per rule, then a property
test against a day-by-day reference written with the scalar grade, month and calendar rules.
The property test and its reference are in `test_supervision_reference.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import polars as pl
import pytest

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import SCHEMAS, CaseData
from oversight.engine.measures.supervision import supervision
from oversight.engine.policy import MonthlyInterval, Policy, SupervisionPolicy
from oversight.engine.registry import Context, Period, Result, count, rate
from tests.engine.measures.supervision_frames import CALENDAR, D, sessions, workers

POLICY = Policy()
CALENDAR_MONTHS = Policy(
    supervision=SupervisionPolicy(monthly_interval=MonthlyInterval.CALENDAR_MONTH)
)


def asye(worker_id: int, qualified: dt.date, started: dt.date) -> dict[str, Any]:
    return {"worker_id": worker_id, "qualification_date": qualified, "start_date": started}


def seen(worker_id: int, *days: dt.date, **fields: Any) -> list[dict[str, Any]]:
    return [{"supervisee_id": worker_id, "held_on": day, **fields} for day in days]


def run(
    data: CaseData,
    as_at: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
    policy: Policy = POLICY,
) -> Mapping[str, Result]:
    period = Period(start or D(as_at.year, as_at.month, 1), end or as_at)
    return supervision(data, Context(as_at, period, policy, CALENDAR))


def compliance(data: CaseData, as_at: dt.date, **kwargs: Any) -> Result:
    return run(data, as_at, **kwargs)["supervision.compliance_rate"]


def overdue(data: CaseData, as_at: dt.date, policy: Policy = POLICY) -> Result:
    return run(data, as_at, policy=policy)["supervision.overdue_workers"]


# --- R-SV-1: the interval in force ---------------------------------------------------------


def test_r_sv_1_asye_ten_day_gap_in_first_six_weeks_fails_the_month() -> None:
    # In post 4 Mar 2024 (qualified 1 Feb): weekly until 15 Apr. 4 Mar → due 11 Mar (met 11th),
    # → 18 Mar (met 18th), → 25 Mar: next session 28 Mar, 10 days after the last. March fails.
    data = CaseData.of(
        workers=workers(asye(1, D(2024, 2, 1), D(2024, 3, 4))),
        supervision_sessions=sessions(*seen(1, D(2024, 3, 11), D(2024, 3, 18), D(2024, 3, 28))),
    )
    assert compliance(data, D(2024, 3, 31)) == Result(
        0.0, 0, 1, (), {"worker:1": rate(0, 1), "team:1": rate(0, 1), "grade:ASYE": rate(0, 1)}
    )


def test_r_sv_1_asye_seen_every_week_in_first_six_weeks_is_compliant() -> None:
    # Same ASYE seen on 11, 18 and 25 March: every due date met on the day; next due 1 April.
    data = CaseData.of(
        workers=workers(asye(1, D(2024, 2, 1), D(2024, 3, 4))),
        supervision_sessions=sessions(*seen(1, D(2024, 3, 11), D(2024, 3, 18), D(2024, 3, 25))),
    )
    assert compliance(data, D(2024, 3, 31)).value == 100.0


@pytest.mark.parametrize(
    ("last_session", "as_at", "days_overdue"),
    [
        # In post Mon 1 Jan 2024: weekly while the session is before 12 Feb (1 Jan + 6 weeks).
        (D(2024, 2, 5), D(2024, 2, 13), 1),  # 5 Feb is weekly: due 12 Feb, 1 day late on 13th
        (D(2024, 2, 12), D(2024, 2, 27), 1),  # 12 Feb is fortnightly: due 26 Feb
        # Fortnightly while before 1 Jul (1 Jan + 6 months), then monthly (28 days).
        (D(2024, 6, 30), D(2024, 7, 15), 1),  # 30 Jun is fortnightly: due 14 Jul
        (D(2024, 7, 1), D(2024, 7, 30), 1),  # 1 Jul is monthly: due 29 Jul
    ],
)
def test_r_sv_1_asye_weekly_then_fortnightly_then_monthly(
    last_session: dt.date, as_at: dt.date, days_overdue: int
) -> None:
    data = CaseData.of(
        workers=workers(asye(1, D(2023, 12, 1), D(2024, 1, 1))),
        supervision_sessions=sessions(*seen(1, last_session)),
    )
    assert overdue(data, as_at).breakdown == {"worker:1": count(days_overdue)}


def test_r_sv_1_asye_start_in_post_is_the_later_of_qualifying_and_starting() -> None:
    # Started 1 Jan 2024 before qualifying on 1 Mar 2024: the ASYE year and the weekly phase run
    # from 1 Mar, so a session on 10 Apr (before 12 Apr = 1 Mar + 6 weeks) is weekly: due 17 Apr.
    data = CaseData.of(
        workers=workers(asye(1, D(2024, 3, 1), D(2024, 1, 1))),
        supervision_sessions=sessions(*seen(1, D(2024, 4, 10))),
    )
    assert overdue(data, D(2024, 4, 20)).breakdown == {"worker:1": count(3)}


def test_r_sv_1_fsw_interval_is_its_own_setting() -> None:
    # FSW seen 2 Jan 2024; FSW interval set to 14 days: due 16 Jan, 1 day overdue on 17 Jan.
    policy = Policy(supervision=SupervisionPolicy(fsw_interval_days=14))
    data = CaseData.of(
        workers=workers({"worker_id": 1, "role": "FSW", "qualified": False}),
        supervision_sessions=sessions(*seen(1, D(2024, 1, 2))),
    )
    assert overdue(data, D(2024, 1, 17), policy).breakdown == {"worker:1": count(1)}


@pytest.mark.parametrize(
    ("policy", "last_session", "as_at", "days_overdue"),
    [
        (CALENDAR_MONTHS, D(2024, 1, 31), D(2024, 3, 1), 1),  # due 29 Feb 2024 (leap year)
        (CALENDAR_MONTHS, D(2023, 1, 31), D(2023, 3, 1), 1),  # due 28 Feb 2023
        (CALENDAR_MONTHS, D(2024, 2, 29), D(2024, 3, 30), 1),  # leap day: due 29 Mar
        (POLICY, D(2024, 1, 31), D(2024, 3, 1), 2),  # 28 days: due 28 Feb
        (POLICY, D(2024, 2, 29), D(2024, 3, 30), 2),  # 28 days: due 28 Mar
    ],
)
def test_r_sv_1_monthly_is_28_days_or_the_same_day_next_month(
    policy: Policy, last_session: dt.date, as_at: dt.date, days_overdue: int
) -> None:
    data = CaseData.of(
        workers=workers({"worker_id": 1}), supervision_sessions=sessions(*seen(1, last_session))
    )
    assert overdue(data, as_at, policy).breakdown == {"worker:1": count(days_overdue)}


# --- R-SV-2: monthly compliance --------------------------------------------------------------


@pytest.mark.parametrize(("minutes", "compliant"), [(89, 0), (90, 1)])
def test_r_sv_2_a_session_shorter_than_the_minimum_does_not_count(
    minutes: int, compliant: int
) -> None:
    # 5 Dec → due 2 Jan (met on the day); 2 Jan → due 30 Jan. The 29 Jan session meets it only
    # if it lasts the 90-minute minimum.
    data = CaseData.of(
        workers=workers({"worker_id": 1}),
        supervision_sessions=sessions(
            *seen(1, D(2023, 12, 5), D(2024, 1, 2)), *seen(1, D(2024, 1, 29), minutes=minutes)
        ),
    )
    assert compliance(data, D(2024, 1, 31)).numerator == compliant


@pytest.mark.parametrize("kind", ["group", "informal"])
def test_r_sv_2_only_formal_sessions_count(kind: str) -> None:
    # 5 Dec → due 2 Jan; a two-hour group or informal session on 2 Jan does not meet it.
    data = CaseData.of(
        workers=workers({"worker_id": 1}),
        supervision_sessions=sessions(
            *seen(1, D(2023, 12, 5)), *seen(1, D(2024, 1, 2), kind=kind, minutes=120)
        ),
    )
    assert compliance(data, D(2024, 1, 31)) == Result(
        0.0, 0, 1, (), {"worker:1": rate(0, 1), "team:1": rate(0, 1), "grade:ASYE": rate(0, 0)}
    )


def test_r_sv_2_asye_starting_mid_month_is_judged_from_their_start() -> None:
    # Starts 15 Mar 2024 newly qualified: not in post in February, so one worker-month (March).
    # 15 Mar → due 22 Mar (met), → 29 Mar (met), → 5 Apr (after the as-at date).
    data = CaseData.of(
        workers=workers(asye(1, D(2024, 2, 1), D(2024, 3, 15))),
        supervision_sessions=sessions(*seen(1, D(2024, 3, 22), D(2024, 3, 29))),
    )
    assert compliance(data, D(2024, 3, 31), start=D(2024, 2, 1)) == Result(
        100.0,
        1,
        1,
        (),
        {"worker:1": rate(1, 1), "team:1": rate(1, 1), "grade:ASYE": rate(1, 1)},
    )


def test_r_sv_2_asye_starting_mid_month_misses_their_first_week() -> None:
    # Starts 15 Mar: first session due 22 Mar, first held 25 Mar. March fails.
    data = CaseData.of(
        workers=workers(asye(1, D(2024, 2, 1), D(2024, 3, 15))),
        supervision_sessions=sessions(*seen(1, D(2024, 3, 25))),
    )
    assert compliance(data, D(2024, 3, 31)).numerator == 0


def test_r_sv_2_month_the_asye_year_ends_in_counts_as_an_asye_month() -> None:
    # In post newly qualified 15 Mar 2023: ASYE until 14 Mar 2024. 20 Feb (ASYE, monthly) → due
    # 19 Mar (met 15 Mar); 15 Mar (SW) → due 12 Apr (met 10 Apr); → 8 May. Both months comply;
    # March has ASYE days, April none.
    data = CaseData.of(
        workers=workers(asye(1, D(2023, 3, 1), D(2023, 3, 15))),
        supervision_sessions=sessions(*seen(1, D(2024, 2, 20), D(2024, 3, 15), D(2024, 4, 10))),
    )
    result = compliance(data, D(2024, 4, 30), start=D(2024, 3, 1))
    assert (result.denominator, result.breakdown["grade:ASYE"]) == (2, rate(1, 1))


def test_r_sv_2_asye_year_ending_on_the_first_leaves_that_month_out_of_grade_asye() -> None:
    # In post newly qualified 1 Mar 2023: ASYE until 29 Feb 2024 (add_months gives 1 Mar 2024,
    # the first day as an SW). February is an ASYE month, March is not.
    data = CaseData.of(
        workers=workers(asye(1, D(2023, 2, 1), D(2023, 3, 1))),
        supervision_sessions=sessions(*seen(1, D(2024, 1, 20), D(2024, 2, 15), D(2024, 3, 12))),
    )
    result = compliance(data, D(2024, 3, 31), start=D(2024, 2, 1))
    assert (result.denominator, result.breakdown["grade:ASYE"]) == (2, rate(1, 1))


def test_r_sv_2_nothing_is_due_before_an_asye_qualifies() -> None:
    # In post 1 Jan 2024, qualifying 1 Mar: the chain starts on 1 Mar, so a session on 5 Jan
    # followed by none does not put January or February in breach.
    data = CaseData.of(
        workers=workers(asye(1, D(2024, 3, 1), D(2024, 1, 1))),
        supervision_sessions=sessions(*seen(1, D(2024, 1, 5))),
    )
    result = compliance(data, D(2024, 2, 29), start=D(2024, 1, 1))
    assert (result.numerator, result.denominator) == (2, 2)


def test_r_sv_2_months_that_open_overdue_fail() -> None:
    # Seen 2 Oct 2023 only → due 30 Oct, never met: November, December and January all fail.
    data = CaseData.of(
        workers=workers({"worker_id": 1}), supervision_sessions=sessions(*seen(1, D(2023, 10, 2)))
    )
    assert compliance(data, D(2024, 1, 31), start=D(2023, 11, 1)).numerator == 0


def test_r_sv_2_a_session_on_the_first_of_the_month_ends_the_breach() -> None:
    # Seen 2 Oct, then 1 Jan and 29 Jan: in breach 30 Oct–31 Dec (Nov and Dec fail); January
    # opens with a session (due 29 Jan, met on the day). 1 of 3 months.
    data = CaseData.of(
        workers=workers({"worker_id": 1}),
        supervision_sessions=sessions(*seen(1, D(2023, 10, 2), D(2024, 1, 1), D(2024, 1, 29))),
    )
    assert compliance(data, D(2024, 1, 31), start=D(2023, 11, 1)).numerator == 1


def test_r_sv_2_a_session_one_day_late_fails_the_month_of_the_due_date() -> None:
    # 3 Jan → due 31 Jan, held 1 Feb; 1 Feb → due 29 Feb (met). January fails, February not.
    data = CaseData.of(
        workers=workers({"worker_id": 1}),
        supervision_sessions=sessions(
            *seen(1, D(2023, 12, 6), D(2024, 1, 3), D(2024, 2, 1), D(2024, 2, 29))
        ),
    )
    result = compliance(data, D(2024, 2, 29), start=D(2024, 1, 1))
    assert (result.numerator, result.denominator) == (1, 2)


@pytest.mark.parametrize(("as_at", "compliant"), [(D(2024, 1, 1), 1), (D(2024, 1, 2), 0)])
def test_r_sv_2_partial_month_ends_at_the_as_at_date(as_at: dt.date, compliant: int) -> None:
    # 5 Dec → due 2 Jan. As at 1 Jan it is not yet due; as at 2 Jan it has not been met on or
    # before its day.
    data = CaseData.of(
        workers=workers({"worker_id": 1}), supervision_sessions=sessions(*seen(1, D(2023, 12, 5)))
    )
    assert compliance(data, as_at).numerator == compliant


@pytest.mark.parametrize(("end_date", "compliant"), [(D(2024, 1, 1), 1), (D(2024, 1, 10), 0)])
def test_r_sv_2_a_leaver_is_judged_over_their_days_in_post(
    end_date: dt.date, compliant: int
) -> None:
    # 5 Dec → due 2 Jan. Leaving 1 Jan, the due date falls after they left; leaving 10 Jan, it
    # was missed while in post. February is not counted either way.
    data = CaseData.of(
        workers=workers({"worker_id": 1, "end_date": end_date}),
        supervision_sessions=sessions(*seen(1, D(2023, 12, 5))),
    )
    result = compliance(data, D(2024, 2, 29), start=D(2024, 1, 1))
    assert (result.numerator, result.denominator) == (compliant, 1)


def test_r_sv_2_sessions_after_the_as_at_date_are_ignored() -> None:
    # 5 Dec → due 2 Jan. As at 3 Jan the session dated 4 Jan has not happened: 2 Jan missed.
    data = CaseData.of(
        workers=workers({"worker_id": 1}),
        supervision_sessions=sessions(*seen(1, D(2023, 12, 5), D(2024, 1, 4))),
    )
    assert compliance(data, D(2024, 1, 3)).numerator == 0


def test_r_sv_2_team_managers_count_but_sm_lm_and_io_do_not() -> None:
    # Nobody seen since starting in 2015: every counted worker-month fails. Only the SW and the
    # TM are counted.
    data = CaseData.of(
        workers=workers(
            {"worker_id": 1, "role": "SW"},
            {"worker_id": 2, "role": "TM"},
            {"worker_id": 3, "role": "SM"},
            {"worker_id": 4, "role": "LM"},
            {"worker_id": 5, "role": "IO", "qualified": False},
        )
    )
    assert sorted(compliance(data, D(2024, 1, 31)).breakdown) == [
        "grade:ASYE",
        "team:1",
        "worker:1",
        "worker:2",
    ]


def test_r_sv_2_breakdown_by_worker_and_team() -> None:
    # Worker 1 (team 1) seen 5 Dec, 2 Jan, 29 Jan: due 2 Jan and 30 Jan, both met. Worker 2
    # (team 2) seen 5 Dec only: due 2 Jan missed. Worker 3 (team 2) seen 20 Dec and 10 Jan: due
    # 17 Jan met, next due 7 Feb.
    data = CaseData.of(
        workers=workers(
            {"worker_id": 1, "team_id": 1},
            {"worker_id": 2, "team_id": 2},
            {"worker_id": 3, "team_id": 2},
        ),
        supervision_sessions=sessions(
            *seen(1, D(2023, 12, 5), D(2024, 1, 2), D(2024, 1, 29)),
            *seen(2, D(2023, 12, 5)),
            *seen(3, D(2023, 12, 20), D(2024, 1, 10)),
        ),
    )
    result = compliance(data, D(2024, 1, 31))
    assert result == Result(
        200 / 3,
        2,
        3,
        (),
        {
            "worker:1": rate(1, 1),
            "worker:2": rate(0, 1),
            "worker:3": rate(1, 1),
            "team:1": rate(1, 1),
            "team:2": rate(1, 2),
            "grade:ASYE": rate(0, 0),
        },
    )


def test_r_sv_2_no_months_when_the_period_starts_after_the_as_at_date() -> None:
    data = CaseData.of(workers=workers({"worker_id": 1}))
    assert compliance(data, D(2024, 1, 31), start=D(2024, 2, 1), end=D(2024, 2, 29)).value is None


# --- R-SV-3: next due and days overdue --------------------------------------------------------


@pytest.mark.parametrize(("as_at", "overdue_by"), [(D(2024, 6, 29), {}), (D(2024, 6, 30), 1)])
def test_r_sv_3_overdue_the_day_after_the_due_date(
    as_at: dt.date, overdue_by: dict[str, Result] | int
) -> None:
    # Seen 1 Jun → due 29 Jun: due (not overdue) on the 29th, 1 day overdue on the 30th.
    data = CaseData.of(
        workers=workers({"worker_id": 1}), supervision_sessions=sessions(*seen(1, D(2024, 6, 1)))
    )
    expected = {} if overdue_by == {} else {"worker:1": count(1)}
    assert overdue(data, as_at).breakdown == expected


def test_r_sv_3_next_due_ignores_sessions_after_the_as_at_date() -> None:
    # Seen 1 Jun → due 29 Jun; the 10 Jul session is after 5 Jul: 6 days overdue.
    data = CaseData.of(
        workers=workers({"worker_id": 1}),
        supervision_sessions=sessions(*seen(1, D(2024, 6, 1), D(2024, 7, 10))),
    )
    assert overdue(data, D(2024, 7, 5)) == Result(1, 1, None, (), {"worker:1": count(6)})


def test_r_sv_3_never_seen_counts_from_the_start_in_post() -> None:
    # ASYE in post 3 Jun 2024 never seen: due 10 Jun, 5 days overdue on 15 Jun.
    data = CaseData.of(workers=workers(asye(1, D(2024, 5, 1), D(2024, 6, 3))))
    assert overdue(data, D(2024, 6, 15)).breakdown == {"worker:1": count(5)}


def test_r_sv_3_leavers_and_future_starters_are_not_overdue() -> None:
    data = CaseData.of(
        workers=workers(
            {"worker_id": 1, "end_date": D(2024, 6, 14)},
            {"worker_id": 2, "start_date": D(2024, 6, 16)},
        )
    )
    assert overdue(data, D(2024, 6, 15)).value == 0


# --- R-SV-4: write-ups ----------------------------------------------------------------------


@pytest.mark.parametrize(("written", "on_time"), [(D(2024, 4, 8), 100.0), (D(2024, 4, 9), 0.0)])
def test_r_sv_4_write_up_deadline_skips_bank_holidays(written: dt.date, on_time: float) -> None:
    # Held Thu 28 Mar 2024; Good Friday and Easter Monday are closed, so the 5th working day
    # after is Mon 8 Apr (2, 3, 4, 5, 8 April).
    data = CaseData.of(
        supervision_sessions=sessions(*seen(1, D(2024, 3, 28), written_up_on=written))
    )
    result = run(data, D(2024, 4, 30), start=D(2024, 3, 1), end=D(2024, 3, 31))
    assert result["supervision.write_up_on_time_rate"].value == on_time


def test_r_sv_4_sessions_not_yet_at_their_deadline_are_not_judged() -> None:
    # Held Wed 24 Apr 2024: deadline Wed 1 May, after the as-at date 30 Apr.
    data = CaseData.of(supervision_sessions=sessions(*seen(1, D(2024, 4, 24))))
    assert run(data, D(2024, 4, 30))["supervision.write_up_on_time_rate"] == rate(0, 0)


def test_r_sv_4_every_kind_of_session_is_written_up() -> None:
    # An informal session held 2 Apr (deadline 9 Apr) written up 12 Apr: late.
    data = CaseData.of(
        supervision_sessions=sessions(
            *seen(1, D(2024, 4, 2), kind="informal", minutes=20, written_up_on=D(2024, 4, 12))
        )
    )
    assert run(data, D(2024, 4, 30))["supervision.write_up_on_time_rate"] == rate(0, 1)


def test_r_sv_4_outstanding_write_ups_by_supervisor() -> None:
    # As at Tue 30 Apr 2024:
    #  held Mon 22 Apr (deadline Mon 29 Apr), not written up           → outstanding (sup 50)
    #  held Tue 23 Apr (deadline Tue 30 Apr = as at), not written up   → not yet past it
    #  held Tue 2 Apr (deadline 9 Apr), written up 2 May (after as at) → outstanding (sup 51)
    #  held Tue 2 Apr, written up late on 20 Apr                       → written up
    data = CaseData.of(
        supervision_sessions=sessions(
            *seen(1, D(2024, 4, 22), supervisor_id=50),
            *seen(1, D(2024, 4, 23), supervisor_id=50),
            *seen(2, D(2024, 4, 2), supervisor_id=51, written_up_on=D(2024, 5, 2)),
            *seen(3, D(2024, 4, 2), supervisor_id=50, written_up_on=D(2024, 4, 20)),
        )
    )
    assert run(data, D(2024, 4, 30))["supervision.not_written_up"] == Result(
        2, 2, None, (), {"worker:50": count(1), "worker:51": count(1)}
    )


def test_r_sv_4_write_up_dated_before_the_session_is_data_quality_not_timeliness() -> None:
    # Held 10 Apr, "written up" 8 Apr: a data-quality finding, left out of the rate; the other
    # session (held 2 Apr, written 3 Apr) is on time.
    data = CaseData.of(
        supervision_sessions=sessions(
            *seen(1, D(2024, 4, 10), written_up_on=D(2024, 4, 8)),
            *seen(1, D(2024, 4, 2), written_up_on=D(2024, 4, 3)),
        )
    )
    result = run(data, D(2024, 4, 30))
    assert (
        result["data_quality.session_written_up_before_held"],
        result["supervision.write_up_on_time_rate"],
    ) == (count(1), rate(1, 1))


# --- R-SV-5: case oversight -----------------------------------------------------------------

OVERSIGHT_AS_AT = D(2024, 6, 28)


def allocations(*rows: tuple[int, int, dt.date, dt.date | None]) -> pl.DataFrame:
    """(child, holder, start, end) rows."""
    return pl.DataFrame(
        [
            {
                "allocation_id": i,
                "child_id": child,
                "worker_id": worker,
                "role": "holder",
                "start": start,
                "end": end,
                "complexity_level": 2,
            }
            for i, (child, worker, start, end) in enumerate(rows, start=1)
        ],
        schema=dict(SCHEMAS["allocations"]),
        orient="row",
    )


def discussed(*rows: tuple[int, dt.date]) -> dict[str, pl.DataFrame]:
    """(child, day) rows: each a formal session with that child discussed."""
    return {
        "supervision_sessions": sessions(
            *({"supervisee_id": 1, "held_on": day} for _, day in rows)
        ),
        "case_discussions": pl.DataFrame(
            {"session_id": list(range(1, len(rows) + 1)), "child_id": [c for c, _ in rows]},
            schema=dict(SCHEMAS["case_discussions"]),
        ),
    }


def gaps(data: CaseData) -> Result:
    return run(data, OVERSIGHT_AS_AT)["supervision.case_oversight_gaps"]


@pytest.mark.parametrize(("last_discussed", "cases"), [(D(2024, 5, 3), ()), (D(2024, 5, 2), (10,))])
def test_r_sv_5_gap_is_more_than_eight_weeks(last_discussed: dt.date, cases: tuple[int]) -> None:
    # As at 28 Jun: 3 May is exactly 56 days (8 weeks) before: not a gap; 2 May is 57: a gap.
    data = CaseData.of(
        allocations=allocations((10, 1, D(2024, 1, 2), None)), **discussed((10, last_discussed))
    )
    assert gaps(data).cases == cases


@pytest.mark.parametrize(
    ("last_discussed", "cases"), [(D(2024, 5, 31), ()), (D(2024, 5, 30), (10,))]
)
def test_r_sv_5_child_protection_gap_is_more_than_four_weeks(
    last_discussed: dt.date, cases: tuple[int]
) -> None:
    # Child 10 has an s47 in progress: 31 May is exactly 28 days before 28 Jun; 30 May is 29.
    data = CaseData.of(
        allocations=allocations((10, 1, D(2024, 1, 2), None)),
        section47s=pl.DataFrame(
            [
                {
                    "s47_id": 1,
                    "child_id": 10,
                    "referral_id": None,
                    "lead_worker_id": 1,
                    "strategy_date": D(2024, 5, 1),
                    "icpc_not_required": None,
                    "icpc_date": None,
                    "end_date": None,
                }
            ],
            schema=dict(SCHEMAS["section47s"]),
        ),
        **discussed((10, last_discussed)),
    )
    assert gaps(data).cases == cases


@pytest.mark.parametrize(("start", "cases"), [(D(2024, 5, 3), ()), (D(2024, 5, 2), (10,))])
def test_r_sv_5_never_discussed_counts_from_the_allocation(
    start: dt.date, cases: tuple[int]
) -> None:
    data = CaseData.of(allocations=allocations((10, 1, start, None)))
    assert gaps(data).cases == cases


def test_r_sv_5_discussion_before_the_allocation_started_does_not_start_the_clock_early() -> None:
    # Last discussed 10 Jan under an earlier allocation; the current one started 1 Jun (27 days).
    data = CaseData.of(
        allocations=allocations((10, 1, D(2024, 6, 1), None)), **discussed((10, D(2024, 1, 10)))
    )
    assert gaps(data).value == 0


def test_r_sv_5_allocation_ending_on_the_as_at_date_is_not_open() -> None:
    data = CaseData.of(allocations=allocations((10, 1, D(2024, 1, 2), OVERSIGHT_AS_AT)))
    assert gaps(data).value == 0


def test_r_sv_5_discussion_after_the_as_at_date_is_ignored() -> None:
    data = CaseData.of(
        allocations=allocations((10, 1, D(2024, 1, 2), None)), **discussed((10, D(2024, 7, 1)))
    )
    assert gaps(data).cases == (10,)


def test_r_sv_5_gaps_by_case_holder() -> None:
    # Children 10, 11 (holder 1) and 12 (holder 2) never discussed since January; 13 discussed
    # last week.
    data = CaseData.of(
        allocations=allocations(
            (10, 1, D(2024, 1, 2), None),
            (11, 1, D(2024, 1, 2), None),
            (12, 2, D(2024, 1, 2), None),
            (13, 2, D(2024, 1, 2), None),
        ),
        **discussed((13, D(2024, 6, 21))),
    )
    assert gaps(data) == Result(
        3, 3, None, (10, 11, 12), {"worker:1": count(2, (10, 11)), "worker:2": count(1, (12,))}
    )


def test_r_sv_3_unsupervised_roles_come_from_the_policy() -> None:
    """A locality manager never seen in supervision is not overdue by default; with no
    unsupervised roles configured, they are (R-SV-3, policy supervision.unsupervised_roles)."""
    data = CaseData.of(
        workers=pl.DataFrame(
            {
                "worker_id": [1],
                "name": ["Lou"],
                "role": ["LM"],
                "team_id": [None],
                "qualified": [True],
                "qualification_date": [dt.date(2000, 1, 1)],
                "start_date": [dt.date(2020, 1, 1)],
                "end_date": [None],
                "fte": [1.0],
                "supervisor_id": [None],
            },
            schema_overrides={"team_id": pl.Int64, "end_date": pl.Date, "supervisor_id": pl.Int64},
        ),
    )
    calendar = WorkingDayCalendar.england()
    as_at = dt.date(2023, 6, 14)
    for policy, expected in [
        (Policy(), 0),
        (Policy(supervision=SupervisionPolicy(unsupervised_roles=())), 1),
    ]:
        ctx = Context(as_at, Period(dt.date(2023, 1, 1), as_at), policy, calendar)
        assert supervision(data, ctx)["supervision.overdue_workers"].value == expected

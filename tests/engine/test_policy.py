"""The policy value: documented defaults, a JSON round trip, and errors naming the setting."""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.engine.policy import ClockStart, Policy, PolicyError


def test_defaults_are_the_documented_ones() -> None:
    policy = Policy()
    assert policy.timescales.single_assessment_days == 45  # R-TS-4
    assert policy.timescales.initial_assessment_days == 7  # R-TS-2
    assert policy.timescales.icpc_days == 15  # R-TS-5
    assert policy.caseload.complexity_weights == {1: 4, 2: 6, 3: 8, 4: 10}  # R-CL-2
    assert policy.caseload.asye_capacity_factor == 0.9  # R-CL-3
    assert policy.eligibility.max_complexity["FSW"] == 1  # R-AL-1
    assert policy.supervision.minimum_minutes == 90  # R-SV-1
    assert policy.timescales.single_assessment_clock_start is ClockStart.ASSESSMENT_START


def test_round_trip_through_json_form() -> None:
    policy = Policy.from_dict(
        {
            "calendar": {"extra_closure_days": ["2023-12-27"]},
            "timescales": {
                "initial_assessment_days": 10,
                "single_assessment_clock_start": "referral",
            },
        }
    )
    assert policy.calendar.extra_closure_days == (dt.date(2023, 12, 27),)
    assert Policy.from_dict(policy.to_dict()) == policy
    assert policy.to_dict()["caseload"]["complexity_weights"] == {"1": 4, "2": 6, "3": 8, "4": 10}


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        (
            {"timescales": {"icpc_days": "soon"}},
            "policy.timescales.icpc_days",
            "must be a whole number",
        ),
        ({"timescales": {"icpc_days": -1}}, "policy.timescales.icpc_days", "must not be negative"),
        ({"caseload": {"wibble": 1}}, "policy.caseload.wibble", "is not a known setting"),
        (
            {"timescales": {"single_assessment_clock_start": "whenever"}},
            "policy.timescales.single_assessment_clock_start",
            "must be one of assessment_start, referral",
        ),
        (
            {"calendar": {"extra_closure_days": ["27/12/2023"]}},
            "policy.calendar.extra_closure_days[0]",
            "must be a date written YYYY-MM-DD",
        ),
    ],
)
def test_bad_values_name_the_setting(data: dict[str, object], path: str, message: str) -> None:
    with pytest.raises(PolicyError) as error:
        Policy.from_dict(data)
    assert (error.value.path, error.value.message) == (path, message)


def test_settings_are_listed_by_dotted_path() -> None:
    settings = Policy().settings()
    assert settings["timescales.single_assessment_days"] == 45
    assert settings["caseload.complexity_weights.3"] == 8
    assert settings["calendar.extra_closure_days"] == []
    assert len(settings) == 59

"""`oversight measures`: the registry's numbers over the database or a folder, as JSON/CSV/table."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from oversight.cases.engine_data import load_case_data
from oversight.cases.models import Child
from oversight.engine.frames import write_folder
from oversight.engine.measures import REGISTRY
from oversight.people.models import Worker
from oversight.reports.measures_output import measures_markdown
from tests.conftest import AS_AT, Scene
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent
REQUIRED_IDS = [
    "referrals.rereferral_rate",
    "referrals.rereferral_rate_children",
    "referrals.nfa_rate",
    "assessments.within_timescale_rate",
    "assessments.open_overdue",
    "icpc.within_15wd_rate",
    "caseload.average_per_fte",
    "supervision.compliance_rate",
]


@pytest.fixture
def scene(three_worker_team: Scene) -> Scene:
    """Three referrals in the 12 months to AS_AT, one a re-referral (R-RR-1): A1 was referred
    on 1 July 2022 (closed NFA) and again on 1 March 2023; B2 on 1 February 2023."""
    a1, b2 = three_worker_team.children["A1"], three_worker_team.children["B2"]
    ReferralFactory(
        child=a1,
        date=dt.date(2022, 7, 1),
        nfa=True,
        closure_date=dt.date(2022, 7, 1),
        closure_reason="RC8",
    )
    ReferralFactory(child=a1, date=dt.date(2023, 3, 1))
    ReferralFactory(child=b2, date=dt.date(2023, 2, 1))
    return three_worker_team


def _json(*args: str) -> dict:
    out = io.StringIO()
    call_command("measures", "--as-at", AS_AT.isoformat(), "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_json_has_the_stable_ids_and_hand_worked_values(scene: Scene) -> None:
    document = _json()
    assert document["as_at"] == "2023-06-14"
    assert document["period"] == {"start": "2022-06-15", "end": "2023-06-14"}
    assert document["policy"] == {"version": 0}
    measures = document["measures"]
    assert set(REQUIRED_IDS) <= set(measures)
    rereferrals = measures["referrals.rereferral_rate"]
    assert (rereferrals["value"], rereferrals["numerator"], rereferrals["denominator"]) == (
        33.3,
        1,
        3,
    )
    assert measures["referrals.rereferral_rate_children"]["value"] == 50.0
    # R-TS-10: A1, A2 (authorised only after AS_AT) and D1 are open past 45 working days.
    overdue = measures["assessments.open_overdue"]
    assert (overdue["value"], overdue["numerator"], overdue["denominator"]) == (3, 3, None)
    # Only A3 was authorised in the period, late: 0 of 1.
    timely = measures["assessments.within_timescale_rate"]
    assert (timely["value"], timely["numerator"], timely["denominator"]) == (0.0, 0, 1)
    # Qualified case holders: Alice 4 cases at 0.4 FTE, Ben 3 at 1.0, Dan 1 at 1.0 → 8 / 2.4.
    average = measures["caseload.average_per_fte"]
    assert (average["value"], average["numerator"], average["denominator"]) == (3.3, 8, 2.4)


def test_one_team(scene: Scene) -> None:
    measures = _json("--team", "Referral and Assessment")["measures"]
    assert measures["assessments.open_overdue"]["value"] == 2
    assert measures["caseload.average_per_fte"]["value"] == 5.0  # 7 cases / 1.4 FTE


def test_a_folder_of_frames_gives_the_same_numbers(scene: Scene, tmp_path: Path) -> None:
    write_folder(load_case_data(Child.objects.all(), Worker.objects.all()), tmp_path)
    from_db = _json()["measures"]
    from_folder = _json("--data", str(tmp_path))["measures"]
    assert from_folder == from_db


def test_csv_and_table_formats(scene: Scene) -> None:
    out = io.StringIO()
    call_command(
        "measures",
        "--as-at",
        "2023-06-14",
        "--format",
        "csv",
        "--only",
        "referrals.rereferral_rate",
        stdout=out,
    )
    assert out.getvalue().splitlines() == [
        "id,title,value,numerator,denominator,unit,cases",
        f"referrals.rereferral_rate,{REGISTRY.measures['referrals.rereferral_rate'].title},"
        "33.3,1,3,percent,1",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Give --as-at YYYY-MM-DD"),
        (
            ["--as-at", "2023-06-14", "--period-start", "2023-07-01"],
            "--period-start must be on or before --as-at.",
        ),
        (["--as-at", "2023-06-14", "--team", "Nowhere"], "No team called 'Nowhere'."),
        (["--as-at", "2023-06-14", "--only", "made.up"], "unknown measure made.up"),
    ],
)
def test_mistakes_say_what_to_fix(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message.replace(".", r"\.").replace("(", r"\(")):
        call_command("measures", *args, stdout=io.StringIO())


def test_measures_reference_is_up_to_date() -> None:
    """docs/measures.md is generated from the registry; regenerate with
    `oversight measures --write-docs docs/measures.md`."""
    assert (ROOT / "docs" / "measures.md").read_text() == measures_markdown(REGISTRY)

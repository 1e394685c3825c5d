"""Annex A import (issue 4): header, code and date variants read exactly; all-or-nothing;
idempotent; a later extract updates by natural key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

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
from oversight.interchange.annex_a import read_annex_a
from oversight.interchange.report import Problem, TableCount
from oversight.interchange.store import store
from oversight.people.models import LocalAuthority, Team, Worker
from tests.factories import TeamFactory, WorkerFactory
from tests.interchange.workbooks import (
    LIST_1,
    LIST_3,
    LIST_4,
    LIST_5,
    LIST_6,
    LIST_7,
    write_workbook,
)

D = dt.date


def messy_workbook(path: Path) -> Path:
    """Every variant issue 4 names: heading case and spacing, curly apostrophes, "Age" vs
    "Age of Child (Years)", prefixed and bare codes, text and serial dates, blank rows, an extra
    sheet, sheet names "List_3" and "list 6"."""
    list_1 = [
        [
            "  child unique ID ",
            "GENDER",
            "Ethnicity",
            "Date of Birth",
            "Age of Child (Years)",
            "Date of  Contact",
            "Contact Source ",
        ],
        ["C1", "a) Male", "a) WBRI", D(2015, 1, 25), 5.2, D(2023, 3, 1), "q) 6: Police"],
        ["C1", "Male", "WBRI", "25/01/2015", 5, "01/03/2023", "6"],  # the same contact again
        ["C2", "b) Female", "s) NOBT", None, None, 44986.0, "Police"],  # 44986 = 01/03/2023
        ["C3", "F", "", None, None, "2023-03-02", "b) 1B: Individual"],
        [None] * 7,
        [None] * 7,
    ]
    list_3 = [
        LIST_3,
        [
            "C1",
            "a) Male",
            "a) WBRI",
            None,
            None,
            D(2023, 3, 3),
            "q) 6: Police",
            "No",
            0,
            "Duty Team",
            "Ann\xa0Smith",
        ],
        [
            "C2",
            "b) Female",
            "",
            None,
            None,
            "06/03/2023",
            "e) 2A: Schools",
            "a) Yes",
            0,
            "Duty Team",
            "",
        ],
    ]
    curly = "Was the child assessed as requiring LA children’s social care support?"
    list_4 = [
        [*LIST_4[:8], "Continuous assessment date of  authorisation ", curly, *LIST_4[10:]],
        [
            "C1",
            "Male",
            "",
            None,
            None,
            "a) Yes",
            D(2023, 3, 6),
            "Yes",
            D(2023, 4, 20),
            "Yes",
            "Duty Team",
            "ann smith",
        ],
    ]
    list_5 = [
        LIST_5,
        [
            "C1",
            "Male",
            "",
            None,
            None,
            "b) No",
            D(2023, 3, 7),
            "b) No",
            D(2023, 3, 24),
            "Yes",
            1,
            1,
            "Duty Team",
            "Ann Smith",
        ],
    ]
    list_6 = [
        LIST_6,
        [
            "C1",
            "Male",
            "",
            None,
            None,
            "No",
            D(2023, 3, 3),
            "N1 - Abuse or neglect",
            None,
            None,
            None,
            "c) Child in need plan",
            "Duty Team",
            "#N/A",
        ],
    ]
    list_7 = [
        LIST_7,
        [
            "C1",
            "Male",
            "",
            None,
            None,
            "No",
            D(2023, 3, 24),
            "Physical abuse",
            "NEG",
            None,
            "Yes",
            D(2023, 6, 9),
            None,
            "No",
            0,
            "Duty Team",
            "Ann Smith",
        ],
    ]
    sheets = {
        "Notes": [["This workbook was produced by the case system"]],
        "List 1": list_1,
        "List_3": list_3,
        "List 4": list_4,
        "List 5": list_5,
        "list 6": list_6,
        "List 7": list_7,
    }
    return write_workbook(path, sheets)


@pytest.fixture
def council(db: None) -> LocalAuthority:
    team = TeamFactory(name="Duty  team")  # matched whatever the case and spacing
    WorkerFactory(name="Ann Smith", team=team)
    return team.locality.local_authority  # type: ignore[no-any-return]


def test_reader_turns_every_variant_into_the_same_codes_and_dates(tmp_path: Path) -> None:
    extract = read_annex_a(messy_workbook(tmp_path / "annex-a.xlsx"))
    contacts = [
        (r.values["la_child_id"], r.values["date"], r.values["source"])
        for r in extract.rows("contacts")
    ]
    assert contacts == [
        ("C1", D(2023, 3, 1), "6"),
        ("C1", D(2023, 3, 1), "6"),
        ("C2", D(2023, 3, 1), "6"),
        ("C3", D(2023, 3, 2), "1B"),
    ]
    assert extract.rows_read == 10
    assert [p for p in extract.problems if p.severity == "error"] == []


def test_annex_a_import_stores_exactly_what_the_workbook_says(
    tmp_path: Path, council: LocalAuthority
) -> None:
    report = store(read_annex_a(messy_workbook(tmp_path / "a.xlsx")), council, dry_run=False)

    assert report.committed
    assert report.tables == {
        "teams": TableCount(unchanged=1),  # "Duty Team" matched the held "Duty  team"
        "workers": TableCount(unchanged=1),
        "children": TableCount(new=3),
        "contacts": TableCount(new=4),
        "referrals": TableCount(new=2),
        "assessments": TableCount(new=1),
        "s47": TableCount(new=1),
        "cp_plans": TableCount(new=1),
        "cp_reviews": TableCount(new=1),
        "allocations": TableCount(new=1),
    }
    team = Team.objects.get()
    children = {c.la_child_id: c for c in Child.objects.all()}
    c1 = children["C1"]
    assert (c1.sex, c1.ethnicity, c1.date_of_birth, c1.disability) == (
        "M",
        "WBRI",
        D(2015, 1, 25),
        True,
    )
    assert c1.responsible_team == team
    assert (children["C3"].sex, children["C3"].responsible_team) == ("F", None)
    assert sorted(Contact.objects.values_list("child__la_child_id", "date", "source")) == [
        ("C1", D(2023, 3, 1), "6"),
        ("C1", D(2023, 3, 1), "6"),
        ("C2", D(2023, 3, 1), "6"),
        ("C3", D(2023, 3, 2), "1B"),
    ]
    referrals = list(
        Referral.objects.order_by("child__la_child_id").values_list(
            "child__la_child_id",
            "date",
            "source",
            "nfa",
            "primary_need",
            "closure_date",
            "closure_reason",
        )
    )
    assert referrals == [
        ("C1", D(2023, 3, 3), "6", False, "N1", None, ""),
        # An NFA referral is closed on its own date with RC8 (docs/importing.md).
        ("C2", D(2023, 3, 6), "2A", True, "", D(2023, 3, 6), "RC8"),
    ]
    ann = Worker.objects.get(name="Ann Smith")
    assessment = Assessment.objects.get()
    assert (assessment.kind, assessment.start_date, assessment.authorised_date) == (
        "single",
        D(2023, 3, 6),
        D(2023, 4, 20),
    )
    assert (assessment.outcome, assessment.worker, assessment.referral.date) == (
        "Yes",
        ann,
        D(2023, 3, 3),
    )
    s47 = Section47.objects.get()
    assert (s47.strategy_date, s47.icpc_not_required, s47.icpc_date, s47.icpc_result) == (
        D(2023, 3, 7),
        False,
        D(2023, 3, 24),
        "PLAN",
    )
    assert s47.lead_worker == ann
    plan = ChildProtectionPlan.objects.get()
    assert (plan.start_date, plan.end_date, plan.category) == (D(2023, 3, 24), None, "PHY")
    assert list(ChildProtectionReview.objects.values_list("date", flat=True)) == [D(2023, 6, 9)]
    # C1's episode is open and Ann Smith is named from the referral on: she holds the case
    # from the first date naming her. C2's NFA episode is closed, so no allocation.
    allocation = Allocation.objects.get()
    assert (allocation.child.la_child_id, allocation.worker, allocation.role) == (
        "C1",
        ann,
        "holder",
    )
    assert (allocation.start_date, allocation.end_date, allocation.complexity_level) == (
        D(2023, 3, 3),
        None,
        1,
    )
    assert allocation.rationale.startswith("Allocated worker as reported by the Annex A extract")


def test_oversights_own_allocation_is_kept_when_annex_a_names_someone_else(
    tmp_path: Path, council: LocalAuthority
) -> None:
    path = messy_workbook(tmp_path / "a.xlsx")
    store(read_annex_a(path), council, dry_run=False)
    bob = WorkerFactory(name="Bob Jones", team=Team.objects.get())
    Allocation.objects.update(worker=bob, start_date=D(2023, 3, 10))

    report = store(read_annex_a(path), council, dry_run=False)

    assert report.tables["allocations"] == TableCount(unchanged=1)
    assert [p.reason for p in report.warnings if p.value == "Ann Smith"] == [
        "Oversight records Bob Jones as holding this case since 10/03/2023; "
        "Oversight's record is kept"
    ]
    assert Allocation.objects.get().worker == bob


def test_importing_the_same_workbook_twice_changes_nothing(
    tmp_path: Path, council: LocalAuthority
) -> None:
    path = messy_workbook(tmp_path / "a.xlsx")
    store(read_annex_a(path), council, dry_run=False)
    before = _snapshot()

    again = store(read_annex_a(path), council, dry_run=False)

    assert _snapshot() == before
    assert {name: (c.new, c.updated) for name, c in again.tables.items()} == dict.fromkeys(
        again.tables, (0, 0)
    )
    assert again.tables["contacts"].unchanged == 4
    assert again.tables["referrals"].unchanged == 2


def test_a_later_extract_updates_records_by_their_natural_keys(
    tmp_path: Path, council: LocalAuthority
) -> None:
    store(read_annex_a(messy_workbook(tmp_path / "first.xlsx")), council, dry_run=False)
    later = write_workbook(
        tmp_path / "later.xlsx",
        {
            "List 6": [
                LIST_6,
                [
                    "C1",
                    "Male",
                    "",
                    None,
                    None,
                    "No",
                    D(2023, 3, 3),
                    "N2",
                    None,
                    D(2023, 8, 31),
                    "RC7",
                    "",
                    "Duty Team",
                    "",
                ],
            ],
            "List 7": [
                LIST_7,
                [
                    "C1",
                    "Male",
                    "",
                    None,
                    None,
                    "No",
                    D(2023, 3, 24),
                    "PHY",
                    "PHY",
                    None,
                    "",
                    D(2023, 6, 9),
                    D(2023, 8, 30),
                    "",
                    0,
                    "",
                    "",
                ],
            ],
        },
    )

    report = store(read_annex_a(later), council, dry_run=False)

    assert report.tables["referrals"] == TableCount(updated=1)
    assert report.tables["cp_plans"] == TableCount(updated=1)
    assert report.tables["cp_reviews"] == TableCount(unchanged=1)
    referral = Referral.objects.get(child__la_child_id="C1")
    assert (referral.primary_need, referral.closure_date, referral.closure_reason) == (
        "N2",
        D(2023, 8, 31),
        "RC7",
    )
    assert ChildProtectionPlan.objects.get().end_date == D(2023, 8, 30)


def test_one_bad_row_is_reported_exactly_and_nothing_is_written(
    tmp_path: Path, council: LocalAuthority
) -> None:
    store(read_annex_a(messy_workbook(tmp_path / "first.xlsx")), council, dry_run=False)
    before = _snapshot()
    bad = write_workbook(
        tmp_path / "bad.xlsx",
        {
            "List 1": [
                LIST_1,
                ["C9", "Male", "", None, None, D(2023, 5, 1), "6"],
                ["C10", "Male", "", None, None, "31/02/2023", "6"],
            ]
        },
    )

    report = store(read_annex_a(bad), council, dry_run=False)

    assert not report.committed
    assert report.errors == [
        Problem("List 1", 3, "Date of Contact", "31/02/2023", "no such date as 31/02/2023")
    ]
    assert _snapshot() == before
    assert not Child.objects.filter(la_child_id="C9").exists()


def test_a_dry_run_reports_the_changes_and_writes_nothing(
    tmp_path: Path, council: LocalAuthority
) -> None:
    report = store(read_annex_a(messy_workbook(tmp_path / "a.xlsx")), council, dry_run=True)

    assert not report.committed
    assert report.tables["children"] == TableCount(new=3)
    assert report.tables["contacts"] == TableCount(new=4)
    assert _snapshot() == ([], [], [], [], [], [])


def test_a_second_open_episode_is_an_error_naming_the_row(
    tmp_path: Path, council: LocalAuthority
) -> None:
    path = write_workbook(
        tmp_path / "a.xlsx",
        {
            "List 3": [
                LIST_3,
                ["C1", "Male", "", None, None, D(2023, 1, 5), "6", "No", 0, "", ""],
                ["C1", "Male", "", None, None, D(2023, 4, 5), "6", "No", 1, "", ""],
            ]
        },
    )

    report = store(read_annex_a(path), council, dry_run=False)

    assert [(p.where, p.row, p.column, p.value) for p in report.errors] == [
        ("List 3", 3, "Date of Referral", "05/04/2023")
    ]
    assert "earlier episode from 05/01/2023 is still open" in report.errors[0].reason
    assert Referral.objects.count() == 0


def test_stated_previous_referrals_fewer_than_the_file_shows_is_a_warning(tmp_path: Path) -> None:
    """domain.md §5: the List 3 count is recomputed from dates; a mismatch is a finding."""
    path = write_workbook(
        tmp_path / "a.xlsx",
        {
            "List 3": [
                LIST_3,
                ["C1", "Male", "", None, None, D(2023, 1, 5), "6", "Yes", 0, "", ""],
                ["C1", "Male", "", None, None, D(2023, 4, 5), "6", "No", 0, "", ""],
            ]
        },
    )

    problems = read_annex_a(path).problems

    assert [(p.row, p.severity) for p in problems] == [(2, "warning"), (3, "warning")]
    assert problems[0].reason.startswith("this file itself shows 1 earlier referrals")


def test_unknown_codes_and_spreadsheet_errors_are_warnings_left_blank(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "a.xlsx",
        {
            "List 6": [
                LIST_6,
                [
                    "C1",
                    "Male",
                    "",
                    None,
                    None,
                    "No",
                    D(2023, 3, 3),
                    "PSRMEM - Support",
                    None,
                    None,
                    None,
                    "",
                    "#N/A",
                    "#N/A",
                ],
            ]
        },
    )

    extract = read_annex_a(path)

    assert [(p.column, p.value, p.severity) for p in extract.problems] == [
        ("Allocated Worker", "#N/A", "warning"),
        ("Allocated Team", "#N/A", "warning"),
        ("Primary Need Code", "PSRMEM - Support", "warning"),
    ]
    assert extract.rows("referrals")[0].values["primary_need"] is None


def test_the_liia_tools_sample_imports_with_warnings_only(db: None) -> None:
    council = LocalAuthority.objects.create(code="999", name="Sample")
    sample = Path(__file__).resolve().parents[1] / "data/liia-tools_Annex_A_sample.xlsx"

    report = store(read_annex_a(sample), council, dry_run=False)

    assert report.errors == []
    assert report.committed
    assert {name: c.new for name, c in report.tables.items()} == {
        "teams": 11,
        "workers": 15,
        "children": 32,
        "contacts": 5,
        "referrals": 11,
        "assessments": 5,
        "s47": 5,
        "cp_plans": 7,
        "cp_reviews": 5,
        "allocations": 6,  # the six open List 3 referrals; List 6's episodes name no worker
    }
    worker = Worker.objects.get(name="Dustin Hazlett")  # the non-breaking space made ordinary
    assert worker.needs_details
    referral = Referral.objects.get(child__la_child_id="4653765")
    assert (referral.date, referral.source, referral.nfa) == (D(2020, 9, 16), "3D", False)


def _snapshot() -> tuple[list[object], ...]:
    return (
        sorted(Child.objects.values_list("la_child_id", "sex", "ethnicity", "responsible_team")),
        sorted(Contact.objects.values_list("id", "child_id", "date", "source")),
        sorted(Referral.objects.values_list("id", "date", "nfa", "closure_date", "primary_need")),
        sorted(Assessment.objects.values_list("id", "start_date", "authorised_date", "worker")),
        sorted(Section47.objects.values_list("id", "strategy_date", "icpc_date")),
        sorted(ChildProtectionPlan.objects.values_list("id", "start_date", "end_date")),
    )

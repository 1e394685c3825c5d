"""CSV imports for what Annex A and the CIN census lack: workers, absences, allocations and
supervision sessions. Hand-made files with exactly known contents; every row stored is checked
field by field, and every refusal names its row, column, value and reason."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import factory
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.cases.models import Allocation, Child
from oversight.interchange import cells, csv_templates
from oversight.interchange.csv_templates import (
    FORMULA,
    TEMPLATE_DIR,
    TEMPLATES,
    looks_like_formula,
    read_csv,
)
from oversight.interchange.report import ImportReport, Problem, TableCount
from oversight.interchange.safety import FileRefused
from oversight.interchange.store import store
from oversight.people.models import Absence, LocalAuthority, Locality, Team, Worker
from oversight.supervision.models import SupervisionSession
from tests.factories import AllocationFactory, ChildFactory, TeamFactory, WorkerFactory

D = dt.date
NO_SUCH_WORKER = "no such worker: import the workers CSV first (or check the spelling)"
FTE_RANGE = "FTE must be more than 0 and at most 1 (e.g. 0.5 or 50%)"
ROOT = Path(__file__).resolve().parents[2]


def csv_file(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path: Path, la: LocalAuthority, *, dry_run: bool = False) -> ImportReport:
    return store(read_csv(path), la, dry_run=dry_run)


def errors(report: ImportReport) -> list[tuple[int | None, str | None, str | None, str]]:
    return [(p.row, p.column, p.value, p.reason) for p in report.errors]


@pytest.fixture
def team(db: None) -> Team:
    return TeamFactory(name="Referral and Assessment")  # type: ignore[no-any-return]


@pytest.fixture
def la(team: Team) -> LocalAuthority:
    return team.locality.local_authority


@pytest.fixture
def tess(team: Team) -> Worker:
    return WorkerFactory(name="Tess Manager", role=Worker.Role.TEAM_MANAGER, team=team)  # type: ignore[no-any-return]


@pytest.fixture
def ben(team: Team, tess: Worker) -> Worker:
    return WorkerFactory(name="Ben Newly", team=team, supervisor=tess)  # type: ignore[no-any-return]


# Workers -------------------------------------------------------------------------------------
WORKERS = (
    "name,role,team,locality,qualified,qualification_date,start_date,end_date,fte,agency,"
    "supervisor,swe_number\n"
    "Ben Newly,Social worker,referral and  assessment,,yes,01/09/2022,03/10/2022,,80%,no,"
    "Tess Manager,SW98765\n"
    "Tess Manager,TM,Referral and Assessment,,,2005-07-01,04/01/2016,,1,,,\n"
    "Cara Support,FSW,Family Support,,no,,2021-05-17,31/03/2024,0.5,yes,Tess Manager,\n"
    "Lou Locality,LM,,North,yes,01/07/1999,01/04/2010,,1,,,\n"
)


def test_a_workers_file_is_stored_exactly(tmp_path: Path, la: LocalAuthority, team: Team) -> None:
    north = Locality.objects.create(local_authority=la, name="North")
    report = run(csv_file(tmp_path, "workers.csv", WORKERS), la)

    assert report.committed
    assert report.tables == {
        "teams": TableCount(new=1, unchanged=1),
        "workers": TableCount(new=4),
    }
    family = Team.objects.get(name="Family Support")
    assert report.problems == [
        Problem(
            "workers.csv",
            4,
            "team",
            "Family Support",
            "a new team, created in “Teams added by import”: an administrator should move it "
            "to its locality",
            "warning",
        )
    ]
    tess = Worker.objects.get(name="Tess Manager")
    got = {
        w.name: (
            w.role,
            w.team_id,
            w.locality_id,
            w.qualified,
            w.qualification_date,
            w.start_date,
            w.end_date,
            w.fte,
            w.agency,
            w.supervisor_id,
            w.swe_number,
            w.needs_details,
        )
        for w in Worker.objects.all()
    }
    assert got == {
        "Ben Newly": (
            *("SW", team.pk, None, True, D(2022, 9, 1), D(2022, 10, 3), None),
            *(Decimal("0.80"), False, tess.pk, "SW98765", False),
        ),
        "Tess Manager": (
            *("TM", team.pk, None, True, D(2005, 7, 1), D(2016, 1, 4), None),
            *(Decimal("1.00"), False, None, "", False),
        ),
        "Cara Support": (
            *("FSW", family.pk, None, False, None, D(2021, 5, 17), D(2024, 3, 31)),
            *(Decimal("0.50"), True, tess.pk, "", False),
        ),
        "Lou Locality": (
            *("LM", None, north.pk, True, D(1999, 7, 1), D(2010, 4, 1), None),
            *(Decimal("1.00"), False, None, "", False),
        ),
    }


def test_importing_the_same_workers_file_again_changes_nothing(
    tmp_path: Path, la: LocalAuthority
) -> None:
    Locality.objects.create(local_authority=la, name="North")
    path = csv_file(tmp_path, "workers.csv", WORKERS)
    run(path, la)
    again = run(path, la)

    assert again.committed
    assert again.tables == {
        "teams": TableCount(unchanged=2),
        "workers": TableCount(unchanged=4),
    }
    assert Worker.objects.count() == 4


def test_a_worker_created_from_an_annex_a_name_gets_their_details(
    tmp_path: Path, la: LocalAuthority, team: Team, tess: Worker
) -> None:
    ann = WorkerFactory(
        name="Ann Smith", team=team, qualified=False, qualification_date=None, needs_details=True
    )
    text = "Name,Role,Qualification date,Start date,FTE,Supervisor\n"
    text += "ann  SMITH,SW,01/07/2019,02/09/2019,0.6,tess manager\n"
    report = run(csv_file(tmp_path, "w.csv", text), la)

    assert report.tables == {"workers": TableCount(updated=1)}
    ann.refresh_from_db()
    assert (ann.name, ann.qualified, ann.qualification_date, ann.start_date, ann.fte) == (
        "Ann Smith",
        True,
        D(2019, 7, 1),
        D(2019, 9, 2),
        Decimal("0.60"),
    )
    assert (ann.supervisor_id, ann.needs_details, ann.team_id) == (tess.pk, False, team.pk)


def test_saying_not_qualified_clears_the_date_held(
    tmp_path: Path, la: LocalAuthority, ben: Worker
) -> None:
    text = "name,role,qualified,start_date,fte\nBen Newly,FSW,no,04/01/2016,1\n"
    report = run(csv_file(tmp_path, "w.csv", text), la)

    assert report.tables == {"workers": TableCount(updated=1)}
    ben.refresh_from_db()
    assert (ben.role, ben.qualified, ben.qualification_date) == ("FSW", False, None)


WORKER_HEADER = (
    "name,role,team,locality,qualified,qualification_date,start_date,end_date,fte,supervisor"
)


@pytest.mark.parametrize(
    ("line", "column", "value", "reason"),
    [
        (
            "Zed,SW,Referral and Assessment,,yes,,01/01/2020,,1,",
            "qualification_date",
            None,
            "a qualified worker needs their qualification date",
        ),
        (
            "Zed,FSW,Referral and Assessment,,no,01/01/2019,01/01/2020,,1,",
            "qualification_date",
            "01/01/2019",
            "given for an unqualified worker",
        ),
        (
            "Zed,SW,Referral and Assessment,,,,01/01/2020,31/12/2019,1,",
            "end_date",
            "31/12/2019",
            "before the start date (01/01/2020)",
        ),
        ("Zed,SW,Referral and Assessment,,,,01/01/2020,,1.5,", "fte", "1.5", FTE_RANGE),
        ("Zed,SW,Referral and Assessment,,,,01/01/2020,,0,", "fte", "0", FTE_RANGE),
        (
            "Zed,SW,Referral and Assessment,,,,01/01/2020,,half,",
            "fte",
            "half",
            "expected a number between 0 and 1, such as 0.5 or 50%",
        ),
        (
            "Zed,Wizard,Referral and Assessment,,,,01/01/2020,,1,",
            "role",
            "Wizard",
            "expected one of TM, ATM, SP, SW, FSW, SM, LM, IO (or its name, e.g. Social worker)",
        ),
        ("Zed,SW,Referral and Assessment,,,,,,1,", "start_date", "", "a value is needed here"),
        (
            "Zed,SW,Referral and Assessment,,,,01/01/2020,,1,zed",
            "supervisor",
            "zed",
            "a worker cannot be their own supervisor",
        ),
        (
            "Zed,SW,Referral and Assessment,,,,01/01/2020,,1,Nobody",
            "supervisor",
            "Nobody",
            NO_SUCH_WORKER,
        ),
        (
            "Zed,SW,,,,,01/01/2020,,1,",
            "team",
            None,
            "a new worker needs a team (or, for a manager, a locality)",
        ),
        ("Zed,SM,,South,,,01/01/2020,,1,", "locality", "South", "no such locality in this council"),
        (
            "Tess Manager,TM,,,,,01/01/2000,,1,",
            "start_date",
            "01/01/2000",
            "after the end date held (31/12/1999)",
        ),
    ],
)
def test_a_worker_row_breaking_a_rule_is_refused(
    tmp_path: Path,
    la: LocalAuthority,
    tess: Worker,
    line: str,
    column: str,
    value: str | None,
    reason: str,
) -> None:
    Worker.objects.filter(pk=tess.pk).update(start_date=D(1990, 1, 1), end_date=D(1999, 12, 31))
    report = run(csv_file(tmp_path, "w.csv", f"{WORKER_HEADER}\n{line}\n"), la)

    assert errors(report) == [(2, column, value, reason)]
    assert not report.committed
    assert Worker.objects.count() == 1


def test_a_name_two_held_workers_share_is_refused(tmp_path: Path, la: LocalAuthority) -> None:
    WorkerFactory.create_batch(2, name="Sam Jones", team=Team.objects.get())
    report = run(
        csv_file(tmp_path, "w.csv", "name,role,start_date,fte\nSam Jones,SW,1/1/2020,1\n"), la
    )

    assert errors(report) == [
        (
            2,
            "name",
            "Sam Jones",
            "more than one worker in this council has this name: rename one, then import again",
        )
    ]


def test_a_failed_import_leaves_what_is_held_untouched(
    tmp_path: Path, la: LocalAuthority, ben: Worker
) -> None:
    text = "name,role,start_date,fte\nBen Newly,SW,03/10/2022,0.5\nNew Person,SW,01/01/2023,2\n"
    report = run(csv_file(tmp_path, "w.csv", text), la)

    assert errors(report) == [
        (3, "fte", "2", "FTE must be more than 0 and at most 1 (e.g. 0.5 or 50%)")
    ]
    ben.refresh_from_db()
    assert (ben.fte, ben.start_date, Worker.objects.count()) == (Decimal("1.00"), D(2016, 1, 4), 2)


def test_a_dry_run_reports_what_would_change_and_writes_nothing(
    tmp_path: Path, la: LocalAuthority
) -> None:
    Locality.objects.create(local_authority=la, name="North")
    report = run(csv_file(tmp_path, "workers.csv", WORKERS), la, dry_run=True)

    assert report.tables["workers"] == TableCount(new=4)
    assert not report.committed
    assert (Worker.objects.count(), Team.objects.count()) == (0, 1)


# Reading: encodings, separators, headings ----------------------------------------------------
@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (
            "Name;ROLE; Start Date ;F.T.E.\r\nZoë Ångström;Social Worker;01/02/2020;0,5\r\n",
            "cp1252",
        ),
        (
            "\ufeffWorker name,Job role,Start date in post,Full-time equivalent\n"
            "Zoë Ångström,sw,2020-02-01,.5\n",
            "utf-8",
        ),
        ("NAME , role , START_DATE , fte\n\n\nZoë Ångström , SW , 43862 , 50%\n\n", "utf-8"),
    ],
)
def test_heading_and_encoding_variants_read_the_same(
    tmp_path: Path, text: str, encoding: str
) -> None:
    extract = read_csv(csv_file(tmp_path, "w.csv", text, encoding))

    assert extract.source == "csv:workers"
    assert extract.problems == []
    assert [r.values for r in extract.rows("workers")] == [
        {
            "name": "Zoë Ångström",
            "role": "SW",
            "team": None,
            "locality": None,
            "qualified": None,
            "qualification_date": None,
            "start_date": D(2020, 2, 1),
            "end_date": None,
            "fte": Decimal("0.50"),
            "agency": None,
            "supervisor": None,
            "swe_number": None,
        }
    ]


def test_row_numbers_are_the_files_line_numbers(tmp_path: Path) -> None:
    text = (
        'worker,start_date,end_date,reason\n\nAnn,01/01/2023,02/01/2023,"two\nlines"\n'
        "Ann,05/01/2023,04/01/2023,\n"
    )
    extract = read_csv(csv_file(tmp_path, "absences.csv", text))

    assert [r.number for r in extract.rows("absences")] == [3]
    assert extract.rows("absences")[0].values["reason"] == "two lines"
    assert extract.problems == [
        Problem("absences.csv", 5, "end_date", "04/01/2023", "before the start date (05/01/2023)")
    ]


def test_an_excel_separator_line_names_the_separator(tmp_path: Path) -> None:
    text = "sep=;\r\nworker;start_date;end_date\r\nAnn;01/01/2023;02/01/2023\r\n"
    extract = read_csv(csv_file(tmp_path, "a.csv", text))

    assert [(r.number, r.values["worker"]) for r in extract.rows("absences")] == [(3, "Ann")]
    assert extract.problems == []


def test_a_file_of_headings_alone_is_a_warning(tmp_path: Path) -> None:
    extract = read_csv(csv_file(tmp_path, "a.csv", "worker,start_date,end_date\n"))

    assert extract.problems == [
        Problem("a.csv", None, None, None, "the file has no rows", "warning")
    ]


def test_headings_matching_no_template_are_refused_naming_each_template(tmp_path: Path) -> None:
    with pytest.raises(FileRefused) as refused:
        read_csv(csv_file(tmp_path, "x.csv", "child,date\nC1,01/01/2023\n"))

    assert str(refused.value) == (
        "the headings match no CSV template (or more than one). The templates and the headings "
        "each needs: workers: name, role, start_date, fte; absences: worker, start_date, "
        "end_date; allocations: child_id, worker, start_date, complexity_level; "
        "supervision_sessions: supervisee, supervisor, held_on, minutes"
    )


def test_a_template_given_explicitly_wins_over_the_headings(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "a.csv", "worker,start_date,end_date\nAnn,01/01/2023,02/01/2023\n")
    extract = read_csv(path, template="allocations")

    assert extract.source == "csv:allocations"
    assert [(p.row, p.column, p.reason) for p in extract.problems] == [
        (1, "child_id", "required column is missing"),
        (1, "complexity_level", "required column is missing"),
    ]


def test_an_unknown_heading_is_a_warning_and_a_repeated_one_an_error(tmp_path: Path) -> None:
    text = "worker,start_date,end_date,notes,Start Date\nAnn,01/01/2023,02/01/2023,x,03/01/2023\n"
    extract = read_csv(csv_file(tmp_path, "a.csv", text))

    assert extract.problems == [
        Problem(
            "a.csv", 1, "notes", None, "not a column of the absences template; ignored", "warning"
        ),
        Problem("a.csv", 1, "Start Date", None, "a second column for the same field"),
    ]
    assert extract.rows("absences") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"name\x00,role\n", "not a CSV text file (it contains NUL bytes)"),
        (b"\x81\x8d\x8f\n", "neither UTF-8 nor Windows-1252"),
        (b"\n\n  \n", "the file has no heading row"),
    ],
)
def test_files_that_are_not_csv_text_are_refused(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    with pytest.raises(FileRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_csv(path)


@pytest.mark.parametrize(
    ("cell", "formula"),
    [
        ('=HYPERLINK("http://x")', True),
        ("+1+cmd|' /C calc'!A0", True),
        ("@SUM(A1:A2)", True),
        ("-2+3+cmd|' /C calc'!A0", True),
        ("  =1+1", True),
        ("-x", True),
        ("-5", False),
        ("-0.5", False),
        ("-", False),
        ("Ann-Marie", False),
        ("", False),
    ],
)
def test_what_counts_as_a_spreadsheet_formula(cell: str, formula: bool) -> None:
    assert looks_like_formula(cell) is formula


def test_formula_cells_are_refused_for_their_row_and_column(tmp_path: Path) -> None:
    text = 'worker,start_date,end_date,reason\n=cmd|"/C calc"!A0,01/01/2023,02/01/2023,@SUM(1)\n'
    extract = read_csv(csv_file(tmp_path, "a.csv", text))

    assert extract.problems == [
        Problem("a.csv", 2, "worker", '=cmd|"/C calc"!A0', FORMULA),
        Problem("a.csv", 2, "reason", "@SUM(1)", FORMULA),
    ]
    assert extract.rows("absences") == []


def test_every_downloadable_template_reads_cleanly_as_itself() -> None:
    for name in TEMPLATES:
        extract = read_csv(TEMPLATE_DIR / f"{name}.csv")
        assert (extract.source, extract.rows_read, extract.problems) == (f"csv:{name}", 2, [])


def test_every_template_column_is_documented() -> None:
    guide = (ROOT / "docs" / "importing-csv.md").read_text()
    missing = [
        f"{t.name}.{c.headings[0]}"
        for t in TEMPLATES.values()
        for c in t.columns
        if f"`{c.headings[0]}`" not in guide
    ]
    assert missing == []


@given(st.one_of(st.text(max_size=30), st.sampled_from(["²", "%", "NaN", "1e5", "9" * 5000])))
def test_the_template_cell_parsers_return_a_value_or_raise_cell_error(value: str) -> None:
    t = csv_templates
    for parse in (t.date, t.fte, t.complexity_level, t.minutes, t.role, t.case_role, t.name):
        with contextlib.suppress(cells.CellError):
            parse(value)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=400))
def test_fuzzed_text_is_read_or_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    with contextlib.suppress(FileRefused):
        read_csv(path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(sorted(TEMPLATES)),
    st.lists(st.lists(st.text(max_size=12), max_size=14), max_size=5),
)
def test_fuzzed_cells_under_a_real_heading_row_give_rows_or_problems(
    tmp_path: Path, name: str, rows: list[list[str]]
) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.headings[0] for c in TEMPLATES[name].columns])
    writer.writerows(rows)
    path = tmp_path / "fuzz.csv"
    path.write_text(out.getvalue(), encoding="utf-8", errors="surrogatepass")
    try:
        extract = read_csv(path, template=name)
    except FileRefused:
        return
    assert len(extract.rows(name)) <= len(rows)


# Absences ------------------------------------------------------------------------------------
def test_absences_are_stored_exactly_and_a_second_import_changes_nothing(
    tmp_path: Path, la: LocalAuthority, ben: Worker, tess: Worker
) -> None:
    text = (
        "worker,start_date,end_date,reason\n"
        "ben newly,14/06/2023,20/06/2023,Annual leave\n"
        "Tess Manager,03/07/2023,03/07/2023,\n"
    )
    path = csv_file(tmp_path, "absences.csv", text)
    first, second = run(path, la), run(path, la)

    assert first.tables == {"absences": TableCount(new=2)}
    assert second.tables == {"absences": TableCount(unchanged=2)}
    assert sorted(
        Absence.objects.values_list("worker__name", "start_date", "end_date", "reason")
    ) == [
        ("Ben Newly", D(2023, 6, 14), D(2023, 6, 20), "Annual leave"),
        ("Tess Manager", D(2023, 7, 3), D(2023, 7, 3), ""),
    ]


def test_a_later_file_extends_an_absence_held(
    tmp_path: Path, la: LocalAuthority, ben: Worker
) -> None:
    Absence.objects.create(worker=ben, start_date=D(2023, 6, 14), end_date=D(2023, 6, 16))
    text = "worker,start_date,end_date,reason\nBen Newly,14/06/2023,20/06/2023,Sick\n"
    report = run(csv_file(tmp_path, "absences.csv", text), la)

    assert report.tables == {"absences": TableCount(updated=1)}
    assert list(Absence.objects.values_list("end_date", "reason")) == [(D(2023, 6, 20), "Sick")]


def test_an_absence_of_a_worker_not_held_is_refused(tmp_path: Path, la: LocalAuthority) -> None:
    text = "worker,start_date,end_date\nNo One,14/06/2023,20/06/2023\n"
    report = run(csv_file(tmp_path, "absences.csv", text), la)

    assert report.problems == [
        Problem(
            "absences.csv",
            2,
            "worker",
            "No One",
            "no such worker: import the workers CSV first (or check the spelling)",
        )
    ]


# Allocations ---------------------------------------------------------------------------------
ALLOCATIONS = """\
child_id,worker,role,start_date,end_date,end_reason,complexity_level,rationale
C1,Ben Newly,case holder,01/03/2023,,,Level 2,"Continuity, after the assessment"
C1,tess manager,co-worker,01/03/2023,28/04/2023,Case stepped down,3,
C2,Tess Manager,,06/02/2023,,,1,
"""


@pytest.fixture
def children(la: LocalAuthority) -> dict[str, Child]:
    return {i: ChildFactory(local_authority=la, la_child_id=i) for i in ("C1", "C2")}


def test_allocations_are_stored_exactly_and_a_second_import_changes_nothing(
    tmp_path: Path, la: LocalAuthority, ben: Worker, tess: Worker, children: dict[str, Child]
) -> None:
    path = csv_file(tmp_path, "allocations.csv", ALLOCATIONS)
    first, second = run(path, la), run(path, la)

    assert first.tables == {"allocations": TableCount(new=3)}
    assert second.tables == {"allocations": TableCount(unchanged=3)}
    fields = ("child__la_child_id", "worker__name", "role", "start_date", "end_date")
    assert sorted(
        Allocation.objects.values_list(*fields, "end_reason", "complexity_level", "rationale")
    ) == [
        (
            "C1",
            "Ben Newly",
            "holder",
            D(2023, 3, 1),
            None,
            "",
            2,
            "Continuity, after the assessment",
        ),
        ("C1", "Tess Manager", "co", D(2023, 3, 1), D(2023, 4, 28), "Case stepped down", 3, ""),
        ("C2", "Tess Manager", "holder", D(2023, 2, 6), None, "", 1, ""),
    ]
    assert set(Allocation.objects.values_list("decided_by", "decided_at")) == {(None, None)}


def test_a_file_can_end_the_held_case_holder_and_allocate_the_next(
    tmp_path: Path, la: LocalAuthority, ben: Worker, tess: Worker, children: dict[str, Child]
) -> None:
    AllocationFactory(child=children["C1"], worker=tess, start_date=D(2023, 1, 9))
    text = (
        "child_id,worker,start_date,end_date,end_reason,complexity_level\n"
        "C1,Ben Newly,01/03/2023,,,2\n"
        "C1,Tess Manager,09/01/2023,28/02/2023,Handed over to Ben,1\n"
    )
    report = run(csv_file(tmp_path, "allocations.csv", text), la)

    assert report.tables == {"allocations": TableCount(new=1, updated=1)}
    assert sorted(Allocation.objects.values_list("worker__name", "end_date", "end_reason")) == [
        ("Ben Newly", None, ""),
        ("Tess Manager", D(2023, 2, 28), "Handed over to Ben"),
    ]


def test_a_second_open_case_holder_is_refused(
    tmp_path: Path, la: LocalAuthority, ben: Worker, tess: Worker, children: dict[str, Child]
) -> None:
    AllocationFactory(child=children["C1"], worker=tess, start_date=D(2023, 1, 9))
    text = "child_id,worker,start_date,complexity_level\nC1,Ben Newly,01/03/2023,2\n"
    report = run(csv_file(tmp_path, "allocations.csv", text), la)

    assert errors(report) == [
        (
            2,
            "end_date",
            None,
            "the child would have two open case-holder allocations: give the "
            "end date and reason of the one from 09/01/2023",
        ),
    ]
    assert Allocation.objects.count() == 1


def test_a_second_open_allocation_to_the_same_worker_is_refused(
    tmp_path: Path, la: LocalAuthority, ben: Worker, children: dict[str, Child]
) -> None:
    text = (
        "child_id,worker,role,start_date,complexity_level\n"
        "C1,Ben Newly,co,01/03/2023,2\n"
        "C1,Ben Newly,holder,05/03/2023,2\n"
    )
    report = run(csv_file(tmp_path, "allocations.csv", text), la)

    assert errors(report) == [
        (
            3,
            "end_date",
            None,
            "the child would have two open allocations to the same worker: give the end date "
            "and reason of the one from 01/03/2023",
        ),
    ]


ALLOCATION_HEADER = "child_id,worker,role,start_date,end_date,end_reason,complexity_level"


@pytest.mark.parametrize(
    ("line", "column", "value", "reason"),
    [
        (
            "C9,Ben Newly,,01/03/2023,,,2",
            "child_id",
            "C9",
            "no such child: import Annex A or the CIN census first",
        ),
        ("C1,Nobody,,01/03/2023,,,2", "worker", "Nobody", NO_SUCH_WORKER),
        (
            "C1,Ben Newly,,01/03/2023,02/03/2023,,2",
            "end_reason",
            None,
            "an ended allocation needs the reason for the change",
        ),
        (
            "C1,Ben Newly,,01/03/2023,,Closed,2",
            "end_date",
            None,
            "an end reason is given without an end date",
        ),
        (
            "C1,Ben Newly,,01/03/2023,28/02/2023,Closed,2",
            "end_date",
            "28/02/2023",
            "before the start date (01/03/2023)",
        ),
        (
            "C1,Ben Newly,,01/03/2023,,,5",
            "complexity_level",
            "5",
            "expected a complexity level from 1 to 4",
        ),
        (
            "C1,Ben Newly,lead,01/03/2023,,,2",
            "role",
            "lead",
            "expected holder or co (case holder or co-worker)",
        ),
        (
            "C1,Ben Newly,,1st March,,,2",
            "start_date",
            "1st March",
            "not a date: use DD/MM/YYYY",
        ),
    ],
)
def test_an_allocation_row_breaking_a_rule_is_refused(
    tmp_path: Path,
    la: LocalAuthority,
    ben: Worker,
    children: dict[str, Child],
    line: str,
    column: str,
    value: str | None,
    reason: str,
) -> None:
    path = csv_file(tmp_path, "allocations.csv", f"{ALLOCATION_HEADER}\n{line}\n")
    report = run(path, la)

    assert errors(report) == [(2, column, value, reason)]
    assert Allocation.objects.count() == 0


# Supervision sessions ------------------------------------------------------------------------
def test_supervision_sessions_are_stored_exactly_and_a_second_import_changes_nothing(
    tmp_path: Path, la: LocalAuthority, ben: Worker, tess: Worker
) -> None:
    text = (
        "Supervisee,Supervisor,Date held,Type,Length (minutes),Date written up\n"
        "Ben Newly,Tess Manager,07/06/2023,Formal one-to-one,90,09/06/2023\n"
        "Ben Newly,Tess Manager,14/06/2023,group,60,\n"
        "Tess Manager,Ben Newly,14/06/2023,,45,14/06/2023\n"
    )
    path = csv_file(tmp_path, "sessions.csv", text)
    first, second = run(path, la), run(path, la)

    assert first.tables == {"supervision_sessions": TableCount(new=3)}
    assert second.tables == {"supervision_sessions": TableCount(unchanged=3)}
    fields = ("supervisee__name", "supervisor__name", "held_on", "kind", "minutes")
    assert sorted(SupervisionSession.objects.values_list(*fields, "written_up_on")) == [
        ("Ben Newly", "Tess Manager", D(2023, 6, 7), "formal", 90, D(2023, 6, 9)),
        ("Ben Newly", "Tess Manager", D(2023, 6, 14), "group", 60, None),
        ("Tess Manager", "Ben Newly", D(2023, 6, 14), "formal", 45, D(2023, 6, 14)),
    ]


def test_a_blank_kind_leaves_the_kind_held(
    tmp_path: Path, la: LocalAuthority, ben: Worker, tess: Worker
) -> None:
    SupervisionSession.objects.create(
        supervisee=ben, supervisor=tess, held_on=D(2023, 6, 7), kind="group", minutes=60
    )
    text = "supervisee,supervisor,held_on,kind,minutes\nBen Newly,Tess Manager,7/6/2023,,60\n"
    report = run(csv_file(tmp_path, "s.csv", text), la)

    assert report.tables == {"supervision_sessions": TableCount(unchanged=1)}
    assert SupervisionSession.objects.get().kind == "group"


SESSION_HEADER = "supervisee,supervisor,held_on,kind,minutes,written_up_on"


@pytest.mark.parametrize(
    ("line", "column", "value", "reason"),
    [
        (
            "Ben Newly,ben  newly,07/06/2023,,90,",
            "supervisor",
            "ben newly",
            "the supervisor and the supervisee are the same person",
        ),
        (
            "Ben Newly,Tess Manager,07/06/2023,,0,",
            "minutes",
            "0",
            "a session lasts from 1 to 1440 minutes",
        ),
        ("Ben Newly,Tess Manager,07/06/2023,,-5,", "minutes", "-5", "expected a whole number"),
        (
            "Ben Newly,Tess Manager,07/06/2023,,90,06/06/2023",
            "written_up_on",
            "06/06/2023",
            "before the session (07/06/2023)",
        ),
        (
            "Ben Newly,Tess Manager,07/06/2023,chat,90,",
            "kind",
            "chat",
            "expected formal, group or informal",
        ),
        ("Ben Newly,Tess Manager,07/06/2023,,,", "minutes", "", "a value is needed here"),
    ],
)
def test_a_session_row_breaking_a_rule_is_refused(
    tmp_path: Path,
    la: LocalAuthority,
    ben: Worker,
    line: str,
    column: str,
    value: str | None,
    reason: str,
) -> None:
    report = run(csv_file(tmp_path, "s.csv", f"{SESSION_HEADER}\n{line}\n"), la)

    assert errors(report) == [(2, column, value, reason)]
    assert SupervisionSession.objects.count() == 0


# Queries -------------------------------------------------------------------------------------
def _queries(path: Path, la: LocalAuthority) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert run(path, la).committed
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_file(
    tmp_path: Path, la: LocalAuthority, tess: Worker
) -> None:
    def workers(n: int, first: int) -> str:
        rows = [f"W{i},SW,Referral and Assessment,1/1/2020,1,Tess Manager" for i in range(n)]
        return "name,role,team,start_date,fte,supervisor\n" + "\n".join(rows[first:]) + "\n"

    def allocations(n: int, first: int) -> str:
        rows = [f"K{i},W{i},1/3/2023,2" for i in range(n)]
        return "child_id,worker,start_date,complexity_level\n" + "\n".join(rows[first:]) + "\n"

    ChildFactory.create_batch(
        40, local_authority=la, la_child_id=factory.Iterator([f"K{i}" for i in range(40)])
    )
    small = _queries(csv_file(tmp_path, "w1.csv", workers(3, 0)), la)
    large = _queries(csv_file(tmp_path, "w2.csv", workers(40, 3)), la)
    assert small == large == 7  # held rows read once per table, bulk writes, the savepoint
    small = _queries(csv_file(tmp_path, "a1.csv", allocations(3, 0)), la)
    large = _queries(csv_file(tmp_path, "a2.csv", allocations(40, 3)), la)
    assert small == large == 6


# The command ---------------------------------------------------------------------------------
def test_the_command_prints_the_json_report_of_a_dry_run(
    tmp_path: Path, la: LocalAuthority, ben: Worker
) -> None:
    text = "worker,start_date,end_date,reason,note\nBen Newly,14/06/2023,20/06/2023,Leave,x\n"
    path = csv_file(tmp_path, "absences.csv", text)
    out = io.StringIO()
    call_command("import", "csv", str(path), "--format", "json", "--dry-run", stdout=out)

    assert json.loads(out.getvalue()) == {
        "tables": {"absences": {"new": 1, "updated": 0, "unchanged": 0}},
        "problems": [
            {
                "where": "absences.csv",
                "row": 1,
                "column": "note",
                "value": None,
                "reason": "not a column of the absences template; ignored",
                "severity": "warning",
            }
        ],
        "committed": False,
    }
    assert Absence.objects.count() == 0


def test_the_command_exits_1_when_the_file_has_errors(tmp_path: Path, la: LocalAuthority) -> None:
    text = "worker,start_date,end_date\nNo One,14/06/2023,20/06/2023\n"
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import", "csv", str(csv_file(tmp_path, "a.csv", text)), "--format", "json", stdout=out
        )

    assert exit_.value.code == 1
    assert [p["reason"] for p in json.loads(out.getvalue())["problems"]] == [
        "no such worker: import the workers CSV first (or check the spelling)"
    ]

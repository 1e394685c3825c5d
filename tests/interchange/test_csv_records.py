"""CSV imports: absences, allocations and supervision sessions stored exactly; queries that do not
grow with the file; the command's JSON report."""

from __future__ import annotations

import io
import json
from pathlib import Path

import factory
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oversight.cases.models import Allocation, Child
from oversight.interchange.report import Problem, TableCount
from oversight.people.models import Absence, LocalAuthority, Worker
from oversight.supervision.models import SupervisionSession
from tests.factories import AllocationFactory, ChildFactory
from tests.interchange.csv_files import (
    NO_SUCH_WORKER,
    D,
    csv_file,
    errors,
    run,
)


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

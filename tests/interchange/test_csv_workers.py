"""CSV imports: the workers template, stored exactly; every rule a worker row can break."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from oversight.interchange.report import Problem, TableCount
from oversight.people.models import LocalAuthority, Locality, Team, Worker
from tests.factories import WorkerFactory
from tests.interchange.csv_files import (
    FTE_RANGE,
    NO_SUCH_WORKER,
    D,
    csv_file,
    errors,
    run,
)

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

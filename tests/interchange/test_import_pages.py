"""The upload page (issue 4, item 4): an information officer checks a file, reads the report,
then imports exactly that file. Others cannot reach it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oversight.accounts.roles import AccessRole
from oversight.audit.models import AuditEvent
from oversight.cases.models import Child, Contact
from oversight.interchange.models import ImportRun
from tests.factories import LocalAuthorityFactory, WorkerFactory, make_user
from tests.interchange.workbooks import LIST_1, write_workbook


@pytest.fixture
def officer(db: None) -> Client:
    LocalAuthorityFactory()
    client = Client()
    client.force_login(make_user("info", AccessRole.INFORMATION_OFFICER))  # type: ignore[arg-type]
    return client


def _upload(
    tmp_path: Path, rows: list[list[object]], name: str = "annex-a.xlsx"
) -> SimpleUploadedFile:
    path = write_workbook(tmp_path / name, {"List 1": [LIST_1, *rows]})
    return SimpleUploadedFile(name, path.read_bytes())


GOOD = [["C1", "Male", "", None, None, dt.date(2023, 3, 1), "q) 6: Police"]]


def test_checking_then_importing_an_annex_a_workbook(officer: Client, tmp_path: Path) -> None:
    response = officer.post("/imports/", {"kind": "annex-a", "file": _upload(tmp_path, GOOD)})

    checked = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{checked.pk}/"
    assert (checked.status, checked.dry_run, checked.username) == ("checked", True, "info")
    assert Child.objects.count() == 0
    page = officer.get(f"/imports/{checked.pk}/").content.decode()
    assert "What the import would change" in page
    assert "Import these changes" in page

    response = officer.post(f"/imports/{checked.pk}/")

    imported = ImportRun.objects.exclude(pk=checked.pk).get()
    assert response["Location"] == f"/imports/{imported.pk}/"
    assert (imported.status, imported.dry_run, imported.file_sha256) == (
        "imported",
        False,
        checked.file_sha256,
    )
    assert list(Contact.objects.values_list("child__la_child_id", "date", "source")) == [
        ("C1", dt.date(2023, 3, 1), "6")
    ]
    assert not Path(imported.upload_path).exists()  # the upload is deleted once imported
    assert imported.report["tables"]["contacts"] == {"new": 1, "updated": 0, "unchanged": 0}
    again = officer.post(f"/imports/{checked.pk}/")  # the checked file cannot be imported twice
    assert again["Location"] == f"/imports/{checked.pk}/"
    assert ImportRun.objects.count() == 2


def test_a_file_with_errors_shows_them_and_offers_no_import(
    officer: Client, tmp_path: Path
) -> None:
    bad = [["C1", "Male", "", None, None, "31/02/2023", "6"]]

    officer.post("/imports/", {"kind": "annex-a", "file": _upload(tmp_path, bad)})

    run = ImportRun.objects.get()
    page = officer.get(f"/imports/{run.pk}/").content.decode()
    assert run.status == "refused"
    assert "Nothing was imported: 1 error in the file" in page
    assert "no such date as 31/02/2023" in page
    assert "Import these changes" not in page
    assert not Path(run.upload_path).exists()


def test_the_wrong_kind_of_file_is_a_form_error(officer: Client, tmp_path: Path) -> None:
    upload = SimpleUploadedFile("census.xml", b"<Message/>")

    response = officer.post("/imports/", {"kind": "annex-a", "file": upload})

    assert response.status_code == 400
    assert "The selected file must be a .xlsx file" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_the_progress_endpoint_reports_status_without_child_data(
    officer: Client, tmp_path: Path
) -> None:
    officer.post("/imports/", {"kind": "annex-a", "file": _upload(tmp_path, GOOD)})
    run = ImportRun.objects.get()

    status = officer.get(f"/imports/{run.pk}/status.json").json()

    assert status == {
        "status": "checked",
        "status_label": "Checked (dry run)",
        "rows_read": 1,
        "finished": True,
    }


def test_viewing_a_report_is_audited(officer: Client, tmp_path: Path) -> None:
    officer.post("/imports/", {"kind": "annex-a", "file": _upload(tmp_path, GOOD)})
    run = ImportRun.objects.get()

    officer.get(f"/imports/{run.pk}/")

    viewed = AuditEvent.objects.get(kind=AuditEvent.Kind.VIEW)
    assert (viewed.username, viewed.what, viewed.object_id) == (
        "info",
        "import report: annex-a.xlsx",
        str(run.pk),
    )


@pytest.mark.parametrize("role", [AccessRole.TEAM_MANAGER, AccessRole.WORKER])
def test_only_information_officers_and_administrators_import(
    db: None, role: AccessRole, tmp_path: Path
) -> None:
    client = Client()
    client.force_login(make_user("someone", role, WorkerFactory()))  # type: ignore[arg-type]

    assert client.get("/imports/").status_code == 404
    upload = _upload(tmp_path, GOOD)
    assert client.post("/imports/", {"kind": "annex-a", "file": upload}).status_code == 404
    assert ImportRun.objects.count() == 0

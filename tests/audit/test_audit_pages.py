"""The administrators' audit pages (issue 9, part 2): search by user, child, kind and dates,
paginated; the CSV export, formula-guarded and itself audited; the chain check that reports a
row edited behind Oversight's back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.accounts.roles import AccessRole
from oversight.audit import actions as audit_actions
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from tests.audit.test_chain import _tamper
from tests.factories import ChildFactory, make_user

pytestmark = pytest.mark.django_db

UTC = dt.UTC
VIEW, EXPORT, DENIED = AuditEvent.Kind.VIEW, AuditEvent.Kind.EXPORT, AuditEvent.Kind.DENIED


@pytest.fixture
def admin() -> Client:
    client = Client()
    client.force_login(make_user("admin", AccessRole.ADMINISTRATOR))  # type: ignore[arg-type]
    return client


def _at(when: dt.datetime, monkeypatch: pytest.MonkeyPatch, **event: Any) -> AuditEvent:
    """An event written at a chosen moment (the trail writes the clock's time)."""
    with monkeypatch.context() as patch:
        patch.setattr(audit_actions.timezone, "now", lambda: when)
        return record_event(**event)


@pytest.fixture
def trail(monkeypatch: pytest.MonkeyPatch) -> dict[str, AuditEvent]:
    """Five events by two users on three days (all times UTC)."""
    users = get_user_model()
    tess, ben = users.objects.create_user("tess"), users.objects.create_user("ben")
    at = lambda day, hour: dt.datetime(2026, 11, day, hour, tzinfo=UTC)  # noqa: E731
    return {
        "tess case": _at(
            at(2, 9),
            monkeypatch,
            user=tess,
            kind=VIEW,
            what="Case summary: LEAK-A-0001",
            object_type="child",
            object_id=7,
            detail={"la_child_id": "LEAK-A-0001", "break_glass": False},
        ),
        "ben case": _at(
            at(2, 23),
            monkeypatch,
            user=ben,
            kind=VIEW,
            what="Case summary: LEAK-A-0002",
            object_type="child",
            object_id=8,
            detail={"la_child_id": "LEAK-A-0002", "break_glass": False},
        ),
        "ben supervision": _at(
            at(3, 10),
            monkeypatch,
            user=ben,
            kind=AuditEvent.Kind.CHANGE,
            what="Supervision changed: Ben, 01/11/2026",
            object_type="supervision_session",
            object_id=3,
            detail={
                "before": {"decisions": {"LEAK-A-0001": "Visit weekly"}},
                "after": {"decisions": {"LEAK-A-0001": "Visit twice weekly"}},
                "reason": "Typo",
            },
        ),
        "tess export": _at(at(4, 0), monkeypatch, user=tess, kind=EXPORT, what="Annex A export"),
        "refused": _at(
            at(4, 12), monkeypatch, user=tess, kind=DENIED, what="Refused (404): GET /cases/9/"
        ),
    }


def _listed(response: Any) -> list[str]:
    """The events on the page, by sequence number, in the order shown."""
    html = response.content.decode()
    return [part.split('"')[0] for part in html.split('data-sequence="')[1:]]


def _sequences(trail: dict[str, AuditEvent], *names: str) -> list[str]:
    return [str(trail[name].sequence) for name in names]


def test_newest_first_with_everything(admin: Client, trail: dict[str, AuditEvent]) -> None:
    response = admin.get("/audit/")

    assert response.status_code == 200
    assert _listed(response) == _sequences(
        trail, "refused", "tess export", "ben supervision", "ben case", "tess case"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"user": "BEN"}, ["ben supervision", "ben case"]),
        ({"kind": "view"}, ["ben case", "tess case"]),
        ({"child": "LEAK-A-0001"}, ["ben supervision", "tess case"]),
        ({"child": "LEAK-A-0002"}, ["ben case"]),
        # 2 November, UTC: 23:00 counts even though it is already the 3rd in summer time.
        (
            {
                "from-day": "2",
                "from-month": "11",
                "from-year": "2026",
                "to-day": "2",
                "to-month": "11",
                "to-year": "2026",
            },
            ["ben case", "tess case"],
        ),
        (
            {"from-day": "4", "from-month": "11", "from-year": "2026", "user": "tess"},
            ["refused", "tess export"],
        ),
    ],
)
def test_each_filter(
    admin: Client, trail: dict[str, AuditEvent], query: dict[str, str], expected: list[str]
) -> None:
    response = admin.get("/audit/", query)

    assert _listed(response) == _sequences(trail, *expected)
    search = AuditEvent.objects.filter(what="Audit trail searched").get()
    assert search.detail["events"] == len(expected)


def test_a_date_that_cannot_be_read_says_what_to_fix(admin: Client) -> None:
    response = admin.get("/audit/", {"from-day": "31", "from-month": "2", "from-year": "2026"})

    assert response.status_code == 400
    assert "Enter a real date, for example 27 11 2026" in response.content.decode()


def test_an_end_before_the_start_says_what_to_fix(admin: Client) -> None:
    dates = {"from-day": "5", "from-month": "11", "from-year": "2026"}
    dates |= {"to-day": "4", "to-month": "11", "to-year": "2026"}

    response = admin.get("/audit/", dates)

    assert response.status_code == 400
    assert "The end date must be the same as or after the start date" in response.content.decode()


def test_fifty_events_a_page(admin: Client) -> None:
    for n in range(60):
        record_event(user=None, kind=VIEW, what=f"page {n}")

    first, second = admin.get("/audit/"), admin.get("/audit/", {"page": "2"})

    assert len(_listed(first)) == 50
    assert "page 1 of 2" in first.content.decode()
    assert len(_listed(second)) == 11  # 60 events and the first page's search
    assert 'rel="prev"' in second.content.decode()


def test_supervision_records_are_named_but_their_contents_not_shown(
    admin: Client, trail: dict[str, AuditEvent]
) -> None:
    page = admin.get("/audit/", {"kind": "change"}).content.decode()

    assert "Supervision changed: Ben, 01/11/2026" in page
    assert "Not shown: the contents of a supervision record stay in the supervision file" in page
    assert "Visit twice weekly" not in page


def _csv_rows(response: Any) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_holds_the_search_and_is_itself_recorded(
    admin: Client, trail: dict[str, AuditEvent]
) -> None:
    response = admin.get("/audit/export.csv", {"user": "ben"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    rows = _csv_rows(response)
    assert [(r["sequence"], r["when_utc"], r["username"], r["kind"]) for r in rows] == [
        (str(trail["ben supervision"].sequence), "2026-11-03T10:00:00+00:00", "ben", "change"),
        (str(trail["ben case"].sequence), "2026-11-02T23:00:00+00:00", "ben", "view"),
    ]
    assert rows[1]["detail"] == '{"break_glass": false, "la_child_id": "LEAK-A-0002"}'
    assert rows[0]["detail"].startswith("Not shown")
    assert rows[1]["hash"] == trail["ben case"].hash
    export = AuditEvent.objects.get(what="Audit trail exported")
    assert (export.kind, export.username, export.detail) == (
        EXPORT,
        "admin",
        {"filters": {"username": "ben"}, "events": 2},
    )


def test_the_export_cannot_carry_a_spreadsheet_formula(admin: Client) -> None:
    """A username tried at sign-in is typed by anyone: "=HYPERLINK(...)" must stay text."""
    record_event(
        user=None,
        kind=AuditEvent.Kind.SIGN_IN_FAILED,
        what='=HYPERLINK("http://evil.example","Click")',
        object_id="+1",
    )

    (row,) = _csv_rows(admin.get("/audit/export.csv", {"kind": "sign_in_failed"}))

    assert row["what"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["object_id"] == "'+1"


def _verify_page(client: Client) -> str:
    return str(client.get("/audit/verify/").content.decode())


def test_the_chain_check_says_an_intact_trail_is_intact(
    admin: Client, trail: dict[str, AuditEvent]
) -> None:
    page = _verify_page(admin)

    assert "The audit trail is intact" in page
    assert "All 5 events follow one another unchanged" in page
    checked = AuditEvent.objects.get(what="Audit trail verified")
    assert checked.detail == {"events": 5, "breaks": 0}


def test_the_chain_check_names_a_row_edited_in_the_database(
    admin: Client, trail: dict[str, AuditEvent]
) -> None:
    edited = trail["ben case"]
    _tamper("UPDATE audit_auditevent SET username = %s WHERE id = %s", "someone", edited.pk)

    page = _verify_page(admin)

    assert "The audit trail has been changed outside Oversight" in page
    assert (
        f'<td class="govuk-table__cell">{edited.sequence}</td>\n'
        f'      <td class="govuk-table__cell">{edited.pk}</td>\n'
        '      <td class="govuk-table__cell">Its content was changed after it was written</td>'
    ) in page
    checked = AuditEvent.objects.get(what="Audit trail verified")
    assert checked.detail == {"events": 5, "breaks": 1}


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_full_page_costs_no_more_queries_than_a_short_one(
    admin: Client, trail: dict[str, AuditEvent]
) -> None:
    few = _queries(admin, "/audit/")
    for n in range(45):
        record_event(user=None, kind=VIEW, what=f"page {n}", detail={"n": n})

    assert _queries(admin, "/audit/") == few


def test_a_child_is_found_by_the_events_recorded_against_its_case(admin: Client) -> None:
    """An allocation names the case by its row, not its LA child ID: still found."""
    child = ChildFactory(la_child_id="LEAK-C-0001")
    other = ChildFactory(la_child_id="LEAK-C-0002")
    allocated = record_event(
        user=None,
        kind=AuditEvent.Kind.CHANGE,
        what="Allocated LEAK-C-0001 to Wren North",
        object_type="child",
        object_id=child.pk,
        detail={"before": None, "after": {"worker": "Wren North"}},
    )
    record_event(user=None, kind=VIEW, what="Other", object_type="child", object_id=other.pk)

    response = admin.get("/audit/", {"child": "LEAK-C-0001"})

    assert _listed(response) == [str(allocated.sequence)]

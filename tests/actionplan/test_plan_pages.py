"""The plan pages (issue 8): RAG, overdue and missed reviews on a hand-built plan (plan_scene.py),
progress updates and evidence, who may do what, and a query count that does not grow."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.actionplan.models import Action, EvidenceMeasure, EvidenceNote, Finding
from oversight.audit.models import AuditEvent
from tests.actionplan.plan_scene import D, PlanScene, link, make_action, update
from tests.conftest import AS_AT

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _client(plan: PlanScene, who: str) -> Client:
    client = Client()
    client.force_login(plan.users[who])
    return client


def _plan_page(plan: PlanScene, who: str = "tm") -> str:
    response = _client(plan, who).get("/plan/", {"as_at": AS_AT.isoformat()})
    assert response.status_code == 200
    return response.content.decode()


def _rows(html: str) -> dict[str, dict[str, str]]:
    """Each action row's data attributes, by its number."""
    rows = {}
    for attributes in re.findall(r'<tr class="govuk-table__row" (data-action="[^>]*)>', html):
        found = dict(re.findall(r'data-([\w-]+)="([^"]*)"', attributes))
        rows[found.pop("action")] = found
    return rows


def _count(html: str, key: str) -> str:
    match = re.search(rf'data-testid="count-{key}">(\d+)<', html)
    assert match, key
    return match.group(1)


# ---------------------------------------------------------------------------------------------
# The plan page: worked out by hand in plan_scene.py
# ---------------------------------------------------------------------------------------------


def test_each_actions_rag_overdue_and_review_as_at_the_date(plan: PlanScene) -> None:
    assert _rows(_plan_page(plan)) == {
        "1.1": {"rag": "red", "status": "in_progress", "overdue": "no", "review-missed": "yes"},
        "1.2": {"rag": "green", "status": "not_started", "overdue": "yes", "review-missed": "no"},
        "1.3": {"rag": "amber", "status": "not_started", "overdue": "no", "review-missed": "no"},
        "2.1": {"rag": "none", "status": "completed", "overdue": "no", "review-missed": "no"},
        "2.2": {"rag": "none", "status": "in_progress", "overdue": "no", "review-missed": "yes"},
        "2.3": {"rag": "none", "status": "in_progress", "overdue": "no", "review-missed": "no"},
        "2.4": {"rag": "none", "status": "completed", "overdue": "yes", "review-missed": "no"},
    }


def test_counts_at_the_top(plan: PlanScene) -> None:
    html = _plan_page(plan)
    counts = {
        key: _count(html, key)
        for key in (
            "green",
            "amber",
            "red",
            "none",
            "not_started",
            "in_progress",
            "completed",
            "superseded",
            "overdue",
            "review-missed",
        )
    }
    assert counts == {
        "green": "1",
        "amber": "1",
        "red": "1",
        "none": "4",
        "not_started": "2",
        "in_progress": "3",
        "completed": "2",
        "superseded": "0",
        "overdue": "2",
        "review-missed": "2",
    }


def test_rag_is_in_words_as_well_as_colour(plan: PlanScene) -> None:
    html = _plan_page(plan)
    row = html.split('data-action="1.3"')[1].split("</tr>")[0]
    assert '<strong class="govuk-tag govuk-tag--yellow">Close to target</strong>' in row
    assert "3, worse" in row  # the latest value and its trend, in words


def test_looking_back_before_the_overdue_date(plan: PlanScene) -> None:
    """At 30 May nothing is past its due date, and 1.1's update of 10 May is within a month."""
    response = _client(plan, "tm").get("/plan/", {"as_at": "2023-05-30"})
    rows = _rows(response.content.decode())
    assert {n: r["overdue"] for n, r in rows.items()} == dict.fromkeys(rows, "no")
    assert rows["1.1"]["review-missed"] == "no"
    assert rows["1.1"]["rag"] == "amber"  # only D1 was overdue on 30 May: 1, within 2 of 0
    assert rows["2.2"]["review-missed"] == "yes"  # nothing since 1 April


def test_a_superseded_action_is_never_overdue(plan: PlanScene) -> None:
    Action.objects.filter(pk=plan.actions["1.2"].pk).update(status="superseded")
    assert _rows(_plan_page(plan))["1.2"]["overdue"] == "no"


def test_a_recurring_action_with_no_update_counts_from_the_plans_start(plan: PlanScene) -> None:
    """Published 1 Feb; weekly → an update due by 8 Feb, missed long before 14 June."""
    Action.objects.filter(pk=plan.actions["1.3"].pk).update(recurrence="weekly")
    assert _rows(_plan_page(plan))["1.3"]["review-missed"] == "yes"


def test_the_action_page_shows_the_monthly_values_and_the_chart(plan: PlanScene) -> None:
    response = _client(plan, "ben").get(
        f"/plan/actions/{plan.actions['1.1'].pk}/", {"as_at": AS_AT.isoformat()}
    )
    html = response.content.decode()
    table = html.split("month by month</caption>")[1].split("</table>")[0]
    cells = re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+)</th>'
        r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]+)</td>'
        r'<td class="govuk-table__cell">([^<]+)</td>',
        table,
    )
    assert cells[0] == ("31 July 2022", "0", "On target")
    assert cells[-5:] == [
        ("28 February 2023", "0", "On target"),
        ("31 March 2023", "1", "Close to target"),
        ("30 April 2023", "1", "Close to target"),
        ("31 May 2023", "1", "Close to target"),
        ("14 June 2023", "3", "Off target"),
    ]
    assert len(cells) == 12
    assert 'role="img"' in html
    assert 'aria-label="Line chart of Open assessments overdue' in html
    assert "Target exactly 0; close to target within 2 of it." in html
    assert "Trend since the first month with data: worse." in html


def test_the_leads_in_full_and_the_schedule_in_words(plan: PlanScene) -> None:
    html = _client(plan, "tm").get(f"/plan/actions/{plan.actions['2.4'].pk}/").content.decode()
    assert "Assistant Team Manager, Team Manager" in html
    assert "Written as “ATM/TM”" in html
    assert "Due 31 May 2023" in html


# ---------------------------------------------------------------------------------------------
# Progress updates, evidence, measure links, import flags
# ---------------------------------------------------------------------------------------------


def _post_update(plan: PlanScene, who: str, number: str, **fields: str) -> Any:
    data = {f"update-{name}": value for name, value in fields.items()}
    return _client(plan, who).post(f"/plan/actions/{plan.actions[number].pk}/updates/", data)


def test_an_update_that_completes_the_action_changes_it_and_is_audited(plan: PlanScene) -> None:
    response = _post_update(
        plan,
        "tm",
        "1.1",
        text="May's audit done; all late assessments have a reason.",
        status="completed",
        **{"completed_on-day": "14", "completed_on-month": "6", "completed_on-year": "2023"},
    )

    assert response.status_code == 302
    action = Action.objects.get(pk=plan.actions["1.1"].pk)
    assert (action.status, action.completed_on) == ("completed", D(2023, 6, 14))
    assert action.updates.order_by("written_at").last().text == (  # type: ignore[union-attr]
        "May's audit done; all late assessments have a reason.\n\n"
        "Status changed from In progress to Completed (completed 14 June 2023)."
    )
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CHANGE, object_type="action")
    assert (event.what, event.object_id, event.username) == (
        "Progress update on action 1.1",
        str(action.pk),
        "tm",
    )
    assert (event.detail["status_from"], event.detail["status_to"]) == ("in_progress", "completed")


def test_completing_needs_a_date(plan: PlanScene) -> None:
    response = _post_update(
        plan,
        "tm",
        "1.1",
        text="Done",
        status="completed",
        **{"completed_on-day": "", "completed_on-month": "", "completed_on-year": ""},
    )
    assert response.status_code == 400
    assert '<a href="#update-completed_on-day">Enter the date the action was completed</a>' in (
        response.content.decode()
    )
    assert Action.objects.get(pk=plan.actions["1.1"].pk).status == "in_progress"


def test_a_lead_who_is_not_a_manager_updates_but_cannot_change_the_status(
    plan: PlanScene,
) -> None:
    response = _post_update(plan, "atm", "1.2", text="Chased two", status="completed")

    assert response.status_code == 302
    action = Action.objects.get(pk=plan.actions["1.2"].pk)
    assert (action.status, action.updates.get().text) == ("not_started", "Chased two")


def test_a_note_with_a_document_is_stored_under_a_random_name(plan: PlanScene) -> None:
    action = plan.actions["1.2"]
    upload = _png("audit.png")
    response = _client(plan, "atm").post(
        f"/plan/actions/{action.pk}/notes/", {"note-text": "The audit", "note-document": upload}
    )

    assert response.status_code == 302
    note = EvidenceNote.objects.get()
    assert note.text == "The audit"
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.png", note.document.name)
    download = _client(plan, "ben").get(f"/plan/evidence/{note.pk}/document/")
    assert b"".join(download.streaming_content) == PNG  # type: ignore[attr-defined]
    assert download["Content-Disposition"] == f'attachment; filename="evidence-{note.pk}.png"'
    assert AuditEvent.objects.filter(kind="view", object_type="evidence_note").count() == 1


def _png(name: str, content: bytes = PNG) -> Any:
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_a_program_renamed_as_a_picture_is_refused(plan: PlanScene) -> None:
    response = _client(plan, "tm").post(
        f"/plan/actions/{plan.actions['1.1'].pk}/notes/",
        {"note-text": "x", "note-document": _png("evil.png", b"MZ\x90\x00" * 8)},
    )
    assert response.status_code == 400
    assert "The document is not a real .png file" in response.content.decode()
    assert EvidenceNote.objects.count() == 0


def test_a_manager_links_and_removes_a_measure(plan: PlanScene) -> None:
    action = plan.actions["2.3"]
    client = _client(plan, "tm")
    response = client.post(
        f"/plan/actions/{action.pk}/measures/",
        {
            "measure-measure": "supervision.compliance_rate",
            "measure-comparison": "gte",
            "measure-target": "95",
            "measure-margin": "5",
            "measure-breakdown": "grade:ASYE",
        },
    )
    assert response.status_code == 302
    linked = EvidenceMeasure.objects.get(action=action)
    assert (linked.measure_id, linked.comparison, linked.target, linked.breakdown) == (
        "supervision.compliance_rate",
        "gte",
        95,
        "grade:ASYE",
    )

    client.post(f"/plan/actions/{action.pk}/measures/{linked.pk}/remove/")
    assert not EvidenceMeasure.objects.filter(action=action).exists()
    assert list(
        AuditEvent.objects.filter(object_type="action")
        .order_by("pk")
        .values_list("what", flat=True)
    ) == [
        "Measure supervision.compliance_rate linked to action 2.3",
        "Measure supervision.compliance_rate removed from action 2.3",
    ]


def test_mark_as_checked_clears_the_import_flags(plan: PlanScene) -> None:
    action = plan.actions["1.3"]
    Action.objects.filter(pk=action.pk).update(review_flags=["no timescale given"])

    response = _client(plan, "io").post(f"/plan/actions/{action.pk}/checked/")

    assert response.status_code == 302
    assert Action.objects.get(pk=action.pk).review_flags == []
    event = AuditEvent.objects.get(object_type="action")
    assert event.detail == {"flags": ["no timescale given"]}


# ---------------------------------------------------------------------------------------------
# My actions
# ---------------------------------------------------------------------------------------------


def _mine(plan: PlanScene, who: str) -> list[str]:
    html = _client(plan, who).get("/plan/mine/", {"as_at": AS_AT.isoformat()}).content.decode()
    return list(_rows(html))


def test_my_actions_by_job_and_by_name(plan: PlanScene) -> None:
    # Tess Manager, TM: "Team Manager" (1.1, 2.2), her name (2.1), "ATM/TM" as written (2.4).
    assert _mine(plan, "tm") == ["1.1", "2.1", "2.2", "2.4"]
    # Amir, ATM: "Assistant Team Manager", "Assistant Team Managers" and "ATM/TM"; never
    # "Team Manager" alone.
    assert _mine(plan, "atm") == ["1.2", "1.3", "2.4"]
    assert _mine(plan, "ben") == []


# ---------------------------------------------------------------------------------------------
# Query count
# ---------------------------------------------------------------------------------------------


def test_the_plan_pages_queries_do_not_grow_with_the_plan(plan: PlanScene) -> None:
    client = _client(plan, "tm")
    with CaptureQueriesContext(connection) as before:
        client.get("/plan/", {"as_at": AS_AT.isoformat()})
    finding = Finding.objects.create(inspection=plan.inspection, order=3, text="More to do.")
    for order in range(1, 8):
        action = make_action(finding, order, f"Action {order}", lead="TM", recurrence="weekly")
        link(action, "eq", 0, 1)
        update(action, D(2023, 6, 1))
    with CaptureQueriesContext(connection) as after:
        client.get("/plan/", {"as_at": AS_AT.isoformat()})
    assert len(after) == len(before)


def test_the_plan_says_when_it_was_due_with_ofsted(db: None) -> None:
    """domain.md §8: 70 working days after the report. Published Wednesday 1 December 2010;
    the bank holidays after it (27 and 28 December 2010, 3 January 2011) are skipped: 20
    working days in December, 20 in January, 20 in February, and the 70th is Monday 14 March
    2011."""
    from oversight.actionplan.models import Inspection
    from oversight.actionplan.views import send_to_ofsted_by
    from tests.factories import LocalAuthorityFactory

    inspection = Inspection.objects.create(
        local_authority=LocalAuthorityFactory(),
        kind="Unannounced inspection",
        start_date=D(2010, 11, 9),
        end_date=D(2010, 11, 10),
        report_published_on=D(2010, 12, 1),
    )

    assert send_to_ofsted_by(inspection) == D(2011, 3, 14)

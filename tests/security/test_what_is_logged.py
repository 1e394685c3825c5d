"""Every kind of event issue 9 asks the audit trail for is written, with who, what, when and
from where: sign-ins (success and failure), views of a child's record and of a supervision
record, exports, imports, changes with before and after, and every denied access."""

from __future__ import annotations

from pathlib import Path

from django.test import Client
from django.urls import reverse

from oversight.audit.chain import verify
from oversight.audit.models import AuditEvent
from oversight.engine.policy import Policy
from oversight.interchange.actions import run_import
from oversight.policy.settings_form import settings_of
from tests.factories import TEST_PASSWORD
from tests.security.personas import World

Kind = AuditEvent.Kind


def _last(kind: str) -> AuditEvent:
    event = AuditEvent.objects.filter(kind=kind).order_by("-sequence").first()
    assert event is not None, f"no {kind} event"
    return event


def test_sign_in_success_and_failure(world: World) -> None:
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.post(reverse("login"), {"username": "tm_a", "password": "not it"})
    client.post(reverse("login"), {"username": "tm_a", "password": TEST_PASSWORD})

    failed, signed_in = _last(Kind.SIGN_IN_FAILED), _last(Kind.SIGN_IN)
    assert (failed.username, failed.detail, failed.ip_address) == (
        "",
        {"username": "tm_a"},
        "10.1.2.3",
    )
    assert (signed_in.username, signed_in.ip_address) == ("tm_a", "10.1.2.3")


def test_a_view_of_a_childs_record(world: World) -> None:
    child = world.children["A1"]

    world.client_for("tm_a").get(reverse("case", kwargs={"child_id": child.pk}))

    event = _last(Kind.VIEW)
    assert (event.username, event.what, event.object_type, event.object_id) == (
        "tm_a",
        "Case summary: LEAK-A-0001",
        "child",
        str(child.pk),
    )
    assert event.ip_address == "127.0.0.1"


def test_a_view_of_a_supervision_record(world: World) -> None:
    session = world.sessions["worker_a"]

    world.client_for("atm_a").get(reverse("supervision-session", kwargs={"session_id": session.pk}))

    event = _last(Kind.VIEW)
    assert (event.username, event.object_type, event.object_id) == (
        "atm_a",
        "supervision_session",
        str(session.pk),
    )


def test_an_export(world: World) -> None:
    world.client_for("tm_a").get(
        reverse("plan-xlsx", kwargs={"inspection_id": world.inspection.pk})
    )

    event = _last(Kind.EXPORT)
    assert (event.username, event.object_type) == ("tm_a", "inspection")


def test_an_import(world: World, tmp_path: Path) -> None:
    upload = tmp_path / "absences.csv"
    upload.write_text("worker,start_date,end_date,reason\n")

    run, _report = run_import("csv", upload, world.la, user=world.users["io"], dry_run=True)

    event = _last(Kind.IMPORT)
    assert (event.username, event.object_type, event.object_id) == ("io", "import", str(run.pk))


def test_a_change_with_before_and_after(world: World) -> None:
    form = {s.path: s.value for s in settings_of(Policy())}
    form |= {"timescales.due_soon_days": "7", "note": "Due soon a week ahead"}

    world.client_for("admin").post(reverse("policy"), form)

    event = _last(Kind.CHANGE)
    assert event.username == "admin"
    assert event.detail["changes"] == {"timescales.due_soon_days": [5, 7]}


def test_a_record_outside_the_users_reach_is_a_denied_access(world: World) -> None:
    """404, as for a record that does not exist — and recorded as a refusal."""
    url = reverse("case", kwargs={"child_id": world.children["B1"].pk})

    assert world.client_for("tm_a").get(url).status_code == 404

    event = _last(Kind.DENIED)
    assert (event.username, event.what, event.detail) == (
        "tm_a",
        f"Refused (404): GET {url}",
        {"status": 404, "path": url},
    )


def test_a_form_without_its_csrf_token_is_a_denied_access(world: World) -> None:
    client = world.client_for("worker_a", enforce_csrf_checks=True)

    assert client.post(reverse("break-glass"), HTTP_HX_REQUEST="true").status_code == 403

    event = _last(Kind.DENIED)
    assert (event.username, event.detail) == ("worker_a", {"status": 403, "path": "/break-glass/"})


def test_visitors_not_signed_in_are_sent_to_sign_in_not_recorded(world: World) -> None:
    """Refusals are recorded for signed-in users; the rest of the internet's probing is not."""
    before = AuditEvent.objects.count()

    Client().get("/no-such-page/")

    assert AuditEvent.objects.count() == before


def test_the_trail_after_all_that_is_intact(world: World) -> None:
    world.client_for("tm_a").get(reverse("case", kwargs={"child_id": world.children["B1"].pk}))
    world.client_for("tm_a").get(reverse("case", kwargs={"child_id": world.children["A1"].pk}))

    assert list(verify()) == []

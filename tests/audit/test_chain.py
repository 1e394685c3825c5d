"""The audit trail is tamper-evident (issue 9, part 2): each event chained by hash to the one
before; `oversight audit verify` finds an edited, deleted or inserted row; on PostgreSQL the
database itself refuses updates and deletes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from oversight.accounts.roles import AccessRole
from oversight.audit.actions import record_event
from oversight.audit.chain import GENESIS, Break, verify
from oversight.audit.models import AuditEvent, ChainHead
from tests.factories import make_user


def _events(n: int) -> list[AuditEvent]:
    return [
        record_event(user=None, kind=AuditEvent.Kind.VIEW, what=f"page {i}", detail={"n": i})
        for i in range(1, n + 1)
    ]


def _raw(sql: str, *params: object) -> None:
    """Tampering as someone with database access would: straight SQL, no Django."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _tamper(sql: str, *params: object) -> None:
    """As a database superuser would, with PostgreSQL's triggers switched off for the moment."""
    if connection.vendor == "postgresql":
        _raw("SET session_replication_role = replica")
    try:
        _raw(sql, *params)
    finally:
        if connection.vendor == "postgresql":
            _raw("SET session_replication_role = DEFAULT")


def test_each_event_follows_the_one_before(db: None) -> None:
    first, second, third = _events(3)

    assert (first.sequence, first.previous_hash) == (1, GENESIS)
    assert (second.sequence, second.previous_hash) == (2, first.hash)
    assert third.previous_hash == second.hash
    assert (ChainHead.objects.get().sequence, ChainHead.objects.get().hash) == (3, third.hash)
    assert list(verify()) == []


def test_verify_reports_an_edited_row(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    events = _events(3)
    _tamper("UPDATE audit_auditevent SET what = %s WHERE id = %s", "page nobody saw", events[1].pk)

    changed = "its content was changed after it was written"
    assert list(verify()) == [Break(2, events[1].pk, changed)]
    with pytest.raises(SystemExit) as status:
        call_command("audit", "verify")
    assert status.value.code == 1
    assert (
        "BROKEN at event 2: its content was changed after it was written" in capsys.readouterr().out
    )


def test_verify_reports_deleted_rows(db: None) -> None:
    events = _events(4)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", events[1].pk)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", events[3].pk)

    assert list(verify()) == [
        Break(3, events[2].pk, "events 2 to 2 are missing (deleted?)"),
        Break(3, events[2].pk, "does not follow the event before it"),
        Break(4, None, "the last events of the chain are missing (deleted?)"),
    ]


def test_verify_reports_a_row_inserted_outside_the_chain(db: None) -> None:
    _events(2)
    forged = AuditEvent.objects.create(at=timezone.now(), kind="view", what="forged")

    assert list(verify()) == [
        Break(None, forged.pk, "an event outside the chain (inserted directly?)")
    ]


def test_a_clean_trail_verifies(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    _events(5)

    call_command("audit", "verify")

    assert capsys.readouterr().out.strip() == "The audit trail's 5 events are intact."


def test_deleting_a_user_keeps_the_chain_intact(db: None) -> None:
    user = make_user("leaver", AccessRole.WORKER)
    record_event(user=user, kind=AuditEvent.Kind.SIGN_IN, what="signed in")  # type: ignore[arg-type]

    user.delete()  # type: ignore[attr-defined]

    event = AuditEvent.objects.get()
    assert (event.user, event.username) == (None, "leaver")
    assert list(verify()) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_change_or_delete_an_event(db: None) -> None:
    (event,) = _events(1)

    for sql in (
        "UPDATE audit_auditevent SET what = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="audit events cannot be changed or deleted"),
            transaction.atomic(),
        ):
            _raw(sql, event.pk)
    assert AuditEvent.objects.get().what == "page 1"

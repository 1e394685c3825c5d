"""`oversight alerts send`: who gets an email and when, what it says (read back with Python's
`email` package), and the audit trail of every digest that leaves Oversight."""

from __future__ import annotations

import datetime as dt
import email
import re
import smtplib
from email.message import EmailMessage
from email.policy import default as email_policy
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from oversight.alerts.digest import Digest, Item, Kind, Section, Urgency
from oversight.alerts.models import AlertPreference, Frequency
from oversight.alerts.sending import digest_email
from oversight.audit.models import AuditEvent
from tests.alerts.conftest import AlertsScene, user
from tests.conftest import AS_AT
from tests.factories import WorkerFactory, make_user

pytestmark = pytest.mark.django_db

THURSDAY = AS_AT + dt.timedelta(days=1)
NEXT_MONDAY = dt.date(2023, 6, 19)


def _send(day: dt.date = AS_AT, *options: str) -> str:
    out = StringIO()
    call_command("alerts", "send", "--date", day.isoformat(), *options, stdout=out)
    return out.getvalue()


def _parsed(message: Any) -> EmailMessage:
    """The message as a mail client reads it: bytes parsed by Python's email package."""
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email_policy)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _body(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    content: str = part.get_content()
    return content


def _to(name: str) -> Any:
    [message] = [m for m in mail.outbox if m.to == [f"{name}@testshire.example"]]
    return message


def test_each_user_with_a_casework_role_gets_their_digest(alerts_scene: AlertsScene) -> None:
    """Everyone but the information officer; each digest as worked out in test_digest.py."""
    output = _send()
    assert sorted(m.to[0] for m in mail.outbox) == [
        f"{name}@testshire.example" for name in ("atm", "ben", "dan", "lm", "other_tm", "tm")
    ]
    assert output.splitlines() == [
        "atm       sent: 3 overdue, 2 due soon",
        "ben       sent: 2 overdue, 1 due soon",
        "dan       sent: 2 overdue, 1 due soon",
        "lm        sent: 10 overdue, 6 due soon",
        "other_tm  sent: 2 overdue, 1 due soon",
        "tm        sent: 8 overdue, 5 due soon",
        "Wednesday 14 June 2023: 6 digest(s) sent.",
    ]


def test_the_team_managers_email(alerts_scene: AlertsScene) -> None:
    _send()
    message = _parsed(_to("tm"))
    assert (
        message["Subject"] == "Oversight alerts for Wednesday 14 June 2023: 8 overdue, 5 due soon"
    )
    assert message["To"] == "tm@testshire.example"
    assert message["Auto-Submitted"] == "auto-generated"
    text = _body(message, "plain")
    assert text.splitlines()[:2] == [
        "Oversight alerts for tm",
        "Wednesday 14 June 2023: the Referral and Assessment team",
    ]
    assert "* Assessments: 2 overdue, 1 due soon" in text
    assert "ASSESSMENTS (R-TS-10)" in text
    x1 = "- X1: initial child protection conference, 9 working days overdue (due 1 Jun 2023)"
    assert f"{x1} (unallocated)" in text
    assert "- Ben Newly: 1 supervision session not written up" in text
    # Every item's subject, in order: team A's children and workers only (no D1, no Dan).
    assert re.findall(r"^- ([\w ]+):", text, re.M) == [
        "C1", "X1",
        "A1", "A2", "B1",
        "X1", "A2",
        "A3", "A1",
        "Ben Newly", "Cara Support", "Alice Experienced",
        "Ben Newly",
    ]  # fmt: skip
    assert "http://127.0.0.1:8000/account/email-alerts/" in text


def test_the_html_alternative_says_the_same(alerts_scene: AlertsScene) -> None:
    _send()
    html = _body(_parsed(_to("tm")), "html")
    assert '<html lang="en-GB">' in html
    assert re.findall(r"<h2>([^<]+)</h2>", html) == [
        "Child protection cases without a qualified social worker (R-AL-1)",
        "Assessments (R-TS-10)",
        "Initial child protection conferences (R-TS-5)",
        "Child protection reviews (R-TS-6)",
        "Supervision (R-SV-3)",
        "Supervision write-ups (R-SV-4)",
    ]
    assert (
        "<li><strong>A3</strong>: child protection review, 15 days overdue (due 30 May 2023)"
        " (Alice Experienced)</li>" in html
    )


def test_a_worker_never_sees_another_workers_children(alerts_scene: AlertsScene) -> None:
    _send()
    text = _body(_parsed(_to("ben")), "plain")
    assert re.findall(r"^- ([\w ]+):", text, re.M) == ["B1", "Ben Newly", "Ben Newly"]
    assert "Wednesday 14 June 2023: your cases and supervision" in text


def test_sending_again_the_same_day_sends_nothing(alerts_scene: AlertsScene) -> None:
    _send()
    mail.outbox.clear()
    output = _send()
    assert mail.outbox == []
    assert "tm        not due today" in output.splitlines()
    assert output.splitlines()[-1] == "Wednesday 14 June 2023: 0 digest(s) sent."


def test_the_next_working_day_brings_the_next_daily_digest(alerts_scene: AlertsScene) -> None:
    _send()
    mail.outbox.clear()
    _send(THURSDAY)
    assert len(mail.outbox) == 6
    assert _to("tm").subject.startswith("Oversight alerts for Thursday 15 June 2023")
    mail.outbox.clear()
    _send(dt.date(2023, 6, 17))  # Saturday
    assert mail.outbox == []


def test_weekly_once_a_week_and_off_never(alerts_scene: AlertsScene) -> None:
    """The TM chose Mondays; on Wednesday 14 June she has had none this week, so it comes (a
    missed Monday is caught up), then not again until Monday 19th. The ATM turned it off."""
    AlertPreference.objects.create(user=user(alerts_scene, "tm"), frequency=Frequency.WEEKLY)
    AlertPreference.objects.create(user=user(alerts_scene, "atm"), frequency=Frequency.OFF)
    sent_to = []
    for day in (AS_AT, THURSDAY, dt.date(2023, 6, 16), NEXT_MONDAY):
        mail.outbox.clear()
        _send(day)
        sent_to.append(sorted(m.to[0].split("@")[0] for m in mail.outbox))
    everyone_daily = ["ben", "dan", "lm", "other_tm"]
    assert sent_to == [
        [*everyone_daily, "tm"],
        everyone_daily,
        everyone_daily,
        [*everyone_daily, "tm"],
    ]
    preference = AlertPreference.objects.get(user=user(alerts_scene, "tm"))
    assert (preference.last_checked_on, preference.last_sent_on) == (NEXT_MONDAY, NEXT_MONDAY)


def test_nothing_due_means_no_email(alerts_scene: AlertsScene) -> None:
    """Eve started today with no cases: her first supervision is 28 days away."""
    from oversight.accounts.roles import AccessRole

    eve = WorkerFactory(name="Eve Starter", team=alerts_scene.base.team, start_date=AS_AT)
    eve_user = make_user("eve", AccessRole.WORKER, eve)
    eve_user.email = "eve@testshire.example"  # type: ignore[attr-defined]
    eve_user.save()  # type: ignore[attr-defined]
    output = _send()
    assert "eve       nothing overdue or due soon" in output.splitlines()
    assert all(m.to != ["eve@testshire.example"] for m in mail.outbox)
    preference = AlertPreference.objects.get(user=eve_user)
    assert (preference.last_checked_on, preference.last_sent_on) == (AS_AT, None)


def test_a_user_without_an_email_address_is_listed(alerts_scene: AlertsScene) -> None:
    ben = user(alerts_scene, "ben")
    ben.email = ""
    ben.save()
    output = _send()
    assert "ben       no email address" in output.splitlines()
    assert len(mail.outbox) == 5


def test_a_dry_run_sends_and_records_nothing(alerts_scene: AlertsScene) -> None:
    events = AuditEvent.objects.count()
    output = _send(AS_AT, "--dry-run")
    assert mail.outbox == []
    assert AlertPreference.objects.count() == 0
    assert AuditEvent.objects.count() == events
    assert "tm        would send: 8 overdue, 5 due soon" in output.splitlines()
    assert output.splitlines()[-1] == "Wednesday 14 June 2023: 6 digest(s) would be sent."


def test_each_digest_sent_is_in_the_audit_trail(alerts_scene: AlertsScene) -> None:
    _send()
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, object_type="user")
    assert events.count() == 6
    tm = user(alerts_scene, "tm")
    event = events.get(object_id=str(tm.pk))
    children = alerts_scene.base.children
    assert event.what == "Alerts digest emailed to tm"
    assert event.username == ""  # the scheduled command, not a person
    assert event.detail == {
        "as_at": "2023-06-14",
        "to": "tm@testshire.example",
        "frequency": "daily",
        "items": 13,
        "overdue": 8,
        "due_soon": 5,
        "sections": {
            "unallocated_cp": 2,
            "assessment": 3,
            "icpc": 2,
            "cp_review": 2,
            "supervision": 3,
            "write_up": 1,
        },
        "children": sorted(children[k].id for k in ("A1", "A2", "A3", "B1", "C1", "X1")),
    }


def test_a_mail_server_failure_is_retried_next_run(alerts_scene: AlertsScene) -> None:
    """Nothing is recorded for a digest that could not be sent, and the command fails so the
    scheduler reports it; everyone else's still goes."""
    real_send = mail.EmailMultiAlternatives.send

    def refuse_tm(message: Any, fail_silently: bool = False) -> int:
        if message.to == ["tm@testshire.example"]:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(message, fail_silently)  # type: ignore[no-any-return]

    with (
        mock.patch.object(mail.EmailMultiAlternatives, "send", refuse_tm),
        pytest.raises(CommandError, match="1 digest"),
    ):
        _send()
    assert len(mail.outbox) == 5
    tm = user(alerts_scene, "tm")
    assert not AlertPreference.objects.filter(user=tm, last_checked_on__isnull=False).exists()
    assert not AuditEvent.objects.filter(object_type="user", object_id=str(tm.pk)).exists()
    _send()
    assert [m.to for m in mail.outbox[5:]] == [["tm@testshire.example"]]


def test_the_file_backend_writes_each_email_to_the_outbox(
    alerts_scene: AlertsScene, settings: Any, tmp_path: Path
) -> None:
    """The demo's default: no mail server, each email a file a person can open."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    _send()
    # Django names each file by the second and the connection's id, which Python may reuse
    # within a second: a file can hold several emails, each followed by a line of 79 dashes.
    messages = [
        email.message_from_bytes(chunk, policy=email_policy)
        for path in sorted(tmp_path.iterdir())
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n")
        if chunk.strip()
    ]
    assert sorted(str(m["To"]) for m in messages) == [
        f"{name}@testshire.example" for name in ("atm", "ben", "dan", "lm", "other_tm", "tm")
    ]
    [tm] = [m for m in messages if m["To"] == "tm@testshire.example"]
    assert isinstance(tm, EmailMessage)
    assert "- A1: single assessment, 2 working days overdue" in _body(tm, "plain")


def test_a_long_section_lists_ten_and_says_how_many_more(alerts_scene: AlertsScene) -> None:
    """A locality's digest can hold hundreds of items: each section stops at ten."""
    items = tuple(
        Item(Kind.ASSESSMENT, Urgency.OVERDUE, f"K{n:02d}", "single assessment", "overdue")
        for n in range(1, 13)
    )
    digest = Digest(AS_AT, "the Northside locality", 5, (Section(Kind.ASSESSMENT, items),))
    message = _parsed(digest_email(user(alerts_scene, "lm"), digest))
    text = _body(message, "plain")
    assert re.findall(r"^- (K\d+):", text, re.M) == [f"K{n:02d}" for n in range(1, 11)]
    assert "- and 2 more: see Oversight" in text
    assert "<li>and 2 more: <a href" in _body(message, "html")
    assert (
        message["Subject"] == "Oversight alerts for Wednesday 14 June 2023: 12 overdue, 0 due soon"
    )

"""The demo council leaves its users with alerts on (the default is every working day), and
`oversight alerts send` on it writes one email per casework login into the outbox folder
(var/outbox/ by default), each naming only children its reader may see."""

from __future__ import annotations

import datetime as dt
import email
import re
from email.message import EmailMessage
from email.policy import default as email_policy
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from oversight.cases.queries import cases_visible_to
from oversight.demo.loader import load_demo

pytestmark = pytest.mark.django_db

AS_AT = dt.date(2026, 11, 27)  # a Friday
CASEWORK_LOGINS = ["demo-asye", "demo-atm", "demo-fsw", "demo-lm", "demo-sm", "demo-sw", "demo-tm"]


def _outbox(folder: Path) -> dict[str, EmailMessage]:
    messages = {}
    for path in folder.iterdir():
        raw = path.read_bytes().split(b"\n" + b"-" * 79)[0]
        message = email.message_from_bytes(raw, policy=email_policy)
        assert isinstance(message, EmailMessage)
        messages[str(message["To"]).split("@")[0]] = message
    return messages


def test_sending_on_the_demo_writes_the_outbox(settings: Any, tmp_path: Path) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    load_demo(as_at=AS_AT)
    out = StringIO()
    call_command("alerts", "send", "--date", AS_AT.isoformat(), stdout=out)
    assert out.getvalue().splitlines()[-1] == "Friday 27 November 2026: 7 digest(s) sent."
    sent = _outbox(tmp_path)
    assert sorted(sent) == CASEWORK_LOGINS  # not the information officer or administrator
    users = get_user_model().objects.in_bulk(CASEWORK_LOGINS, field_name="username")
    for username, message in sent.items():
        text = message.get_body(preferencelist=("plain",))
        assert text is not None
        named = set(re.findall(r"^- (C\d+):", text.get_content(), re.M))
        visible = set(cases_visible_to(users[username]).values_list("la_child_id", flat=True))
        assert named <= visible, username
    tm = sent["demo-tm"].get_body(preferencelist=("plain",))
    assert tm is not None
    assert "Friday 27 November 2026: the Referral and Assessment team" in tm.get_content()
    assert re.search(
        r"^- C\d+: single assessment, \d+ working days? overdue", tm.get_content(), re.M
    )

"""The read-only case summary (issue 9): one child's allocations, open work and complexity
history, reached only through the doorway and recorded in the audit trail."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from oversight.audit.models import AuditEvent
from tests.factories import AllocationFactory, ComplexityFactory
from tests.security.personas import World


def _cells(html: str, testid: str) -> list[list[str]]:
    """The body rows of the table marked data-testid, as text."""
    table = html.split(f'data-testid="{testid}"')[1].split("</table>")[0]
    rows = table.split("<tbody")[1].split("<tr")[1:]
    return [
        [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]
        for cells in (re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows)
    ]


def test_the_summary_of_a_child_protection_case(world: World) -> None:
    child = world.children["B1"]
    start = world.today - dt.timedelta(days=120)
    AllocationFactory(
        child=child,
        worker=world.workers["tm_b"],
        complexity_level=1,
        start_date=start - dt.timedelta(days=30),
        end_date=start - dt.timedelta(days=1),
        end_reason="Handed to the safeguarding team",
    )
    ComplexityFactory(child=child, level=3, assessed_on=start + dt.timedelta(days=3), reason="s47")

    response = world.client_for("tm_b").get(reverse("case", kwargs={"child_id": child.pk}))

    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Case LEAK-B-0001</h1>' in html
    when = f"{start:%-d %B %Y}"
    assert f'data-testid="cp-plan">Since {when} (category NEG)</dd>' in html
    assert _cells(html, "allocations") == [
        [
            "Bea South",
            "Case holder",
            f"{start:%-d %b %Y}",
            "Open",
            "2 – child in need (complex) or open assessment",
        ],
        [
            "Tom South",
            "Case holder",
            f"{start - dt.timedelta(days=30):%-d %b %Y}",
            f"{start - dt.timedelta(days=1):%-d %b %Y} (Handed to the safeguarding team)",
            "1 – child in need (low)",
        ],
    ]
    assert _cells(html, "open-work") == [
        ["Single (child and family) assessment", f"{start:%-d %b %Y}", "Bea South"],
        ["Section 47 enquiry", f"{start:%-d %b %Y} (strategy discussion)", "Bea South"],
    ]
    level_3 = "3 – child protection, s47 or pre-proceedings"
    assert _cells(html, "complexity") == [
        [f"{start + dt.timedelta(days=3):%-d %b %Y}", level_3, "s47"]
    ]


def test_each_view_is_recorded(world: World) -> None:
    child = world.children["A1"]

    world.client_for("lm_a").get(reverse("case", kwargs={"child_id": child.pk}))

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.VIEW, object_type="child")
    assert (event.username, event.object_id, event.detail) == (
        "lm_a",
        str(child.pk),
        {"la_child_id": "LEAK-A-0001", "break_glass": False},
    )


def test_not_yours_and_not_there_look_the_same(world: World) -> None:
    client = world.client_for("worker_a")
    missing = client.get(reverse("case", kwargs={"child_id": 999_999}))
    not_yours = client.get(reverse("case", kwargs={"child_id": world.children["A2"].pk}))

    assert missing.status_code == not_yours.status_code == 404
    assert missing.templates[0].name == not_yours.templates[0].name == "404.html"


def test_it_offers_no_way_to_change_anything(world: World) -> None:
    """Read-only: a safeguarding or locality manager's "read-only case detail"."""
    html = (
        world.client_for("lm_a")
        .get(reverse("case", kwargs={"child_id": world.children["A1"].pk}))
        .content.decode()
    )

    forms = re.findall(r"<form [^>]*>", html)
    assert forms == [
        '<form method="post" action="/sign-out/" class="app-header__sign-out">',
        '<form method="post" action="/session/keep-alive/" class="app-idle-warning__form">',
    ]

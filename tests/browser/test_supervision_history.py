"""The supervision history pages in a real browser: axe-core on each (no serious or critical
WCAG 2.2 AA violation), and the month grid read the way a screen reader reads it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from oversight.accounts.roles import AccessRole
from oversight.people.models import Worker
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, WorkerFactory, make_user
from tests.supervision.history_scenes import AS_AT, D, DutyTeam, build_duty_team, held

pytestmark = pytest.mark.browser


@pytest.fixture
def duty_team(transactional_db: None) -> DutyTeam:
    scene = build_duty_team()
    # An ASYE in post since Wednesday 10 January 2024, so a page has a timeline: seen weekly to
    # 7 Feb, then not until 13 Mar (due 14 Feb): January met, February and March missed.
    nia = WorkerFactory(
        name="Nia Newly",
        team=scene.team,
        qualification_date=D(2023, 12, 1),
        start_date=D(2024, 1, 10),
        supervisor=scene.lena,
    )
    for day in (D(2024, 1, 17), D(2024, 1, 24), D(2024, 1, 31), D(2024, 2, 7), D(2024, 3, 13)):
        held(nia, day, supervisor=scene.lena)
    make_user("nia", AccessRole.WORKER, nia)
    return scene


PAGES = [
    ("asha", "/my/supervision/?as_at=" + AS_AT.isoformat()),
    ("asha", "/my/supervision/?as_at=not-a-date"),
    ("nia", "/my/supervision/?as_at=" + AS_AT.isoformat()),
    ("lm", "/workers/{bilal}/supervision/?as_at=" + AS_AT.isoformat()),
    ("lm", "/teams/{team}/supervision/?as_at=" + AS_AT.isoformat()),
    ("io", "/teams/{team}/supervision/?as_at=" + AS_AT.isoformat()),
]


@pytest.mark.parametrize(("username", "path"), PAGES)
def test_supervision_pages_are_accessible(
    page: Page, live_server: Any, duty_team: DutyTeam, username: str, path: str
) -> None:
    sign_in(page, live_server, username, TEST_PASSWORD)
    page.goto(live_server.url + path.format(team=duty_team.team.id, bilal=duty_team.bilal.id))
    expect(page.locator("h1")).not_to_have_text("Page not found")
    assert_accessible(page)


def _grid_row(page: Page, name: str) -> list[str]:
    """A row of the month grid as a screen reader announces its cells (accessible names)."""
    grid = page.get_by_role("table", name=re.compile("met or missed in each calendar month"))
    row = grid.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name, exact=True))
    cells = row.get_by_role("cell")
    return [
        " ".join(cells.nth(k).evaluate("cell => cell.innerText").split())
        for k in range(cells.count())
    ]


def test_month_grid_reads_as_words(page: Page, live_server: Any, duty_team: DutyTeam) -> None:
    """Each month says Met, Missed or Not in post in words; the team row gives the rate."""
    sign_in(page, live_server, "lm", TEST_PASSWORD)
    page.goto(f"{live_server.url}/teams/{duty_team.team.id}/supervision/?as_at={AS_AT}")
    out = "– Not in post"
    assert _grid_row(page, "Bilal Newstart") == [
        *[out] * 7,
        "Met",
        "Met",
        "Missed",
        "Met",
        "Missed",
    ]
    assert _grid_row(page, "Nia Newly (ASYE)")[9:] == ["Met", "Missed", "Missed"]
    grid = page.get_by_test_id("month-grid")
    expect(grid.get_by_role("columnheader", name="Jan 2024")).to_have_count(1)
    expect(page.get_by_test_id("month-rates").locator("td").last).to_have_text(
        re.compile(r"^\s*33\.3%")
    )


def test_month_grid_fits_the_page(page: Page, live_server: Any, duty_team: DutyTeam) -> None:
    """On a desktop screen the twelve months fit beside the names, without sideways scrolling."""
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, "lm", TEST_PASSWORD)
    page.goto(f"{live_server.url}/teams/{duty_team.team.id}/supervision/?as_at={AS_AT}")
    grid = page.get_by_test_id("month-grid").bounding_box()
    main = page.locator("main").bounding_box()
    assert grid is not None
    assert main is not None
    assert grid["x"] + grid["width"] <= main["x"] + main["width"] + 1


def test_worker_reaches_my_supervision_from_the_menu(
    page: Page, live_server: Any, duty_team: DutyTeam
) -> None:
    sign_in(page, live_server, "asha", TEST_PASSWORD)
    page.get_by_role("link", name="My supervision").click()
    expect(page.locator("h1")).to_have_text("My supervision")
    assert Worker.objects.get(name="Asha Steady").user is not None

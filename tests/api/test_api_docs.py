"""The API guide keeps up with the API: every endpoint and every API setting is in docs/api.md,
and the feed's lists are the ones the feed reads."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import Client

from oversight.api.feed import FEED_TABLES, Feed

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
ADMIN_GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "admin-guide.md").read_text()


def _any_id(label: str) -> str:
    """`/teams/{team_id}/caseload` and the guide's `/teams/{team_id}/caseload` or `{id}` alike."""
    return re.sub(r"\{[^}]+\}", "{id}", label)


def test_every_endpoint_is_in_the_guide(client: Client) -> None:
    paths = client.get("/api/schema/").json()["paths"]
    described = {
        _any_id(f"{method.upper()} {path}")
        for path, operations in paths.items()
        for method in operations
    }
    guide = {_any_id(label) for label in re.findall(r"`((?:GET|POST) /api/v1/[^`?]*)`", GUIDE)}

    assert sorted(described - guide) == []


def test_every_api_setting_is_in_both_guides() -> None:
    names = [name for name in dir(settings) if name.startswith("OVERSIGHT_API_")]

    assert names == [
        "OVERSIGHT_API_MAX_BODY_MB",
        "OVERSIGHT_API_REQUESTS_PER_MINUTE",
        "OVERSIGHT_API_TOKEN_MAX_DAYS",
    ]
    assert [n for n in names if f"`{n}`" not in GUIDE or f"`{n}`" not in ADMIN_GUIDE] == []


def test_the_guides_feed_table_lists_each_list_and_its_fields() -> None:
    for table in FEED_TABLES:
        row = next(line for line in GUIDE.splitlines() if line.startswith(f"| `{table}` |"))
        fields = Feed.model_fields[table].annotation.__args__[0].model_fields  # type: ignore[union-attr]
        assert [f for f in fields if f"`{f}`" not in row] == [], table

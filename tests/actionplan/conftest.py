"""The hand-built plan (plan_scene.py) for the plan's page, export and import tests, measured
on the scene's date, with evidence documents kept in a temporary folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from oversight.actionplan import action_views
from tests.actionplan.plan_scene import PlanScene, build_plan
from tests.conftest import AS_AT, Scene


@pytest.fixture
def plan(three_worker_team: Scene) -> PlanScene:
    return build_plan(three_worker_team)


@pytest.fixture(autouse=True)
def _today_is_as_at(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> None:
    monkeypatch.setattr(action_views, "today", lambda: AS_AT)
    settings.MEDIA_ROOT = tmp_path / "media"

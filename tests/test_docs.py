"""Docs and code as one discipline: a setting the administrator's guide does not describe fails."""

from __future__ import annotations

from pathlib import Path

from oversight.engine.policy import Policy
from oversight.policy.settings_form import settings_of

ROOT = Path(__file__).resolve().parent.parent


def test_every_policy_setting_is_documented() -> None:
    guide = (ROOT / "docs" / "admin-guide.md").read_text()
    weights = "`caseload.complexity_weights.1` … `.4`"
    missing = [
        s.path
        for s in settings_of(Policy())
        if f"`{s.path}`" not in guide
        and not (s.path.startswith("caseload.complexity_weights.") and weights in guide)
    ]
    assert missing == []


def test_readme_gives_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme
    assert "make test" in readme

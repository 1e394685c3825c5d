"""Accessibility checks with axe-core, the engine behind most accessibility audits.

axe comes from node_modules (installed by `npm ci`, the same lock file as the front-end build),
never from a CDN. It is injected through Playwright's DevTools channel, which the page's
Content-Security-Policy does not govern, so the policy stays on while we test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.2 AA (axe tags each rule with the level that first required it) plus axe's best practice.
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Moderate and minor findings are for review; these two levels fail the build.
FAILING_IMPACTS = {"serious", "critical"}


def assert_accessible(page: Page) -> None:
    """Fail, listing each serious or critical axe violation on the page as it is now."""
    if not AXE_SOURCE.exists():
        pytest.fail(
            f"axe-core is not installed ({AXE_SOURCE} is missing): run `npm ci` in {REPO_ROOT}",
            pytrace=False,
        )
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    results = page.evaluate("options => window.axe.run(document, options)", {"runOnly": RULE_TAGS})
    failures = [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
    if failures:
        lines = [f"{len(failures)} serious or critical accessibility violation(s) on {page.url}:"]
        for violation in failures:
            targets = ", ".join(
                " ".join(map(str, node["target"])) for node in violation["nodes"][:3]
            )
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']} [{targets}]"
            )
        pytest.fail("\n".join(lines), pytrace=False)

"""The vocabulary of the route matrix (test_route_matrix.py): what a persona gets from a route
(`Outcome`), one request and everyone's outcome (`Check`), and the helpers that keep each line
of the table short (`only`, `everyone`, `shows`, `download`, `goes_to`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from tests.security.personas import ANONYMOUS, PERSONAS, World

# --- What a persona gets -------------------------------------------------------------------------

TEAM_B_CHILD = "LEAK-B-"  # distinctive: never in a CSRF token or an id
TEAM_A_CHILD = "LEAK-A-"


@dataclass(frozen=True)
class Outcome:
    status: int
    text: str = ""  # appears in the body (HTML, JSON or CSV)
    file: str = ""  # appears in the download's file name
    location: str | Callable[[World], str] = ""  # a redirect's target starts with this
    hides: str = ""  # never appears in the body (long, distinctive strings only)

    def problems(self, response: Any, world: World) -> list[str]:
        found = []
        if response.status_code != self.status:
            return [f"status {response.status_code}, expected {self.status}"]
        body = _body(response) if self.text or self.hides else ""
        if self.text and self.text not in body:
            found.append(f"{self.text!r} is not on the page")
        if self.hides and self.hides in body:
            found.append(f"{self.hides!r} is on the page")
        if self.file and self.file not in response.get("Content-Disposition", ""):
            found.append(f"download named {response.get('Content-Disposition')!r}")
        target = self.location(world) if callable(self.location) else self.location
        if target and not response.get("Location", "").startswith(target):
            found.append(f"went to {response.get('Location')!r}, expected {target!r}")
        return found


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return str(response.content.decode(errors="replace"))


def shows(text: str, *, hides: str = "") -> Outcome:
    return Outcome(200, text=text, hides=hides)


def download(name: str) -> Outcome:
    return Outcome(200, file=name)


def goes_to(location: str | Callable[[World], str]) -> Outcome:
    return Outcome(302, location=location)


NOT_FOUND = Outcome(404)
NOT_ALLOWED = Outcome(405)
TO_SIGN_IN = Outcome(302, location="/sign-in/?next=")


def only(
    outcome: Outcome,
    *personas: str,
    others: Outcome = NOT_FOUND,
    anonymous: Outcome = TO_SIGN_IN,
    **exceptions: Outcome,
) -> dict[str, Outcome]:
    """`outcome` for the personas named, `exceptions` by name, `others` for everyone else."""
    expected = {ANONYMOUS: anonymous}
    expected.update({p: outcome if p in personas else others for p in PERSONAS})
    expected.update(exceptions)
    return expected


def everyone(outcome: Outcome, *, anonymous: Outcome = TO_SIGN_IN) -> dict[str, Outcome]:
    return only(outcome, *PERSONAS, anonymous=anonymous)


def post_only(*, anonymous: Outcome = TO_SIGN_IN) -> dict[str, Outcome]:
    return everyone(NOT_ALLOWED, anonymous=anonymous)


@dataclass(frozen=True)
class Check:
    kwargs: Callable[[World], dict[str, Any]]
    expect: dict[str, Outcome]
    query: str = ""

    def url(self, name: str, world: World) -> str:
        path = reverse(name, kwargs=self.kwargs(world))
        return f"{path}?{self.query}" if self.query else path


@dataclass(frozen=True)
class Route:
    checks: tuple[Check, ...]
    post_as: str = ""  # a persona who may POST here: the CSRF tests use them
    post_only: bool = False
    post_data: dict[str, str] = field(default_factory=dict)


def route(*checks: Check, post_as: str = "", post_data: dict[str, str] | None = None) -> Route:
    only_post = all(
        outcome == NOT_ALLOWED for c in checks for p, outcome in c.expect.items() if p != ANONYMOUS
    )
    return Route(checks, post_as, only_post, post_data or {})


def none(world: World) -> dict[str, Any]:
    return {}

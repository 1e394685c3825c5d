"""`oversight allocation queue|recommend|allocate …` — the allocation meeting from the command
line, acting as a named user so every scope, rule and audit entry is the web's.

  oversight allocation queue --team "Referral and Assessment" --as tess [--optimise] [--format json]
  oversight allocation recommend CHILD --as tess [--format json]
  oversight allocation allocate CHILD WORKER --as tess [--rationale TEXT] [--override-reason TEXT]

CHILD is the LA child ID; WORKER a worker's name or id.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from oversight.allocation.actions import Decision, DecisionRefused, allocate_case
from oversight.allocation.meeting import TeamMeeting, compare, team_meeting
from oversight.allocation.outputs import comparison_json, recommendation_json
from oversight.cases.queries import cases_visible_to
from oversight.engine.allocation.scoring import Recommendation
from oversight.people.queries import get_team_for_user, teams_visible_to, workers_visible_to


class Command(BaseCommand):
    help = "The allocation meeting: the queue, recommendations, and recording a decision."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("verb", choices=["queue", "recommend", "allocate"])
        parser.add_argument("child", nargs="?", help="LA child ID (recommend, allocate)")
        parser.add_argument("worker", nargs="?", help="Worker name or id (allocate)")
        parser.add_argument("--as", dest="username", required=True, help="Act as this user")
        parser.add_argument("--team", help="Team name (queue)")
        parser.add_argument("--optimise", action="store_true", help="Add the whole meeting")
        parser.add_argument("--rationale", default="")
        parser.add_argument("--override-reason", default="")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["username"])
        if options["verb"] == "queue":
            self._queue(user, options)
            return
        if not options["child"]:
            raise CommandError("give the LA child ID")
        child = cases_visible_to(user).filter(la_child_id=options["child"]).first()
        if child is None or child.responsible_team_id is None:
            raise CommandError(f"{options['child']}: no such case in your scope")
        gathered = self._meeting(user, child.responsible_team_id)
        if all(c.child_id != child.id for c in gathered.meeting.cases):
            raise CommandError(f"{child.la_child_id} is not waiting for allocation")
        recommendation = gathered.recommendation(child.id)
        if options["verb"] == "recommend":
            self._print_recommendation(recommendation, options["format"])
            return
        worker = self._worker(user, options["worker"])
        decision = Decision(
            child, worker, timezone.localdate(), options["rationale"], options["override_reason"]
        )
        try:
            allocate_case(user, decision, recommendation)
        except DecisionRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"{child.la_child_id} allocated to {worker.name}")

    def _user(self, username: str) -> User:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"{username}: no such active user")
        return user

    def _meeting(self, user: User, team_id: int) -> TeamMeeting:
        try:
            team = get_team_for_user(user, team_id)
        except Http404:
            raise CommandError("that team is not in your scope") from None
        return team_meeting(user, team, as_at=timezone.localdate())

    def _worker(self, user: User, text: str | None) -> Any:
        if not text:
            raise CommandError("give the worker's name or id")
        visible = workers_visible_to(user)
        found = visible.filter(id=int(text)) if text.isdigit() else visible.filter(name=text)
        if found.count() != 1:
            raise CommandError(f"{text}: no single worker by that name or id in your scope")
        return found.get()

    def _queue(self, user: User, options: dict[str, Any]) -> None:
        team = teams_visible_to(user).filter(name=options["team"] or "").first()
        if team is None:
            raise CommandError("give --team NAME, a team in your scope")
        gathered = self._meeting(user, team.id)
        cases = gathered.meeting.cases
        comparison = compare(gathered.meeting) if options["optimise"] else None
        names = {c.worker_id: c.name for c in gathered.meeting.candidates}
        rows = []
        for case in cases:
            top = gathered.recommendation(case.child_id).top
            proposed = comparison.optimised.assignments[case.child_id] if comparison else None
            rows.append(
                {
                    "child": case.la_child_id,
                    "level": case.level,
                    "child_protection": case.child_protection,
                    "waiting_since": case.waiting_since.isoformat(),
                    "top_recommendation": top.candidate.name if top else None,
                    "score": round(top.total, 2) if top else None,
                    "whole_meeting": names.get(proposed or 0) if comparison else None,
                }
            )
        if options["format"] == "json":
            document: dict[str, Any] = {"team": team.name, "queue": rows}
            if comparison:
                document["comparison"] = comparison_json(comparison)
            self.stdout.write(json.dumps(document, indent=2))
            return
        for row in rows:
            cp = " CP" if row["child_protection"] else ""
            meeting = f" | whole meeting: {row['whole_meeting'] or 'waits'}" if comparison else ""
            self.stdout.write(
                f"{row['child']:<14} level {row['level']}{cp:<3} since {row['waiting_since']} "
                f"→ {row['top_recommendation'] or 'no eligible worker'} ({row['score']}){meeting}"
            )

    def _print_recommendation(self, recommendation: Recommendation, form: str) -> None:
        document = recommendation_json(recommendation)
        if form == "json":
            self.stdout.write(json.dumps(document, indent=2, default=str))
            return
        for row in document["ranked"]:
            parts = ", ".join(f"{k} {v}" for k, v in row["parts"].items())
            self.stdout.write(f"{row['worker']}: {row['score']} ({parts})")
        for row in document["excluded"]:
            self.stdout.write(f"not recommended — {row['worker']}: {'; '.join(row['reasons'])}")

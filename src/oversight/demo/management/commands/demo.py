"""`oversight demo`: (re)load the deterministic demo council and print one login per role."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.demo.loader import load_demo


class Command(BaseCommand):
    help = "Replace the demo council(s) with freshly generated ones and print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="Number of councils (benchmarks)")
        parser.add_argument(
            "--seed", type=int, default=2010, help="Random seed (same seed, same data)"
        )
        parser.add_argument(
            "--as-at",
            type=dt.date.fromisoformat,
            default=None,
            help="Last day of the two years of activity (default: today)",
        )
        parser.add_argument(
            "--force", action="store_true", help="Allow loading into a production database"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["force"]:
            raise CommandError("Refusing to load demo data into production (use --force).")
        if options["scale"] < 1:
            raise CommandError("--scale must be 1 or more.")
        as_at = options["as_at"] or timezone.localdate()
        started = time.perf_counter()
        summary = load_demo(as_at=as_at, scale=options["scale"], seed=options["seed"])
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Loaded {options['scale']} demo council(s) up to {as_at:%d %B %Y} in {seconds:.1f} s."
        )
        for model, count in summary.counts.items():
            self.stdout.write(f"  {model:<28} {count:>8,}")
        self.stdout.write("\nSign in at http://127.0.0.1:8000/ as any of:")
        width = max(len(role) for role, _, _ in summary.logins)
        for role, username, password in summary.logins:
            self.stdout.write(f"  {role:<{width}}  {username:<12} password: {password}")

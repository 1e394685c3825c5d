"""`oversight alerts send [--date YYYY-MM-DD] [--dry-run]`: email each user whose digest is
due today. Run it once a day from cron or a systemd timer (docs/alerts.md); running it again the
same day sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.alerts.sending import Outcome, send_due_digests


class Command(BaseCommand):
    help = "Send the email alerts digests due today."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("verb", choices=["send"])
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            default=None,
            help="The day to send for, YYYY-MM-DD (default: today)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Work out each digest and say what would be sent; send and record nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["date"] or timezone.localdate()
        results = send_due_digests(today=today, dry_run=options["dry_run"])
        width = max((len(r.username) for r in results), default=0)
        for result in results:
            line = f"{result.username:<{width}}  {result.outcome}"
            if result.digest is not None and not result.digest.is_empty:
                line += f": {result.digest.headline}"
            self.stdout.write(line)
        counts = Counter(result.outcome for result in results)
        sent = counts[Outcome.WOULD_SEND] if options["dry_run"] else counts[Outcome.SENT]
        verb = "would be sent" if options["dry_run"] else "sent"
        self.stdout.write(f"{today:%A} {today.day} {today:%B %Y}: {sent} digest(s) {verb}.")
        if counts[Outcome.FAILED]:
            # A non-zero exit, so cron or the systemd timer tells someone.
            raise CommandError(f"{counts[Outcome.FAILED]} digest(s) could not be sent.")

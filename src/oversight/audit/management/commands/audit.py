"""`oversight audit verify`: check the audit trail's hash chain from the first event to the last.

Prints each break (an event whose content was changed, a missing event, one out of place) and
exits with status 1 if there is any, so a scheduled check alerts someone.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from oversight.audit.chain import verify
from oversight.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("verb", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        breaks = list(verify())
        total = AuditEvent.objects.count()
        for found in breaks:
            where = f"event {found.sequence}" if found.sequence else f"event id {found.event_id}"
            self.stdout.write(f"BROKEN at {where}: {found.reason}")
        if breaks:
            self.stdout.write(f"The audit trail has {len(breaks)} breaks in {total} events.")
            sys.exit(1)
        self.stdout.write(f"The audit trail's {total} events are intact.")

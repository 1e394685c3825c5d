"""The audit trail's hash chain: each event's hash covers its content and the hash before it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from oversight.audit.models import AuditEvent, ChainHead

GENESIS = "0" * 64


def content(event: AuditEvent) -> dict[str, Any]:
    """What the hash covers: everything recorded but the user link (kept as the username, since
    a deleted user's link is set to null)."""
    return {
        "at": event.at.isoformat(),
        "username": event.username,
        "kind": event.kind,
        "what": event.what,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "detail": event.detail,
        "ip_address": event.ip_address,
    }


def digest(sequence: int, previous: str, event: AuditEvent) -> str:
    text = json.dumps(content(event), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{sequence}|{previous}|{text}".encode()).hexdigest()


def link(event: AuditEvent) -> None:
    """Give an unsaved event its place in the chain. Call inside a transaction: the head row is
    locked until it commits (SQLite's write transactions are serialised anyway)."""
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    event.sequence = head.sequence + 1
    event.previous_hash = head.hash
    event.hash = digest(event.sequence, head.hash, event)
    head.sequence, head.hash = event.sequence, event.hash
    head.save(update_fields=["sequence", "hash"])


@dataclass(frozen=True)
class Break:
    sequence: int | None
    event_id: int | None
    reason: str


def verify(batch: int = 5000) -> Iterator[Break]:
    """Every break in the chain, in order: content changed, a link missing or out of place."""
    expected_sequence, previous = 1, GENESIS
    unchained = AuditEvent.objects.filter(sequence__isnull=True).values_list("id", flat=True)
    for event_id in unchained[:100]:
        yield Break(None, event_id, "an event outside the chain (inserted directly?)")
    events = AuditEvent.objects.filter(sequence__isnull=False).order_by("sequence")
    for event in events.iterator(chunk_size=batch):
        sequence = event.sequence or 0  # never null here: filtered above
        if sequence != expected_sequence:
            missing = f"events {expected_sequence} to {sequence - 1} are missing (deleted?)"
            yield Break(sequence, event.pk, missing)
        if event.previous_hash != previous:
            yield Break(sequence, event.pk, "does not follow the event before it")
        if digest(sequence, event.previous_hash, event) != event.hash:
            yield Break(sequence, event.pk, "its content was changed after it was written")
        expected_sequence, previous = sequence + 1, event.hash
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence, head.hash) != (expected_sequence - 1, previous):
        yield Break(head.sequence, None, "the last events of the chain are missing (deleted?)")

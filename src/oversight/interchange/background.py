"""Running an uploaded file's import away from the web request, with progress on the page.

A thread in the web process is enough for a council's imports (a few a day, each under a
minute); the run's status and rows read are kept in the database, so the page can show them
and a restart leaves a clear record. A run that was waiting or running when the process stopped
is shown as interrupted (see ImportRun.interrupted). Tests run imports synchronously.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction

from oversight.interchange.actions import execute
from oversight.interchange.models import ImportRun

log = logging.getLogger(__name__)
PROGRESS_EVERY = 5000


def start(run: ImportRun, path: Path) -> None:
    """Import `path` for `run`, in the background when the settings say so."""
    if settings.OVERSIGHT_IMPORTS_IN_BACKGROUND:
        transaction.on_commit(lambda: _thread(run.pk, path).start())
    else:
        _run(run.pk, path)


def _thread(run_id: int, path: Path) -> threading.Thread:
    return threading.Thread(target=_run_closing, args=(run_id, path), daemon=True)


def _run_closing(run_id: int, path: Path) -> None:
    try:
        _run(run_id, path)
    except Exception:  # the run must never stay "running" silently
        log.exception("import %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.REFUSED)
    finally:
        close_old_connections()


def _run(run_id: int, path: Path) -> None:
    run = ImportRun.objects.select_related("local_authority", "user").get(pk=run_id)

    def progress(rows: int, total: int | None = None) -> None:
        ImportRun.objects.filter(pk=run_id).update(rows_read=rows)

    report = execute(run, path, progress)
    # The upload is kept only while it may still be imported: after a clean dry run.
    if report.committed or report.errors:
        path.unlink(missing_ok=True)

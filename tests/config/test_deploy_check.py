"""Production settings pass Django's deployment checklist, and refuse to start without a key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path


def _oversight(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never would.
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "oversight.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    result = _oversight(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        OVERSIGHT_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="oversight.example.gov.uk",
        OVERSIGHT_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _oversight(
        "check", OVERSIGHT_ENV="production", SECRET_KEY="", OVERSIGHT_VAR_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY in production." in result.stderr

"""The `oversight` command: Django's management commands plus Oversight's own.

oversight demo [--scale N]     load the demo council and print a login per role
oversight migrate              set up or upgrade the database
oversight runserver            serve on http://127.0.0.1:8000
oversight help                 every command
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["oversight", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()

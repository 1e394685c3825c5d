"""The access-test council (personas.py) for every test in this folder."""

from tests.security.personas import world  # noqa: F401

"""The end-to-end fixtures (cloud on a real broker and database) for the installer's tests."""

from tests.e2e.conftest import cloud, database  # noqa: F401  (fixtures, used by name)

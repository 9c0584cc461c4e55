"""The end-to-end fixtures (a cloud stack on a real broker and database, simulated boards) for
the attacks that go over the wire."""
from tests.e2e.conftest import cloud, database, provision  # noqa: F401  (pytest fixtures)

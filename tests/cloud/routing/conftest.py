"""The shared benchmark instances (../shared/routing/instances), found as the benchmark finds
them; tests that need them skip where the folder is absent."""

from pathlib import Path

import pytest

from benchmarks.routing import default_dir


@pytest.fixture(scope="session")
def instances_dir() -> Path:
    folder = default_dir()
    if not (folder / "README.md").is_file():
        pytest.skip(f"no benchmark instances at {folder}")
    return folder

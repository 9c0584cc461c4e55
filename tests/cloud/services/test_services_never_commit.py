"""Services flush but never commit: the outer layer (a route's session, cloud/db.py's
transaction, cloud/web/password_checks.py) owns the transaction, and commits a refusal's record."""

import ast
from pathlib import Path

import pytest

CLOUD = Path(__file__).resolve().parents[3] / "cloud"
SERVICES = sorted(p for d in ("services", "board_events") for p in (CLOUD / d).rglob("*.py"))


def _commits(path: Path) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]


def test_the_services_are_found():
    assert any(p.name == "parcels.py" for p in SERVICES)


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: str(p.relative_to(CLOUD)))
def test_no_service_commits(path):
    assert _commits(path) == []

"""The shape rules that keep access decisions in one place, checked on the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "vigil"
# Read surfaces: they may only get records from selectors, which apply the sharing policy.
# The products app renders documents from selectors; only its selectors and services (and
# the plumbing: models, admin, migrations, commands, tasks) may reach a model manager.
_PRODUCT_PLUMBING = {"selectors.py", "services.py", "models.py", "admin.py", "tasks.py"}
SURFACES = sorted(
    [*SRC.glob("*/api.py"), *SRC.glob("*/views.py"), *SRC.glob("*/exports.py"),
     *(p for p in SRC.glob("reports/*.py") if p.name not in _PRODUCT_PLUMBING)]
)  # fmt: skip


def manager_accesses(path: Path) -> list[str]:
    """`Something.objects` attribute accesses in a module, as 'line: Name.objects'."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager")
    ]


def test_there_are_surfaces_to_check() -> None:
    names = {p.relative_to(SRC).as_posix() for p in SURFACES}
    assert {"events/api.py", "events/exports.py", "geo/api.py", "web/views.py"} <= names


@pytest.mark.parametrize("path", SURFACES, ids=lambda p: p.relative_to(SRC).as_posix())
def test_read_surfaces_never_touch_a_model_manager(path: Path) -> None:
    assert manager_accesses(path) == []


def test_the_checker_sees_a_manager_access(tmp_path: Path) -> None:
    module = tmp_path / "views.py"
    module.write_text("from x import Event\n\ndef v():\n    return Event.objects.all()\n")
    assert manager_accesses(module) == ["4: Event.objects"]

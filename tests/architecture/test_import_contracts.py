"""The import-linter contracts in pyproject.toml hold (analytics stays framework-free)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept() -> None:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert command, "import-linter is a dev dependency; run `make setup`"
    result = subprocess.run(
        [command], cwd=ROOT, capture_output=True, text=True, env={"PYTHONPATH": "src"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout

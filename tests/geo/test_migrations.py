"""`vigil migrate` alone leaves a usable store: the reference geography comes with the schema.

Run as an operator would on a new deployment: two commands in fresh processes against an
empty database (a new PostgreSQL database on the PostgreSQL pass, a new SQLite file on the
SQLite pass), then the real Mexico GED file is imported without a single refused row.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection

VIGIL = str(Path(sys.executable).with_name("vigil"))


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL for a database that has never seen a migration."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    settings = connection.settings_dict
    name = f"vigil_fresh_{uuid.uuid4().hex[:12]}"
    server = (
        f"host={settings.get('HOST') or '127.0.0.1'} port={settings.get('PORT') or 5432} "
        f"user={settings.get('USER') or 'postgres'} dbname=postgres"
    )
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (
            f"postgres://{settings.get('USER') or 'postgres'}@{settings.get('HOST') or '127.0.0.1'}"
            f":{settings.get('PORT') or 5432}/{name}"
        )
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _vigil(database_url: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [VIGIL, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600
    )


def test_migrate_then_import_accepts_every_row(
    empty_database: str, shared_data: Path, tmp_path: Path
) -> None:
    migrated = _vigil(empty_database, "migrate", "--no-input", cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr

    path = shared_data / "ucdp_ged" / "ged241_mexico_1989-2023.csv.gz"
    imported = _vigil(empty_database, "import", "ucdp-ged", str(path), "--no-link", cwd=tmp_path)

    assert imported.returncode == 0, imported.stderr[-2000:]
    assert "18957 rows read, 18957 new, 0 changed, 0 unchanged, 0 rejected" in imported.stdout
    assert "covers" in imported.stdout

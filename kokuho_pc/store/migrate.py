"""Numbered schema migrations: ``kokuho_pc/store/migrations/NNNN_name.sql``.

The schema version is SQLite's ``PRAGMA user_version``: the number of the last
applied file. On open, every file with a higher number is applied in order,
each in its own transaction together with the version bump, so a failed
migration leaves the previous version intact. Files are never edited once
released; a change is a new file with the next number (see docs/contracts.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from kokuho_pc.domain.errors import StoreError

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file."""

    number: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """Every migration shipped with the product, in order; numbers must be 1..N."""
    found: list[Migration] = []
    folder = resources.files("kokuho_pc.store") / "migrations"
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.number)
    if [m.number for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError("migration numbers must be 1..N without gaps or duplicates")
    return found


def latest_version() -> int:
    """The version a store has after every shipped migration."""
    return len(available_migrations())


def apply_migrations(conn: Any, target: int | None = None) -> int:
    """Bring ``conn`` to ``target`` (default: the newest); return the resulting version.

    A store newer than this program is refused rather than touched.
    """
    migrations = available_migrations()
    goal = len(migrations) if target is None else target
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if current > len(migrations):
        raise StoreError(
            "端末のデータベースがこのプログラムより新しい版で作成されています。",
            "最新版のプログラムを使用してください。",
        )
    for migration in migrations:
        if current < migration.number <= goal:
            _apply_one(conn, migration)
            current = migration.number
    return current


def _apply_one(conn: Any, migration: Migration) -> None:
    statements = _split(migration.sql)
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in statements:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {migration.number:d}")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _split(sql: str) -> list[str]:
    """Split a migration into statements (triggers' inner ``;`` kept together)."""
    import sqlcipher3

    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlcipher3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise RuntimeError("migration ends with an incomplete statement")
    return statements

"""Fixtures of the transfer tests: a real encrypted store, an operation-log recorder."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kokuho_pc.store.database import Database
from kokuho_pc.transfer.records import TransferRecords


@dataclass
class RecordedLog:
    """Collects operation-log records (stands in until the audit wiring is used)."""

    entries: list[tuple[str, str | None, str, dict[str, object]]] = field(default_factory=list)

    def record(
        self, action: str, *, actor: str | None, outcome: str, details: Mapping[str, object]
    ) -> None:
        self.entries.append((action, actor, outcome, dict(details)))

    def actions(self) -> list[tuple[str, str]]:
        return [(a, o) for a, _, o, _ in self.entries]


@pytest.fixture
def store_db(tmp_path: Path) -> Iterator[Database]:
    db = Database.create(tmp_path / "store.db", secrets.token_bytes(32))
    yield db
    db.close()


@pytest.fixture
def records(store_db: Database) -> TransferRecords:
    return TransferRecords(store_db)


@pytest.fixture
def oplog() -> RecordedLog:
    return RecordedLog()

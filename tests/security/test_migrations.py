"""Numbered migrations: each one applied to a store of the previous version.

For every released version N there is a committed fixture ``fixtures/store_vN.db``
made by ``make_fixture_store.py``; opening it with the current program must
upgrade it to the newest version and keep its rows and its operation-log chain.
When you add migration N+1: run ``python -m tests.security.make_fixture_store N``
only if that fixture is missing, add a check for your tables to ``CHECKS``.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from kokuho_pc.audit.log import AuditLog
from kokuho_pc.auth.accounts import AccountRepository
from kokuho_pc.domain.errors import StoreError
from kokuho_pc.domain.oplog_chain import GENESIS_HASH
from kokuho_pc.store.database import Database
from kokuho_pc.store.migrate import available_migrations, latest_version
from kokuho_pc.store.policy import PolicyStore
from kokuho_pc.transfer.records import TransferRecords
from tests.security.make_fixture_store import (
    FIXTURE_KEY,
    FIXTURE_MEDIUM,
    FIXTURES,
    build,
    fixture_path,
)


def _check_v1(db: Database) -> None:
    account = AccountRepository(db).get("fixture.admin")
    assert account is not None and account.name == "試験 管理者"
    assert PolicyStore(db).get("idle_timeout_seconds") == 120
    actions = [r[0] for r in db.query("SELECT action FROM audit_log ORDER BY seq")]
    assert actions == ["store.init", "login.success", "send"]
    if db.schema_version < latest_version():
        return  # today's AuditLog needs the newest schema (its hash columns)
    log = AuditLog(db, terminal="fixture-pc")
    assert log.verify().ok
    assert [r.action for r in log.records()] == ["store.init", "login.success", "send"]
    # migration 5: records written before the hash chain got their hashes, chained
    records = log.records()
    assert records[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))
    assert log.tip().hash == records[-1].hash


def _reads_only() -> datetime:
    raise AssertionError("reading the transfer tables must not need the clock")


def _check_v2(db: Database) -> None:
    records = TransferRecords(db, _reads_only)
    medium = records.get_medium(FIXTURE_MEDIUM)
    assert medium is not None and medium.allowed_staff == ("fixture.admin",)
    (job,) = records.jobs("send")
    assert job.state == "done" and job.result == {"status": "accepted"}
    assert records.job_files(job.job_id)[0].size == 1300
    assert records.export_state("delivery-fixture") == "acknowledged"


# After upgrading a store that was at version N, CHECKS[n] (n <= N) still hold.
CHECKS: dict[int, Callable[[Database], None]] = {1: _check_v1, 2: _check_v2}


def test_operation_log_queries_use_their_indexes(tmp_path: Path) -> None:
    """Forwarding and the viewer's filters read through indexes, not the whole log."""
    db = Database(tmp_path / "s.db", FIXTURE_KEY)
    try:
        def plan(sql: str) -> str:
            return " ".join(str(r[3]) for r in db.query("EXPLAIN QUERY PLAN " + sql))

        base = "SELECT seq FROM audit_log WHERE seq > 0 AND "
        assert "audit_log_unforwarded" in plan(
            base + "forwarded_ack IS NULL ORDER BY seq LIMIT 1")
        assert "audit_log_staff_time" in plan(
            base + "staff_id = 'a' AND time >= '2026-11-01' AND time < '2026-11-08' "
            "ORDER BY seq DESC LIMIT 2000")
        assert "audit_log_result_seq" in plan(
            base + "result = 'failure' ORDER BY seq DESC LIMIT 2000")
        assert "audit_log_action_time" in plan(
            base + "action = 'send' ORDER BY seq DESC LIMIT 2000")
    finally:
        db.close()


def test_migration_files_are_numbered_without_gaps() -> None:
    migrations = available_migrations()
    assert [m.number for m in migrations] == list(range(1, len(migrations) + 1))
    assert migrations[0].name == "0001_initial.sql"


@pytest.mark.parametrize("number", [m.number for m in available_migrations()])
def test_each_migration_from_the_previous_version(tmp_path: Path, number: int) -> None:
    path = tmp_path / "s.db"
    if number == 1:
        Database(path, FIXTURE_KEY, target_version=0).close()
    else:
        fixture = fixture_path(number - 1)
        if fixture.exists():
            shutil.copyfile(fixture, path)
        else:
            build(number - 1, path)
    previous = Database(path, FIXTURE_KEY, target_version=number - 1)
    assert previous.schema_version == number - 1
    previous.close()
    upgraded = Database(path, FIXTURE_KEY, target_version=number)
    try:
        assert upgraded.schema_version == number
        assert upgraded.query_one("PRAGMA integrity_check") == ("ok",)
        for version, check in CHECKS.items():
            if 1 <= version <= number - 1:
                check(upgraded)
    finally:
        upgraded.close()


_COMMITTED = sorted(int(p.stem[len("store_v"):]) for p in FIXTURES.glob("store_v*.db"))


def test_fixture_of_version_1_is_committed() -> None:
    assert 1 in _COMMITTED


@pytest.mark.parametrize("version", _COMMITTED)
def test_committed_fixtures_open_with_the_current_program(tmp_path: Path, version: int) -> None:
    fixture = fixture_path(version)
    path = tmp_path / "old.db"
    shutil.copyfile(fixture, path)
    assert not path.read_bytes().startswith(b"SQLite format 3")
    db = Database.open(path, FIXTURE_KEY)
    try:
        assert db.schema_version == latest_version()
        for check_version, check in CHECKS.items():
            if check_version <= version:
                check(db)
    finally:
        db.close()


def test_store_newer_than_the_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    db = Database(path, FIXTURE_KEY)
    db.raw_connection().execute(f"PRAGMA user_version = {latest_version() + 1}")
    db.close()
    with pytest.raises(StoreError):
        Database.open(path, FIXTURE_KEY)


def test_failed_migration_leaves_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kokuho_pc.store import migrate

    real = migrate.available_migrations()
    broken = [*real, migrate.Migration(len(real) + 1, "broken.sql",
                                       "CREATE TABLE x (a);\nINSERT INTO nope VALUES (1);\n")]
    path = tmp_path / "s.db"
    Database(path, FIXTURE_KEY).close()
    monkeypatch.setattr(migrate, "available_migrations", lambda: broken)
    with pytest.raises(StoreError, match="元の状態のまま") as info:
        Database.open(path, FIXTURE_KEY)
    assert "nope" in str(info.value.__cause__)
    monkeypatch.undo()
    db = Database.open(path, FIXTURE_KEY)
    try:
        assert db.schema_version == len(real)
        assert db.query_one("SELECT name FROM sqlite_master WHERE name = 'x'") is None
    finally:
        db.close()

"""The simulator's storage: SQLite settings, migrations, HMAC key, atomicity, no 個人番号."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from kokuho_pc.domain.leakscan import contains_my_number, find_my_numbers_in_bytes
from shuyaku_sim import ingest
from shuyaku_sim.errors import StorageFailure
from shuyaku_sim.storage import Database
from shuyaku_sim.storage import db as dbmodule
from shuyaku_sim.storage.db import KEY_FILE, migrations
from tests.sim.enginehelp import T1, T2, make_engine, submit
from tests.sim.test_engine_categories import _family_moves
from tests.sim.towns import MITO, TSUKUBA, Town, mn


def test_new_database_is_wal_full_sync_with_foreign_keys(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "data")
    try:
        assert db.pragmas() == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
        assert db.schema_version() == migrations()[-1][0]
        assert db.migrate() == db.schema_version()  # applying again changes nothing
    finally:
        db.close()


def test_key_file_is_private_and_stable(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = Database.open(data)
    digest = first.digest(mn(1))
    first.close()
    key = data / KEY_FILE
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert len(key.read_bytes()) == 32
    again = Database.open(data)
    other = Database.open(tmp_path / "other")
    try:
        assert again.digest(mn(1)) == digest
        assert other.digest(mn(1)) != digest
        assert len(digest) == 32
    finally:
        again.close()
        other.close()


def test_broken_key_file_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / KEY_FILE).write_bytes(b"short")
    with pytest.raises(StorageFailure):
        Database.open(data)


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scripts = tmp_path / "migrations"
    scripts.mkdir()
    real = migrations()[0][1]
    (scripts / real.name).write_text(real.read_text(encoding="utf-8"), encoding="utf-8")
    (scripts / "0002_broken.sql").write_text(
        "CREATE TABLE extra (x INTEGER);\nTHIS IS NOT SQL;\n", encoding="utf-8")
    monkeypatch.setattr(dbmodule, "MIGRATIONS_DIR", scripts)
    with pytest.raises(StorageFailure):
        Database.open(tmp_path / "data")
    (scripts / "0002_broken.sql").unlink()
    db = Database.open(tmp_path / "data")
    try:
        assert db.schema_version() == 1
        with db.reading() as tx:
            tables = {r[0] for r in tx.conn.execute("SELECT name FROM sqlite_master")}
        assert "extra" not in tables
    finally:
        db.close()


def test_data_survives_reopening(tmp_path: Path) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    _family_moves(old, new)
    engine = make_engine(tmp_path / "data")
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    engine.close()
    engine = make_engine(tmp_path / "data")
    try:
        assert len(engine.list_candidates(TSUKUBA)) == 1
        assert submit(engine, new.pair(T2))["replayed"] is True
    finally:
        engine.close()


def test_failure_mid_ingest_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    _family_moves(old, new)
    engine = make_engine(tmp_path / "data")
    try:
        submit(engine, old.pair(T1))

        def explode(*args: object, **kwargs: object) -> int:
            raise RuntimeError("simulated crash")

        monkeypatch.setattr(ingest, "refresh_candidates", explode)
        with pytest.raises(RuntimeError):
            submit(engine, new.pair(T2), key="k")
        assert engine.list_deliveries(TSUKUBA) == []
        with engine.db.reading() as tx:
            assert tx.count_periods() == 2
            assert tx.find_submission(TSUKUBA, "k") is None
        monkeypatch.undo()
        assert submit(engine, new.pair(T2), key="k")["replayed"] is False
        assert len(engine.list_candidates(TSUKUBA)) == 1
    finally:
        engine.close()


def test_no_my_number_in_store_or_outputs(tmp_path: Path) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    _family_moves(old, new)
    new.household("300", nominal=60, start=T1.date().replace(day=1))
    new.person("N9", "300", 9, "03", start=T1.date().replace(day=1))
    engine = make_engine(tmp_path / "data")
    try:
        submit(engine, old.pair(T1))
        submit(engine, new.pair(T2))
        no = engine.list_candidates(TSUKUBA)[0]["candidate_no"]
        engine.record_decision(TSUKUBA, no, "continue", None, None, "t", "s")
        engine.confirm(TSUKUBA, [no], "t", "s")
        outputs = [engine.list_candidates(TSUKUBA), engine.get_candidate(TSUKUBA, no),
                   engine.list_results(TSUKUBA), engine.status(TSUKUBA),
                   engine.list_deliveries(TSUKUBA, True)]
        assert not contains_my_number(json.dumps(outputs, ensure_ascii=False))
        for muni in (MITO, TSUKUBA):
            for d in engine.list_deliveries(muni, True):
                assert find_my_numbers_in_bytes(engine.read_delivery(muni, d["name"])) == []
        for path in (tmp_path / "data").iterdir():  # database, WAL and key while open
            assert find_my_numbers_in_bytes(path.read_bytes()) == [], path.name
    finally:
        engine.close()
    for path in (tmp_path / "data").iterdir():
        assert find_my_numbers_in_bytes(path.read_bytes()) == [], path.name


def test_settings_file_in_data_dir(tmp_path: Path) -> None:
    from shuyaku_sim.errors import InvalidRequest
    from shuyaku_sim.settings import Settings

    assert Settings.load(tmp_path).head_change_within_household == "continue"
    (tmp_path / "settings.json").write_text(
        '{"head_change_within_household": "review"}', encoding="utf-8")
    assert Settings.load(tmp_path).to_json() == {"head_change_within_household": "review"}
    with pytest.raises(InvalidRequest):
        Settings().with_pairs(["head_change_within_household=maybe"])
    with pytest.raises(InvalidRequest):
        Settings().with_pairs(["unknown=1"])


def test_delivery_bytes_survive_the_move_to_their_own_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 2 moves delivered bytes out of the deliveries row; acknowledging a
    delivery then no longer rewrites its bytes into the WAL."""
    scripts = tmp_path / "migrations"
    scripts.mkdir()
    first = migrations()[0][1]
    (scripts / first.name).write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(dbmodule, "MIGRATIONS_DIR", scripts)
    data = tmp_path / "data"
    content = os.urandom(3_000_000)
    old = Database.open(data)
    try:
        assert old.schema_version() == 1
        with old.transaction() as tx:
            tx.conn.execute(
                "INSERT INTO deliveries (name, municipality_code, if_id, created_at, row_count, "
                "sha256, content) VALUES ('KSK12_082201_20261120093000.csv', '082201', 'KSK12', "
                "'2026-11-20T09:30:00', 7, 'abc', ?)", (content,))
    finally:
        old.close()
    monkeypatch.undo()
    db = Database.open(data)
    try:
        assert db.schema_version() == migrations()[-1][0] >= 2
        name = "KSK12_082201_20261120093000.csv"
        with db.reading() as tx:
            assert tx.delivery_content("082201", name) == content
            row = tx.delivery_row("082201", name)
            columns = {r[1] for r in tx.conn.execute("PRAGMA table_info(deliveries)")}
        assert row is not None and row[6] == len(content) and row[8] is None
        assert "content" not in columns
        wal = Path(db.path + "-wal")
        with sqlite3.connect(db.path) as other:
            other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert wal.stat().st_size == 0
        with db.transaction() as tx:
            tx.acknowledge_delivery("082201", name, "T1", "staff", "2026-11-20T10:00:00")
        with db.reading() as tx:
            acked = tx.delivery_row("082201", name)
        assert acked is not None and acked[8] == "2026-11-20T10:00:00"
        assert wal.stat().st_size < 100_000  # a few pages, not the 3 MB file again
    finally:
        db.close()

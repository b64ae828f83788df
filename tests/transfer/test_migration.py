"""Migration 0002 (transfer bookkeeping) applied to a real store of version 1."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from kokuho_pc.audit.log import AuditLog
from kokuho_pc.store.database import Database
from kokuho_pc.transfer.records import FileEntry, MediaRecord, TransferRecords
from tests.security.make_fixture_store import FIXTURE_KEY, fixture_path
from tests.transfer.conftest import clock_on


def test_version_1_store_gains_the_transfer_tables(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    shutil.copyfile(fixture_path(1), path)
    old = Database(path, FIXTURE_KEY, target_version=1)
    assert old.query("SELECT name FROM sqlite_master WHERE name LIKE 'transfer_%'") == []
    old.close()
    db = Database.open(path, FIXTURE_KEY)
    try:
        assert db.schema_version >= 2
        assert AuditLog(db, terminal="fixture-pc").verify().ok  # old rows and chain intact
        records = TransferRecords(db, clock_on(date(2026, 11, 26)))
        records.save_signing_key(b"k" * 32)
        assert records.load_signing_key() == b"k" * 32
        records.add_medium(MediaRecord("M-AAAA-BBBB-CCCC-DDDD", "emulated", "x@1:2",
                                       date(2027, 3, 31), ("staff.one",), "admin.one",
                                       "2026-11-26T00:00:00+00:00", "0" * 64, None))
        assert records.get_medium("M-AAAA-BBBB-CCCC-DDDD") is not None
        job = records.open_job("send", "f" * 64, [FileEntry("a.dat", 1, "0" * 64)])
        again = records.open_job("send", "f" * 64, [])
        assert again.idempotency_key == job.idempotency_key  # a resumed job keeps its key
        records.set_job_state(job.job_id, "done", {"status": "accepted"})
        assert records.find_job("send", "f" * 64).state == "done"  # type: ignore[union-attr]
    finally:
        db.close()

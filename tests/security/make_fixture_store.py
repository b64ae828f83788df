"""Build ``fixtures/store_vNNNN.db``: a store at schema version NNNN with sample rows.

Run once when a migration is released (``python -m tests.security.make_fixture_store N``);
the file is committed so later migrations are tested against a real old file.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.audit.log import AuditLog
from kokuho_pc.auth.accounts import Account, AccountRepository, Role
from kokuho_pc.auth.passwords import Argon2Params, PasswordHasher
from kokuho_pc.store.database import Database
from kokuho_pc.store.policy import PolicyStore
from kokuho_pc.transfer.records import FileEntry, MediaRecord, TransferRecords

FIXTURE_KEY = bytes.fromhex("7f" * 16 + "a5" * 16)  # test fixture only
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_PASSWORD = "fixture-password-for-old-store"
JST = timezone(timedelta(hours=9))


def fixture_path(version: int) -> Path:
    """Where the fixture of ``version`` lives."""
    return FIXTURES / f"store_v{version:04d}.db"


def build(version: int, path: Path) -> None:
    """Create a store at ``version`` with sample rows of every table of that version."""
    db = Database(path, FIXTURE_KEY, target_version=version)
    now = datetime(2026, 6, 1, 9, 0, tzinfo=JST)
    hasher = PasswordHasher(Argon2Params(memory_kib=256, iterations=1), weak_params_for_tests=True)
    with db.transaction():
        PolicyStore(db).set("municipality_code", "082015", by=None, now=now)
        PolicyStore(db).set("idle_timeout_seconds", 120, by="fixture.admin", now=now)
        AccountRepository(db).insert(
            Account("fixture.admin", "fixture.admin", "試験 管理者", Role.ADMIN,
                    now.date(), None, 2026, hasher.hash(FIXTURE_PASSWORD), False, 0, None,
                    None, None, None),
            created_by=None, now=now,
        )
    log = AuditLog(db, terminal="fixture-pc", clock=lambda: now)
    log.record(AuditAction.STORE_INIT, "-", {"municipality": "082015"})
    log.record(AuditAction.LOGIN_SUCCESS, "fixture.admin")
    log.record(AuditAction.SEND, "fixture.admin", {"file": "KSK01_082015_20260601090000.dat",
                                                    "sha256": "ab" * 32, "records": 3})
    if version >= 2:
        _transfer_rows(db, now)
    db.close()


FIXTURE_MEDIUM = "M-FIXTURE-0001"


def _transfer_rows(db: Database, now: datetime) -> None:
    """Version 2: an approved medium, a finished send job, an acknowledged export."""
    records = TransferRecords(db, lambda: now)
    records.add_medium(MediaRecord(
        FIXTURE_MEDIUM, "uuid", "ABCD-EF01", date(2027, 3, 31), ("fixture.admin",),
        "fixture.admin", now.isoformat(), "cd" * 32, None,
    ))
    job = records.open_job("send", "ef" * 32,
                           [FileEntry("KSK01_082015_20260601090000.dat", 1300, "ab" * 32)],
                           "fixture.admin", FIXTURE_MEDIUM)
    records.set_job_state(job.job_id, "done", {"status": "accepted"})
    records.set_export_state("delivery-fixture",
                             FileEntry("KSK11_082015_20260601090000.csv", 99, "fe" * 32),
                             FIXTURE_MEDIUM, "acknowledged")


if __name__ == "__main__":
    target = int(sys.argv[1])
    out = fixture_path(target)
    if out.exists():
        raise SystemExit(f"{out} exists; fixtures of released versions are never rebuilt")
    FIXTURES.mkdir(exist_ok=True)
    build(target, out)
    print(out)

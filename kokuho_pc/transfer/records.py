"""Transfer bookkeeping in the encrypted store.

Approved media, the PC's media-signing key, transfer jobs with their
idempotency keys and states, exported deliveries. Only file names, sizes,
SHA-256 hashes, IDs and states are kept: never personal data. Every write
commits at once, so a job's idempotency key is on disk before its first
attempt and a restarted process resumes with the same key.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any, Protocol

from kokuho_pc.store.clock import Clock


class StoreDatabase(Protocol):
    """The part of :class:`kokuho_pc.store.database.Database` used here (autocommit)."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...
    def query_one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None: ...
    def transaction(self) -> AbstractContextManager[None]: ...


def utc_stamp(clock: Clock) -> str:
    """The clock's current time as a UTC ISO stamp (``...+00:00``, seconds).

    Stored stamps are all UTC so that ``ORDER BY`` on the text sorts in time order;
    the moment itself is the profile's clock (a ManualClock in tests), never the
    machine's."""
    return clock().astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class MediaRecord:
    """An approved medium as registered in the store."""

    media_id: str
    volume_kind: str
    volume_id: str
    expires: date
    allowed_staff: tuple[str, ...]
    registered_by: str
    registered_at: str
    token_sha256: str
    revoked_at: str | None


@dataclass(frozen=True)
class FileEntry:
    """A file of a job: name, size, SHA-256 (hex)."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Job:
    """A transfer job and its persisted idempotency key."""

    job_id: str
    kind: str
    fingerprint: str
    idempotency_key: str
    state: str
    result: dict[str, Any] | None
    error_code: str | None


class TransferRecords:
    """Typed access to the transfer tables of the store."""

    def __init__(self, db: StoreDatabase, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _now(self) -> str:
        return utc_stamp(self._clock)

    def batch(self) -> AbstractContextManager[None]:
        """One transaction for several writes (re-entrant: joins an outer one).

        Writes of the operation log made inside join it too when the log lives
        in the same store, so a step's bookkeeping and its log record commit
        together or not at all.
        """
        return self._db.transaction()

    # --- the PC's media-signing key -------------------------------------------------
    def load_signing_key(self) -> bytes | None:
        """The raw Ed25519 private key, or None before the first registration."""
        row = self._db.query_one("SELECT private_key FROM transfer_pc_key WHERE id = 1")
        return bytes(row[0]) if row else None

    def save_signing_key(self, raw: bytes) -> None:
        """Store the raw Ed25519 private key (once)."""
        self._db.execute(
            "INSERT INTO transfer_pc_key (id, private_key, created_at) VALUES (1, ?, ?)",
            (raw, self._now()),
        )

    # --- approved media -------------------------------------------------------------
    def add_medium(self, record: MediaRecord) -> None:
        """Register an approved medium."""
        self._db.execute(
            "INSERT INTO transfer_media (media_id, volume_kind, volume_id, expires, allowed_staff,"
            " registered_by, registered_at, token_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.media_id, record.volume_kind, record.volume_id,
                record.expires.isoformat(), json.dumps(list(record.allowed_staff)),
                record.registered_by, record.registered_at, record.token_sha256,
            ),
        )

    def get_medium(self, media_id: str) -> MediaRecord | None:
        """The registered medium with this ID, or None."""
        row = self._db.query_one(
            "SELECT media_id, volume_kind, volume_id, expires, allowed_staff, registered_by,"
            " registered_at, token_sha256, revoked_at FROM transfer_media WHERE media_id = ?",
            (media_id,),
        )
        if row is None:
            return None
        return MediaRecord(
            row[0], row[1], row[2], date.fromisoformat(row[3]), tuple(json.loads(row[4])),
            row[5], row[6], row[7], row[8],
        )

    def list_media(self) -> list[MediaRecord]:
        """Every registered medium, newest first."""
        rows = self._db.query(
            "SELECT media_id FROM transfer_media ORDER BY registered_at DESC"
        )
        return [m for m in (self.get_medium(r[0]) for r in rows) if m is not None]

    def revoke_medium(self, media_id: str, by: str) -> bool:
        """Revoke an approval now; False if no such medium."""
        changed = self._db.execute(
            "UPDATE transfer_media SET revoked_at = ?, revoked_by = ? WHERE media_id = ?"
            " AND revoked_at IS NULL",
            (self._now(), by, media_id),
        )
        return changed > 0

    # --- jobs and idempotency keys --------------------------------------------------
    def open_job(
        self, kind: str, fingerprint: str, files: Iterable[FileEntry],
        staff_id: str | None = None, media_id: str | None = None,
    ) -> Job:
        """Return the job for ``fingerprint`` (resumed with its key) or create and commit one."""
        existing = self.find_job(kind, fingerprint)
        if existing is not None:
            return existing
        job_id = str(uuid.uuid4())
        key = secrets.token_urlsafe(24)
        now = self._now()
        with self._db.transaction():
            self._insert_job(job_id, kind, fingerprint, key, staff_id, media_id, now, files)
        return Job(job_id, kind, fingerprint, key, "pending", None, None)

    def _insert_job(
        self, job_id: str, kind: str, fingerprint: str, key: str, staff_id: str | None,
        media_id: str | None, now: str, files: Iterable[FileEntry],
    ) -> None:
        self._db.execute(
            "INSERT INTO transfer_jobs (job_id, kind, fingerprint, idempotency_key, staff_id,"
            " media_id, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
            (job_id, kind, fingerprint, key, staff_id, media_id, now, now),
        )
        for f in files:
            self._db.execute(
                "INSERT INTO transfer_job_files (job_id, file_name, size, sha256)"
                " VALUES (?, ?, ?, ?)",
                (job_id, f.name, f.size, f.sha256),
            )

    def find_job(self, kind: str, fingerprint: str) -> Job | None:
        """The job of this kind for this fingerprint, if any."""
        row = self._db.query_one(
            "SELECT job_id, kind, fingerprint, idempotency_key, state, result_json, error_code"
            " FROM transfer_jobs WHERE kind = ? AND fingerprint = ?",
            (kind, fingerprint),
        )
        if row is None:
            return None
        return Job(row[0], row[1], row[2], row[3], row[4],
                   json.loads(row[5]) if row[5] else None, row[6])

    def set_job_state(
        self, job_id: str, state: str, result: dict[str, Any] | None = None,
        error_code: str | None = None,
    ) -> None:
        """Record a job's new state (and result or error code)."""
        self._db.execute(
            "UPDATE transfer_jobs SET state = ?, result_json = COALESCE(?, result_json),"
            " error_code = ?, updated_at = ? WHERE job_id = ?",
            (state, json.dumps(result, ensure_ascii=False) if result is not None else None,
             error_code, self._now(), job_id),
        )

    def job_files(self, job_id: str) -> list[FileEntry]:
        """The files of a job."""
        rows = self._db.query(
            "SELECT file_name, size, sha256 FROM transfer_job_files WHERE job_id = ?"
            " ORDER BY file_name",
            (job_id,),
        )
        return [FileEntry(r[0], r[1], r[2]) for r in rows]

    def jobs(self, kind: str | None = None) -> list[Job]:
        """Every job (optionally of one kind), oldest first."""
        rows = self._db.query(
            "SELECT kind, fingerprint FROM transfer_jobs WHERE ? IS NULL OR kind = ?"
            " ORDER BY created_at, job_id",
            (kind, kind),
        )
        return [j for j in (self.find_job(r[0], r[1]) for r in rows) if j is not None]

    def finished_sends(self) -> list[tuple[str, str | None, str, dict[str, Any]]]:
        """Every answered send, newest first: (job id, staff ID, created at, stored summary).

        The summary is what the consolidation system answered (counts, 受付番号, codes):
        bookkeeping without personal data."""
        rows = self._db.query(
            "SELECT job_id, staff_id, created_at, result_json FROM transfer_jobs"
            " WHERE kind = 'send' AND state = 'done' AND result_json IS NOT NULL"
            " ORDER BY created_at DESC, job_id",
        )
        return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    # --- exported deliveries --------------------------------------------------------
    def export_state(self, delivery_id: str) -> str | None:
        """The local state of an exported delivery (``written``, ``acknowledged``) or None."""
        row = self._db.query_one(
            "SELECT state FROM transfer_exports WHERE delivery_id = ?", (delivery_id,)
        )
        return str(row[0]) if row else None

    def set_export_state(
        self, delivery_id: str, entry: FileEntry, media_id: str | None, state: str
    ) -> None:
        """Insert or update an exported delivery's state."""
        self._db.execute(
            "INSERT INTO transfer_exports (delivery_id, file_name, size, sha256, media_id, state,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO UPDATE SET"
            " state = excluded.state, media_id = excluded.media_id,"
            " updated_at = excluded.updated_at",
            (delivery_id, entry.name, entry.size, entry.sha256, media_id, state, self._now()),
        )

"""The encrypted local database: SQLCipher 4 opened with a raw 256-bit key.

One :class:`Database` object per open store. Every access goes through its
lock, so a background worker and the GUI thread never interleave statements;
:meth:`Database.transaction` is re-entrant, so a service can wrap a change and
its operation-log record in one transaction (if the record cannot be written,
the change is rolled back: the operation is refused).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3

from kokuho_pc.domain.errors import StoreDiskFull, StoreError, StoreKeyMismatch
from kokuho_pc.store.keys import KEY_BYTES
from kokuho_pc.store.migrate import apply_migrations

_log = logging.getLogger("kokuho_pc.store")

PLAINTEXT_HEADER = b"SQLite format 3\x00"

Row = tuple[Any, ...]


def _store_failure(exc: Exception) -> StoreError:
    """The error to show for a failed write: a clear one when the disk refused it."""
    text = str(exc).lower()
    if "disk is full" in text or "disk i/o error" in text:
        return StoreDiskFull()
    return StoreError()


class Database:
    """An open SQLCipher store. Use :meth:`create` or :meth:`open`, then :meth:`close`."""

    def __init__(self, path: Path, key: bytes, *, target_version: int | None = None) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("a 256-bit key is required")
        self.path = path
        self._key = key
        self._lock = threading.RLock()
        self._depth = 0
        self._after_commit: list[Callable[[], None]] = []
        self._before_commit: list[Callable[[], None]] = []
        try:
            self._conn = sqlcipher3.connect(
                str(path), isolation_level=None, check_same_thread=False
            )
        except sqlcipher3.Error as exc:
            raise StoreError() from exc
        try:
            self._conn.execute("PRAGMA cipher_log_level = NONE")
            self._conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            self._conn.execute("PRAGMA cipher_memory_security = ON")
            self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            self._conn.close()
            raise StoreKeyMismatch() from exc
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute("PRAGMA secure_delete = ON")
        self._conn.execute("PRAGMA busy_timeout = 10000")
        # Write-ahead log (its frames are encrypted like every page): one fsync per
        # commit instead of the rollback journal's two or three (an operation-log
        # record: ~0.8 ms instead of ~2.1 ms), and readers never block the writer.
        # synchronous=FULL keeps every committed record durable.
        self._conn.execute("PRAGMA journal_mode = WAL").fetchone()
        self._conn.execute("PRAGMA synchronous = FULL")
        with self._lock:
            try:
                apply_migrations(self._conn, target_version)
            except sqlcipher3.Error as exc:
                self._conn.close()
                _log.error("migration failed: %s", type(exc).__name__)
                raise StoreError(
                    "端末のデータベースを新しい版に更新できませんでした(元の状態のままです)。"
                ) from exc
            except BaseException:
                self._conn.close()
                raise

    @classmethod
    def create(cls, path: Path, key: bytes) -> Database:
        """Create a new, empty store at ``path`` (which must not exist), file mode 0600."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        return cls(path, key)

    @classmethod
    def open(cls, path: Path, key: bytes) -> Database:
        """Open an existing store, upgrading its schema to the newest migration."""
        if not path.is_file():
            raise StoreError("端末のデータベースが見つかりません。")
        return cls(path, key)

    @property
    def key(self) -> bytes:
        """The raw store key (needed to derive the operation log's chain key)."""
        return self._key

    @property
    def schema_version(self) -> int:
        """The number of the last applied migration."""
        row = self.query_one("PRAGMA user_version")
        return int(row[0]) if row else 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A re-entrant write transaction: nested calls join the outer one."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                try:
                    self._conn.execute("BEGIN IMMEDIATE")
                except sqlcipher3.Error as exc:
                    raise StoreError(
                        "端末のデータベースが使用中のため、書き込めませんでした。"
                    ) from exc
            self._depth += 1
            try:
                yield
                if outer:
                    self._run_before_commit()
            except BaseException:
                self._depth -= 1
                if outer:
                    self._after_commit.clear()
                    self._before_commit.clear()
                    self._rollback()
                raise
            self._depth -= 1
            if outer:
                try:
                    self._conn.execute("COMMIT")
                except sqlcipher3.Error as exc:
                    self._after_commit.clear()
                    self._rollback()
                    raise _store_failure(exc) from exc
                self._run_after_commit()

    def _rollback(self) -> None:
        """ROLLBACK if a transaction is still open (SQLite ends it itself on some
        failures, e.g. a COMMIT that could not write: ROLLBACK then raises)."""
        if self._conn.in_transaction:
            try:
                self._conn.execute("ROLLBACK")
            except sqlcipher3.Error as exc:
                _log.error("rollback failed: %s", type(exc).__name__)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once the current outer transaction has committed (at once outside
        one; never when it rolls back). Used to copy the operation log's tip outside the store."""
        with self._lock:
            if self._depth == 0:
                action()
            else:
                self._after_commit.append(action)

    def before_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` just before the current outer transaction commits (never when it
        rolls back; at once outside one). Used by the crash tests' pause points."""
        with self._lock:
            if self._depth == 0:
                action()
            else:
                self._before_commit.append(action)

    def _run_before_commit(self) -> None:
        actions, self._before_commit = self._before_commit, []
        for action in actions:
            action()

    def _run_after_commit(self) -> None:
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            action()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; return the number of changed rows."""
        with self._lock:
            try:
                cursor = self._conn.execute(sql, tuple(params))
            except sqlcipher3.Error as exc:
                _log.error("statement failed: %s", type(exc).__name__)
                raise _store_failure(exc) from exc
            return int(cursor.rowcount)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a query; return all rows."""
        with self._lock:
            try:
                return list(self._conn.execute(sql, tuple(params)).fetchall())
            except sqlcipher3.Error as exc:
                _log.error("query failed: %s", type(exc).__name__)
                raise StoreError() from exc

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """Run a query; return the first row or None."""
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def raw_connection(self) -> Any:
        """The underlying connection (tests simulating an attacker; migrations)."""
        return self._conn

    def close(self) -> None:
        """Close the connection; the object is unusable afterwards."""
        with self._lock:
            self._conn.close()

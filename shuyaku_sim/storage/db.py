"""The simulator's database: SQLite (WAL, synchronous=FULL, foreign keys), migrations, HMAC key.

This package is the only code that talks to the database; swapping SQLite for
PostgreSQL means rewriting this package only. A :class:`Database` holds one writing
connection guarded by a lock; :meth:`Database.transaction` gives a
:class:`~shuyaku_sim.storage.tx.Tx` inside ``BEGIN IMMEDIATE … COMMIT``.
:meth:`Database.reading` uses a read-only connection of the calling thread (one per
thread, made on first use): in WAL mode a reader sees the last committed state and
neither waits for the writer nor blocks it, so the API's reads go on during an ingest.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kokuho_pc.domain.mynumber import MyNumber
from shuyaku_sim.errors import StorageBusy, StorageFailure
from shuyaku_sim.storage.tx import Tx

DB_FILE = "shuyaku.sqlite3"
KEY_FILE = "mynumber-hmac.key"
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, Path]]:
    """The numbered migration scripts, ascending."""
    found = []
    for path in MIGRATIONS_DIR.iterdir():
        m = _MIGRATION_NAME.match(path.name)
        if m:
            found.append((int(m.group(1)), path))
    return sorted(found)


def load_or_create_key(data_dir: Path) -> bytes:
    """The per-data-dir HMAC key (32 random bytes in a 0600 file, created once)."""
    path = data_dir / KEY_FILE
    if path.exists():
        key = path.read_bytes()
        if len(key) != 32:
            raise StorageFailure("個人番号照合用の鍵ファイルが壊れています。")
        return key
    key = secrets.token_bytes(32)
    tmp = data_dir / (KEY_FILE + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return key


class Database:
    """One SQLite database file with its HMAC key (see module docstring)."""

    def __init__(self, path: Path | str, key: bytes) -> None:
        self.path = str(path)
        self._key = key
        self._lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        try:
            self._conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA busy_timeout=10000")
            self._conn.execute("PRAGMA cache_size=-65536")  # 64 MiB: large ingests stay in cache
            self.migrate()
        except sqlite3.Error as exc:
            raise StorageFailure() from exc

    @classmethod
    def open(cls, data_dir: Path) -> Database:
        """Open (creating if needed) the database in ``data_dir``."""
        data_dir.mkdir(parents=True, exist_ok=True)
        return cls(data_dir / DB_FILE, load_or_create_key(data_dir))

    def close(self) -> None:
        """Close every connection (the writer last: it checkpoints the WAL)."""
        with self._readers_lock:
            self._closed = True
            readers, self._readers = self._readers, []
        for conn in readers:
            conn.close()
        with self._lock:
            self._conn.close()

    def _reader(self) -> sqlite3.Connection:
        """This thread's read-only connection."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        with self._readers_lock:
            if self._closed:
                raise StorageFailure()
            try:
                conn = sqlite3.connect(self.path, isolation_level=None,
                                       check_same_thread=False)
                conn.execute("PRAGMA query_only=ON")
                conn.execute("PRAGMA busy_timeout=10000")
                conn.execute("PRAGMA cache_size=-16384")
            except sqlite3.Error as exc:
                raise StorageFailure() from exc
            self._readers.append(conn)
        self._local.conn = conn
        return conn

    def pragmas(self) -> dict[str, object]:
        """journal_mode, synchronous and foreign_keys as SQLite reports them."""
        with self._lock:
            return {name: self._conn.execute(f"PRAGMA {name}").fetchone()[0]
                    for name in ("journal_mode", "synchronous", "foreign_keys")}

    def digest(self, my_number: MyNumber) -> bytes:
        """The keyed HMAC-SHA256 digest under which a 個人番号 is kept."""
        digits = my_number.reveal_digits_for_transfer()
        return hmac.new(self._key, digits.encode("ascii"), hashlib.sha256).digest()

    def schema_version(self) -> int:
        """The applied migration number (0 for an empty database)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_version'"
            ).fetchone()
            if row is None:
                return 0
            v = self._conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
            return int(v or 0)

    def migrate(self, target: int | None = None) -> int:
        """Apply every migration above the current version (each in its own transaction)."""
        with self._lock:
            current = self.schema_version()
            for number, path in migrations():
                if number <= current or (target is not None and number > target):
                    continue
                script = path.read_text(encoding="utf-8")
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    self._conn.execute(
                        "CREATE TABLE IF NOT EXISTS schema_version "
                        "(version INTEGER NOT NULL, applied_at TEXT NOT NULL)"
                    )
                    for statement in _statements(script):
                        self._conn.execute(statement)
                    self._conn.execute(
                        "INSERT INTO schema_version VALUES (?, datetime('now'))", (number,)
                    )
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                current = number
            return current

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction (``BEGIN IMMEDIATE``); committed on success, else rolled back."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StorageFailure() from exc
            try:
                yield Tx(self._conn, self)
            except sqlite3.OperationalError as exc:
                self._conn.execute("ROLLBACK")
                raise _storage_error(exc) from exc
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._conn.execute("ROLLBACK")
                raise StorageFailure() from exc

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        """A consistent read of the last committed state (this thread's own connection,
        a deferred transaction that is rolled back); it does not wait for the writer."""
        conn = self._reader()
        conn.execute("BEGIN")
        try:
            yield Tx(conn, self)
        except sqlite3.OperationalError as exc:
            raise _storage_error(exc) from exc
        finally:
            conn.execute("ROLLBACK")


def _storage_error(exc: sqlite3.OperationalError) -> StorageBusy | StorageFailure:
    """SQLite's own errors stay inside this package: busy/locked, or unavailable."""
    text = str(exc).lower()
    return StorageBusy() if "locked" in text or "busy" in text else StorageFailure()


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (no ';' inside our statements)."""
    lines = [ln for ln in script.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]

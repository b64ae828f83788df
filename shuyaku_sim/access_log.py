"""The record of every API request: which terminal, which staff member, what, outcome.

Kept in its own small SQLite file (``access-log.sqlite3`` in the data directory,
WAL mode) rather than in the business database, so that recording a request never
waits for a long ingest transaction, and so that the business data's storage can be
replaced without touching this. Rows hold no personal data: the route template
(``/api/v1/candidates/{candidate_no}``), never the concrete path or query.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

FILE_NAME = "access-log.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS access_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    municipality_code TEXT,
    staff_id TEXT,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    status INTEGER NOT NULL
)
"""


class AccessRecord(TypedDict):
    """One recorded request."""

    id: int
    at: str
    terminal_id: str
    municipality_code: str | None
    staff_id: str | None
    method: str
    route: str
    status: int


class AccessLog:
    """Append-only request log; safe to call from many threads."""

    def __init__(
        self, data_dir: Path, clock: Callable[[], dt.datetime] = dt.datetime.now
    ) -> None:
        """``clock`` is the engine's: review compares these times with the engine's."""
        self._clock = clock
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(data_dir / FILE_NAME, check_same_thread=False,
                                     timeout=5.0, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute(_SCHEMA)

    def record(self, *, terminal_id: str, municipality_code: str | None, staff_id: str | None,
               method: str, route: str, status: int) -> None:
        """Append one request."""
        at = self._clock().isoformat(timespec="milliseconds")
        with self._lock:
            self._conn.execute(
                "INSERT INTO access_log (at, terminal_id, municipality_code, staff_id, method,"
                " route, status) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (at, terminal_id, municipality_code, staff_id, method, route, status),
            )

    def recent(self, limit: int = 100) -> list[AccessRecord]:
        """The latest ``limit`` requests, newest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, at, terminal_id, municipality_code, staff_id, method, route, status"
                " FROM access_log ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [AccessRecord(id=r[0], at=r[1], terminal_id=r[2], municipality_code=r[3],
                             staff_id=r[4], method=r[5], route=r[6], status=r[7]) for r in rows]

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._conn.close()

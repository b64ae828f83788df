"""BENCHMARK ONLY: an in-memory keyring backend standing in for the OS credential store.

The start-up benchmark's production profile reads its store key through the real
keyring path (``keyring.get_keyring()`` → backend → ``get_password``), but this
shared Linux machine has no Secret Service. Child processes select this backend
with ``PYTHON_KEYRING_BACKEND=benchmarks.memkeyring.BenchmarkMemoryKeyring``
(keyring's own override); the entries live in memory and are handed from the
``init`` process to the start-up processes through the JSON file named by
``KOKUHO_BENCH_KEYRING`` (loaded once at construction, written on every change).
A real OS keyring adds its own latency (D-Bus round trips), which this leaves out.
Never used by the product or the tests.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.backend

ENV_FILE = "KOKUHO_BENCH_KEYRING"
BACKEND = "benchmarks.memkeyring.BenchmarkMemoryKeyring"


class BenchmarkMemoryKeyring(keyring.backend.KeyringBackend):
    """In-memory entries, seeded from (and saved to) the benchmark's hand-over file."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._file = Path(os.environ[ENV_FILE]) if os.environ.get(ENV_FILE) else None
        self.entries: dict[str, str] = {}
        if self._file is not None and self._file.exists():
            self.entries = json.loads(self._file.read_text("utf-8"))

    def _key(self, service: str, username: str) -> str:
        return f"{service}\x00{username}"

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get(self._key(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[self._key(service, username)] = password
        self._save()

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop(self._key(service, username), None)
        self._save()

    def _save(self) -> None:
        if self._file is not None:
            self._file.write_text(json.dumps(self.entries), "utf-8")

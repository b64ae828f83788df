"""A keyring backend kept in a JSON file, so a child process shares the parent's "OS keyring".

The OS credential store is a true system boundary; the in-process tests use the in-memory
``MemoryKeyring`` (tests/conftest.py), which a child process cannot see. A child started
with ``PYTHON_KEYRING_BACKEND=tests.security.file_keyring.FileKeyring`` and
``KOKUHO_TEST_KEYRING_FILE=PATH`` (and ``PYTHONPATH`` at the repository) reads and writes
the same entries as the test, which installs the same class with ``keyring.set_keyring``.
Tests only: it is plaintext, and not a ``keyrings.alt`` module, so the product accepts it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.backend

ENV_FILE = "KOKUHO_TEST_KEYRING_FILE"
BACKEND = "tests.security.file_keyring.FileKeyring"


class FileKeyring(keyring.backend.KeyringBackend):
    """Entries ``{"service\\nuser": secret}`` in the file named by ``KOKUHO_TEST_KEYRING_FILE``."""

    priority = 1  # type: ignore[assignment]

    @property
    def path(self) -> Path:
        """The file holding the entries."""
        return Path(os.environ[ENV_FILE])

    def entries(self) -> dict[str, str]:
        """All entries, keyed ``service\\nuser``."""
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}

    def _save(self, entries: dict[str, str]) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(tmp, self.path)

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self.entries()
        entries[f"{service}\n{username}"] = password
        self._save(entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = self.entries()
        entries.pop(f"{service}\n{username}", None)
        self._save(entries)

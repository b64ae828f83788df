"""The encrypted store: SQLCipher header, keys in the keyring or the demo file, refusals."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import keyring
import pytest
from keyring.backends import chainer, fail, null

from kokuho_pc.domain.errors import (
    InsecureKeyring,
    ProfileError,
    StoreKeyMismatch,
    StoreKeyMissing,
)
from kokuho_pc.services.profile import (
    ProfileKind,
    create_profile,
    open_profile,
    reset_profile_store,
)
from kokuho_pc.store.database import PLAINTEXT_HEADER, Database
from kokuho_pc.store.keys import KEYRING_SERVICE, new_key
from tests.conftest import MemoryKeyring
from tests.security.conftest import MUNICIPALITY


def test_database_file_is_encrypted(tmp_path: Path) -> None:
    db = Database.create(tmp_path / "s.db", new_key())
    db.execute("INSERT INTO settings VALUES ('terminal_name', '\"plain-marker\"', 'x', NULL)")
    db.close()
    raw = (tmp_path / "s.db").read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    assert not raw.startswith(PLAINTEXT_HEADER)
    assert b"plain-marker" not in raw
    assert stat.S_IMODE(os.stat(tmp_path / "s.db").st_mode) == 0o600


def test_write_ahead_log_is_encrypted_private_and_durable(tmp_path: Path) -> None:
    """The store runs in WAL mode with full sync; the log files hold no plaintext and are
    private like the store; a committed write survives without a checkpoint."""
    path = tmp_path / "s.db"
    db = Database.create(path, new_key())
    assert db.query("PRAGMA journal_mode") == [("wal",)]
    assert db.query("PRAGMA synchronous") == [(2,)]
    db.execute("INSERT INTO settings VALUES ('terminal_name', '\"wal-marker\"', 'x', NULL)")
    side_files = [tmp_path / "s.db-wal", tmp_path / "s.db-shm"]
    assert all(f.exists() for f in side_files)
    for f in [path, *side_files]:
        assert b"wal-marker" not in f.read_bytes()
        assert stat.S_IMODE(os.stat(f).st_mode) == 0o600
    key = db.key
    db.close()
    assert not (tmp_path / "s.db-wal").exists()  # checkpointed and removed on close
    again = Database.open(path, key)
    try:
        assert again.query("SELECT value FROM settings WHERE name = 'terminal_name'") == [
            ('"wal-marker"',)
        ]
    finally:
        again.close()


def test_wrong_key_is_refused(tmp_path: Path) -> None:
    Database.create(tmp_path / "s.db", new_key()).close()
    with pytest.raises(StoreKeyMismatch):
        Database.open(tmp_path / "s.db", new_key())


def test_production_profile_keeps_key_in_keyring(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    with create_profile(tmp_path / "p", kind=ProfileKind.PRODUCTION,
                        municipality_code=MUNICIPALITY) as profile:
        assert not profile.is_demo
    stored = [k for k in memory_keyring.entries
              if k[0] == KEYRING_SERVICE and k[1].startswith("store-key/")]
    assert len(stored) == 1
    assert len(bytes.fromhex(memory_keyring.entries[stored[0]])) == 32
    assert not (tmp_path / "p" / "store.key").exists()
    with open_profile(tmp_path / "p") as again:
        assert again.audit.verify().ok


class _PlaintextKeyring(MemoryKeyring):
    """Looks like keyrings.alt's plaintext file backend."""


_PlaintextKeyring.__module__ = "keyrings.alt.file"


class _EmptyChainer(chainer.ChainerBackend):
    """A chainer with nothing to chain."""

    backends = []  # type: ignore[assignment]  # noqa: RUF012


@pytest.mark.parametrize(
    "backend",
    [fail.Keyring(), null.Keyring(), _PlaintextKeyring(), _EmptyChainer()],
    ids=["fail", "null", "plaintext", "empty-chainer"],
)
def test_insecure_keyrings_are_refused(tmp_path: Path, backend: object) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)  # type: ignore[arg-type]
    try:
        with pytest.raises(InsecureKeyring) as info:
            create_profile(tmp_path / "p", kind=ProfileKind.PRODUCTION,
                           municipality_code=MUNICIPALITY)
    finally:
        keyring.set_keyring(previous)
    assert "キーリング" in info.value.user_message
    assert not (tmp_path / "p" / "store.db").exists()


def test_keyrings_alt_is_not_installed_nor_a_dependency() -> None:
    import importlib

    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("keyrings.alt")
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text("utf-8")
    assert "keyrings.alt" not in pyproject and "keyrings-alt" not in pyproject


def test_lost_key_is_an_administrator_error_and_never_a_silent_new_store(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    with create_profile(tmp_path / "p", kind=ProfileKind.PRODUCTION,
                        municipality_code=MUNICIPALITY):
        pass
    before = (tmp_path / "p" / "store.db").read_bytes()
    memory_keyring.entries.clear()
    with pytest.raises(StoreKeyMissing) as info:
        open_profile(tmp_path / "p")
    assert "reset-store" in info.value.hint
    assert (tmp_path / "p" / "store.db").read_bytes() == before
    # explicit administrator action: a new empty store, old file kept aside
    with reset_profile_store(tmp_path / "p") as fresh:
        records = fresh.audit.records()
        assert [r.action for r in records] == ["store.reset"]
    assert list((tmp_path / "p").glob("store.db.abandoned-*"))
    with open_profile(tmp_path / "p") as reopened:
        assert reopened.audit.verify().ok


def test_demo_profile_key_file_and_flag(tmp_path: Path) -> None:
    with create_profile(tmp_path / "d", kind=ProfileKind.DEMO,
                        municipality_code=MUNICIPALITY) as profile:
        assert profile.is_demo
        assert profile.policy().emulated_media_allowed
    key_file = tmp_path / "d" / "store.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    key_file.unlink()
    with pytest.raises(StoreKeyMissing):
        open_profile(tmp_path / "d")


def test_existing_profile_is_not_overwritten(tmp_path: Path) -> None:
    create_profile(tmp_path / "d", kind=ProfileKind.DEMO, municipality_code=MUNICIPALITY).close()
    with pytest.raises(ProfileError):
        create_profile(tmp_path / "d", kind=ProfileKind.DEMO, municipality_code=MUNICIPALITY)


def test_missing_profile(tmp_path: Path) -> None:
    with pytest.raises(ProfileError):
        open_profile(tmp_path / "nowhere")


def test_store_holds_only_the_allowed_tables(tmp_path: Path) -> None:
    with create_profile(tmp_path / "d", kind=ProfileKind.DEMO,
                        municipality_code=MUNICIPALITY) as profile:
        tables = {r[0] for r in profile.db.query(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"roles", "accounts", "settings", "audit_log", "audit_chain"} <= tables
    personal = {"households", "persons", "insured", "my_numbers", "candidates"}
    assert not tables & personal


def test_reset_is_refused_while_the_key_still_works(tmp_path: Path) -> None:
    create_profile(tmp_path / "d", kind=ProfileKind.DEMO, municipality_code=MUNICIPALITY).close()
    with pytest.raises(ProfileError, match="作り直しは行いません"):
        reset_profile_store(tmp_path / "d")
    assert not list((tmp_path / "d").glob("store.db.abandoned-*"))
    (tmp_path / "d" / "store.key").write_text(new_key().hex(), encoding="ascii")  # wrong key
    with pytest.raises(StoreKeyMismatch):
        open_profile(tmp_path / "d")
    with reset_profile_store(tmp_path / "d") as fresh:
        assert fresh.audit.verify().ok

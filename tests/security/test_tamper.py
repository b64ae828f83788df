"""Tampering with the PC's own files (issue 13 item 5, issue 15): each test states what is
detected. Before issue 15 none of these was: the shorter or rewritten log verified, the
revoked staff member worked again, ``audit verify`` exited 0.

The attacker is an OS user of the PC with the profile's files (and, for the rewrite, the
store key). What catches them is the tip kept outside the store (a file next to the store
for demo profiles, the OS keyring in production); the consolidation system's tip catches
the rest (tests/transfer/test_trust_e2e.py). What stays undetected is pinned in
tests/security/test_wal_kill.py and tests/transfer/test_trust_blind_spots.py.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kokuho_pc.audit import chain
from kokuho_pc.cli.main import main
from kokuho_pc.domain.oplog_chain import GENESIS_HASH, record_hash
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import open_profile
from kokuho_pc.store.anchor import ANCHOR_FILE, KEYRING_SERVICE, AnchorState
from tests.conftest import MemoryKeyring
from tests.security.conftest import MUNICIPALITY

ADMIN, ADMIN_PW = "yamada.taro", "shiroi-kumo-to-aoi-sora"
STAFF, STAFF_INITIAL, STAFF_PW = "sato.hanako", "saisho-no-kotoba-desu", "midori-no-oka-wo-aruku"
ROLLED_BACK = "操作ログが巻き戻されています"
STORE_FILES = ("store.db", "store.db-wal", "store.db-shm")


@dataclass
class Result:
    code: int
    out: str
    err: str


Cli = Callable[..., Result]


@pytest.fixture(params=["demo", "production"])
def cli(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Cli:
    """``kokuho-pc --profile <tmp>/p ...`` in process, on a demo or a production profile
    (the production one with the in-memory OS keyring)."""
    if request.param == "production":
        request.getfixturevalue("memory_keyring")

    def run(*args: str, stdin: str = "") -> Result:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["--profile", str(tmp_path / "p"), *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    assert run("init", "--kind", request.param, "--municipality", MUNICIPALITY).code == 0
    assert run("admin", "init", "--user", ADMIN, "--name", "山田 太郎",
               stdin=ADMIN_PW + "\n").code == 0
    # A production profile takes staff only after a second administrator (issue 14).
    assert run("admin", "add-user", "--as", ADMIN, "--user", "kimura.jiro", "--name", "木村 次郎",
               "--role", "admin", stdin=f"{ADMIN_PW}\ndai-ni-no-kanrisha-desu\n").code == 0
    assert run("admin", "add-user", "--as", ADMIN, "--user", STAFF, "--name", "佐藤 花子",
               "--role", "staff", stdin=f"{ADMIN_PW}\n{STAFF_INITIAL}\n").code == 0
    assert run("passwd", "--as", STAFF, stdin=f"{STAFF_INITIAL}\n{STAFF_PW}\n").code == 0
    return run


def _copy(src: Path, dst: Path) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    for name in STORE_FILES:
        (dst / name).unlink(missing_ok=True)
        if (src / name).exists():
            shutil.copyfile(src / name, dst / name)


def _staff_works(cli: Cli) -> Result:
    """A staff command (``passwd --as``), changing the password to itself and back."""
    return cli("passwd", "--as", STAFF, stdin=f"{STAFF_PW}\n{STAFF_PW}-2\n")


def _assert_rolled_back(cli: Cli) -> None:
    verify = cli("audit", "verify")
    assert verify.code == 1 and ROLLED_BACK in verify.err, verify.err  # was: exit 0
    assert "国保連合会" in verify.err
    staff = _staff_works(cli)
    assert staff.code == 1 and ROLLED_BACK in staff.err  # was: exit 0 (revoked user worked)
    admin = cli("admin", "list-users", "--as", ADMIN, stdin=ADMIN_PW + "\n")
    assert admin.code == 0  # the administrator may still log in to deal with it
    # still detected on the next start: the rollback is not forgotten
    assert cli("audit", "verify").code == 1


def test_restoring_an_older_store_file_is_detected(cli: Cli, tmp_path: Path) -> None:
    """Copy store.db aside, revoke the staff member, copy the old file back: DETECTED
    (the local log is behind the tip kept outside the store)."""
    profile_dir = tmp_path / "p"
    _copy(profile_dir, tmp_path / "aside")
    assert cli("admin", "revoke", "--as", ADMIN, "--user", STAFF,
               stdin=ADMIN_PW + "\n").code == 0
    assert _staff_works(cli).code == 1  # revoked
    _copy(tmp_path / "aside", profile_dir)
    _assert_rolled_back(cli)


def test_deleting_the_wal_after_a_kill_is_detected(cli: Cli, tmp_path: Path) -> None:
    """Revoke, then 'kill' the process before a checkpoint and delete the write-ahead log
    (the committed revocation lived only there): DETECTED, as above."""
    profile_dir = tmp_path / "p"
    profile = open_profile(profile_dir)
    try:
        admin = LoginService(profile).login(ADMIN, ADMIN_PW)
        AccountService(profile).revoke(admin, STAFF)
        assert (profile_dir / "store.db-wal").stat().st_size > 0
        # the files as a killed process leaves them, minus the WAL
        shutil.copyfile(profile_dir / "store.db", tmp_path / "killed.db")
    finally:
        profile.close()
    for name in STORE_FILES:
        (profile_dir / name).unlink(missing_ok=True)
    shutil.copyfile(tmp_path / "killed.db", profile_dir / "store.db")
    _assert_rolled_back(cli)


def test_rewriting_the_chain_with_the_store_key_is_detected(cli: Cli, tmp_path: Path) -> None:
    """With the store key, rewrite the last record (the revocation becomes a harmless
    record) and reseal the whole chain, MACs and hashes: the log verifies by its own keys,
    but the tip kept outside the store no longer matches: DETECTED. (An OS user who also
    rewrites the keyring entry defeats this check; the consolidation system's tip does not
    move: tests/transfer/test_trust_e2e.py.)"""
    assert cli("admin", "revoke", "--as", ADMIN, "--user", STAFF,
               stdin=ADMIN_PW + "\n").code == 0
    profile = open_profile(tmp_path / "p")
    try:
        db = profile.db
        conn = db.raw_connection()
        for trigger in ("audit_log_no_update", "audit_log_hash_fixed"):
            conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute("UPDATE audit_log SET targets = '{\"account\":\"nobody\"}' "
                     "WHERE action = 'account.revoke'")
        conn.execute("UPDATE accounts SET revoked_at = NULL")
        _reseal(conn, db.key)
        assert profile.audit.verify().ok  # the PC's own check is satisfied
    finally:
        profile.close()
    _assert_rolled_back(cli)


def _reseal(conn: object, key: bytes) -> None:
    """Recompute every MAC, hash and seal as the attacker with the store key can."""
    rows = conn.execute(  # type: ignore[attr-defined]
        "SELECT seq, time, terminal, staff_id, action, targets, result FROM audit_log "
        "ORDER BY seq").fetchall()
    k, prev_mac, prev_hash = chain.key_for(key, 1), chain.ZERO_MAC, GENESIS_HASH
    for seq, time, terminal, staff, action, targets, result in rows:
        mac = chain.record_mac(k, prev_mac, chain.canonical_record(
            seq, time, terminal, staff, action, targets, result))
        digest = record_hash(prev_hash, seq, time, terminal, staff, action, targets, result)
        conn.execute("UPDATE audit_log SET mac = ?, prev_hash = ?, hash = ? WHERE seq = ?",  # type: ignore[attr-defined]
                     (mac, prev_hash, digest, seq))
        k, prev_mac, prev_hash = chain.evolve(k), mac, digest
    seal = chain.seal_key(key)
    conn.execute("UPDATE audit_chain SET tip_mac = ?, tip_seal = ?, tip_hash = ?",  # type: ignore[attr-defined]
                 (prev_mac, chain.seal(seal, "tip", rows[-1][0], prev_mac), prev_hash))


def test_the_kept_tip_is_in_the_keyring_for_production_and_in_a_file_for_demo(
    memory_keyring: MemoryKeyring, cli: Cli, tmp_path: Path,
) -> None:
    """Where the tip kept outside the store lives (docs/security-core.md, "The tip kept
    outside the store"): production in the OS keyring entry ``oplog-tip/<profile id>``,
    with no ``oplog-tip.json`` and no other file holding the tip in or beside the profile
    (a copy of the profile directory does not carry it); demo in ``oplog-tip.json`` in the
    profile directory (a copy of the directory restores it: demo only), nothing in the
    keyring. Either way it names the log's present tip."""
    profile_dir = tmp_path / "p"
    with open_profile(profile_dir) as profile:
        tip, profile_id, demo = profile.audit.tip(), profile.info.profile_id, profile.is_demo
    assert tip.seq > 0
    entry = memory_keyring.entries.get((KEYRING_SERVICE, f"oplog-tip/{profile_id}"))
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    holding = sorted(p.relative_to(tmp_path).as_posix() for p in files
                     if tip.hash.encode() in p.read_bytes()
                     or tip.hash.replace("-", "").encode() in p.read_bytes())
    if demo:
        assert entry is None
        assert holding == [f"p/{ANCHOR_FILE}"]
        kept = (profile_dir / ANCHOR_FILE).read_text("utf-8")
    else:
        assert entry is not None
        assert holding == []  # neither oplog-tip.json nor any other file, in or beside it
        assert not (profile_dir / ANCHOR_FILE).exists()
        kept = entry
    assert AnchorState.from_text(kept).local == tip

"""Issue 15's attacks against a real PC profile and the real simulator: each is detected or
refused, and ``shuyaku-sim review`` shows it as its alert.

Before issue 15 every one of them went through: the simulator accepted any record with an
unused seq and any staff ID, and the PC compared its log with nothing outside itself.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import sqlite3
import ssl
from pathlib import Path
from typing import Any

import pytest

from kokuho_pc.audit import chain
from kokuho_pc.cli.main import main as cli_main
from kokuho_pc.domain.errors import (
    ConnectionFailed,
    LogForwardRefused,
    RollbackDetected,
)
from kokuho_pc.domain.oplog_chain import GENESIS_HASH, record_hash
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.profile import Profile, ProfileKind, create_profile, open_profile
from kokuho_pc.services.trust import TrustService, contact_client_factory
from kokuho_pc.transfer.client import ClientConfig, ConsolidationClient
from shuyaku_sim.cli import main as sim_main
from shuyaku_sim.pki import issue_terminal
from tests.conftest import MemoryKeyring
from tests.simfiles import household_pair
from tests.simhelpers import SimPki, SimServer, make_session
from tests.transfer.harness import ADMIN, STAFF, STAFF_PW, login, make_profile, write_files

STORE_FILES = ("store.db", "store.db-wal", "store.db-shm")


def _terminal(profile: Profile) -> str:
    return Path(profile.policy().client_cert_file).stem


def _review(sim: SimServer, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    code = sim_main(["review", "--data", str(sim.data_dir), "--json", "--silent-days", "3650"])
    out = json.loads(capsys.readouterr().out)
    out["exit"] = code
    return out


def _alerts(review: dict[str, Any], terminal: str) -> list[str]:
    return sorted({a["code"] for a in review["alerts"]
                   if a["terminal_id"] == terminal and a["code"] != "after_hours"})


def _chain_state(review: dict[str, Any], terminal: str) -> str:
    (line,) = [t for t in review["terminals"] if t["terminal_id"] == terminal]
    return str(line["chain"])


def _copy(src: Path, dst: Path) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    for name in STORE_FILES:
        (dst / name).unlink(missing_ok=True)
        if (src / name).exists():
            shutil.copyfile(src / name, dst / name)


@pytest.fixture
def env(tmp_path: Path, sim_env: tuple[SimServer, SimPki]) -> tuple[SimServer, SimPki, Path]:
    sim, pki = sim_env
    make_profile(tmp_path / "profile", sim, pki).close()
    return sim, pki, tmp_path / "profile"


def test_forwarded_then_rolled_back_records_are_refused_and_reported(
    env: tuple[SimServer, SimPki, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The store is copied aside, work is forwarded, the old copy is restored. DETECTED by
    the PC against the server's tip (staff refused, reported: review shows ``rollback``);
    the restored log's next forwarding is REFUSED (409) and becomes the administrator's
    alarm. The tip kept outside the store is put back too, as the OS user can."""
    sim, _, path = env
    _copy(path, tmp_path / "aside")
    anchor = (path / "oplog-tip.json").read_bytes()
    with open_profile(path) as profile:
        terminal = _terminal(profile)
        admin = login(profile, ADMIN)  # forwarded at login and at the end
        AccountService(profile).revoke(admin, STAFF)
        admin.logout()
        assert TrustService(profile).forward(ADMIN) > 0
    _copy(tmp_path / "aside", path)
    (path / "oplog-tip.json").write_bytes(anchor)
    with open_profile(path) as profile:
        assert profile.rollback is None  # nothing local gives it away
        with pytest.raises(RollbackDetected):  # the server's tip does
            login(profile, STAFF)
        assert profile.rollback is not None and profile.rollback.reference == "server"
        admin = login(profile, ADMIN)  # administrators may still log in
        with pytest.raises(LogForwardRefused):
            TrustService(profile).forward(ADMIN)
        alarm = profile.audit.forward_alarm()
        assert alarm is not None and alarm[1] == "chain_rollback"
        admin.logout()
    review = _review(sim, capsys)
    assert review["exit"] == 1
    assert _alerts(review, terminal) == ["rollback"]
    assert _chain_state(review, terminal) == "rolled_back"


def test_rewrite_with_the_store_key_is_detected_by_the_servers_tip(
    env: tuple[SimServer, SimPki, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """With the store key, the forwarded history is rewritten and resealed (MACs, hashes,
    seals) and the tip kept outside the store rewritten to match: the PC's own checks pass,
    the consolidation system's acknowledged tip does not: DETECTED and reported."""
    sim, _, path = env
    with open_profile(path) as profile:
        terminal = _terminal(profile)
        conn = profile.db.raw_connection()
        for trigger in ("audit_log_no_update", "audit_log_hash_fixed"):
            conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute("UPDATE audit_log SET staff_id = 'someone.else' WHERE seq = 2")
        tip = _reseal(conn, profile.db.key)
        (path / "oplog-tip.json").write_text(json.dumps(
            {"local": {"seq": tip[0], "hash": tip[1]}, "server": None, "epoch": 0}))
        assert profile.audit.verify().ok
    with open_profile(path) as profile:
        assert profile.rollback is None
        with pytest.raises(RollbackDetected):
            login(profile, STAFF)
        assert profile.rollback is not None and profile.rollback.kind == "diverged"
    review = _review(sim, capsys)
    assert "rollback" in _alerts(review, terminal)


def _reseal(conn: sqlite3.Connection, key: bytes) -> tuple[int, str]:
    rows = conn.execute("SELECT seq, time, terminal, staff_id, action, targets, result "
                        "FROM audit_log ORDER BY seq").fetchall()
    k, prev_mac, prev_hash = chain.key_for(key, 1), chain.ZERO_MAC, GENESIS_HASH
    for seq, time, terminal, staff, action, targets, result in rows:
        mac = chain.record_mac(k, prev_mac, chain.canonical_record(
            seq, time, terminal, staff, action, targets, result))
        digest = record_hash(prev_hash, seq, time, terminal, staff, action, targets, result)
        conn.execute("UPDATE audit_log SET mac = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                     (mac, prev_hash, digest, seq))
        k, prev_mac, prev_hash = chain.evolve(k), mac, digest
    conn.execute("UPDATE audit_chain SET tip_mac = ?, tip_seal = ?, tip_hash = ?",
                 (prev_mac, chain.seal(chain.seal_key(key), "tip", rows[-1][0], prev_mac),
                  prev_hash))
    return int(rows[-1][0]), prev_hash


def test_shadow_store_is_refused_until_re_enrolment(
    env: tuple[SimServer, SimPki, Path], tmp_path: Path, sim_env: tuple[SimServer, SimPki],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A fresh profile (an empty log that verifies) on the same terminal certificate:
    its log starts again from seq 1. DETECTED at login against the server's tip (the shadow
    log is behind it), its forwarding REFUSED (chain_broken); after the federation's
    approval (``shuyaku-sim terminal re-enrol``, recorded: ``re_enrolled``) it is accepted."""
    sim, pki, path = env
    with open_profile(path) as original:
        terminal = _terminal(original)
        settings = {name: getattr(original.policy(), name) for name in (
            "server_url", "server_ca_file", "client_cert_file", "client_key_file")}
    shadow = make_profile(tmp_path / "shadow", sim, pki)
    try:
        for name, value in settings.items():
            shadow.policy_store.set(name, value, by=None, now=shadow.clock())
        with pytest.raises(RollbackDetected):
            login(shadow, STAFF)
        with pytest.raises(LogForwardRefused):
            TrustService(shadow).forward(ADMIN)
        review = _review(sim, capsys)
        assert {"chain_broken", "rollback"} <= set(_alerts(review, terminal))
        assert sim_main(["terminal", "re-enrol", "--data", str(sim.data_dir),
                         "--terminal", terminal]) == 0
        assert TrustService(shadow).forward(ADMIN) > 0  # the new chain is accepted
        assert TrustService(shadow).check(ADMIN) is None
        login(shadow, STAFF).logout()  # and staff may work again
    finally:
        shadow.close()
    assert "re_enrolled" in _alerts(_review(sim, capsys), terminal)


def test_unknown_and_revoked_staff_ids_are_refused_and_alerted(
    env: tuple[SimServer, SimPki, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The terminal key and a self-asserted X-Staff-Id no longer suffice: a staff ID the
    municipality's registry (fed by the chained account records) does not hold is REFUSED
    (403); so is a revoked one, once the revocation was forwarded."""
    sim, _, path = env
    with open_profile(path) as profile:
        terminal = _terminal(profile)
        policy = profile.policy()
        cert = (policy.client_cert_file, policy.client_key_file)

        def call(staff: str) -> int:
            with make_session(sim.sim_pki, "082201", staff,
                              cert=(Path(cert[0]), Path(cert[1]))) as s:
                return s.get(sim.url("/api/v1/candidates"), timeout=10).status_code

        assert call(STAFF) == 200
        assert call("intruder") == 403
        admin = login(profile, ADMIN)
        AccountService(profile).revoke(admin, STAFF)
        admin.logout()
        TrustService(profile).forward(ADMIN)
        assert call(STAFF) == 403
    review = _review(sim, capsys)
    assert _alerts(review, terminal) == ["unknown_staff"]
    details = [a["detail"] for a in review["alerts"] if a["code"] == "unknown_staff"]
    assert any("intruder" in d for d in details) and any(STAFF in d for d in details)


def test_flipped_forwarded_ack_is_detected(
    kinds_env: tuple[Path, MemoryKeyring | None],
) -> None:
    """Records never forwarded are marked acknowledged by hand (so they would be pruned
    unseen): DETECTED against the server's tip, and offline against the kept tip (a file
    for demo, the OS keyring for production); staff logins are then refused."""
    path, keyring = kinds_env
    with open_profile(path) as profile:
        admin = login(profile, ADMIN)
        admin.logout()
        assert TrustService(profile).check(ADMIN) is None  # before the flip: clean
        assert profile.audit.records(unacknowledged_only=True)  # the logout's records
        offline_service = TrustService(profile, client_factory=lambda p, s: None)
        assert offline_service.check(ADMIN) is None
        profile.db.raw_connection().execute(
            "UPDATE audit_log SET forwarded_ack = '2026-11-26T10:00:00' "
            "WHERE forwarded_ack IS NULL")
        finding = TrustService(profile).check(ADMIN)
        assert finding is not None and finding.kind == "unsent_marked_sent"
        offline = TrustService(profile, client_factory=lambda p, s: None).check(ADMIN)
        assert offline is not None and offline.kind == "unsent_marked_sent"
        with pytest.raises(RollbackDetected):
            login(profile, STAFF)
        # where the offline check's reference lives
        assert (path / "oplog-tip.json").exists() == (keyring is None)
        if keyring is not None:
            assert ("kokuho-pc", f"oplog-tip/{profile.info.profile_id}") in keyring.entries


def test_tip_contact_before_login_sends_no_staff_id(
    env: tuple[SimServer, SimPki, Path],
) -> None:
    _, _, path = env
    with open_profile(path) as profile:
        factory = contact_client_factory(profile, "-")
        assert factory is not None
        with factory() as client:
            assert isinstance(client, ConsolidationClient)
            tip = client.operation_log_tip()
        assert tip["seq"] == profile.audit.acknowledged_up_to()


def test_send_exits_1_when_the_server_refuses_the_forwarded_log(
    env: tuple[SimServer, SimPki, Path], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """An unforwarded record is altered in place (no key, hashes left as they were): the
    server recomputes the hash and REFUSES the batch (409 chain_broken). The send itself
    is accepted, but ``kokuho-pc send`` exits 1 and says that the log was refused
    (before issue 15: INFO in the log file, exit 0); the alarm stays for the administrator."""
    _, _, path = env
    medium = tmp_path / "usb"
    with open_profile(path) as profile:
        from kokuho_pc.services.media_admin import MediaAdminService

        medium.mkdir()
        admin = login(profile, ADMIN)
        MediaAdminService(profile).register(admin, medium, (STAFF,))
        admin.logout()
        conn = profile.db.raw_connection()
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET staff_id = 'nobody' WHERE forwarded_ack IS NULL")
    files = household_pair("082201", dt.datetime(2026, 10, 9, 13, 0, 7), 2,
                           moved_in_from="082015", first=47000)
    write_files(medium, files)
    monkeypatch.setattr("sys.stdin", io.StringIO(STAFF_PW + "\n"))
    code = cli_main(["--profile", str(path), "send", "--as", STAFF, "--medium", str(medium)])
    err = capsys.readouterr().err
    assert "送信しました" in err  # the transfer itself worked
    assert code == 1 and "操作ログの受け取りを拒否" in err
    with open_profile(path) as profile:
        alarm = profile.audit.forward_alarm()
        assert alarm is not None and alarm[1] == "chain_broken"


def test_the_production_terminal_key_is_not_a_file_to_copy(
    sim_env: tuple[SimServer, SimPki], tmp_path: Path, memory_keyring: MemoryKeyring,
) -> None:
    """Plaintext key copy: a production profile keeps the terminal key only encrypted, under
    a password in the OS keyring; the TLS client decrypts it in memory. A copy of the
    profile's key file (or of the whole profile) does not authenticate anywhere else:
    REFUSED locally (the key cannot be loaded), never a prompt."""
    sim, pki = sim_env
    issued = issue_terminal(pki.directory, "082201", terminal_id="terminal-082201-sealed",
                            file_stem="terminal-082201-sealed")
    plain = issued.key_path.read_bytes()
    profile = create_profile(tmp_path / "prod", kind=ProfileKind.PRODUCTION,
                             municipality_code="082201", settings={
                                 "server_url": sim.base_url, "server_ca_file": str(pki.ca),
                                 "server_pins": [pki.pin],
                                 "client_cert_file": str(issued.cert_path),
                                 "client_key_file": str(issued.key_path)})
    try:
        sealed = Path(profile.policy().client_key_file)
        assert sealed.parent == profile.path and sealed != issued.key_path
        assert sealed.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        for file in profile.path.rglob("*"):
            assert not file.is_file() or plain not in file.read_bytes()
        with pytest.raises(ssl.SSLError):  # the file alone is useless
            ssl.create_default_context().load_cert_chain(
                str(issued.cert_path), str(sealed), password=b"guess")
        factory = contact_client_factory(profile, "-")
        assert factory is not None
        with factory() as client:  # decrypted in memory with the keyring's password
            assert client.operation_log_tip()["known"] is False
        # another OS user (its own keyring) with a copy of the profile: refused
        memory_keyring.entries.clear()
        assert profile.terminal_key_password() is None
        config = ClientConfig(sim.base_url, pki.ca, issued.cert_path, sealed, (pki.pin,), "-")
        with pytest.raises(ConnectionFailed, match="端末証明書"):
            ConsolidationClient(config)
    finally:
        profile.close()


def test_a_refused_forwarding_is_said_in_japanese_by_every_command(
    env: tuple[SimServer, SimPki, Path], tmp_path: Path
) -> None:
    """x1's red-team run: after a rollback, an administrator's ``--as`` command printed the
    developer log line "the consolidation system refused the forwarded operation log" (twice,
    in English) on standard error and nothing the administrator could act on. The CLI
    contract wants Japanese messages: the refusal is now said once, in Japanese, with what to
    do; no English log line reaches the terminal (the real command in its own process, where
    no test logging handler hides Python's last-resort handler)."""
    import os
    import subprocess
    import sys

    from tests.simhelpers import ROOT
    from tests.transfer.harness import ADMIN_PW

    _, _, path = env
    _copy(path, tmp_path / "aside")
    anchor = (path / "oplog-tip.json").read_bytes()
    with open_profile(path) as profile:
        admin = login(profile, ADMIN)
        AccountService(profile).revoke(admin, STAFF)
        admin.logout()
        assert TrustService(profile).forward(ADMIN) > 0
    _copy(tmp_path / "aside", path)
    (path / "oplog-tip.json").write_bytes(anchor)
    done = subprocess.run(
        [sys.executable, "-m", "kokuho_pc", "--profile", str(path), "admin", "list-users",
         "--as", ADMIN], input=f"{ADMIN_PW}\n", capture_output=True, text=True, timeout=120,
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr  # administrators may still work
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert [line for line in lines if line.isascii()] == [], done.stderr
    assert sum("操作ログの受け取りを拒否" in line for line in lines) == 1, done.stderr
    assert "国保連合会に連絡" in done.stderr


def test_a_pc_that_stops_contacting_the_server_goes_silent_in_the_review(
    env: tuple[SimServer, SimPki, Path], capsys: pytest.CaptureFixture[str],
) -> None:
    """The federation notices a PC that no longer forwards its log (a PC kept offline to
    hide what was done on it): ``silent`` once ``--silent-days`` have passed since its last
    contact with the real server, not before. The review's clock is moved, not the PC's."""
    from shuyaku_sim.review import run_review

    sim, _, path = env
    with open_profile(path) as profile:
        terminal = _terminal(profile)
        admin = login(profile, ADMIN)  # forwarded at login and at logout
        admin.logout()

    # The review's clock starts from the contact the server recorded, not from the machine.
    (line,) = [t for t in _review(sim, capsys)["terminals"] if t["terminal_id"] == terminal]
    contact = dt.datetime.fromisoformat(line["last_contact"])
    if contact.tzinfo is not None:
        contact = contact.astimezone().replace(tzinfo=None)  # the review's naive local time

    def review_after(days: int) -> tuple[int, dict[str, Any]]:
        capsys.readouterr()
        code = run_review(sim.data_dir, True, 7,
                          clock=lambda: contact + dt.timedelta(days=days))
        return code, json.loads(capsys.readouterr().out)

    _, soon = review_after(6)
    assert "silent" not in _alerts(soon, terminal)
    code, later = review_after(8)
    assert "silent" in _alerts(later, terminal) and code == 1

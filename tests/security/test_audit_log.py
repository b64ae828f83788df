"""The operation log: fields, refusals, append-only, hash chain, tamper detection, retention."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from kokuho_pc.audit import chain
from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.audit.log import AuditLog
from kokuho_pc.domain.errors import AuditError
from kokuho_pc.domain.mynumber import my_number_check_digit
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.login import Session
from kokuho_pc.services.profile import Profile
from kokuho_pc.store.clock import ManualClock
from tests.security.conftest import STAFF_ID


def _valid_my_number(seed: int) -> str:
    first = f"{seed:011d}"
    return first + str(my_number_check_digit(first))


def _fill(log: AuditLog, clock: ManualClock, n: int) -> None:
    for i in range(n):
        clock.advance(seconds=7)
        log.record(AuditAction.SEND, f"staff{i % 3}.person",
                   {"file": f"KSK01_082015_2026112610{i:04d}.dat", "sha256": f"{i:064x}",
                    "records": i}, AuditResult.SUCCESS if i % 5 else AuditResult.FAILURE)


def test_record_fields(profile: Profile, staff: Session, clock: ManualClock) -> None:
    seq = profile.audit.record(AuditAction.CANDIDATE_LIST_VIEW, staff.user_id,
                               {"count": 12, "candidates": [3, 4]})
    record = profile.audit.records(after_seq=seq - 1)[0]
    assert record.seq == seq
    assert datetime.fromisoformat(record.time).utcoffset() is not None
    assert record.time.endswith("+09:00")
    assert record.terminal == profile.audit.terminal
    assert (record.staff_id, record.action, record.result) == (STAFF_ID, "candidate.list_view",
                                                               "success")
    assert record.targets == {"count": 12, "candidates": [3, 4]}
    assert record.forwarded_ack is None
    assert record.action_label == "継続候補世帯リスト表示"


def test_every_required_event_exists() -> None:
    required = {"login.success", "login.failure", "account.lockout", "logout", "session.lock",
                "session.unlock", "password.change", "account.create", "account.revoke",
                "policy.change", "media.connect", "media.deny", "media.read", "media.write",
                "file.check", "send", "receive", "export", "candidate.list_view",
                "candidate.decision", "candidate.confirmation", "print", "temp.sweep",
                "settings.change"}
    assert required <= {a.value for a in AuditAction}
    assert all(a.label for a in AuditAction)


@pytest.mark.parametrize(
    "targets",
    [
        {"file": "KSK02_082015_x_{mn}.dat"},
        {"files": ["a.dat", "{mn}"]},
        {"reason": "mn={mn}"},
    ],
)
def test_my_number_is_refused(profile: Profile, targets: dict[str, object]) -> None:
    mn = _valid_my_number(12345678901)
    filled = {k: (v.replace("{mn}", mn) if isinstance(v, str)
                  else [x.replace("{mn}", mn) for x in v])  # type: ignore[union-attr]
              for k, v in targets.items()}
    before = profile.audit.verify().count
    with pytest.raises(AuditError, match="個人番号"):
        profile.audit.record(AuditAction.SEND, "sato.hanako", filled)  # type: ignore[arg-type]
    assert profile.audit.verify().count == before
    with pytest.raises(AuditError):
        profile.audit.record(AuditAction.SEND, mn)


def test_unknown_target_keys_and_free_text_are_refused(profile: Profile) -> None:
    with pytest.raises(AuditError):
        profile.audit.record(AuditAction.SEND, "sato.hanako", {"name": "国保 太郎"})
    with pytest.raises(AuditError):
        profile.audit.record(AuditAction.SEND, "sato.hanako", {"file": "x" * 300})
    with pytest.raises(AuditError):
        profile.audit.record(AuditAction.SEND, "sato.hanako", {"file": "a\nb"})


def test_log_is_append_only(profile: Profile, clock: ManualClock) -> None:
    _fill(profile.audit, clock, 3)
    conn = profile.db.raw_connection()
    with pytest.raises(Exception, match="append-only"):
        conn.execute("UPDATE audit_log SET staff_id = 'x' WHERE seq = 2")
    with pytest.raises(Exception, match="cannot be deleted"):
        conn.execute("DELETE FROM audit_log WHERE seq = 2")
    assert profile.audit.verify().ok


def test_operation_is_refused_when_its_record_cannot_be_written(
    profile: Profile, admin: Session, staff: Session
) -> None:
    conn = profile.db.raw_connection()
    conn.execute("UPDATE audit_chain SET tip_seal = ? WHERE id = 1", ("00" * 32,))
    with pytest.raises(AuditError):
        AccountService(profile).revoke(admin, STAFF_ID)
    row = profile.db.query_one("SELECT revoked_at FROM accounts WHERE user_id = ?", (STAFF_ID,))
    assert row == (None,)


def test_forward_evolving_keys() -> None:
    key = chain.root_key(b"k" * 32)
    seen = {key}
    for _ in range(100):
        key = chain.evolve(key)
        assert key not in seen
        seen.add(key)
    assert chain.key_for(b"k" * 32, 101) == key


def _tamper(conn: object, rng: random.Random, n: int) -> tuple[str, int | None]:
    """Apply one random tampering to a log of records 1..n; return (kind, expected seq)."""
    c = conn
    kind = rng.choice(["change", "delete", "reorder", "truncate", "insert", "front"])
    if kind == "change":
        seq = rng.randint(1, n)
        column = rng.choice(["time", "terminal", "staff_id", "action", "targets", "result",
                             "mac"])
        (old,) = c.execute(f"SELECT {column} FROM audit_log WHERE seq = ?", (seq,)).fetchone()  # type: ignore[attr-defined]  # noqa: S608
        if column == "mac":
            new = ("0" if old[0] != "0" else "1") + old[1:]
        else:
            pos = rng.randrange(len(old))
            new = old[:pos] + ("Z" if old[pos] != "Z" else "Y") + old[pos + 1:]
        c.execute(f"UPDATE audit_log SET {column} = ? WHERE seq = ?", (new, seq))  # type: ignore[attr-defined]  # noqa: S608
        return kind, seq
    if kind == "delete":
        seq = rng.randint(1, n)
        c.execute("DELETE FROM audit_log WHERE seq = ?", (seq,))  # type: ignore[attr-defined]
        return kind, seq
    if kind == "reorder":
        i, j = sorted(rng.sample(range(1, n + 1), 2))
        c.execute("UPDATE audit_log SET seq = -1 WHERE seq = ?", (i,))  # type: ignore[attr-defined]
        c.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (i, j))  # type: ignore[attr-defined]
        c.execute("UPDATE audit_log SET seq = ? WHERE seq = -1", (j,))  # type: ignore[attr-defined]
        return kind, i
    if kind == "truncate":
        m = rng.randint(1, n - 1)
        c.execute("DELETE FROM audit_log WHERE seq > ?", (n - m,))  # type: ignore[attr-defined]
        if rng.random() < 0.5:  # the attacker also moves the tip (but cannot seal it)
            (mac,) = c.execute("SELECT mac FROM audit_log WHERE seq = ?",  # type: ignore[attr-defined]
                               (n - m,)).fetchone()
            c.execute("UPDATE audit_chain SET tip_seq = ?, tip_mac = ?", (n - m, mac))  # type: ignore[attr-defined]
        return kind, n - m + 1
    if kind == "insert":
        k = rng.randint(1, n + 1)
        c.execute("UPDATE audit_log SET seq = -(seq + 1) WHERE seq >= ?", (k,))  # type: ignore[attr-defined]
        c.execute("UPDATE audit_log SET seq = -seq WHERE seq < 0")  # type: ignore[attr-defined]
        c.execute(  # type: ignore[attr-defined]
            "INSERT INTO audit_log (seq, time, terminal, staff_id, action, targets, result, mac)"
            " VALUES (?, '2026-11-26T10:00:00.000+09:00', 'pc', 'evil.person', 'send', '{}',"
            " 'success', ?)",
            (k, rng.randbytes(32).hex()),
        )
        return kind, k
    # front: drop the oldest records and move the base (cannot seal it)
    m = rng.randint(1, n - 1)
    c.execute("DELETE FROM audit_log WHERE seq <= ?", (m,))  # type: ignore[attr-defined]
    if rng.random() < 0.5:
        c.execute("UPDATE audit_chain SET base_seq = ?, base_mac = ?",  # type: ignore[attr-defined]
                  (m + 1, rng.randbytes(32).hex()))
        return kind, None
    return kind, 1


def test_one_thousand_random_tamperings_are_all_detected(profile: Profile,
                                                         clock: ManualClock) -> None:
    _fill(profile.audit, clock, 40)
    n = profile.audit.verify().count
    assert profile.audit.verify().ok
    conn = profile.db.raw_connection()
    conn.execute("PRAGMA journal_mode = MEMORY")  # speed only: trials are rolled back
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("DROP TRIGGER audit_log_no_update")  # an attacker with the key would
    conn.execute("DROP TRIGGER audit_log_delete_only_acknowledged")
    rng = random.Random(20261126)
    kinds: dict[str, int] = {}
    for _ in range(1000):
        conn.execute("SAVEPOINT trial")
        try:
            kind, expected = _tamper(conn, rng, n)
            report = profile.audit.verify()
        finally:
            conn.execute("ROLLBACK TO trial")
            conn.execute("RELEASE trial")
        kinds[kind] = kinds.get(kind, 0) + 1
        assert not report.ok, kind
        if expected is not None:
            assert report.first_bad_seq == expected, (kind, report)
    assert profile.audit.verify().ok
    assert set(kinds) == {"change", "delete", "reorder", "truncate", "insert", "front"}


def test_acknowledge_and_retention(profile: Profile, clock: ManualClock) -> None:
    _fill(profile.audit, clock, 10)
    total = profile.audit.verify().count
    assert profile.audit.prune(365) == 0  # nothing acknowledged yet
    assert profile.audit.acknowledge(6) == 6
    assert profile.audit.prune(365) == 0  # acknowledged but too young
    clock.advance(days=400)
    removed = profile.audit.prune(365)
    assert removed == 6
    report = profile.audit.verify()
    assert report.ok and report.count == total - 6
    assert profile.audit.records()[0].seq == 7
    assert len(profile.audit.records(unacknowledged_only=True)) == total - 6
    profile.audit.record(AuditAction.TEMP_SWEEP, "-", {"swept": 0})
    assert profile.audit.verify().ok



def test_retention_is_applied_when_the_profile_opens(profile: Profile,
                                                     clock: ManualClock) -> None:
    from kokuho_pc.services.profile import open_profile

    _fill(profile.audit, clock, 5)
    profile.audit.acknowledge(3)
    clock.advance(days=profile.policy().audit_retention_days + 1)
    path = profile.path
    with open_profile(path, clock=clock) as reopened:
        records = reopened.audit.records()
        assert records[0].seq == 4
        assert records[-1].action == "audit.prune"
        assert records[-1].targets == {"count": 3, "up_to_seq": 3}
        assert reopened.audit.verify().ok


def test_two_processes_appending_keep_one_chain(profile: Profile, clock: ManualClock) -> None:
    from kokuho_pc.services.profile import open_profile

    other = open_profile(profile.path, clock=clock)  # e.g. the command line beside the GUI
    try:
        for i in range(6):
            log = profile.audit if i % 3 else other.audit
            log.record(AuditAction.FILE_CHECK, "sato.hanako", {"count": i})
        assert profile.audit.verify().ok and other.audit.verify().ok
    finally:
        other.close()

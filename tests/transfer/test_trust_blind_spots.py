"""What is NOT detected, pinned (issue 13 item 5e): docs/security-core.md, "Trust anchored off
the PC", list "What an OS user of the PC can still do". Each test asserts today's behaviour
of one listed blind spot, against a real profile and the real simulator, so that a change
(closed or widened) makes it fail and the doc is revisited. The crash-window blind spot
(WAL deleted after a kill) is pinned in tests/security/test_wal_kill.py.
"""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path
from typing import Any

import pytest

from kokuho_pc.audit import chain
from kokuho_pc.domain.errors import LogForwardRefused, ServerRefused
from kokuho_pc.domain.oplog_chain import Tip, record_hash
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.profile import Profile, open_profile
from kokuho_pc.services.trust import TrustService, contact_client_factory
from kokuho_pc.store.anchor import ANCHOR_FILE, KEYRING_SERVICE, AnchorState
from tests.conftest import MemoryKeyring
from tests.simhelpers import SimPki, SimServer
from tests.transfer.harness import ADMIN, STAFF, login
from tests.transfer.test_trust_e2e import _alerts, _chain_state, _copy, _reseal, _review, _terminal


class Pc:
    """A demo or production profile on the module's simulator, and its kept tip."""

    def __init__(self, path: Path, keyring: MemoryKeyring | None) -> None:
        self.path = path
        self.keyring = keyring

    def _entry(self, profile_id: str) -> tuple[str, str]:
        return KEYRING_SERVICE, f"oplog-tip/{profile_id}"

    def kept(self, profile: Profile) -> str:
        """The kept tips' text, as the OS user can read it (file or keyring entry)."""
        if self.keyring is None:
            return (self.path / ANCHOR_FILE).read_text("utf-8")
        return self.keyring.entries[self._entry(profile.info.profile_id)]

    def put_kept(self, profile: Profile, text: str) -> None:
        """Write the kept tips, as the OS user can."""
        if self.keyring is None:
            (self.path / ANCHOR_FILE).write_text(text, encoding="utf-8")
        else:
            self.keyring.entries[self._entry(profile.info.profile_id)] = text

    def staff_request(self, staff: str) -> int:
        """The HTTP status of a municipality request made with this terminal's key (through
        the product's client, which unseals a production key), naming ``staff``."""
        with open_profile(self.path) as profile:
            factory = contact_client_factory(profile, staff)
        assert factory is not None
        try:
            with factory() as client:
                client.list_deliveries()
        except ServerRefused as exc:
            return int(getattr(exc, "status", 0))
        return 200


@pytest.fixture
def pc(kinds_env: tuple[Path, MemoryKeyring | None]) -> Pc:
    """The demo or production profile of ``kinds_env`` (tests/transfer/conftest.py)."""
    return Pc(*kinds_env)


def _offline(profile: Profile) -> TrustService:
    return TrustService(profile, client_factory=lambda p, s: None)


def test_store_and_kept_tip_restored_together_pass_every_check_of_the_pc_alone(
    pc: Pc, tmp_path: Path,
) -> None:
    """NOT DETECTED by the PC alone ("Keep the PC offline: rollback checks then rely on the
    kept tip only"; for demo also "a copy of the whole directory restores it"): the store
    and the kept tip (file, or keyring entry) are put back together after a forwarded
    revocation. Start, ``audit verify``'s chain and the offline check pass; only the
    consolidation system's tip catches it (DETECTED once online)."""
    _copy(pc.path, tmp_path / "aside")
    with open_profile(pc.path) as profile:
        kept = pc.kept(profile)
        admin = login(profile, ADMIN)
        AccountService(profile).revoke(admin, STAFF)
        admin.logout()
        TrustService(profile).forward(ADMIN)
        assert pc.kept(profile) != kept  # the kept tip had moved on
    _copy(tmp_path / "aside", pc.path)
    with open_profile(pc.path) as profile:
        pc.put_kept(profile, kept)
    with open_profile(pc.path) as profile:
        assert profile.rollback is None  # the start's check (kept tip only)
        assert profile.audit.verify().ok
        assert _offline(profile).check(ADMIN) is None  # offline: nothing to see
        finding = TrustService(profile).check(ADMIN)  # online: the server's tip
        assert finding is not None and finding.reference == "server"
        assert finding.kind == "behind"


def test_unforwarded_tail_rewritten_with_the_kept_tip_is_not_detected_anywhere(
    pc: Pc, sim_env: tuple[SimServer, SimPki], capsys: pytest.CaptureFixture[str],
) -> None:
    """NOT DETECTED, by the PC or by the server ("With the keyring entries too (same OS
    user), rewrite the unforwarded tail of the log and the kept tip consistently, as long
    as the server never saw that tail"): a revocation not yet forwarded is rewritten into a
    harmless record with the store key, the chain resealed and the kept tip set to match.
    The PC's checks pass, the staff member works again, and the next forwarding is
    ACCEPTED: the server never learns of the revocation."""
    sim, _ = sim_env
    with open_profile(pc.path) as profile:
        terminal = _terminal(profile)
        admin = login(profile, ADMIN)  # forwards what came before
        AccountService(profile).revoke(admin, STAFF)
        # the process ends without a logout: the revocation is the unforwarded tail
        revoke_seq = profile.audit.tip().seq
        assert profile.audit.acknowledged_up_to() < revoke_seq
    with open_profile(pc.path) as profile:
        conn = profile.db.raw_connection()
        for trigger in ("audit_log_no_update", "audit_log_hash_fixed"):
            conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute("UPDATE audit_log SET targets = ? WHERE seq = ?",
                     (chain.canonical_targets({"account": "nobody"}), revoke_seq))
        conn.execute("UPDATE accounts SET revoked_at = NULL")
        seq, digest = _reseal(conn, profile.db.key)
        state = AnchorState.from_text(pc.kept(profile))
        pc.put_kept(profile, dataclasses.replace(state, local=Tip(seq, digest)).to_text())
    with open_profile(pc.path) as profile:
        assert profile.rollback is None and profile.audit.verify().ok
        assert TrustService(profile).check(ADMIN) is None  # the server's tip: still held
        login(profile, STAFF).logout()  # the revoked staff member works again
        TrustService(profile).forward(ADMIN)  # no LogForwardRefused: accepted
        assert profile.audit.acknowledged_up_to() > revoke_seq  # the rewritten record too
        assert profile.audit.forward_alarm() is None
    review = _review(sim, capsys)
    assert not {"rollback", "chain_broken"} & set(_alerts(review, terminal))
    assert _chain_state(review, terminal) != "rolled_back"
    assert pc.staff_request(STAFF) == 200  # the registry still holds STAFF active


def _forged_account_create(profile: Profile, server: dict[str, Any], intruder: str
                           ) -> dict[str, Any]:
    """A correctly chained ``account.create`` record for ``intruder`` on the server's tip:
    the public hash chain needs no PC key."""
    seq, prev = int(server["seq"]) + 1, str(server["hash"])
    time, terminal, action, result = ("2026-11-26T03:00:00.000+09:00", profile.audit.terminal,
                                      "account.create", "success")
    targets = {"account": intruder, "role": "staff", "valid_from": None, "valid_to": None}
    text = chain.canonical_targets(targets)
    return {"seq": seq, "time": time, "terminal": terminal, "staff_id": ADMIN,
            "action": action, "targets": targets, "result": result, "prev_hash": prev,
            "hash": record_hash(prev, seq, time, terminal, ADMIN, action, text, result)}


def test_forged_account_create_is_caught_only_at_the_next_forwarding(
    pc: Pc, sim_env: tuple[SimServer, SimPki], capsys: pytest.CaptureFixture[str],
) -> None:
    """NOT DETECTED until the PC forwards again ("The key holder can also append a forged,
    correctly chained ``account.create`` record ... It is caught when the PC next
    forwards"): the terminal key holder forwards a forged record registering ``intruder``;
    the server ACCEPTS it and serves ``intruder``, with no alert. The PC's next forwarding
    holds another record under that number: REFUSED (chain_rollback), the administrator's
    alarm, review ``rollback`` and chain ``rolled_back``."""
    sim, _ = sim_env
    intruder = f"intruder.{uuid.uuid4().hex[:8]}"  # the simulator serves the whole module
    assert pc.staff_request(intruder) == 403  # unknown before the forged record
    with open_profile(pc.path) as profile:
        terminal = _terminal(profile)
        TrustService(profile).forward(ADMIN)
        factory = contact_client_factory(profile, ADMIN)
        assert factory is not None
        with factory() as client:
            server = client.operation_log_tip()
            forged = _forged_account_create(profile, server, intruder)
            assert client.forward_operation_log([forged], "forged-account-create") == \
                [forged["seq"]]  # ACCEPTED
    assert pc.staff_request(intruder) == 200  # the forged ID is served
    review = _review(sim, capsys)
    assert not {"rollback", "chain_broken"} & set(_alerts(review, terminal))  # no alert yet
    with open_profile(pc.path) as profile:
        admin = login(profile, ADMIN)  # the PC's own records follow
        admin.logout()
        with pytest.raises(LogForwardRefused):
            TrustService(profile).forward(ADMIN)
        alarm = profile.audit.forward_alarm()
        assert alarm is not None and alarm[1] == "chain_rollback"
    review = _review(sim, capsys)
    assert "rollback" in _alerts(review, terminal)
    assert _chain_state(review, terminal) == "rolled_back"


def test_the_terminal_key_holder_may_name_any_registered_staff_member(pc: Pc) -> None:
    """NOT DETECTED ("Act as any registered staff member in requests made with the terminal
    key (the registry checks that the ID exists and is valid, not who typed it)"): with the
    terminal key, requests naming the administrator or the staff member are ACCEPTED alike;
    only an unregistered ID is refused (403, ``unknown_staff``)."""
    assert pc.staff_request(ADMIN) == 200
    assert pc.staff_request(STAFF) == 200
    assert pc.staff_request(f"nobody.{uuid.uuid4().hex[:8]}") == 403

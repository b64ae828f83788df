"""The operation log anchored on the consolidation system: the tip, refusals with stored
alerts, re-enrolment, the staff registry, and the federation administrator's review.

Each attack of issue 15 has its server-side test here; on the code before issue 15 the
simulator accepted every one of them (any record with an unused seq, any staff ID)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kokuho_pc.domain.oplog_chain import Tip, grouped
from shuyaku_sim.cli import main as sim_main
from shuyaku_sim.engine import Engine
from shuyaku_sim.errors import ChainRefused, StaffRefused
from shuyaku_sim.review import build_review
from tests.oplogchain import account_created, chained
from tests.sim.enginehelp import NOW, make_engine
from tests.sim.towns import MITO, TSUKUBA

TERM = "terminal-082201"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    e = make_engine(tmp_path / "data")
    yield e
    e.close()


def _codes(engine: Engine) -> list[str]:
    return [a.code for a in build_review(engine.db, NOW).alerts if a.code != "after_hours"]


def _history() -> list[dict[str, object]]:
    return chained([account_created("admin01", "admin"), account_created("staff01"),
                    ("login.success", "staff01", {}), ("account.revoke", "admin01",
                                                       {"account": "staff01"})])


def test_the_tip_follows_accepted_batches(engine: Engine) -> None:
    records = _history()
    assert engine.operation_log_tip(TSUKUBA, TERM)["seq"] == 0
    engine.accept_operation_log(TSUKUBA, TERM, records[:2])
    engine.accept_operation_log(TSUKUBA, TERM, records[2:])
    tip = engine.operation_log_tip(TSUKUBA, TERM)
    assert (tip["seq"], tip["hash"], tip["state"]) == (4, records[-1]["hash"], "ok")
    assert _codes(engine) == []


def test_forwarded_then_rolled_back_records_are_refused_and_alerted(engine: Engine) -> None:
    """The PC's store was restored after seq 4 was acknowledged; its new seq 4 differs."""
    records = _history()
    engine.accept_operation_log(TSUKUBA, TERM, records)
    replay = chained([("login.success", "staff01", {})], start=4,
                     prev=str(records[2]["hash"]))
    with pytest.raises(ChainRefused) as refused:
        engine.accept_operation_log(TSUKUBA, TERM, replay)
    assert refused.value.code == "chain_rollback" and refused.value.http_status == 409
    assert engine.operation_log_tip(TSUKUBA, TERM)["state"] == "rolled_back"
    assert _codes(engine) == ["rollback"]  # stored although the batch was refused
    with pytest.raises(ChainRefused):  # a retry counts, it does not add a second alert
        engine.accept_operation_log(TSUKUBA, TERM, replay)
    (alert,) = [a for a in build_review(engine.db, NOW).alerts if a.code == "rollback"]
    assert "計2回" in alert.detail


@pytest.mark.parametrize("case", ["gap", "wrong_prev", "wrong_hash"])
def test_a_batch_not_extending_the_tip_is_chain_broken(engine: Engine, case: str) -> None:
    records = _history()
    engine.accept_operation_log(TSUKUBA, TERM, records[:2])
    if case == "gap":
        batch = records[3:]
    elif case == "wrong_prev":
        batch = chained([("logout", "staff01", {})], start=3, prev=grouped("ab" * 32))
    else:
        batch = [dict(records[2], staff_id="someone.else")]
    with pytest.raises(ChainRefused) as refused:
        engine.accept_operation_log(TSUKUBA, TERM, batch)
    assert refused.value.alert == "chain_broken"
    assert engine.operation_log_tip(TSUKUBA, TERM)["seq"] == 2
    assert _codes(engine) == ["chain_broken"]


def test_a_restarted_chain_is_refused_until_re_enrolment(engine: Engine, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    """Store reset or shadow profile: a fresh log from seq 1 on the same certificate."""
    engine.accept_operation_log(TSUKUBA, TERM, _history())
    fresh = chained([("store.init", "-", {"municipality": TSUKUBA})], terminal="shadow")
    with pytest.raises(ChainRefused) as refused:
        engine.accept_operation_log(TSUKUBA, TERM, fresh)
    assert refused.value.code == "chain_restart"
    assert engine.operation_log_tip(TSUKUBA, TERM)["state"] == "broken"
    engine.close()
    data = tmp_path / "data"
    assert sim_main(["terminal", "re-enrol", "--data", str(data), "--terminal", TERM]) == 0
    assert "再登録を承認しました" in capsys.readouterr().out
    assert sim_main(["terminal", "re-enrol", "--data", str(data), "--terminal", "nobody"]) == 1
    again = make_engine(data)
    try:
        assert again.operation_log_tip(TSUKUBA, TERM)["epoch"] == 1
        assert again.accept_operation_log(TSUKUBA, TERM, fresh) == [1]
        assert again.operation_log_tip(TSUKUBA, TERM)["state"] == "ok"
        with again.db.reading() as tx:
            (approval,) = tx.conn.execute(
                "SELECT terminal_id, old_epoch, new_epoch, old_tip_seq FROM re_enrolments"
            ).fetchall()
        assert approval == (TERM, 0, 1, 4)
        assert sorted(set(_codes(again))) == ["chain_broken", "re_enrolled"]
        # the old chain stays for the review; the new one numbers from 1 again
        assert [r["seq"] for r in again.list_operation_log(terminal_id=TERM)] == [1, 2, 3, 4, 1]
    finally:
        again.close()


def test_the_staff_registry_follows_the_account_records(engine: Engine) -> None:
    # no registry yet (no account record ever forwarded): refused too, and alerted (x1:
    # a terminal key of a municipality whose PC never forwarded opened every ID)
    with pytest.raises(StaffRefused, match="職員台帳"):
        engine.check_staff(TSUKUBA, TERM, "anyone")
    assert _codes(engine) == ["unknown_staff"]
    records = _history()
    engine.accept_operation_log(TSUKUBA, TERM, records[:3])
    engine.check_staff(TSUKUBA, TERM, "staff01")
    for staff, reason in (("intruder", "登録されていません"), ("admin02", "登録されていません")):
        with pytest.raises(StaffRefused, match=reason):
            engine.check_staff(TSUKUBA, TERM, staff)
    engine.accept_operation_log(TSUKUBA, TERM, records[3:])  # account.revoke staff01
    with pytest.raises(StaffRefused, match="失効"):
        engine.check_staff(TSUKUBA, TERM, "staff01")
    # a municipality's registry does not admit another's staff
    with pytest.raises(StaffRefused):
        engine.accept_operation_log(MITO, "terminal-082015",
                                    chained([account_created("admin01", "admin")]))
        engine.check_staff(MITO, "terminal-082015", "staff01")
    assert _codes(engine).count("unknown_staff") == 5


def test_validity_is_checked(engine: Engine) -> None:
    engine.accept_operation_log(TSUKUBA, TERM, chained([
        account_created("early", valid_from="2027-04-01"),
        account_created("gone", valid_to="2026-10-31"),
        ("account.change", "admin01", {"account": "early", "valid_from": "2026-11-01"}),
    ]))
    engine.check_staff(TSUKUBA, TERM, "early")  # moved forward by account.change
    with pytest.raises(StaffRefused, match="終了"):
        engine.check_staff(TSUKUBA, TERM, "gone")


def test_a_rollback_reported_by_the_pc_is_an_alert(engine: Engine) -> None:
    engine.accept_operation_log(TSUKUBA, TERM, _history())
    engine.report_rollback(TSUKUBA, TERM, Tip(2, grouped("cd" * 32)),
                           Tip(4, grouped("ef" * 32)), "local")
    review = build_review(engine.db, NOW)
    (line,) = review.terminals
    assert line.chain == "rolled_back" and "rollback" in line.alerts


def test_review_finds_silence_bursts_after_hours_and_bulk_work(engine: Engine) -> None:
    day = "2026-11-18T{}+09:00"
    records = chained([account_created("staff01")], time=day.format("10:00:00"))
    for minute in range(5):
        records += chained([("login.failure", "staff01", {"reason": "wrong_password"},
                             "failure")], start=len(records) + 1, prev=records[-1]["hash"],
                           time=day.format(f"10:1{minute}:00"))
    records += chained([("print", "staff01", {"report": "candidates", "pages": 120})],
                       start=len(records) + 1, prev=records[-1]["hash"],
                       time=day.format("11:00:00"))
    records += chained([("export", "staff01", {"delivery": f"d{i}"}) for i in range(20)],
                       start=len(records) + 1, prev=records[-1]["hash"],
                       time=day.format("12:00:00"))
    records += chained([("login.success", "staff01", {})], start=len(records) + 1,
                       prev=records[-1]["hash"], time=day.format("23:30:00"))
    engine.accept_operation_log(TSUKUBA, TERM, records)
    codes = [a.code for a in build_review(engine.db, NOW).alerts]
    assert sorted(codes) == ["after_hours", "bulk_export", "bulk_print", "failed_logins"]
    later = NOW + dt.timedelta(days=8)
    assert "silent" in [a.code for a in build_review(engine.db, later).alerts]
    assert "silent" not in [a.code for a in build_review(engine.db, later, 10).alerts]


def test_review_command_contract(engine: Engine, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    engine.accept_operation_log(TSUKUBA, TERM, _history())
    engine.close()
    data = tmp_path / "data"
    code = sim_main(["review", "--data", str(data), "--json", "--silent-days", "100000"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["alerts"] == []
    (terminal,) = out["terminals"]
    assert set(terminal) == {"municipality_code", "terminal_id", "last_contact", "records",
                             "chain", "alerts"}
    assert (terminal["municipality_code"], terminal["records"], terminal["chain"]) == (
        TSUKUBA, 4, "ok")
    pdf = tmp_path / "review.pdf"
    again = make_engine(data)
    try:
        with pytest.raises(ChainRefused):
            again.accept_operation_log(TSUKUBA, TERM, chained([("logout", "x", {})]))
    finally:
        again.close()
    code = sim_main(["review", "--data", str(data), "--silent-days", "100000", "--pdf", str(pdf)])
    text = capsys.readouterr().out.splitlines()
    assert code == 1
    assert text[0].startswith(f"{TSUKUBA} {TERM} ") and "chain_broken" in text[0]
    assert text[1].startswith("警告 chain_broken ")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert sim_main(["review", "--data", str(tmp_path / "none")]) == 2


def test_review_counts_any_request_as_contact(engine: Engine) -> None:
    """A terminal that only made requests (never forwarded a log) is reviewed too, and a
    request is contact: the access log feeds ``last_contact``."""
    engine.accept_operation_log(TSUKUBA, TERM, _history())
    recent = (NOW + dt.timedelta(days=2)).isoformat()  # a later request than the forwarding
    old = (NOW - dt.timedelta(days=30)).isoformat()
    contacts = {TERM: (TSUKUBA, recent), "terminal-082015-01": (MITO, old),
                "federation-admin-01": (None, recent)}
    later = NOW + dt.timedelta(days=8)
    review = build_review(engine.db, later, 7, contacts)
    lines = {t.terminal_id: t for t in review.terminals}
    assert set(lines) == {TERM, "terminal-082015-01"}
    assert lines[TERM].last_contact == recent and lines["terminal-082015-01"].records == 0
    assert "silent" in lines["terminal-082015-01"].alerts
    assert "silent" not in lines[TERM].alerts  # 6 days since its last request


def test_access_log_is_dated_by_the_engine_clock(engine: Engine, tmp_path: Path) -> None:
    """The server wires the engine's clock into its access log (``build_app``), so the
    contacts review compares with the engine's times are on the same clock."""
    from shuyaku_sim.access_log import AccessLog
    from shuyaku_sim.review import access_contacts

    log = AccessLog(tmp_path / "data", engine.clock)
    try:
        log.record(terminal_id=TERM, municipality_code=TSUKUBA, staff_id="staff.one",
                   method="GET", route="/api/v1/status", status=200)
    finally:
        log.close()
    assert access_contacts(tmp_path / "data") == {
        TERM: (TSUKUBA, NOW.isoformat(timespec="milliseconds"))}


@pytest.fixture
def server_in_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The simulator's process runs in UTC (the PCs stamp their records in JST)."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("server_in_utc")
def test_silent_compares_a_pcs_contact_time_in_the_servers_zone(engine: Engine) -> None:
    """A contact stamped 2026-12-01 08:00 +09:00 is 2026-11-30 23:00 in the server's UTC:
    more than 7 days before 2026-12-08 00:00. Read with its offset dropped it was 08:00,
    inside the 7 days, and the silent PC was not reported."""
    now = dt.datetime(2026, 12, 8, 0, 0)  # naive: the server's local time
    terminal = "terminal-082201-09"

    def silent(contact: str) -> bool:
        review = build_review(engine.db, now, 7, {terminal: (TSUKUBA, contact)})
        return any(a.code == "silent" and a.terminal_id == terminal for a in review.alerts)

    assert silent("2026-12-01T08:00:00+09:00")
    assert not silent("2026-12-01T10:00:00+09:00")  # 01:00 UTC: within the 7 days
    assert not silent("2026-12-01T00:30:00")  # a naive stamp is the server's own time

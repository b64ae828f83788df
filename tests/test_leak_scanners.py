"""Each artefact scanner of the leak sweep fires on a sentinel planted in the real artefact.

tests/test_leaks.py proves the forms, the decoding views, the tree, a SQLite file
and a PDF. This proves the scanners that look where only the client can: the
decrypted store (a real SQLCipher profile, cells planted by raw SQL), the
operation log (records planted by raw SQL, past the product's own refusal), the
process environment, staging residue (a real staging session: sentinel,
telltale and entropy each alone), the log capture (real records through the
root logger), the transfer fault tests' staging check, and the output a test
prints at teardown. Each also shows that the clean artefact gives no hit.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kokuho_pc.services.profile import Profile, ProfileKind, create_profile
from kokuho_pc.store.clock import ManualClock
from kokuho_pc.transfer.staging import StagingArea
from tests.e2e.artefacts import (
    LogCapture,
    audit_hits,
    database_hits,
    environment_hits,
    staging_residue,
    store_hits,
)
from tests.e2e.scenario import SENTINELS, moved_in_pair
from tests.leak_sweep import finish_sweep
from tests.leaks import Sweep, _grouped
from tests.transfer.test_faults import _assert_staging_holds_no_plaintext

ROOT = Path(__file__).resolve().parents[1]
JST = dt.timezone(dt.timedelta(hours=9))
OTHER_VALID = "123456789018"  # a valid check digit, not a sentinel
KANA = "ｼﾐｭ".encode("cp932")
TELLTALES = (KANA, b"082201")


@pytest.fixture
def profile(tmp_path: Path) -> Iterator[Profile]:
    """A real demo profile: an encrypted SQLCipher store with its operation log."""
    clock = ManualClock(dt.datetime(2026, 10, 7, 10, 0, tzinfo=JST))
    opened = create_profile(tmp_path / "p", kind=ProfileKind.DEMO, municipality_code="082015",
                            clock=clock)
    yield opened
    opened.close()


def _set(profile: Profile, name: str, value: str) -> None:
    with profile.db.transaction():
        profile.db.execute("INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?)",
                           (name, value, "2026-10-07T10:00:00+09:00"))


# --- the decrypted store ---------------------------------------------------------------------


def test_database_hits_sees_each_form_in_a_decrypted_cell(profile: Profile) -> None:
    assert database_hits(profile) == []  # the clean store
    planted = {
        "a": SENTINELS[0],  # ASCII, plain
        "b": _grouped(SENTINELS[1], "full-width", "\u3000"),  # full-width, ideographic space
        "c": json.dumps({"n": _grouped(SENTINELS[2], "ascii", "-")}),  # JSON, hyphenated
        "d": json.dumps(_grouped(SENTINELS[3], "full-width", "")),  # JSON \u escapes
        "e": f"番号 {OTHER_VALID} です",  # not a sentinel: the generic scan
    }  # (the generic scan sees unbroken 12-digit runs only, not 4-4-4 groups)
    for name, value in planted.items():
        _set(profile, name, value)
    hits = database_hits(profile)
    assert hits == ["table settings: sentinel #0 ascii plain utf-8",
                    "table settings: valid 12-digit number",
                    "table settings: sentinel #1 full-width full-width space utf-8",
                    "table settings: sentinel #2 ascii hyphen utf-8",
                    "table settings: sentinel #3 full-width plain JSON all-escaped lower",
                    "table settings: valid 12-digit number",
                    "table settings: valid 12-digit number"]
    assert not any(h.startswith("profile file") for h in hits)  # encrypted on disk


def test_database_hits_scans_digest_like_and_long_digit_cells(profile: Profile) -> None:
    """A 40+ character cell is skipped by the generic scan only when it is hex with letters."""
    digest_like = "ab" + SENTINELS[4] + "cd" * 14  # 42 hex characters holding a sentinel
    long_digits = "0" * 30 + " ".join([OTHER_VALID]) + "0"  # 43 digits: no 12-digit run
    chance = "ab" + OTHER_VALID + "cd" * 14  # random hex with a valid run by chance
    for name, value in {"h": digest_like, "l": long_digits, "c": chance}.items():
        _set(profile, name, value)
    assert database_hits(profile) == [
        "table settings (hex digests): sentinel #4 ascii plain utf-8"]
    _set(profile, "d", "0" * 30 + SENTINELS[5])  # 42 pure digits ending in a sentinel
    assert database_hits(profile) == [
        "table settings: sentinel #5 ascii plain utf-8",
        "table settings (hex digests): sentinel #4 ascii plain utf-8"]


# --- the operation log -----------------------------------------------------------------------


def _plant_record(profile: Profile, staff: str, targets: dict[str, str], ack: str | None) -> None:
    """Append a raw row past AuditLog.record (which refuses anything that looks like one)."""
    last = profile.db.query_one("SELECT MAX(seq) FROM audit_log")
    seq = int(last[0]) + 1 if last and last[0] is not None else 1
    with profile.db.transaction():
        profile.db.execute(
            "INSERT INTO audit_log (seq, time, terminal, staff_id, action, targets, result, mac,"
            " forwarded_ack) VALUES (?, ?, 'TEST-PC', ?, 'send', ?, 'success', ?, ?)",
            (seq, "2026-10-07T10:00:00.000+09:00", staff, json.dumps(targets), "ab" * 32, ack))


def test_audit_hits_sees_each_field_of_a_record(profile: Profile) -> None:
    assert audit_hits(profile) == []  # the clean log (the store's first record)
    _plant_record(profile, _grouped(SENTINELS[6], "ascii", " "), {}, None)
    _plant_record(profile, "staff1", {"file": _grouped(SENTINELS[7], "full-width", "\uff0d")},
                  None)
    _plant_record(profile, "staff1", {}, f"2026-10-08 {OTHER_VALID}")  # acknowledged too
    assert audit_hits(profile) == [
        "operation log: sentinel #6 ascii space utf-8",
        "operation log: sentinel #7 full-width full-width hyphen utf-8",
        "operation log: valid 12-digit number"]
    assert store_hits(profile) == database_hits(profile) + audit_hits(profile)


# --- the process environment -----------------------------------------------------------------


def test_environment_hits_sees_names_and_values(monkeypatch: pytest.MonkeyPatch) -> None:
    kept = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    for name in list(os.environ):  # the real os.environ, reduced to a known clean state
        monkeypatch.delenv(name)  # (a CI runner's IDs could hold a valid 12-digit run)
    for name, value in kept.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KOKUHO_RUN", "20261007-100000 0123456789")
    assert environment_hits() == []
    monkeypatch.setenv("KOKUHO_NOTE", _grouped(SENTINELS[8], "ascii", "-"))
    assert environment_hits() == ["os.environ: sentinel #8 ascii hyphen utf-8"]
    monkeypatch.delenv("KOKUHO_NOTE")
    monkeypatch.setenv(f"KOKUHO_{SENTINELS[9]}", "1")
    assert environment_hits() == ["os.environ: sentinel #9 ascii plain utf-8",
                                  "os.environ: valid 12-digit number"]
    monkeypatch.delenv(f"KOKUHO_{SENTINELS[9]}")
    assert environment_hits() == []


# --- staging residue (both checks: tests/e2e and tests/transfer) -----------------------------


def _plaintext() -> bytes:
    """A real input file: sentinels, a KANA name and the municipality code, > 2 KiB."""
    data = b"".join(moved_in_pair(dt.datetime(2026, 10, 7, 10, 0)).values())
    assert len(data) > 2048 and KANA in data and b"082201" in data
    return data


def test_staging_of_real_encrypted_files_is_clean(tmp_path: Path) -> None:
    area = StagingArea(tmp_path / "staging")
    session = area.session()
    session.stage_bytes(_plaintext())
    session.stage_bytes(b" " * 100_000)  # plaintext of no entropy: the ciphertext has
    assert len(area.leftover_files()) == 2
    assert staging_residue(area.root, TELLTALES) == []
    _assert_staging_holds_no_plaintext(area.root)
    session.close()


PLANTS = {  # file content → what staging_residue must report about it (and nothing else)
    "sentinel": (_grouped(SENTINELS[10][-8:], "full-width", "").encode("utf-16-le"),
                 ["sentinel #10 full-width plain utf-16-le"]),  # the last 8 digits only
    "telltale": (b"\x00" * 10 + KANA + b"\x00" * 10, ["plaintext"]),
    "entropy": (b"ABCD" * 1024, ["entropy 2.00"]),
}


@pytest.mark.parametrize("kind", list(PLANTS))
def test_staging_residue_fires_on_each_check_alone(tmp_path: Path, kind: str) -> None:
    area = StagingArea(tmp_path / "staging")
    session = area.session()
    session.stage_bytes(_plaintext())  # a clean staged file beside it
    data, expected = PLANTS[kind]
    (session.directory / "planted.stg").write_bytes(data)
    assert staging_residue(area.root, TELLTALES) == [f"staging planted.stg: {e}"
                                                     for e in expected]
    with pytest.raises(AssertionError):
        _assert_staging_holds_no_plaintext(area.root)
    session.close()


def test_staging_residue_reports_a_plaintext_copy_of_an_input_file(tmp_path: Path) -> None:
    area = StagingArea(tmp_path / "staging")
    session = area.session()
    (session.directory / "copy.stg").write_bytes(_plaintext())
    problems = staging_residue(area.root, TELLTALES)
    assert "staging copy.stg: sentinel #0 ascii plain utf-8" in problems
    assert "staging copy.stg: valid 12-digit number (ascii)" in problems
    assert problems.count("staging copy.stg: plaintext") == 2  # both telltales
    assert any(p.startswith("staging copy.stg: entropy ") for p in problems)
    session.close()


# --- the log capture -------------------------------------------------------------------------


def test_log_capture_lines_reach_the_sweep(tmp_path: Path) -> None:
    root = logging.getLogger()
    level = root.level
    capture = LogCapture().install()
    try:
        logging.getLogger("kokuho_pc.transfer.send").debug(
            "file %s", _grouped(SENTINELS[11], "full-width", " "))
        try:
            raise ValueError(SENTINELS[0][-8:])  # only the last 8 digits, in the exception
        except ValueError:
            logging.getLogger("kokuho_pc.ui").exception("failed")
        bad = logging.makeLogRecord({"name": "kokuho_pc.x", "levelno": logging.INFO,
                                     "levelname": "INFO", "msg": "%d", "args": (SENTINELS[1],)})
        capture.handle(bad)  # a bad format string: still a line worth scanning
        logging.getLogger("kokuho_pc.ok").info("送信しました (%d 件)", 3)
    finally:
        capture.remove()
    assert root.level == level and capture not in root.handlers
    assert len(capture.lines) == 4
    hits = finish_sweep(Sweep(SENTINELS), tmp_path, {}, capture.lines)
    assert hits == ["log records: sentinel #11 full-width space utf-8",
                    "log records: sentinel #0 ascii plain utf-8",
                    "log records: sentinel #1 ascii plain utf-8",
                    "log records: valid 12-digit number"]
    assert finish_sweep(Sweep(SENTINELS), tmp_path, {}, capture.lines[3:]) == []


# --- output printed at teardown --------------------------------------------------------------

INNER_CONFTEST = "from tests.leak_sweep import leak_sweep, pytest_runtest_makereport\n"
INNER = '''
import pytest

@pytest.fixture
def noisy(leak_sweep):
    yield
    print("teardown:", NUMBER)

def test_prints_at_teardown(noisy):
    print("call: nothing")

def test_quiet(leak_sweep):
    pass
'''


def test_output_captured_at_teardown_is_swept(tmp_path: Path) -> None:
    """The sweep runs inside teardown; what teardown prints after it fails the test too."""
    (tmp_path / "test_inner.py").write_text(
        INNER.replace("NUMBER", repr(_grouped(SENTINELS[2], "ascii", "-"))), "utf-8")
    (tmp_path / "conftest.py").write_text(INNER_CONFTEST, "utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "--basetemp", str(tmp_path / "base"), "--rootdir", str(tmp_path), str(tmp_path)],
        capture_output=True, cwd=tmp_path, env=env, timeout=300)
    out = done.stdout.decode("utf-8", "replace")
    shown = re.sub(r"\d{4}", "####", out)  # the inner run prints the sentinel: never show it
    assert done.returncode == 1, shown
    assert "2 passed, 1 error" in out, shown  # the teardown error is counted apart
    assert "ERROR at teardown of test_prints_at_teardown" in out, shown
    assert "captured output (teardown): sentinel #2 ascii hyphen utf-8" in out, shown

"""A file set sent again under a new idempotency key (issue 14 item 6).

Before the fix the simulator processed an already-processed file set again when it
came under a new Idempotency-Key (another PC, a lost local record): a second
submission, deliveries and candidates computed twice, no warning. Now the earlier
receipt comes back with a warning the PC shows; a deliberate resend needs an
explicit confirmation (``send --resend``; on the send screen a confirmation dialog).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from kokuho_pc.cli.main import main
from shuyaku_sim.engine import file_set_digest
from tests.sim.enginehelp import make_engine
from tests.simfiles import household_pair
from tests.transfer.harness import ADMIN, ADMIN_PW, STAFF, STAFF_PW, make_profile, submissions


def _files(first: int) -> dict[str, bytes]:
    return household_pair("082201", dt.datetime(2026, 10, 9, 12, 0, first % 60), 2,
                          moved_in_from="082015", first=first)


def test_the_engine_answers_a_repeat_under_a_new_key_with_the_earlier_receipt(
    tmp_path: Path
) -> None:
    engine = make_engine(tmp_path / "data")
    try:
        files = _files(51000)
        digest = file_set_digest(files)
        first = engine.submit_file_set("082201", files, "key-first-0001", digest, "t-1", "s1")
        again = engine.submit_file_set("082201", files, "key-other-pc-0002", digest, "t-2", "s2")
        assert again["submission_id"] == first["submission_id"]
        assert again["replayed"] and again.get("already_processed")
        assert f"受付番号 {first['submission_id']}" in again.get("warning", "")
        with engine.db.reading() as tx:
            assert tx.find_submission("082201", "key-other-pc-0002") is None  # nothing stored
        resent = engine.submit_file_set("082201", files, "key-resend-0003", digest, "t-2", "s2",
                                        resend=True)
        assert resent["submission_id"] != first["submission_id"]
        assert not resent["replayed"] and "already_processed" not in resent
    finally:
        engine.close()


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], profile: Path,
         stdin: str, *args: str) -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--profile", str(profile), *args])
    out, err = capsys.readouterr()
    return code, out + err


def test_a_second_pc_sending_the_same_files_gets_a_warning_and_resends_only_on_request(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    sim_env: tuple[Any, Any],
) -> None:
    sim, pki = sim_env
    files = _files(52000)
    pcs = []
    for name in ("pc-a", "pc-b"):
        profile = make_profile(tmp_path / name, sim, pki)
        profile.close()
        medium = tmp_path / f"usb-{name}"
        medium.mkdir()
        code, text = _cli(monkeypatch, capsys, profile.path, ADMIN_PW + "\n", "media",
                          "register", "--as", ADMIN, "--medium", str(medium), "--allow", STAFF)
        assert code == 0, text
        for file_name, data in files.items():
            (medium / file_name).write_bytes(data)
        pcs.append((profile.path, medium))
    (pc_a, usb_a), (pc_b, usb_b) = pcs
    code, text = _cli(monkeypatch, capsys, pc_a, STAFF_PW + "\n", "send", "--as", STAFF,
                      "--medium", str(usb_a))
    assert code == 0 and "送信しました" in text, text
    before = submissions(sim)
    code, text = _cli(monkeypatch, capsys, pc_b, STAFF_PW + "\n", "send", "--as", STAFF,
                      "--medium", str(usb_b))
    assert code == 0, text
    assert "警告" in text and "処理済み" in text and "--resend" in text
    assert submissions(sim) == before  # not processed again
    code, text = _cli(monkeypatch, capsys, pc_b, STAFF_PW + "\n", "send", "--as", STAFF,
                      "--medium", str(usb_b), "--resend")
    assert code == 0 and "送信しました(再送)" in text, text
    assert submissions(sim) == before + 1

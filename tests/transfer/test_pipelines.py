"""Send and export end to end: real profile, real approved medium, real simulator process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kokuho_pc.domain.errors import Cancelled
from kokuho_pc.domain.leakscan import find_my_numbers_in_bytes
from kokuho_pc.services.exporting import ExportingService
from kokuho_pc.services.media_admin import sweep_staging
from kokuho_pc.services.profile import Profile
from kokuho_pc.services.sending import SendingService
from kokuho_pc.transfer.errors import FileSetInvalid, MediaRefused, MediaWriteFailed
from kokuho_pc.transfer.staging import StagingArea
from tests.simfiles import household_pair
from tests.transfer.harness import (
    STAFF,
    approved_medium,
    login,
    sim_query,
    submissions,
    tree_hash,
    write_files,
)


def _move_in_set(first: int, n: int = 4, minute: int = 0) -> dict[str, bytes]:
    created = dt.datetime(2026, 10, 6, 9, minute, first % 60)
    return household_pair("082201", created, n, moved_in_from="082015", first=first)


def test_send_then_export_round_trip(profile: Profile, tmp_path: Path,
                                     sim_env: tuple[Any, Any]) -> None:
    sim, _ = sim_env
    medium = approved_medium(profile, tmp_path / "usb")
    files = _move_in_set(first=1000)
    write_files(medium, files)
    before = tree_hash(medium)
    count_before = submissions(sim)
    staff = login(profile, STAFF)
    progress: list[tuple[int, int, str]] = []
    result = SendingService(profile).send(staff, medium,
                                          progress=lambda d, t, s: progress.append((d, t, s)))
    assert result.all_accepted and len(result.outcomes) == 1
    outcome = result.outcomes[0]
    assert outcome.files == tuple(sorted(files)) and not outcome.replayed
    assert outcome.summary["persons"] == 12
    assert tree_hash(medium) == before  # the medium is never modified
    assert submissions(sim) == count_before + 1
    assert StagingArea(profile.staging_dir).leftover_files() == []
    assert progress[-1][0] == progress[-1][1]
    # sending the same set again does not submit it again
    again = SendingService(profile).send(staff, medium)
    assert again.outcomes[0].submission_id == outcome.submission_id
    assert submissions(sim) == count_before + 1

    out = approved_medium(profile, tmp_path / "usb-out")
    exported = ExportingService(profile).export(staff, out)
    names = [e.name for e in exported.exported]
    assert any(n.startswith("KSK12_082201_") for n in names)
    for entry in exported.exported:
        data = (out / entry.name).read_bytes()
        assert find_my_numbers_in_bytes(data) == []
    assert not [p for p in out.iterdir() if p.name.endswith(".kokuho-tmp")]
    assert ExportingService(profile).list_deliveries(staff) == []
    assert StagingArea(profile.staging_dir).leftover_files() == []
    # the operation log reached the consolidation system and is marked acknowledged
    forwarded = sim_query(sim, "SELECT count(*) FROM operation_log")[0][0]
    assert isinstance(forwarded, int) and forwarded > 0
    actions = {r.action for r in profile.audit.records(limit=10000)}
    assert {"media.connect", "media.read", "file.check", "send", "receive", "media.write",
            "export", "audit.forward"} <= actions
    staff.logout()


def test_a_set_with_any_error_is_not_sent(profile: Profile, tmp_path: Path,
                                          sim_env: tuple[Any, Any]) -> None:
    sim, _ = sim_env
    medium = approved_medium(profile, tmp_path / "usb")
    files = _move_in_set(first=2000)
    name = sorted(files)[1]  # KSK02
    broken = bytearray(files[name])
    broken[300 + 30] = ord("X")  # a letter in the second record's 世帯番号/個人番号 area
    files[name] = bytes(broken)
    write_files(medium, files)
    count_before = submissions(sim)
    staff = login(profile, STAFF)
    with pytest.raises(FileSetInvalid) as info:
        SendingService(profile).send(staff, medium)
    assert info.value.report is not None and info.value.report.errors
    assert submissions(sim) == count_before
    assert StagingArea(profile.staging_dir).leftover_files() == []
    staff.logout()


def test_unapproved_use_is_refused_before_the_network(profile: Profile, tmp_path: Path,
                                                      sim_env: tuple[Any, Any]) -> None:
    sim, _ = sim_env
    medium = tmp_path / "stick"
    medium.mkdir()
    write_files(medium, _move_in_set(first=3000))
    count_before = submissions(sim)
    staff = login(profile, STAFF)
    with pytest.raises(MediaRefused) as info:
        SendingService(profile).send(staff, medium)
    assert info.value.reason == "unregistered"
    assert submissions(sim) == count_before
    staff.logout()


def test_cancel_removes_staging_and_sends_nothing(profile: Profile, tmp_path: Path,
                                                  sim_env: tuple[Any, Any]) -> None:
    sim, _ = sim_env
    medium = approved_medium(profile, tmp_path / "usb")
    write_files(medium, _move_in_set(first=4000))
    count_before = submissions(sim)
    staff = login(profile, STAFF)
    with pytest.raises(Cancelled):
        SendingService(profile).send(staff, medium, is_cancelled=lambda: True)
    assert submissions(sim) == count_before
    assert StagingArea(profile.staging_dir).leftover_files() == []
    assert sweep_staging(profile) == 0
    staff.logout()


def test_medium_removed_during_export_leaves_nothing_and_stays_unacknowledged(
    profile: Profile, tmp_path: Path
) -> None:
    medium = approved_medium(profile, tmp_path / "usb")
    write_files(medium, _move_in_set(first=5000))
    staff = login(profile, STAFF)
    SendingService(profile).send(staff, medium)
    pending = ExportingService(profile).list_deliveries(staff)
    assert pending
    out = approved_medium(profile, tmp_path / "usb-out")
    import shutil

    def pull_out_the_medium(done: int, total: int, label: str) -> None:
        if out.exists():
            shutil.rmtree(out)  # the staff member pulls the stick out

    with pytest.raises(MediaWriteFailed):
        ExportingService(profile).export(staff, out, progress=pull_out_the_medium)
    assert ExportingService(profile).list_deliveries(staff) == pending
    assert StagingArea(profile.staging_dir).leftover_files() == []
    staff.logout()


def test_named_files_must_be_interface_files_on_the_medium(profile: Profile,
                                                           tmp_path: Path) -> None:
    from kokuho_pc.domain.errors import ValidationError

    medium = approved_medium(profile, tmp_path / "usb")
    write_files(medium, _move_in_set(first=6000))
    (medium / "notes.txt").write_text("memo")
    staff = login(profile, STAFF)
    for names in (["notes.txt"], ["KSK01_082201_20991231000000.dat"]):
        with pytest.raises(ValidationError) as info:
            SendingService(profile).send(staff, medium, names)
        assert "媒体にない" in info.value.user_message
    staff.logout()


def test_misnamed_files_are_reported_and_never_sent(profile: Profile, tmp_path: Path,
                                                    sim_env: tuple[Any, Any]) -> None:
    """Issue 18: a Windows copy and an upper-case extension beside a good pair are named
    in the check (send and the screen's check alike); nothing is sent while they are there."""
    from kokuho_pc.services.transfer_views import TransferViewService

    sim, _ = sim_env
    medium = approved_medium(profile, tmp_path / "usb")
    files = _move_in_set(first=7000)
    ksk02 = sorted(files)[1]
    copy = ksk02.replace(".dat", " - コピー.dat")
    upper = sorted(files)[0].replace("KSK01", "KKG01").replace(".dat", ".DAT")
    files[copy] = files[ksk02]
    from tests.formats.util import KG, examples
    files[upper] = examples()[KG]
    write_files(medium, files)
    count_before = submissions(sim)
    staff = login(profile, STAFF)
    with pytest.raises(FileSetInvalid) as info:
        SendingService(profile).send(staff, medium)
    report = info.value.report
    assert report is not None
    assert {(e.file, e.record, e.code) for e in report.errors} == {
        (copy, None, "file_name_extra"), (upper, None, "file_name_case")}
    assert submissions(sim) == count_before
    views = TransferViewService(profile, staff)
    listed = {v.name: v.sendable for v in views.files(medium)}
    assert listed[copy] and listed[upper]
    checked = views.check(medium)
    assert {(e.file, e.code) for e in checked.errors} == {
        (copy, "file_name_extra"), (upper, "file_name_case")}
    staff.logout()


def test_file_name_not_utf8_on_the_medium_is_reported(profile: Profile, tmp_path: Path,
                                                      sim_env: tuple[Any, Any]) -> None:
    """Issue 18: a name of bytes that are not UTF-8 is reported by the check (shown with
    U+FFFD), the operation log takes it, and nothing is sent."""
    sim, _ = sim_env
    medium = approved_medium(profile, tmp_path / "usb")
    files = _move_in_set(first=8000)
    write_files(medium, files)
    raw = bytes(medium) + b"/" + sorted(files)[1].encode("ascii")[:-4] + b"\xff.dat"
    with open(raw, "wb") as f:
        f.write(files[sorted(files)[1]])
    count_before = submissions(sim)
    staff = login(profile, STAFF)
    with pytest.raises(FileSetInvalid) as info:
        SendingService(profile).send(staff, medium)
    report = info.value.report
    assert report is not None
    [issue] = report.errors
    assert issue.code == "file_name_encoding" and issue.file.endswith("\ufffd.dat")
    assert submissions(sim) == count_before
    staff.logout()


def test_named_pair_is_sent_and_the_copy_beside_it_is_said(
    profile: Profile, tmp_path: Path, sim_env: tuple[Any, Any]
) -> None:
    """Issue 18: sending the named pair works; the Windows copy beside it is never sent and
    the result says so (not skipped in silence)."""
    medium = approved_medium(profile, tmp_path / "usb")
    files = _move_in_set(first=9000)
    write_files(medium, files)
    copy = sorted(files)[1].replace(".dat", " - コピー.dat")
    (medium / copy).write_bytes(files[sorted(files)[1]])
    staff = login(profile, STAFF)
    result = SendingService(profile).send(staff, medium, sorted(files))
    assert result.all_accepted
    assert [o.files for o in result.outcomes] == [tuple(sorted(files))]
    assert result.misnamed_not_sent == [copy]
    staff.logout()

"""Approved media: registration, every refusal reason, logging, listing, volume parsing."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.audit.log import AuditLog
from kokuho_pc.transfer.errors import MediaRefused
from kokuho_pc.transfer.media import TOKEN_NAME, MediaGate, fiscal_year_end
from kokuho_pc.transfer.records import TransferRecords
from kokuho_pc.transfer.volume import (
    is_removable_mount,
    mount_of,
    parse_mountinfo,
    uuid_for_device,
)
from tests.transfer.conftest import clock_on, log_entries


@pytest.fixture
def medium(tmp_path: Path) -> Path:
    path = tmp_path / "usb"
    path.mkdir()
    return path


def _gate(records: TransferRecords, oplog: AuditLog, today: date = date(2026, 11, 26),
          allow_emulated: bool = True) -> MediaGate:
    return MediaGate(records, oplog, allow_emulated=allow_emulated, clock=clock_on(today))


def _refusal(gate: MediaGate, path: Path, staff: str) -> MediaRefused:
    with pytest.raises(MediaRefused) as info:
        gate.connect(path, staff)
    return info.value


def test_fiscal_year_end() -> None:
    assert fiscal_year_end(date(2026, 11, 26)) == date(2027, 3, 31)
    assert fiscal_year_end(date(2027, 3, 31)) == date(2027, 3, 31)
    assert fiscal_year_end(date(2027, 4, 1)) == date(2028, 3, 31)


def test_register_then_connect(records: TransferRecords, oplog: AuditLog, medium: Path) -> None:
    gate = _gate(records, oplog)
    record = gate.register(medium, admin_id="admin1", allowed_staff=["staff1"])
    assert record.expires == date(2027, 3, 31)
    token = json.loads((medium / TOKEN_NAME).read_text())
    assert token["media_id"] == record.media_id and token["volume"]["kind"] == "emulated"
    approved = gate.connect(medium, "staff1")
    assert approved.media_id == record.media_id and approved.emulated
    assert [(a, r) for a, _, r, _ in log_entries(oplog)] == [
        ("media.register", "success"), ("media.connect", "success")]
    status = gate.status(medium, "staff1")
    assert status.approved and status.emulated and status.message == "使用許可済み"
    # the signing key is generated once and kept in the store
    key = records.load_signing_key()
    other = medium.parent / "other"
    other.mkdir()
    gate.register(other, admin_id="admin1", allowed_staff=["staff1"])
    assert records.load_signing_key() == key


def test_unregistered_medium(records: TransferRecords, oplog: AuditLog, medium: Path) -> None:
    error = _refusal(_gate(records, oplog), medium, "staff1")
    assert error.reason == "unregistered" and "未登録" in error.user_message
    action, staff, result, targets = log_entries(oplog)[-1]
    assert (action, staff, result) == ("media.deny", "staff1", "refused")
    assert targets["reason"] == "unregistered"


def test_token_from_another_pc(tmp_path: Path, records: TransferRecords, oplog: AuditLog,
                               medium: Path) -> None:
    from kokuho_pc.store.database import Database

    other_db = Database.create(tmp_path / "other.db", b"\x01" * 32)
    try:
        other = TransferRecords(other_db, clock_on(date(2026, 11, 26)))
        _gate(other, AuditLog(other_db, terminal="OTHER")).register(
            medium, admin_id="a", allowed_staff=["staff1"])
    finally:
        other_db.close()
    assert _refusal(_gate(records, oplog), medium, "staff1").reason == "unregistered"


@pytest.mark.parametrize("change", ["staff", "expiry", "garbage", "signature"])
def test_altered_token(records: TransferRecords, oplog: AuditLog, medium: Path,
                       change: str) -> None:
    gate = _gate(records, oplog)
    gate.register(medium, admin_id="admin1", allowed_staff=["staff1"])
    path = medium / TOKEN_NAME
    token = json.loads(path.read_text())
    if change == "staff":
        token["allowed_staff"].append("intruder")
    elif change == "expiry":
        token["expires"] = "2099-03-31"
    elif change == "signature":
        token["signature"] = token["signature"][:-4] + "AAA="
    if change == "garbage":
        path.write_text("{not json")
    else:
        path.write_text(json.dumps(token))
    error = _refusal(gate, medium, "intruder" if change == "staff" else "staff1")
    assert error.reason == "altered" and "改ざん" in error.user_message


def test_token_copied_to_another_directory(records: TransferRecords, oplog: AuditLog,
                                           medium: Path, tmp_path: Path) -> None:
    gate = _gate(records, oplog)
    gate.register(medium, admin_id="admin1", allowed_staff=["staff1"])
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy2(medium / TOKEN_NAME, copy / TOKEN_NAME)
    error = _refusal(gate, copy, "staff1")
    assert error.reason == "copied" and "複製" in error.user_message
    gate.connect(medium, "staff1")  # the original still works


def test_expired_approval(records: TransferRecords, oplog: AuditLog, medium: Path) -> None:
    _gate(records, oplog).register(medium, admin_id="admin1", allowed_staff=["staff1"])
    _gate(records, oplog, today=date(2027, 3, 31)).connect(medium, "staff1")
    error = _refusal(_gate(records, oplog, today=date(2027, 4, 1)), medium, "staff1")
    assert error.reason == "expired" and "有効期限" in error.user_message


def test_staff_not_allowed(records: TransferRecords, oplog: AuditLog, medium: Path) -> None:
    gate = _gate(records, oplog)
    gate.register(medium, admin_id="admin1", allowed_staff=["staff1"])
    error = _refusal(gate, medium, "staff2")
    assert error.reason == "staff_not_allowed" and "許可がありません" in error.user_message
    assert log_entries(oplog)[-1][1] == "staff2"


def test_revoked_approval(records: TransferRecords, oplog: AuditLog, medium: Path) -> None:
    gate = _gate(records, oplog)
    record = gate.register(medium, admin_id="admin1", allowed_staff=["staff1"])
    assert gate.revoke(record.media_id, admin_id="admin1")
    error = _refusal(gate, medium, "staff1")
    assert error.reason == "revoked" and "取り消" in error.user_message
    # a revoked medium may be registered again (new ID, new token)
    again = gate.register(medium, admin_id="admin1", allowed_staff=["staff1"])
    assert again.media_id != record.media_id
    gate.connect(medium, "staff1")


def test_emulated_media_need_the_policy(records: TransferRecords, oplog: AuditLog,
                                        medium: Path) -> None:
    _gate(records, oplog).register(medium, admin_id="admin1", allowed_staff=["staff1"])
    strict = _gate(records, oplog, allow_emulated=False)
    assert _refusal(strict, medium, "staff1").reason == "emulated_not_allowed"
    with pytest.raises(MediaRefused):
        strict.register(medium, admin_id="admin1", allowed_staff=["staff1"])


def test_missing_medium_and_listing(records: TransferRecords, oplog: AuditLog,
                                    medium: Path, tmp_path: Path) -> None:
    gate = _gate(records, oplog)
    gate.register(medium, admin_id="admin1", allowed_staff=["staff1"])
    assert _refusal(gate, tmp_path / "gone", "staff1").reason == "missing"
    plain = tmp_path / "plain"
    plain.mkdir()
    listed = {s.path: s for s in gate.list_media("staff1", [medium, plain])}
    assert listed[medium].approved and listed[medium].expires == date(2027, 3, 31)
    assert not listed[plain].approved and listed[plain].reason == "unregistered"


MOUNTINFO = """\
22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw
95 22 8:17 / /media/staff/KOKUHO\\040USB rw,nosuid shared:50 - vfat /dev/sdb1 rw,uid=1000
96 22 0:45 / /run/user/1000 rw shared:60 - tmpfs tmpfs rw
97 22 0:46 / /mnt/scratch rw shared:61 - tmpfs tmpfs rw
"""


def test_mountinfo_parsing() -> None:
    entries = parse_mountinfo(MOUNTINFO)
    assert [e.mount_point for e in entries] == [
        "/", "/media/staff/KOKUHO USB", "/run/user/1000", "/mnt/scratch"]
    assert [is_removable_mount(e) for e in entries] == [False, True, False, False]
    usb = mount_of(Path("/media/staff/KOKUHO USB/sub"), entries)
    assert usb is not None and (usb.major, usb.minor, usb.fstype) == (8, 17, "vfat")
    root = mount_of(Path("/media/staff/KOKUHO"), entries)
    assert root is not None and root.mount_point == "/"


def test_uuid_lookup_by_device_number(tmp_path: Path) -> None:
    import os

    by_uuid = tmp_path / "by-uuid"
    by_uuid.mkdir()
    (by_uuid / "ABCD-1234").symlink_to("/dev/null")
    rdev = os.stat("/dev/null").st_rdev
    assert uuid_for_device(os.major(rdev), os.minor(rdev), by_uuid) == "ABCD-1234"
    assert uuid_for_device(250, 250, by_uuid) is None


def test_revocation_is_logged_as_media_revoke(records: TransferRecords, oplog: AuditLog,
                                              medium: Path) -> None:
    gate = _gate(records, oplog)
    record = gate.register(medium, admin_id="admin1", allowed_staff=["staff1"])
    assert gate.revoke(record.media_id, admin_id="admin1")
    assert not gate.revoke(record.media_id, admin_id="admin1")  # no active approval left
    entries = log_entries(oplog)
    assert [(a, r) for a, _, r, _ in entries] == [
        ("media.register", "success"), ("media.revoke", "success"), ("media.revoke", "failure")]
    assert entries[1][3] == {"medium": record.media_id}
    assert entries[2][3] == {"medium": record.media_id, "reason": "not_active"}
    revoked = oplog.records(action=AuditAction.MEDIA_REVOKE)
    assert [r.action_label for r in revoked] == ["媒体使用許可取消"] * 2
    assert oplog.verify().ok


def test_revocations_logged_before_media_revoke_existed_still_verify(
    records: TransferRecords, oplog: AuditLog
) -> None:
    # the form older versions wrote: media.register with reason "revoke"
    oplog.record(AuditAction.MEDIA_REGISTER, "admin1",
                 {"medium": "M-AAAA-BBBB-CCCC-DDDD", "reason": "revoke"})
    oplog.record(AuditAction.MEDIA_REVOKE, "admin1", {"medium": "M-AAAA-BBBB-CCCC-DDDD"})
    old, new = oplog.records()
    assert old.action == "media.register" and old.action_label == "媒体使用許可取消"
    assert new.action == "media.revoke"
    assert oplog.verify().ok

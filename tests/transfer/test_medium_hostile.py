"""A hostile medium: symlinks, special files and huge files (issue 14 item 2).

Before the fix a symlink named like the export's temporary file made the export
write the delivery outside the medium (and acknowledge it), a symlinked KKG01
pointing to a file on the PC was read and sent, a FIFO blocked the read for good,
and a 1.5 GB sparse file was read whole (1.6 GB RSS).
"""

from __future__ import annotations

import hashlib
import os
import resource
import stat
from datetime import date
from pathlib import Path

import pytest

from kokuho_pc.audit.log import AuditLog
from kokuho_pc.transfer.errors import MediaRefused
from kokuho_pc.transfer.media import ApprovedMedium
from kokuho_pc.transfer.medium_io import MAX_DATA_RECORDS, TMP_MARK, MediumFiles, max_file_bytes
from kokuho_pc.transfer.records import TransferRecords
from tests.transfer.conftest import clock_on, log_entries

KSK11 = "KSK11_082201_20261106090000.csv"
KKG01 = "KKG01_082015_20261106090000.dat"
KSK02 = "KSK02_082015_20261106090000.dat"


def _medium(path: Path) -> ApprovedMedium:
    path.mkdir(exist_ok=True)
    return ApprovedMedium(path, "M-TEST-TEST-TEST-TEST", True, "staff.one", date(2027, 3, 31))


def _no_links_left(directory: Path) -> None:
    assert [p.name for p in directory.iterdir() if p.is_symlink()] == []


def test_a_symlink_named_like_the_temporary_file_cannot_redirect_the_write(
    tmp_path: Path, oplog: AuditLog
) -> None:
    outside = tmp_path / "pc-home"
    outside.mkdir()
    target = outside / "stolen.csv"
    medium = _medium(tmp_path / "m")
    # The name the export used before the fix, and a dangling link for good measure.
    (medium.path / f".{KSK11}{TMP_MARK}").symlink_to(target)
    data = b"KSK11 rows\r\n" * 100
    entry = MediumFiles(medium, oplog).write_atomic(KSK11, [data],
                                                    hashlib.sha256(data).hexdigest())
    assert entry.size == len(data)
    assert not target.exists() and list(outside.iterdir()) == []
    final = medium.path / KSK11
    assert stat.S_ISREG(os.lstat(final).st_mode) and final.read_bytes() == data
    # The planted link is gone too (the product cleans dangling links under its names).
    _no_links_left(medium.path)


def test_a_symlink_under_the_final_name_is_replaced_not_followed(
    tmp_path: Path, oplog: AuditLog
) -> None:
    outside = tmp_path / "pc-file"
    outside.write_bytes(b"precious")
    medium = _medium(tmp_path / "m")
    (medium.path / KSK11).symlink_to(outside)
    files = MediumFiles(medium, oplog)
    assert files.existing(KSK11) is None  # a link is not "already on the medium"
    data = b"rows\r\n"
    files.write_atomic(KSK11, [data], hashlib.sha256(data).hexdigest())
    assert outside.read_bytes() == b"precious"
    assert not (medium.path / KSK11).is_symlink()


def test_a_symlinked_interface_file_is_refused_not_read(tmp_path: Path, oplog: AuditLog) -> None:
    secret = tmp_path / "secret-on-the-pc.dat"
    secret.write_bytes(b"2" * 100 + b"\r\n")
    medium = _medium(tmp_path / "m")
    (medium.path / KKG01).symlink_to(secret)
    files = MediumFiles(medium, oplog)
    assert files.interface_files() == [KKG01]  # listed, so it is never skipped in silence
    with pytest.raises(MediaRefused) as refused:
        files.read(KKG01)
    assert refused.value.reason == "not_regular_file"
    assert KKG01 in refused.value.user_message and "通常のファイルではありません" in (
        refused.value.user_message)
    (action, _staff, result, targets), = log_entries(oplog)
    assert (action, result, targets["reason"]) == ("media.read", "refused", "not_regular_file")


@pytest.mark.timeout(20)
def test_a_fifo_is_refused_without_blocking(tmp_path: Path, oplog: AuditLog) -> None:
    medium = _medium(tmp_path / "m")
    os.mkfifo(medium.path / KKG01)
    with pytest.raises(MediaRefused) as refused:
        MediumFiles(medium, oplog).read(KKG01)
    assert refused.value.reason == "not_regular_file"


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_a_device_node_is_refused(tmp_path: Path, oplog: AuditLog) -> None:
    medium = _medium(tmp_path / "m")
    os.mknod(medium.path / KKG01, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # like /dev/zero
    with pytest.raises(MediaRefused) as refused:
        MediumFiles(medium, oplog).read(KKG01)
    assert refused.value.reason == "not_regular_file"


def test_the_size_caps_follow_the_layouts() -> None:
    assert MAX_DATA_RECORDS == 1_000_000
    assert max_file_bytes(KSK02) == 302 * (MAX_DATA_RECORDS + 2)  # 300-byte records + CR LF
    assert max_file_bytes(KKG01) == 102 * (MAX_DATA_RECORDS + 2)
    assert max_file_bytes("KSK01_082015_20261106090000.dat") == 202 * (MAX_DATA_RECORDS + 2)
    # A misnamed copy is capped by the IF-ID its name holds; no IF-ID: the largest cap.
    assert max_file_bytes("ksk02_082015_20261106090000 - コピー.DAT") == max_file_bytes(KSK02)
    assert max_file_bytes("whatever.dat") == max(
        max_file_bytes(n) for n in (KSK02, KKG01, KSK11))


def test_a_huge_sparse_file_is_refused_before_it_is_read(tmp_path: Path, oplog: AuditLog) -> None:
    medium = _medium(tmp_path / "m")
    huge = medium.path / KSK02
    with open(huge, "wb") as f:
        f.truncate(1_500_000_000)  # sparse: no disk space used
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(MediaRefused) as refused:
        MediumFiles(medium, oplog).read(KSK02)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert refused.value.reason == "too_large"
    assert "大きすぎます" in refused.value.user_message and "302" in refused.value.user_message
    assert grown_kib < 50 * 1024, grown_kib
    (_action, _staff, result, targets), = log_entries(oplog)
    assert result == "refused" and targets["size"] == 1_500_000_000


def test_stale_temporaries_and_dangling_links_under_our_names_are_swept(
    tmp_path: Path, oplog: AuditLog
) -> None:
    medium = _medium(tmp_path / "m")
    (medium.path / f".{KSK11}.0123abcd{TMP_MARK}").write_bytes(b"half")
    (medium.path / f".{KSK11}{TMP_MARK}").symlink_to(tmp_path / "nowhere")
    (medium.path / "user-link").symlink_to(tmp_path / "nowhere")  # not ours: kept
    (medium.path / "other.txt").write_bytes(b"keep")
    assert MediumFiles(medium, oplog).remove_stale_temporaries() == 2
    assert sorted(p.name for p in medium.path.iterdir()) == ["other.txt", "user-link"]


def test_the_approval_token_is_never_written_or_read_through_a_link(
    tmp_path: Path, records: TransferRecords, oplog: AuditLog
) -> None:
    import shutil

    from kokuho_pc.transfer.media import TOKEN_NAME, MediaGate

    gate = MediaGate(records, oplog, allow_emulated=True, clock=clock_on(date(2026, 11, 26)))
    medium = tmp_path / "usb"
    medium.mkdir()
    outside = tmp_path / "pc"
    outside.mkdir()
    (medium / f"{TOKEN_NAME}.tmp").symlink_to(outside / "written-through.json")  # old tmp name
    gate.register(medium, admin_id="admin1", allowed_staff=["staff1"])
    assert list(outside.iterdir()) == []
    assert not (medium / TOKEN_NAME).is_symlink()
    # A token reached through a link is not a token on this medium.
    other = tmp_path / "usb2"
    other.mkdir()
    shutil.move(medium / TOKEN_NAME, outside / "real-token.json")
    (medium / TOKEN_NAME).symlink_to(outside / "real-token.json")
    assert gate.status(medium, "staff1").reason == "unregistered"

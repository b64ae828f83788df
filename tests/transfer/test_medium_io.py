"""Medium reads and atomic writes: logging, full disk, stale temporaries, real volumes."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from kokuho_pc.audit.log import AuditLog
from kokuho_pc.transfer.errors import MediaRefused, MediaWriteFailed
from kokuho_pc.transfer.media import TOKEN_NAME, ApprovedMedium, MediaGate
from kokuho_pc.transfer.medium_io import TMP_MARK, MediumFiles
from kokuho_pc.transfer.records import TransferRecords
from tests.transfer.conftest import clock_on, log_entries

ROOT = Path(__file__).resolve().parents[2]


def _medium(path: Path) -> ApprovedMedium:
    path.mkdir(exist_ok=True)
    return ApprovedMedium(path, "M-TEST-TEST-TEST-TEST", True, "staff.one", date(2027, 3, 31))


def test_write_read_and_log(tmp_path: Path, oplog: AuditLog) -> None:
    files = MediumFiles(_medium(tmp_path / "m"), oplog)
    data = b"KSK12 rows\r\n" * 1000
    digest = hashlib.sha256(data).hexdigest()
    entry = files.write_atomic("KSK12_082201_20261106090000.csv", [data[:5000], data[5000:]],
                               digest)
    assert entry.size == len(data) and entry.sha256 == digest
    assert files.interface_files() == ["KSK12_082201_20261106090000.csv"]
    assert files.read(entry.name) == data
    logged = log_entries(oplog)
    assert [(a, r) for a, _, r, _ in logged] == [("media.write", "success"),
                                                  ("media.read", "success")]
    targets = logged[0][3]
    assert targets["file"] == entry.name and targets["size"] == len(data)
    assert str(targets["sha256"]).replace("-", "") == digest


def test_wrong_hash_leaves_nothing_under_the_final_name(tmp_path: Path, oplog: AuditLog) -> None:
    files = MediumFiles(_medium(tmp_path / "m"), oplog)
    with pytest.raises(MediaWriteFailed):
        files.write_atomic("KSK11_082201_20261106090000.csv", [b"abc"], "0" * 64)
    assert list((tmp_path / "m").iterdir()) == []


def test_stale_temporaries_are_removed(tmp_path: Path, oplog: AuditLog) -> None:
    medium = _medium(tmp_path / "m")
    (medium.path / f".KSK11_082201_20261106090000.csv{TMP_MARK}").write_bytes(b"half")
    (medium.path / "other.txt").write_bytes(b"keep")
    assert MediumFiles(medium, oplog).remove_stale_temporaries() == 1
    assert [p.name for p in medium.path.iterdir()] == ["other.txt"]


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_full_disk_leaves_no_partial_file(tmp_path: Path) -> None:
    """The kernel refuses writes past 64 KiB (RLIMIT_FSIZE), as a full medium would."""
    medium = tmp_path / "m"
    medium.mkdir()
    script = textwrap.dedent(f"""
        import hashlib, resource, signal, sys
        from datetime import date
        from pathlib import Path
        from kokuho_pc.transfer.media import ApprovedMedium
        from kokuho_pc.transfer.medium_io import MediumFiles
        from kokuho_pc.transfer.errors import MediaWriteFailed

        class Log:
            def record(self, *a, **k):
                return 0

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
        medium = ApprovedMedium(Path({str(medium)!r}), "M-X", True, "s", date(2027, 3, 31))
        data = b"x" * 300000
        try:
            MediumFiles(medium, Log()).write_atomic(
                "KSK12_082201_20261106090000.csv",
                [data[i:i + 65536] for i in range(0, len(data), 65536)],
                hashlib.sha256(data).hexdigest())
        except MediaWriteFailed as exc:
            print("refused:", exc.user_message)
            sys.exit(3)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert "空き容量が足りない" in done.stdout  # EFBIG: told the medium is full
    assert list(medium.iterdir()) == []


def test_real_volume_token_copied_to_another_volume(
    tmp_path: Path, records: TransferRecords, oplog: AuditLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OS reports volume UUIDs (the system boundary is replaced by a table)."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    uuids = {a: "uuid:1111-AAAA", b: "uuid:2222-BBBB"}
    monkeypatch.setattr("kokuho_pc.transfer.media.volume_id", lambda p: uuids.get(p))
    gate = MediaGate(records, oplog, allow_emulated=False, clock=clock_on(date(2026, 11, 26)))
    record = gate.register(a, admin_id="admin.one", allowed_staff=["staff.one"])
    assert record.volume_kind == "volume" and record.volume_id == "uuid:1111-AAAA"
    assert not gate.connect(a, "staff.one").emulated
    shutil.copy2(a / TOKEN_NAME, b / TOKEN_NAME)
    with pytest.raises(MediaRefused) as info:
        gate.connect(b, "staff.one")
    assert info.value.reason == "copied"

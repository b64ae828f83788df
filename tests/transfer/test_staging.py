"""Encrypted staging: confidentiality, integrity, permissions, clean-up and sweep."""

from __future__ import annotations

import math
import os
import stat
import struct
import sys
from collections import Counter
from pathlib import Path

import pytest

from kokuho_pc.domain.leakscan import find_my_numbers_in_bytes
from kokuho_pc.domain.mynumber import my_number_check_digit
from kokuho_pc.transfer.errors import StagingTampered
from kokuho_pc.transfer.staging import CHUNK_SIZE, StagingArea

SENTINEL = "SENTINEL-氏名-ﾃｽﾄ".encode("cp932")


def _my_number(seed: int) -> bytes:
    first = f"{seed:011d}"
    return f"{first}{my_number_check_digit(first)}".encode("ascii")


def _plain(size: int) -> bytes:
    unit = SENTINEL + b" " + _my_number(12345678901) + b"\r\n"
    return (unit * (size // len(unit) + 1))[:size]


def _entropy(data: bytes) -> float:
    counts = Counter(data)
    n = len(data)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def test_round_trip_multi_chunk_and_hash(tmp_path: Path) -> None:
    data = _plain(2 * CHUNK_SIZE + 12345)
    area = StagingArea(tmp_path / "staging")
    with area.session() as session:
        staged = session.stage_bytes(data)
        assert staged.size == len(data)
        assert staged.read_all() == data
        assert b"".join(staged.chunks()) == data
    assert area.leftover_files() == []


def test_empty_file_round_trip(tmp_path: Path) -> None:
    with StagingArea(tmp_path / "s").session() as session:
        assert session.stage_bytes(b"").read_all() == b""


def test_staged_bytes_hold_no_plaintext_and_look_random(tmp_path: Path) -> None:
    data = _plain(CHUNK_SIZE + 999)
    assert find_my_numbers_in_bytes(data)  # the scan would see it in clear
    area = StagingArea(tmp_path / "staging")
    with area.session() as session:
        staged = session.stage_bytes(data)
        raw = staged.path.read_bytes()
        assert SENTINEL not in raw
        assert find_my_numbers_in_bytes(raw) == []
        assert _entropy(raw) > 7.99
        assert _entropy(data) < 5


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_private_permissions(tmp_path: Path) -> None:
    area = StagingArea(tmp_path / "staging")
    with area.session() as session:
        staged = session.stage_bytes(b"abc")
        assert stat.S_IMODE(os.stat(area.root).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(session.directory).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(staged.path).st_mode) == 0o600


def _chunk_offsets(raw: bytes) -> list[tuple[int, int]]:
    offsets, pos = [], 16
    while pos < len(raw):
        (length,) = struct.unpack(">I", raw[pos : pos + 4])
        offsets.append((pos, pos + 4 + length))
        pos += 4 + length
    return offsets


@pytest.mark.parametrize("attack", ["flip", "truncate", "reorder", "drop_final", "append"])
def test_tampering_is_detected(tmp_path: Path, attack: str) -> None:
    data = _plain(2 * CHUNK_SIZE + 10)
    with StagingArea(tmp_path / "s").session() as session:
        staged = session.stage_bytes(data)
        raw = bytearray(staged.path.read_bytes())
        chunks = _chunk_offsets(bytes(raw))
        assert len(chunks) == 3
        if attack == "flip":
            raw[chunks[1][0] + 100] ^= 0x01
        elif attack == "truncate":
            raw = raw[: chunks[1][0] + 50]
        elif attack == "reorder":
            a, b = (bytes(raw[s:e]) for s, e in chunks[:2])
            raw = raw[:16] + b + a + raw[chunks[2][0] :]
        elif attack == "drop_final":
            raw = raw[: chunks[2][0]]
        else:
            raw += b"\x00"
        staged.path.write_bytes(bytes(raw))
        with pytest.raises(StagingTampered) as info:
            staged.read_all()
        assert "改ざん" in info.value.user_message


def test_session_removes_files_when_the_transfer_fails(tmp_path: Path) -> None:
    area = StagingArea(tmp_path / "s")
    with pytest.raises(RuntimeError), area.session() as session:
        session.stage_bytes(b"x" * 1000)
        half = session.new_file()
        half.write(b"y" * 10)  # an unfinished file, as on cancel
        assert len(area.leftover_files()) == 2
        raise RuntimeError("boom")
    assert area.leftover_files() == []
    assert list(area.root.iterdir()) == []


def test_sweep_removes_crash_leftovers_and_counts(tmp_path: Path) -> None:
    area = StagingArea(tmp_path / "s")
    assert area.sweep() == 0
    session = area.session()  # never closed: as if the process had crashed
    session.stage_bytes(b"a" * 10)
    session.stage_bytes(b"b" * 10)
    (area.root / "stray.tmp").write_bytes(b"z")
    assert area.sweep() == 3
    assert area.leftover_files() == []
    assert area.sweep() == 0


def test_sweep_spares_sessions_of_running_processes(tmp_path: Path) -> None:
    import subprocess

    area = StagingArea(tmp_path / "s")
    area.session().stage_bytes(b"own leftover")
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        alive = area.root / f"{proc.pid}-0123456789abcdef"
        alive.mkdir()
        (alive / "x.stg").write_bytes(b"in use")
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
        gone = area.root / f"{int(dead.stdout)}-fedcba9876543210"
        gone.mkdir()
        (gone / "y.stg").write_bytes(b"crashed")
        assert area.sweep() == 2
        assert [p.name for p in area.leftover_files()] == ["x.stg"]
    finally:
        proc.kill()
        proc.wait()

"""Helpers for the codec and checker tests: the spec's examples and field surgery."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kokuho_pc.formats.checker import CheckReport, check_file_set
from kokuho_pc.formats.layouts import get_layout

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "spec_examples"
K1 = "KSK01_082015_20261110081500.dat"
K2 = "KSK02_082015_20261110081500.dat"
KG = "KKG01_082015_20261110081500.dat"
TODAY = dt.date(2026, 11, 26)


def examples() -> dict[str, bytes]:
    """The spec's valid example set, name → bytes."""
    return {p.name: p.read_bytes() for p in sorted(EXAMPLES_DIR.glob("*.dat"))}


def lines_of(data: bytes) -> list[bytes]:
    """Records without their CR LF."""
    return data[:-2].split(b"\r\n")


def join(lines: list[bytes]) -> bytes:
    """Records back into a file (CR LF after every record)."""
    return b"".join(line + b"\r\n" for line in lines)


def set_field(data: bytes, recno: int, key: str, value: bytes | str) -> bytes:
    """Replace one field of record ``recno`` (1-based; 1 = header) by raw bytes of its length."""
    if_id = data[1:6].decode("ascii")
    layout = get_layout(if_id)
    lines = lines_of(data)
    rec = lines[recno - 1]
    part = {b"1": layout.header, b"2": layout.data, b"3": layout.trailer}[rec[:1]]
    f = next(x for x in part if x.key == key)
    raw = value.encode("cp932") if isinstance(value, str) else value
    if f.type == "K" and isinstance(value, str):
        missing = (f.length or 0) - len(raw)
        raw = raw + "\u3000".encode("cp932") * (missing // 2) + b" " * (missing % 2)
    else:
        raw = raw.ljust(f.length or 0, b" ") if isinstance(value, str) else raw
    assert len(raw) == f.length, (key, len(raw))
    lines[recno - 1] = rec[:f.offset] + raw + rec[f.end:]
    return join(lines)


def check(files: dict[str, bytes]) -> CheckReport:
    """Check with a fixed ``today``."""
    return check_file_set(files, today=TODAY)


def found(report: CheckReport) -> set[tuple[str, int | None, str | None, str]]:
    """(file, record, item, code) of every problem."""
    return {(e.file, e.record, e.item, e.code) for e in report.errors}


def mutated(name: str, recno: int, key: str, value: bytes | str) -> dict[str, bytes]:
    """The example set with one field of one record replaced."""
    files = examples()
    files[name] = set_field(files[name], recno, key, value)
    return files

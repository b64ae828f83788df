"""The CSV fast path only ever confirms rows the per-cell path finds clean."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import BinaryIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kokuho_pc.formats.csvcheck import cell_problem, check_csv, split_row
from kokuho_pc.formats.csvfast import DATE, FastFile, FastRow, _cell_regex
from kokuho_pc.formats.fieldrules import valid_date
from kokuho_pc.formats.filenames import parse_file_name
from kokuho_pc.formats.issues import IssueSink
from kokuho_pc.formats.layouts import get_layout
from kokuho_pc.formats.rowblocks import RE2_MAX_REPEAT, block_matcher, re2_available

CLEAN = {
    "KSK11": b"082201,P000000001,0800000001,20200401,,20261001,,082015,00,20261110",
    "KSK12": b"082201,P000000001,0800000001,1,20261110",
    "KKG11": b"082201,0000012347,015P104,082015,0000012345,202607,1,03,082201-1,20261110",
}
# Bytes that exercise every branch: digits, separators, quotes, kana, CP932 lead bytes.
ALPHABET = list(b"0123456789,\"\x20AZaz-\xb1\xdf\x81\x40\x82\xa0\xff\x0d")


def _slow_clean(if_id: str, row: bytes) -> bool:
    columns = get_layout(if_id).columns
    cells = split_row(row)
    if cells is None or len(cells) != len(columns):
        return False
    return all(cell_problem(c, raw) is None for c, raw in zip(columns, cells, strict=True))


def test_clean_rows_take_the_fast_path() -> None:
    for if_id, row in CLEAN.items():
        assert FastRow(get_layout(if_id).columns).cells(row) is not None
        assert _slow_clean(if_id, row)


# Each property takes the implementation it checks: tests/fuzz/test_more_properties_fail.py
# runs them on wrong ones.
row_args = dict(
    if_id=st.sampled_from(sorted(CLEAN)),
    position=st.integers(min_value=0, max_value=80),
    replacement=st.lists(st.sampled_from(ALPHABET), min_size=0, max_size=4),
    cut=st.integers(min_value=0, max_value=3),
)


def fast_row_cells(if_id: str, row: bytes) -> tuple[bytes, ...] | None:
    """The fast path's cells of a row (None: the row leaves the fast path)."""
    return FastRow(get_layout(if_id).columns).cells(row)


def fast_path_never_accepts_what_cells_reject(
    cells: Callable[[str, bytes], object], if_id: str, position: int, replacement: list[int],
    cut: int
) -> None:
    row = CLEAN[if_id]
    position = min(position, len(row))
    mutated = row[:position] + bytes(replacement) + row[position + cut :]
    if cells(if_id, mutated) is not None:
        assert _slow_clean(if_id, mutated)


@settings(max_examples=1500, deadline=None)
@given(**row_args)
def test_fast_path_never_accepts_what_the_cell_checks_reject(
    if_id: str, position: int, replacement: list[int], cut: int
) -> None:
    fast_path_never_accepts_what_cells_reject(fast_row_cells, if_id, position, replacement, cut)


class _NotSeekable(io.RawIOBase):
    """A stream the whole-file fast path cannot use: the per-row path runs alone."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        return self._inner.readinto(buffer)


def _issues(name: str, data: bytes, seekable: bool) -> list[tuple[object, ...]]:
    layout = get_layout(name[:5])
    file_name = parse_file_name(name)
    sink = IssueSink(name)
    stream: BinaryIO = io.BytesIO(data) if seekable else io.BufferedReader(_NotSeekable(data))
    check_csv(stream, layout, file_name, sink)
    return [(i.record, i.item, i.code) for i in sink.issues()]


KSK11_NAME = "KSK11_082201_20261110081500.csv"
KSK11_FILE = b"".join(
    b"082201,P%09d,08%08d,20200401,,20261001,,082015,00,20261110\r\n" % (i, i)
    for i in range(40)
)


def test_whole_file_fast_path_counts_a_clean_file() -> None:
    columns = get_layout("KSK11").columns
    fast = FastFile(columns, 0, b"082201", 9, b"20261110")
    assert fast.count_rows(io.BytesIO(KSK11_FILE)) == 40
    assert _issues(KSK11_NAME, KSK11_FILE, seekable=True) == []
    assert fast.count_rows(io.BytesIO(KSK11_FILE[:-2])) is None  # no CR LF at the end
    assert fast.count_rows(io.BytesIO(b"\xef\xbb\xbf" + KSK11_FILE)) is None


file_args = dict(
    position=st.integers(min_value=0, max_value=len(KSK11_FILE)),
    replacement=st.lists(st.sampled_from([*ALPHABET, 0x0A]), min_size=0, max_size=4),
    cut=st.integers(min_value=0, max_value=3),
)


def whole_file_path_reports_what_the_row_path_reports(
    issues: Callable[[str, bytes, bool], list[tuple[object, ...]]], position: int,
    replacement: list[int], cut: int
) -> None:
    mutated = KSK11_FILE[:position] + bytes(replacement) + KSK11_FILE[position + cut :]
    assert issues(KSK11_NAME, mutated, True) == issues(KSK11_NAME, mutated, False)


@settings(max_examples=800, deadline=None)
@given(**file_args)
def test_whole_file_path_reports_what_the_row_path_reports(
    position: int, replacement: list[int], cut: int
) -> None:
    whole_file_path_reports_what_the_row_path_reports(_issues, position, replacement, cut)


def _date_years() -> list[int]:
    """Years around every boundary of the date regex, plus a spread over 0000-9999."""
    years = set(range(1790, 1810)) | set(range(1896, 1904)) | set(range(1996, 2105))
    years |= {y + d for y in range(2000, 10000, 100) for d in (-4, -1, 0, 1, 4)}
    years |= set(range(0, 10000, 37))
    return sorted(y for y in years if 0 <= y <= 9999)


def test_the_date_regex_accepts_exactly_the_real_dates() -> None:
    """The fast paths check dates with a regex alone: it must agree with ``valid_date``
    (a real Gregorian date in 1800 or later) for every month/day combination."""
    date = re.compile(DATE)
    month_days = [b"%02d%02d" % (m, d) for m in range(0, 14) for d in range(0, 33)]
    for year in _date_years():
        for md in month_days:
            raw = b"%04d" % year + md
            assert (date.fullmatch(raw) is not None) == valid_date(raw), raw
    for raw in (b"2024022", b"202402290", b"2024-2-9", "２０２４0229".encode()[:8]):
        assert date.fullmatch(raw) is None


def test_impossible_dates_leave_the_fast_path() -> None:
    """A real-looking but impossible date (30 February, 29 February of 2100) is not clean."""
    ff_columns = get_layout("KSK11").columns
    for bad in (b"20260230", b"21000229", b"17991231", b"20261131"):
        row = CLEAN["KSK11"].replace(b"20200401", bad)
        assert FastRow(ff_columns).cells(row) is None
        assert not _slow_clean("KSK11", row)
    leap = CLEAN["KSK11"].replace(b"20200401", b"20000229")
    assert FastRow(ff_columns).cells(leap) is not None


def _ksk11_row_pattern() -> bytes:
    columns = get_layout("KSK11").columns
    return b",".join(
        re.escape(b"082201") if i == 0 else re.escape(b"20261110") if i == 9
        else _cell_regex(c, capture=False, max_repeat=RE2_MAX_REPEAT)
        for i, c in enumerate(columns)
    ) + b"\r\n"


def test_re2_is_the_engine_in_use() -> None:
    """google-re2 is a declared dependency: the fast path runs on it."""
    assert re2_available()


engine_args = dict(
    position=st.integers(min_value=0, max_value=len(KSK11_FILE)),
    replacement=st.lists(st.sampled_from([*ALPHABET, 0x0A, 0xA1, 0xE0]), min_size=0, max_size=4),
    cut=st.integers(min_value=0, max_value=3),
)


def both_block_engines_agree(matcher: Callable[..., Callable[[bytes], bool]], position: int,
                             replacement: list[int], cut: int) -> None:
    row = _ksk11_row_pattern()
    mutated = KSK11_FILE[:position] + bytes(replacement) + KSK11_FILE[position + cut :]
    with_re2 = matcher(row, use_re2=True)(mutated)
    assert with_re2 == matcher(row, use_re2=False)(mutated)
    assert with_re2 == (re.fullmatch(b"(?:" + row + b")+", mutated) is not None)


@settings(max_examples=800, deadline=None)
@given(**engine_args)
def test_both_block_engines_agree(position: int, replacement: list[int], cut: int) -> None:
    """RE2 (Latin-1, plain repetition) and ``re`` (atomic, possessive) accept the same blocks."""
    both_block_engines_agree(block_matcher, position, replacement, cut)


def test_a_text_cell_beyond_the_re2_bound_goes_to_the_row_path() -> None:
    """RE2 caps repetition at 1000: a longer (valid) text cell is confirmed by the row path."""
    (x_column,) = [c for c in get_layout("KSK11").columns if c.type == "X"]
    body = _cell_regex(x_column, capture=False, max_repeat=3)
    assert b"{1,3}" in body
    assert block_matcher(b"(?:" + body + b")\r\n", use_re2=True)(b"ABC\r\n")
    assert not block_matcher(b"(?:" + body + b")\r\n", use_re2=True)(b"ABCD\r\n")


@pytest.mark.parametrize(("old", "new"), [
    (b"P000000007", b"1234-5678-9012"),  # a 12-digit number in groups (§2)
    (b"P000000007", b"1234 5678 9012"),
    (b"0800000007", b"4800000007"),     # not a prefecture code (§7)
    (b"0800000007", b"0000000007"),
    (b"20261001", b"2026-1001"),
])
def test_issue18_rules_agree_on_both_paths(old: bytes, new: bytes) -> None:
    """The fast path and the per-row path agree on the rules issue 18 added or widened."""
    mutated = KSK11_FILE.replace(old, new, 1)
    assert mutated != KSK11_FILE
    fast, rows = (_issues(KSK11_NAME, mutated, seekable=s) for s in (True, False))
    assert fast == rows
    assert fast  # every change above breaks a rule

"""The CSV fast path only ever confirms rows the per-cell path finds clean."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kokuho_pc.formats.csvcheck import _FastRow, cell_problem, split_row
from kokuho_pc.formats.layouts import get_layout

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
        assert _FastRow(get_layout(if_id).columns).cells(row) is not None
        assert _slow_clean(if_id, row)


@settings(max_examples=1500, deadline=None)
@given(
    if_id=st.sampled_from(sorted(CLEAN)),
    position=st.integers(min_value=0, max_value=80),
    replacement=st.lists(st.sampled_from(ALPHABET), min_size=0, max_size=4),
    cut=st.integers(min_value=0, max_value=3),
)
def test_fast_path_never_accepts_what_the_cell_checks_reject(
    if_id: str, position: int, replacement: list[int], cut: int
) -> None:
    row = CLEAN[if_id]
    position = min(position, len(row))
    mutated = row[:position] + bytes(replacement) + row[position + cut :]
    fast = _FastRow(get_layout(if_id).columns).cells(mutated)
    if fast is not None:
        assert _slow_clean(if_id, mutated)

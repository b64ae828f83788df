"""Check one delivered CSV file (KSK11, KSK12, KKG11) streaming, row by row.

Commas and quotes are below 0x40 and so never the second byte of a CP932
double-byte character: rows are split on raw bytes, and each cell is then
checked for encoding, type, length and its code table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import BinaryIO

from kokuho_pc.formats import fieldrules as fr
from kokuho_pc.formats.filenames import FileName
from kokuho_pc.formats.issues import IssueSink
from kokuho_pc.formats.layouts import Field, Layout
from kokuho_pc.formats.linereader import iter_lines

CSV_LINE_CAP = 8192


def split_row(line: bytes) -> list[bytes] | None:
    """Split one row into unquoted cells; ``None`` when quoting breaks the rule.

    A cell is quoted only when it contains a comma or a quote; a quote inside
    a quoted cell is doubled.
    """
    cells: list[bytes] = []
    i, n = 0, len(line)
    while True:
        if line[i:i + 1] == b'"':
            j = i + 1
            parts: list[bytes] = []
            while True:
                k = line.find(b'"', j)
                if k < 0:
                    return None
                parts.append(line[j:k])
                if line[k + 1:k + 2] == b'"':
                    parts.append(b'"')
                    j = k + 2
                    continue
                break
            cell = b"".join(parts)
            if b"," not in cell and b'"' not in cell:
                return None
            cells.append(cell)
            i = k + 1
            if i == n:
                return cells
            if line[i:i + 1] != b",":
                return None
            i += 1
        else:
            k = line.find(b",", i)
            cell = line[i:] if k < 0 else line[i:k]
            if b'"' in cell:
                return None
            cells.append(cell)
            if k < 0:
                return cells
            i = k + 1


def cell_problem(c: Field, raw: bytes) -> str | None:
    """The problem code of one CSV cell judged on its own, or ``None``."""
    if not fr.is_cp932(raw):
        return "encoding"
    if raw == b"":
        return "required" if c.presence == "required" else None
    if fr.TWELVE_DIGITS.search(raw):
        return "twelve_digits"
    if c.type in ("N", "C", "D"):
        if not raw.isdigit():
            return "invalid_date" if c.type == "D" else "not_digits"
        if c.type == "D":
            return None if fr.valid_date(raw) else "invalid_date"
        if c.length is not None and len(raw) != c.length:
            return "wrong_length"
        if c.type == "C" and raw not in fr.table_codes(c):
            return "code_table"
        if c.check == "municipality_code" and not fr.valid_municipality(raw):
            return "check_digit"
        if c.check == "yyyymm_from_201804":
            if not fr.valid_month(raw):
                return "invalid_month"
            if raw < b"201804":
                return "month_too_early"
        return None
    if not fr.is_half_width(raw):
        return "not_half_width"
    if c.max_length is not None and len(raw) > c.max_length:
        return "too_long"
    return None


# Bytes a clean unquoted X cell may hold: printable ASCII except the quote and
# the comma, and half-width katakana (single bytes in CP932).
_X_CELL = rb"[\x20\x21\x23-\x2b\x2d-\x7e\xa1-\xdf]"


def _cell_regex(c: Field) -> bytes:
    optional = c.presence != "required"
    if c.type == "X":
        return _X_CELL + b"{%d,%d}" % (0 if optional else 1, c.max_length or 4096)
    if c.type == "C" and c.table:
        body = b"(?:" + b"|".join(sorted(fr.table_codes(c))) + b")"
    elif c.type == "D":
        body = rb"[0-9]{8}"
    elif c.length is not None:
        body = rb"[0-9]{%d}" % c.length
    else:
        body = rb"[0-9]+"
    return b"(" + body + b")" + (b"?" if optional else b"")


def _semantic_check(c: Field) -> Callable[[bytes], bool] | None:
    if c.type == "D":
        return fr.valid_date
    if c.check == "municipality_code":
        return fr.valid_municipality
    if c.check == "yyyymm_from_201804":
        return lambda raw: fr.valid_month(raw) and raw >= b"201804"
    return None


class _FastRow:
    """Confirms a clean row with one regex match plus cached semantic checks.

    Only ever says "clean"; anything else goes to the per-cell path, which
    finds and names each problem, so both paths report the same issues.
    """

    def __init__(self, columns: tuple[Field, ...]) -> None:
        parts = [
            (b"(" + _cell_regex(c) + b")") if c.type == "X" else _cell_regex(c) for c in columns
        ]
        self.regex = re.compile(b",".join(parts))
        self.checks = [
            (i, check) for i, c in enumerate(columns) if (check := _semantic_check(c)) is not None
        ]

    def cells(self, content: bytes) -> tuple[bytes, ...] | None:
        """The row's cells when it is certainly clean, else ``None``."""
        m = self.regex.fullmatch(content)
        if m is None or fr.TWELVE_DIGITS.search(content):
            return None
        cells = tuple(g or b"" for g in m.groups())
        for i, check in self.checks:
            raw = cells[i]
            if raw and not check(raw):
                return None
        return cells


def check_csv(
    stream: BinaryIO, layout: Layout, file_name: FileName | None, sink: IssueSink
) -> int:
    """Check every row; problems go to ``sink``. Returns the number of rows."""
    columns = layout.columns
    width = len(columns)
    keys = [c.key for c in columns]
    muni_i = keys.index(layout.name_municipality_column or "")
    date_i = keys.index(layout.name_date_column or "")
    name_muni = name_date = None
    if file_name is not None:
        name_muni = file_name.municipality_code.encode("ascii")
        name_date = file_name.created.strftime("%Y%m%d").encode("ascii")
    add = sink.add
    fast = _FastRow(columns)
    rows = 0
    for line in iter_lines(stream, CSV_LINE_CAP):
        n = rows = line.number
        content = line.content
        if line.problem is None and (clean := fast.cells(content)) is not None:
            if name_muni is not None and clean[muni_i] != name_muni:
                add(n, columns[muni_i].name, "name_municipality", muni_i)
            if name_date is not None and clean[date_i] != name_date:
                add(n, columns[date_i].name, "name_date", date_i)
            continue
        if n == 1 and content.startswith(b"\xef\xbb\xbf"):
            add(1, None, "bom")
            content = content[3:]
        if line.problem is not None:
            add(n, None, line.problem)
            if line.problem == "line_too_long":
                continue
        cells = split_row(content)
        if cells is None:
            add(n, None, "csv_quoting")
            continue
        if len(cells) != width:
            add(n, None, "column_count", expected=width, actual=len(cells))
            continue
        bad = set()
        for i, (c, raw) in enumerate(zip(columns, cells, strict=True)):
            problem = cell_problem(c, raw)
            if problem is not None:
                bad.add(i)
                extra = {"expected": c.max_length} if problem == "too_long" else {}
                if problem == "wrong_length":
                    extra = {"expected": c.length}
                add(n, c.name, problem, i, **extra)
        if name_muni is not None and muni_i not in bad and cells[muni_i] != name_muni:
            add(n, columns[muni_i].name, "name_municipality", muni_i)
        if name_date is not None and date_i not in bad and cells[date_i] != name_date:
            add(n, columns[date_i].name, "name_date", date_i)
    if rows == 0:
        add(None, None, "empty_file")
    return rows

"""Check one delivered CSV file (KSK11, KSK12, KKG11) streaming, row by row.

Commas and quotes are below 0x40 and so never the second byte of a CP932
double-byte character: rows are split on raw bytes, and each cell is then
checked for encoding, type, length and its code table.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from kokuho_pc.formats import fieldrules as fr
from kokuho_pc.formats.csvfast import FastFile, FastRow
from kokuho_pc.formats.filenames import FileName
from kokuho_pc.formats.framing import framed, sniff
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
        if c.check == "prefecture_prefix" and not fr.valid_prefecture_prefix(raw):
            return "prefecture_code"
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


def check_csv(
    stream: BinaryIO, layout: Layout, file_name: FileName | None, sink: IssueSink
) -> int:
    """Check every row; problems go to ``sink``. Returns the number of rows.

    Framing problems (interface-files.md §9) are reported once at file level first.
    """
    whole_file_path = stream.seekable()
    if not whole_file_path:  # tests: the per-row path alone (framing needs the file's end)
        stream = io.BytesIO(stream.read())
    framing = sniff(stream)
    for problem in framing.problems:
        sink.add(None, None, problem)
    if not framing.read_records:
        return 0
    return _check_rows(framed(stream, framing), layout, file_name, sink, framing.lf_only,
                       whole_file_path)


def _check_rows(
    stream: BinaryIO, layout: Layout, file_name: FileName | None, sink: IssueSink,
    lf_only: bool, whole_file_path: bool,
) -> int:
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
    start = stream.tell() if whole_file_path else None
    if start is not None:
        clean_rows = FastFile(columns, muni_i, name_muni, date_i, name_date).count_rows(stream)
        if clean_rows is not None:
            return clean_rows
        stream.seek(start)  # not certainly clean: the per-row path names every problem
    fast = FastRow(columns)
    rows = 0
    for line in iter_lines(stream, CSV_LINE_CAP):
        n = rows = line.number
        content = line.content
        problem = None if lf_only and line.problem == "line_end" else line.problem
        if problem is None and (clean := fast.cells(content)) is not None:
            if name_muni is not None and clean[muni_i] != name_muni:
                add(n, columns[muni_i].name, "name_municipality", muni_i)
            if name_date is not None and clean[date_i] != name_date:
                add(n, columns[date_i].name, "name_date", date_i)
            continue
        if not content and problem is None:
            add(n, None, "empty_line")
            continue
        if problem is not None:
            add(n, None, problem)
            if problem == "line_too_long":
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

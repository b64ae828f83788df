"""Check one fixed-length file (KSK01, KSK02, KKG01) streaming, record by record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from kokuho_pc.formats.filenames import FileName, parse_timestamp
from kokuho_pc.formats.framing import framed, sniff
from kokuho_pc.formats.issues import IssueSink
from kokuho_pc.formats.layouts import Layout
from kokuho_pc.formats.linereader import iter_lines
from kokuho_pc.formats.recordcheck import RecordChecker

DataHook = Callable[[bytes, int, set[int]], None]


@dataclass(slots=True)
class FixedFileResult:
    """What later cross-file checks need from one checked fixed-length file."""

    name: str
    if_id: str
    municipality_code: str | None = None
    created: dt.datetime | None = None
    header_ok: bool = False
    data_records: int = 0
    broken_records: int = 0
    header_values: dict[str, bytes] = field(default_factory=dict)


def line_cap(layout: Layout) -> int:
    """Longest line kept in memory: generous enough to measure a wrong length."""
    return max(4096, 2 * layout.record_length)


def check_fixed(
    name: str,
    stream: BinaryIO,
    layout: Layout,
    file_name: FileName | None,
    sink: IssueSink,
    today: bytes,
    on_data: DataHook | None = None,
) -> FixedFileResult:
    """Check every record of a fixed-length file; problems go to ``sink``.

    Framing problems (interface-files.md §9) are reported once at file level first.
    """
    result = FixedFileResult(name, layout.if_id)
    framing = sniff(stream)
    for problem in framing.problems:
        sink.add(None, None, problem)
    if framing.read_records:
        _check_records(framed(stream, framing), layout, file_name, sink, today, on_data,
                       result, framing.lf_only)
    if file_name is not None:  # an unreadable header: the name still says whose file it is
        if result.municipality_code is None:
            result.municipality_code = file_name.municipality_code
        if result.created is None:
            result.created = file_name.created
    return result


def _check_records(
    stream: BinaryIO,
    layout: Layout,
    file_name: FileName | None,
    sink: IssueSink,
    today: bytes,
    on_data: DataHook | None,
    result: FixedFileResult,
    lf_only: bool,
) -> None:
    header = RecordChecker(layout.if_id, "header", sink, today)
    data = RecordChecker(layout.if_id, "data", sink, today)
    trailer = RecordChecker(layout.if_id, "trailer", sink, today)
    length = layout.record_length
    add = sink.add
    trailer_at: int | None = None
    trailer_raw = b""
    last = 0
    last_broken = False
    for line in iter_lines(stream, line_cap(layout)):
        n = line.number
        content = line.content
        broken = False
        if not content and line.problem != "line_too_long":
            if line.problem is None or lf_only:
                add(n, None, "empty_line")
                continue
        last = n
        if line.problem == "line_too_long":
            add(n, None, "line_too_long")
            broken = True
        else:
            if line.problem is not None and not lf_only:
                add(n, None, line.problem)
            if len(content) != length:
                add(n, None, "record_length", expected=length, actual=len(content))
                broken = True
        last_broken = broken
        result.broken_records += broken
        kind = content[:1]
        if trailer_at is not None and kind != b"3":
            if trailer_at == n - 1:
                add(n, None, "after_trailer")
        if kind == b"1":
            if n != 1:
                add(n, "レコード区分", "header_duplicate")
            elif not broken:
                bad = header.check(content, n)
                _read_header(content, layout, file_name, sink, result, bad)
                data.use_header(result.header_values)
        elif kind == b"2":
            if n == 1 and not broken:
                add(1, None, "header_missing")
            result.data_records += 1
            if not broken:
                bad = data.check(content, n)
                if on_data is not None:
                    on_data(content, n, bad)
        elif kind == b"3":
            if n == 1 and not broken:
                add(1, None, "header_missing")
            if trailer_at is not None:
                add(n, "レコード区分", "trailer_duplicate")
            else:
                trailer_at, trailer_raw = n, (b"" if broken else content)
                if not broken:
                    trailer.check(content, n)
        else:
            if n == 1 and not broken:
                add(1, None, "header_missing")
            if not broken:
                add(n, "レコード区分", "record_type")
    if last == 0:
        add(None, None, "empty_file")
        return
    if trailer_at is None and not last_broken:
        add(last, None, "trailer_missing")
    elif trailer_at is not None and trailer_raw:
        count_field = layout.trailer[1]
        raw = trailer_raw[count_field.offset:count_field.end]
        if raw.isdigit() and int(raw) != result.data_records:
            add(trailer_at, count_field.name, "record_count", 1, actual=result.data_records)


def _read_header(
    content: bytes,
    layout: Layout,
    file_name: FileName | None,
    sink: IssueSink,
    result: FixedFileResult,
    bad: set[int],
) -> None:
    fields = {f.key: (i, f) for i, f in enumerate(layout.header)}
    values = {key: content[f.offset:f.end] for key, (_, f) in fields.items()}
    ok = {key: i not in bad for key, (i, _) in fields.items()}
    result.header_ok = not bad
    if ok["municipality_code"]:
        result.header_values["municipality_code"] = values["municipality_code"]
        result.municipality_code = values["municipality_code"].decode("ascii")
    if ok["created_date"]:
        result.header_values["created_date"] = values["created_date"]
    if ok["created_date"] and ok["created_time"]:
        stamp = (values["created_date"] + values["created_time"]).decode("ascii")
        result.created = parse_timestamp(stamp)
    if ok["file_id"] and values["file_id"] != layout.if_id.encode("ascii"):
        i, f = fields["file_id"]
        sink.add(1, f.name, "file_id_mismatch", i)
    if file_name is None:
        return
    if result.municipality_code is not None and result.municipality_code != \
            file_name.municipality_code:
        i, f = fields["municipality_code"]
        sink.add(1, f.name, "name_municipality", i)
    if result.created is not None and result.created != file_name.created:
        key = "created_date" if result.created.date() != file_name.created.date() \
            else "created_time"
        i, f = fields[key]
        sink.add(1, f.name, "name_timestamp", i)

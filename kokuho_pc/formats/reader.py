"""Read interface files into typed records (after a passing check).

Typed values: ``X``/``K`` → ``str`` with the padding stripped; ``N``/``C`` →
``str`` as in the file (leading zeros kept, blank → ``""``); ``D`` →
``datetime.date`` or ``None``; 個人番号 fields → ``MyNumber`` or ``None``.
The record dicts leave out レコード区分 and the 予備 filler. Malformed input
raises :class:`FormatError` naming the record, never a value; use
:mod:`kokuho_pc.formats.checker` to get every problem of a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from kokuho_pc.domain.errors import ValidationError
from kokuho_pc.domain.mynumber import InvalidMyNumber, MyNumber
from kokuho_pc.domain.wareki import parse_yyyymmdd
from kokuho_pc.formats.filenames import InvalidFileName, parse_file_name
from kokuho_pc.formats.layouts import IF_IDS, Field, Layout, get_layout

ENCODING = "cp932"


class FormatError(ValidationError):
    """A file cannot be read with its layout (run the checker for details)."""

    code = "format"
    default_message = "インタフェースファイルの形式が正しくありません。"
    default_hint = "ファイルを検査して誤りを確認してください。"


@dataclass(slots=True)
class ParsedFile:
    """A read interface file: its identity and its typed data records."""

    if_id: str
    municipality_code: str
    created: dt.datetime
    records: list[dict[str, object]] = field(default_factory=list)


Decoder = Callable[[str], object]


def _decoder(f: Field) -> Decoder:
    if f.type == "X":
        return lambda s: s.rstrip(" ")
    if f.type == "K":
        return lambda s: s.rstrip("\u3000")
    if f.type == "D":
        return lambda s: None if not s.strip(" ") else parse_yyyymmdd(s)
    if f.is_my_number:
        return lambda s: None if not s.strip(" ") else MyNumber(s)
    return lambda s: "" if not s.strip(" ") else s


def _skipped(f: Field) -> bool:
    return f.key == "record_type" or f.blank


def resolve_if_id(name_or_if_id: str) -> tuple[str, str | None, dt.datetime | None]:
    """Return (IF-ID, 市町村コード or None, created or None) from an IF-ID or a file name."""
    if name_or_if_id in IF_IDS:
        return name_or_if_id, None, None
    try:
        parsed = parse_file_name(name_or_if_id)
    except InvalidFileName as exc:
        raise FormatError(exc.user_message) from exc
    return parsed.if_id, parsed.municipality_code, parsed.created


def split_records(data: bytes) -> list[bytes]:
    """Split a file into records on CR LF; the last record must end with CR LF."""
    if not data.endswith(b"\r\n"):
        raise FormatError("最終レコードの改行(CR LF)がありません。")
    return data[:-2].split(b"\r\n")


def _decode_record(
    fields: Sequence[tuple[Field, Decoder]], line: bytes, lineno: int
) -> dict[str, object]:
    out: dict[str, object] = {}
    for f, dec in fields:
        try:
            out[f.key] = dec(line[f.offset:f.end].decode(ENCODING))
        except (UnicodeDecodeError, ValueError, InvalidMyNumber) as exc:
            raise FormatError(f"{lineno}行目 {f.name}: 値が正しくありません。") from exc
    return out


def iter_fixed_records(layout: Layout, lines: Sequence[bytes]) -> Iterator[dict[str, object]]:
    """Decode the data records (lines 2 … n−1) of a fixed-length file."""
    fields = [(f, _decoder(f)) for f in layout.data if not _skipped(f)]
    for lineno, line in enumerate(lines[1:-1], start=2):
        if len(line) != layout.record_length or line[:1] != b"2":
            raise FormatError(f"{lineno}行目: データレコードではありません。")
        yield _decode_record(fields, line, lineno)


def parse_fixed(name_or_if_id: str, data: bytes) -> ParsedFile:
    """Read a fixed-length file (KSK01, KSK02, KKG01) into a :class:`ParsedFile`."""
    if_id, _, _ = resolve_if_id(name_or_if_id)
    layout = get_layout(if_id)
    if not layout.is_fixed:
        raise FormatError("固定長ファイルではありません。")
    lines = split_records(data)
    if len(lines) < 2:
        raise FormatError("ヘッダレコードまたはトレーラレコードがありません。")
    head, tail = lines[0], lines[-1]
    if len(head) != layout.record_length or head[:1] != b"1":
        raise FormatError("1行目: ヘッダレコードではありません。")
    if len(tail) != layout.record_length or tail[:1] != b"3":
        raise FormatError(f"{len(lines)}行目: トレーラレコードではありません。")
    header = _decode_record([(f, _decoder(f)) for f in layout.header], head, 1)
    if header["file_id"] != if_id:
        raise FormatError("1行目 ファイル識別: ファイルの種類が一致しません。")
    try:
        created = dt.datetime.combine(
            header["created_date"],  # type: ignore[arg-type]
            dt.datetime.strptime(str(header["created_time"]), "%H%M%S").time(),
        )
    except (TypeError, ValueError) as exc:
        raise FormatError("1行目: 作成日時が正しくありません。") from exc
    records = list(iter_fixed_records(layout, lines))
    trailer = _decode_record([(f, _decoder(f)) for f in layout.trailer], tail, len(lines))
    if str(trailer["record_count"]) != f"{len(records):0{9}d}":
        raise FormatError(f"{len(lines)}行目 データ件数: 件数が一致しません。")
    return ParsedFile(if_id, str(header["municipality_code"]), created, records)


def parse_csv(name_or_if_id: str, data: bytes) -> ParsedFile:
    """Read a CSV file (KSK11, KSK12, KKG11) into a :class:`ParsedFile`.

    The 市町村コード and creation time come from the file name when a name is
    given, else from the first row (the creation time is then midnight of its date).
    """
    if_id, code, created = resolve_if_id(name_or_if_id)
    layout = get_layout(if_id)
    if layout.is_fixed:
        raise FormatError("CSVファイルではありません。")
    try:
        text = data.decode(ENCODING)
    except UnicodeDecodeError as exc:
        raise FormatError("CP932として読めないバイト列があります。") from exc
    if text and not text.endswith("\r\n"):
        raise FormatError("最終行の改行(CR LF)がありません。")
    decoders = [(c, _decoder(c)) for c in layout.columns]
    records: list[dict[str, object]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for lineno, row in enumerate(reader, start=1):
            if len(row) != len(decoders):
                raise FormatError(f"{lineno}行目: 列の数が正しくありません。")
            rec: dict[str, object] = {}
            for (c, dec), cell in zip(decoders, row, strict=True):
                try:
                    rec[c.key] = "" if c.type in "NCX" and cell == "" else dec(cell)
                except ValueError as exc:
                    raise FormatError(f"{lineno}行目 {c.name}: 値が正しくありません。") from exc
            records.append(rec)
    except csv.Error as exc:
        raise FormatError("CSVの形式が正しくありません。") from exc
    if code is None or created is None:
        if not records:
            raise FormatError("市町村コードと作成日を決められません。")
        first = records[0]
        code = str(first[layout.name_municipality_column or ""])
        day = first[layout.name_date_column or ""]
        if not isinstance(day, dt.date):
            raise FormatError("1行目: 作成日が正しくありません。")
        created = dt.datetime.combine(day, dt.time())
    return ParsedFile(if_id, code, created, records)

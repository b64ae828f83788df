"""Write interface files byte-exactly from typed values (the layouts say how).

Values accepted per field type: ``N``/``C`` → ``str`` of digits or ``int``
(``MyNumber`` for 個人番号 fields); ``X``/``K`` → ``str``; ``D`` →
``datetime.date`` or ``YYYYMMDD``; ``None`` or ``""`` → blank. The writer
pads and aligns but does not check business rules: run the checker for that.
An error names the record and item, never the value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from kokuho_pc.domain.errors import ValidationError
from kokuho_pc.domain.municipality import MunicipalityCode
from kokuho_pc.domain.mynumber import MyNumber
from kokuho_pc.domain.wareki import format_yyyymmdd
from kokuho_pc.formats.layouts import Field, Layout, get_layout

ENCODING = "cp932"
CRLF = b"\r\n"
IDEOGRAPHIC_SPACE = "\u3000".encode(ENCODING)


class EncodeError(ValidationError):
    """A value cannot be written into its field (too long, wrong kind, not CP932)."""

    code = "encode"
    default_message = "インタフェースファイルを作成できません。"


Encoder = Callable[[object], bytes]


def _text_of(value: object, f: Field) -> str:
    if isinstance(value, MyNumber):
        if not f.is_my_number:
            raise EncodeError(f"{f.name}: 個人番号はこの項目に書けません。")
        return value.reveal_digits_for_transfer()
    if isinstance(value, dt.date):
        return format_yyyymmdd(value)
    if isinstance(value, bool):
        raise EncodeError(f"{f.name}: 値の型が正しくありません。")
    if isinstance(value, int | MunicipalityCode):
        return str(value)
    if isinstance(value, str):
        return value
    raise EncodeError(f"{f.name}: 値の型が正しくありません。")


def _encode_text(text: str, f: Field) -> bytes:
    try:
        return text.encode(ENCODING)
    except UnicodeEncodeError as exc:
        raise EncodeError(f"{f.name}: CP932で表せない文字があります。") from exc


def _fixed_encoder(f: Field) -> Encoder:
    length = f.length or 0
    blank = b" " * length
    if f.type == "K":
        blank = IDEOGRAPHIC_SPACE * (length // 2)

    def encode(value: object) -> bytes:
        if value is None or value == "":
            if f.fixed is not None:
                return f.fixed.encode("ascii")
            return blank
        text = _text_of(value, f)
        if f.type in ("N", "C"):
            if not (text.isascii() and text.isdigit()):
                raise EncodeError(f"{f.name}: 半角数字以外は書けません。")
            raw = text.encode("ascii").rjust(length, b"0")
        elif f.type == "D":
            if len(text) != 8 or not (text.isascii() and text.isdigit()):
                raise EncodeError(f"{f.name}: 日付の形式が正しくありません。")
            raw = text.encode("ascii")
        elif f.type == "K":
            raw = _encode_text(text, f)
            pad = length - len(raw)
            if pad < 0 or pad % 2:
                raise EncodeError(f"{f.name}: 全角で{length // 2}文字を超えています。")
            raw += IDEOGRAPHIC_SPACE * (pad // 2)
        else:
            raw = _encode_text(text, f).ljust(length, b" ")
        if len(raw) != length:
            raise EncodeError(f"{f.name}: 項目の長さ({length}バイト)を超えています。")
        return raw

    return encode


def _record_encoder(fields: Sequence[Field]) -> Callable[[Mapping[str, object]], bytes]:
    encoders = [(f.key, _fixed_encoder(f)) for f in fields]

    def encode(record: Mapping[str, object]) -> bytes:
        return b"".join([enc(record.get(key)) for key, enc in encoders]) + CRLF

    return encode


def _located(index: int, exc: EncodeError) -> EncodeError:
    return EncodeError(f"{index}行目 {exc.user_message}")


def iter_fixed(
    if_id: str,
    municipality_code: str | MunicipalityCode,
    created: dt.datetime,
    records: Iterable[Mapping[str, object]],
) -> Iterator[bytes]:
    """Yield the encoded lines (CR LF included): header, every data record, trailer.

    Streams, so a million-person file needs no more memory than one record.
    """
    layout = get_layout(if_id)
    if not layout.is_fixed:
        raise EncodeError(f"{if_id} は固定長ファイルではありません。")
    header = {
        "file_id": if_id,
        "municipality_code": str(municipality_code),
        "created_date": created.date(),
        "created_time": created.strftime("%H%M%S"),
    }
    try:
        yield _record_encoder(layout.header)(header)
    except EncodeError as exc:
        raise _located(1, exc) from exc
    encode = _record_encoder(layout.data)
    count = 0
    for count, record in enumerate(records, start=1):
        try:
            yield encode(record)
        except EncodeError as exc:
            raise _located(count + 1, exc) from exc
    yield _record_encoder(layout.trailer)({"record_count": count})


def write_fixed(
    if_id: str,
    municipality_code: str | MunicipalityCode,
    created: dt.datetime,
    records: Iterable[Mapping[str, object]],
) -> bytes:
    """The complete fixed-length file (header, data records, trailer) as bytes."""
    return b"".join(iter_fixed(if_id, municipality_code, created, records))


def _csv_cell(f: Field, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, MyNumber):
        raise EncodeError(f"{f.name}: 配信ファイルに個人番号は書けません。")
    text = _text_of(value, f)
    if "\r" in text or "\n" in text:
        raise EncodeError(f"{f.name}: 改行を含む値は書けません。")
    if "," in text or '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def iter_csv(if_id: str, rows: Iterable[Mapping[str, object]]) -> Iterator[bytes]:
    """Yield the encoded CSV lines (CR LF included) of ``rows`` (no header row)."""
    layout: Layout = get_layout(if_id)
    if layout.is_fixed:
        raise EncodeError(f"{if_id} はCSVファイルではありません。")
    columns = layout.columns
    for index, row in enumerate(rows, start=1):
        try:
            line = ",".join([_csv_cell(c, row.get(c.key)) for c in columns])
            yield line.encode(ENCODING) + CRLF
        except UnicodeEncodeError as exc:
            raise EncodeError(f"{index}行目 CP932で表せない文字があります。") from exc
        except EncodeError as exc:
            raise _located(index, exc) from exc


def write_csv(if_id: str, rows: Iterable[Mapping[str, object]]) -> bytes:
    """The complete CSV file (KSK11, KSK12 or KKG11) as bytes."""
    return b"".join(iter_csv(if_id, rows))

"""A deterministic corpus of interface files as cities really produce them (issue 18).

Each variant starts from the spec's valid example set (or a small valid CSV
set) and applies one real-world change: 外字, NEC/IBM extended kanji,
half-width kana, EOF bytes, LF or CR line ends, UTF-8 by mistake, Windows
copies, upper-case extensions, Excel-edited CSVs, era boundaries, rows on the
4 MiB block edge of the CSV fast path, ... The expected outcome of every
variant is kept in ``tests/fixtures/corpus_expected.json`` and compared by
``tests/formats/test_corpus.py`` (``python -m tests.formats.corpus --write``
rewrites that table from the current checker: review the diff before committing).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path

from kokuho_pc.formats.checker import CheckReport, check_file_set
from kokuho_pc.formats.layouts import get_layout
from kokuho_pc.formats.writer import write_csv
from tests.formats.util import K1, K2, KG, TODAY, examples, join, lines_of, set_field

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "corpus_expected.json"
S11 = "KSK11_082201_20261120090000.csv"
S12 = "KSK12_082201_20261120090000.csv"
G11 = "KKG11_082201_20261120090000.csv"
DAY = dt.date(2026, 11, 20)
FW = "\u3000"
BLOCK = 4 * 1024 * 1024

Files = dict[str, bytes]


def _k_value(raw: bytes, length: int = 40) -> bytes:
    """Raw CP932 bytes padded with U+3000 (and a half-width space if odd) to ``length``."""
    missing = length - len(raw)
    return raw + FW.encode("cp932") * (missing // 2) + b" " * (missing % 2)


def _field(name: str, recno: int, key: str, value: bytes | str) -> Callable[[], Files]:
    def make() -> Files:
        files = examples()
        files[name] = set_field(files[name], recno, key, value)
        return files
    return make


def _whole(name: str, change: Callable[[bytes], bytes]) -> Callable[[], Files]:
    def make() -> Files:
        files = examples()
        files[name] = change(files[name])
        return files
    return make


def _renamed(rename: Callable[[str], str], which: tuple[str, ...] = (K1, K2, KG),
             keep: bool = False) -> Callable[[], Files]:
    def make() -> Files:
        files = examples()
        for name in which:
            data = files[name] if keep else files.pop(name)
            files[rename(name)] = data
        return files
    return make


def _ksk12_rows(n: int, start: int = 0) -> list[dict[str, object]]:
    return [{"municipality_code": "082201", "municipal_insured_id": f"201P{i:07d}",
             "prefectural_insured_id": f"08{i + 1:08d}", "link_type": "1", "linked_date": DAY}
            for i in range(start, start + n)]


def _ksk11_rows(n: int) -> list[dict[str, object]]:
    return [{"municipality_code": "082201", "municipal_insured_id": f"201P{i:03d}",
             "prefectural_insured_id": f"08{i + 1:08d}",
             "qualification_acquired": dt.date(2015, 4, 1), "qualification_lost": None,
             "coverage_start": dt.date(2026, 10, 1), "coverage_end": None,
             "previous_municipality": "082015", "result_code": "00", "created_date": DAY}
            for i in range(n)]


def _excel_quoted() -> Files:
    rows = write_csv("KSK12", _ksk12_rows(3)).decode("cp932").split("\r\n")[:-1]
    quoted = ['"' + '","'.join(r.split(",")) + '"' for r in rows]
    return {S12: ("\r\n".join(quoted) + "\r\n").encode("cp932")}


def _excel_change(change: Callable[[list[str]], list[str]]) -> Callable[[], Files]:
    def make() -> Files:
        rows = write_csv("KSK12", _ksk12_rows(3)).decode("cp932").split("\r\n")[:-1]
        cells = [r.split(",") for r in rows]
        out = [",".join(change(c)) for c in cells]
        return {S12: ("\r\n".join(out) + "\r\n").encode("cp932")}
    return make


def _excel_header_row() -> Files:
    head = "市町村コード,市町村被保険者ID,都道府県被保険者ID,処理区分,連携年月日\r\n"
    return {S12: head.encode("cp932") + write_csv("KSK12", _ksk12_rows(3))}


def _block_edge(bad_row_at_edge: bool) -> Files:
    """A KSK12 file whose row crosses the 4 MiB block edge of the CSV fast path.

    Rows are made from a template (fixed width), the same bytes write_csv makes.
    """
    def row(i: int) -> bytes:
        return b"082201,201P%07d,08%08d,1,20261120\r\n" % (i, i + 1)

    assert row(0) == write_csv("KSK12", _ksk12_rows(1))
    row_len = len(row(0))
    edge_row = BLOCK // row_len  # 0-based: the row holding byte BLOCK
    rows = [row(i) for i in range(edge_row + 2)]
    if bad_row_at_edge:
        rows[edge_row] = b"082202" + rows[edge_row][6:]  # a wrong check digit, 市町村コード
    return {S12: b"".join(rows)}


def _birth(value: bytes) -> Callable[[], Files]:
    def make() -> Files:
        files = examples()
        data = set_field(files[K2], 3, "birth_date", value)
        files[K2] = set_field(data, 3, "qualification_acquired", value if value[:4].isdigit()
                              and value > b"20150401" else b"20150401")
        return files
    return make


def _kkg01_same_month_twice() -> Files:
    files = examples()
    lines = lines_of(files[KG])
    lines.insert(3, lines[2])
    lines[-1] = b"3000000003".ljust(100, b" ")
    files[KG] = join(lines)
    return files


def _header_short(name: str) -> Callable[[], Files]:
    def make() -> Files:
        files = examples()
        lines = lines_of(files[name])
        lines[0] = lines[0][:-1]
        files[name] = join(lines)
        return files
    return make


# name -> maker. Keep names stable: they key the expected table.
VARIANTS: dict[str, Callable[[], Files]] = {
    "clean example set": examples,
    # characters
    "外字 (user-defined 0xF040) in 氏名": _field(K2, 3, "name", _k_value(b"\xf0\x40\x88\xc9")),
    "NEC special character ① in 氏名": _field(K2, 3, "name", _k_value("伊藤①".encode("cp932"))),
    "NEC-selected IBM kanji 0xED40 in 氏名": _field(K2, 3, "name", _k_value(b"\xed\x40\x97\x44")),
    "IBM extended kanji 0xFA5C in 氏名": _field(K2, 3, "name", _k_value(b"\xfa\x5c\x97\x44")),
    "IBM extended roman numeral 0xFA4A in 氏名": _field(K2, 3, "name",
                                                      _k_value(b"\x88\xc9\xfa\x4a")),
    "half-width kana in 氏名": _field(K2, 3, "name", "ｲﾄｳ ﾕｳｺ"),
    "full-width katakana in 氏名カナ": _field(K2, 3, "name_kana", "イトウ"),
    "katakana middle dot ･ in 氏名カナ": _field(K2, 3, "name_kana", "ｽﾐｽ･ｼﾞｮﾝ"),
    "long vowel ｰ and small kana in 氏名カナ": _field(K2, 3, "name_kana", "ｼｮｰｺ ﾕｯｷｰ"),
    "byte 0xA0 in 氏名": _field(K2, 3, "name", _k_value("伊藤".encode("cp932") + b"\xa0")),
    "byte 0xFD in 世帯主氏名": _field(K1, 2, "head_name",
                                 _k_value(b"\xfd" + "渡辺".encode("cp932"))),
    "氏名 padded with half-width spaces": _field(
        K2, 3, "name", "伊藤　優子".encode("cp932").ljust(40, b" ")),
    "tab in 被保険者証番号": _field(K2, 3, "card_number", b"0000\t12345"),
    # twelve digits
    "full-width 12 digits in 氏名": _field(K2, 3, "name", "１２３４５６７８９０１２"),
    "12 digits in groups in 市町村被保険者ID": _field(
        K2, 3, "municipal_insured_id", b"1234-5678-9012 "),
    # framing
    "EOF byte 0x1A after KSK02": _whole(K2, lambda d: d + b"\x1a"),
    "EOF byte 0x1A after every file": lambda: {n: d + b"\x1a" for n, d in examples().items()},
    "LF line ends (KSK02)": _whole(K2, lambda d: d.replace(b"\r\n", b"\n")),
    "LF line ends, every file": lambda: {n: d.replace(b"\r\n", b"\n")
                                         for n, d in examples().items()},
    "CR line ends (KSK02)": _whole(K2, lambda d: d.replace(b"\r\n", b"\r")),
    "no line ends (KKG01)": _whole(KG, lambda d: d.replace(b"\r\n", b"")),
    "UTF-8 by mistake (KSK02)": _whole(K2, lambda d: d.decode("cp932").encode("utf-8")),
    "UTF-8 with BOM (KSK01)": _whole(K1, lambda d: b"\xef\xbb\xbf"
                                     + d.decode("cp932").encode("utf-8")),
    "Notepad 'Unicode' (UTF-16 LE with BOM) (KSK02)": _whole(
        K2, lambda d: d.decode("cp932").encode("utf-16")),
    "UTF-16 BE without BOM (KKG01)": _whole(KG, lambda d: d.decode("cp932").encode("utf-16-be")),
    "BOM before CP932 (KKG01)": _whole(KG, lambda d: b"\xef\xbb\xbf" + d),
    "last record without CR LF (KSK02)": _whole(K2, lambda d: d[:-2]),
    "empty line at the end (KSK01)": _whole(K1, lambda d: d + b"\r\n"),
    "KSK02 header one byte short": _header_short(K2),
    "KSK01 header one byte short": _header_short(K1),
    "trailer count off by one (KSK02)": _field(K2, 7, "record_count", b"000000006"),
    # names
    "Windows copy KSK02 - コピー.dat beside the pair": _renamed(
        lambda n: n.replace(".dat", " - コピー.dat"), (K2,), keep=True),
    "Windows copy KSK02 (2).dat beside the pair": _renamed(
        lambda n: n.replace(".dat", " (2).dat"), (K2,), keep=True),
    "only the copy of KSK02": _renamed(lambda n: n.replace(".dat", " - コピー.dat"), (K2,)),
    "upper-case extension .DAT (KKG01)": _renamed(lambda n: n.replace(".dat", ".DAT"), (KG,)),
    "all lower-case names": _renamed(str.lower),
    "file name with 31 November": _renamed(lambda n: n.replace("20261110", "20261131"), (KG,)),
    "file name with a wrong check digit": _renamed(lambda n: n.replace("082015", "082016"), (KG,)),
    "file name .txt added by Windows": _renamed(lambda n: n + ".txt", (KG,)),
    # values
    "前住所地 000000 (KSK01)": _field(K1, 4, "previous_municipality", b"000000"),
    "前住所地 000000 (KSK02)": _field(K2, 5, "previous_municipality", b"000000"),
    "same household and month twice (KKG01)": _kkg01_same_month_twice,
    "birth date after the file's creation": _field(K2, 6, "birth_date", b"20261111"),
    # era boundaries (生年月日 and 資格取得年月日 of one person)
    "birth 1989-01-07 (last day of 昭和)": _birth(b"19890107"),
    "birth 1989-01-08 (first day of 平成)": _birth(b"19890108"),
    "birth 2019-04-30 (last day of 平成)": _birth(b"20190430"),
    "birth 2019-05-01 (first day of 令和)": _birth(b"20190501"),
    "birth 2000-02-29 (leap day)": _birth(b"20000229"),
    "birth 1900-02-29 (no such day)": _birth(b"19000229"),
    "birth in 和暦 notation R010501": _birth(b"R0010501"),
    # delivered CSV files, as Excel leaves them
    "KSK11 clean": lambda: {S11: write_csv("KSK11", _ksk11_rows(3))},
    "Excel: every cell quoted (KSK12)": _excel_quoted,
    "Excel: leading zeros dropped (KSK12)": _excel_change(
        lambda c: [c[0].lstrip("0"), c[1], c[2].lstrip("0"), c[3], c[4]]),
    "Excel: dates as YYYY/MM/DD (KSK12)": _excel_change(
        lambda c: [*c[:4], f"{c[4][:4]}/{c[4][4:6]}/{c[4][6:]}"]),
    "Excel: header row added (KSK12)": _excel_header_row,
    "Excel: empty line at the end (KSK12)": lambda: {S12: write_csv("KSK12", _ksk12_rows(3))
                                                     + b"\r\n"},
    "Excel: saved as UTF-8 with BOM (KSK12)": lambda: {
        S12: b"\xef\xbb\xbf" + write_csv("KSK12", _ksk12_rows(3))},
    "Excel: LF line ends (KSK12)": lambda: {
        S12: write_csv("KSK12", _ksk12_rows(3)).replace(b"\r\n", b"\n")},
    "Excel: EOF byte (KSK12)": lambda: {S12: write_csv("KSK12", _ksk12_rows(3)) + b"\x1a"},
    "upper-case extension .CSV (KKG11)": lambda: {G11.replace(".csv", ".CSV"): write_csv(
        "KKG11", [])},
    # the 4 MiB block edge of the CSV fast path
    "KSK12 over the 4 MiB block edge, clean": lambda: _block_edge(False),
    "KSK12 over the 4 MiB block edge, error in the edge row": lambda: _block_edge(True),
}


def outcome(files: Files) -> dict[str, object]:
    """What the checker says about a variant (record/item/code per problem, sorted)."""
    return outcome_of(check_file_set(files, today=TODAY))


def outcome_of(report: CheckReport) -> dict[str, object]:
    """The outcome of a report already made."""
    errors = sorted({(e.file, -1 if e.record is None else e.record, e.item or "", e.code)
                     for e in report.errors})
    return {"valid": report.valid,
            "errors": [[f, None if r < 0 else r, i or None, c] for f, r, i, c in errors]}


def all_outcomes() -> dict[str, dict[str, object]]:
    """Every variant's outcome, by variant name."""
    return {name: outcome(make()) for name, make in VARIANTS.items()}


def main(argv: list[str]) -> int:
    """``--write``: rewrite the expected table from the current checker."""
    if argv != ["--write"]:
        print("usage: python -m tests.formats.corpus --write", file=sys.stderr)
        return 2
    assert get_layout("KSK12").columns
    EXPECTED.write_text(json.dumps(all_outcomes(), ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

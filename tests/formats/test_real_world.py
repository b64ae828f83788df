"""Files as cities really produce them (issue 18): rules, naming, framing, messages.

Every case feeds a file with one real-world defect and expects the error at its
record and item (record ``None`` for a problem of the whole file), and nothing
else: follow-on errors are suppressed, correctly named files pair as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kokuho_pc.formats.checker import check_paths
from kokuho_pc.formats.issues import MESSAGES
from kokuho_pc.formats.layouts import get_layout
from kokuho_pc.formats.writer import write_csv
from tests.formats.util import (
    K1,
    K2,
    KG,
    TODAY,
    check,
    examples,
    found,
    join,
    lines_of,
    mutated,
    set_field,
)

S12 = "KSK12_082201_20261120090000.csv"
DAY = dt.date(2026, 11, 20)


def _with(name: str, data: bytes) -> dict[str, bytes]:
    files = examples()
    files[name] = data
    return files


def _codes(files: dict[str, bytes]) -> set[tuple[str, int | None, str | None, str]]:
    return found(check(files))


def _ksk12(rows: int = 3) -> bytes:
    return write_csv("KSK12", [
        {"municipality_code": "082201", "municipal_insured_id": f"201P{100 + i}",
         "prefectural_insured_id": f"08{i + 1:08d}", "link_type": "1", "linked_date": DAY}
        for i in range(rows)])


# --- §2: twelve digits of either width, also in groups -----------------------------------

@pytest.mark.parametrize("value", [
    "１２３４５６７８９０１２",             # full-width digits in a K field
    "番号１２３４－５６７８－９０１２",      # full-width groups with full-width hyphens
    "１２３４　５６７８　９０１２",          # full-width groups with full-width spaces
])
def test_twelve_full_width_digits_in_a_name(value: str) -> None:
    assert _codes(mutated(K2, 3, "name", value)) == {(K2, 3, "氏名", "twelve_digits")}


@pytest.mark.parametrize("value", [b"1234-5678-9012 ", b"1234 5678 9012 ", b"123-4567-89012 "])
def test_twelve_digits_in_groups_in_an_id(value: bytes) -> None:
    assert _codes(mutated(K2, 3, "municipal_insured_id", value)) == {
        (K2, 3, "市町村被保険者ID", "twelve_digits")}


def test_eleven_or_thirteen_grouped_digits_are_not_a_my_number() -> None:
    assert check(mutated(K2, 3, "municipal_insured_id", b"1234-5678-901  ")).valid


@pytest.mark.parametrize("cell", ["1234-5678-9012", "1234 5678 9012"])
def test_twelve_grouped_digits_in_a_delivered_csv(cell: str) -> None:
    data = write_csv("KSK12", [
        {"municipality_code": "082201", "municipal_insured_id": cell,
         "prefectural_insured_id": "0800000001", "link_type": "1", "linked_date": DAY}])
    assert _codes({S12: data}) == {(S12, 1, "市町村被保険者ID", "twelve_digits")}


# --- §6: one record per household and care month (it decides the 多数回 count) ----------

def test_same_household_and_month_twice_in_kkg01() -> None:
    files = mutated(KG, 3, "care_month", b"202607")
    files[KG] = set_field(files[KG], 3, "decision_date", b"20261020")
    files[KG] = set_field(files[KG], 3, "high_cost_kind", b"2")
    report = check(files)
    assert found(report) == {(KG, 3, "診療年月", "duplicate_with")}
    assert "2行目" in report.errors[0].message


def test_same_month_of_another_household_is_fine() -> None:
    files = mutated(KG, 3, "care_month", b"202607")
    files[KG] = set_field(files[KG], 3, "decision_date", b"20261020")
    files[KG] = set_field(files[KG], 3, "household_no", b"0000012347     ")
    assert check(files).valid


# --- §2: naming; nothing skipped in silence --------------------------------------------

def _dir(tmp_path: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_upper_case_extension_beside_a_good_pair(tmp_path: Path) -> None:
    files = examples()
    bad = KG.replace(".dat", ".DAT")
    files[bad] = files.pop(KG)
    report = check_paths([_dir(tmp_path, files)], today=TODAY)
    assert bad in report.files
    assert found(report) == {(bad, None, None, "file_name_case")}


def test_windows_copy_does_not_take_the_partner(tmp_path: Path) -> None:
    files = examples()
    copy = K2.replace(".dat", " - コピー.dat")
    files[copy] = files[K2]
    report = check_paths([_dir(tmp_path, files)], today=TODAY)
    assert copy in report.files
    assert found(report) == {(copy, None, None, "file_name_extra")}


def test_windows_copy_in_memory_set_too() -> None:
    files = examples()
    copy = K2.replace(".dat", " (2).dat")
    files = {copy: files[K2], **files}  # the copy comes first: it must not pair
    assert _codes(files) == {(copy, None, None, "file_name_extra")}


def test_all_lower_case_names_are_each_reported(tmp_path: Path) -> None:
    files = {name.lower(): data for name, data in examples().items()}
    report = check_paths([_dir(tmp_path, files)], today=TODAY)
    assert sorted(report.files) == sorted(files)
    assert found(report) == {(name, None, None, "file_name_case") for name in files}


@pytest.mark.parametrize(("name", "code"), [
    ("KSK01_082015_20261131081500.dat", "file_name_date"),
    ("KSK01_082015_20261110256000.dat", "file_name_date"),
    ("KSK01_082016_20261110081500.dat", "file_name_check_digit"),
    ("KSK01_082015_20261110081500.csv", "file_name_ext"),
    ("KSX01_082015_20261110081500.dat", "file_name_kind"),
])
def test_file_name_says_which_part_is_wrong(name: str, code: str) -> None:
    files = examples()
    files[name] = files.pop(K1)
    report = check(files)
    assert (name, None, None, code) in found(report)
    assert "ファイル名" in MESSAGES[code]


# --- §9: framing problems once, at file level ------------------------------------------

def _big_ksk02(persons: int = 3000) -> dict[str, bytes]:
    from benchmarks.check_bench import make_pair
    return make_pair(persons)


def test_lf_only_is_one_file_level_error() -> None:
    files = _big_ksk02()
    name = next(n for n in files if n.startswith("KSK02"))
    files[name] = files[name].replace(b"\r\n", b"\n")
    report = check(files)
    assert found(report) == {(name, None, None, "lf_only")}
    assert "改行がLFのみです" in report.errors[0].message
    assert "出力設定" in report.errors[0].message


def test_lf_only_file_still_has_its_records_checked() -> None:
    files = mutated(K2, 5, "my_number", b"259874717422")
    files[K2] = files[K2].replace(b"\r\n", b"\n")
    assert _codes(files) == {(K2, None, None, "lf_only"), (K2, 5, "個人番号", "check_digit")}


def test_cr_only_is_one_file_level_error() -> None:
    files = examples()
    files[K2] = files[K2].replace(b"\r\n", b"\r")
    assert _codes(files) == {(K2, None, None, "cr_only")}


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_file_is_one_file_level_error(bom: bytes) -> None:
    files = examples()
    files[K2] = bom + files[K2].decode("cp932").encode("utf-8")
    report = check(files)
    assert found(report) == {(K2, None, None, "utf8")}
    assert "UTF-8で保存されています" in report.errors[0].message


def test_bom_on_a_cp932_file_is_said_once() -> None:
    assert _codes(_with(KG, b"\xef\xbb\xbf" + examples()[KG])) == {(KG, None, None, "bom")}


@pytest.mark.parametrize("name", [K2, KG])
def test_trailing_eof_byte(name: str) -> None:
    report = check(_with(name, examples()[name] + b"\x1a"))
    assert found(report) == {(name, None, None, "eof_byte")}
    assert "末尾にEOF文字(0x1A)があります" in report.errors[0].message


def test_trailing_eof_byte_on_a_csv() -> None:
    assert _codes({S12: _ksk12() + b"\x1a"}) == {(S12, None, None, "eof_byte")}


def test_no_line_ends_at_all() -> None:
    files = examples()
    files[K2] = files[K2].replace(b"\r\n", b"")
    assert _codes(files) == {(K2, None, None, "no_line_end")}


def test_header_one_byte_short_keeps_the_pair() -> None:
    lines = lines_of(examples()[K2])
    lines[0] = lines[0][:-1]
    assert _codes(_with(K2, join(lines))) == {(K2, 1, None, "record_length")}


def test_csv_lf_only_and_cr_only() -> None:
    assert _codes({S12: _ksk12().replace(b"\r\n", b"\n")}) == {(S12, None, None, "lf_only")}
    assert _codes({S12: _ksk12().replace(b"\r\n", b"\r")}) == {(S12, None, None, "cr_only")}


# --- §2/§9 messages that say the reason ------------------------------------------------

@pytest.mark.parametrize(("name", "recno"), [(K1, 4), (K2, 5)])
def test_previous_municipality_all_zeros(name: str, recno: int) -> None:
    report = check(mutated(name, recno, "previous_municipality", b"000000"))
    assert found(report) == {(name, recno, "前住所地市町村コード", "zero_code")}
    assert "空白" in report.errors[0].message


@pytest.mark.parametrize("raw", [b"\xa0", b"\xfd", b"\x80"])
def test_bytes_outside_cp932_in_a_k_field(raw: bytes) -> None:
    f = get_layout("KSK02").data_field("name")
    value = "渡辺".encode("cp932") + raw + b" " + "\u3000".encode("cp932") * 17
    assert len(value) == f.length
    report = check(mutated(K2, 3, "name", value))
    assert found(report) == {(K2, 3, "氏名", "encoding")}
    assert "CP932の文字ではありません" in report.errors[0].message


def test_csv_trailing_empty_line() -> None:
    report = check({S12: _ksk12() + b"\r\n"})
    assert found(report) == {(S12, 4, None, "empty_line")}
    assert "空の行があります" in report.errors[0].message


def test_fixed_trailing_empty_line() -> None:
    assert _codes(_with(KG, examples()[KG] + b"\r\n")) == {(KG, 5, None, "empty_line")}


def test_trailer_count_says_how_many_were_found() -> None:
    report = check(mutated(KG, 4, "record_count", b"000000003"))
    assert found(report) == {(KG, 4, "データ件数", "record_count")}
    assert "2件" in report.errors[0].message


def test_name_padded_with_half_width_spaces_gets_a_hint() -> None:
    f = get_layout("KSK02").data_field("name")
    value = "伊藤　優子".encode("cp932").ljust(f.length or 0, b" ")
    report = check(mutated(K2, 3, "name", value))
    assert found(report) == {(K2, 3, "氏名", "half_width_padding")}
    assert "全角空白" in report.errors[0].message


# --- small correctness points -----------------------------------------------------------

def test_katakana_middle_dot_is_allowed_in_kana() -> None:
    assert check(mutated(K2, 3, "name_kana", "ｽﾐｽ･ｼﾞｮﾝ")).valid
    assert check(mutated(K1, 2, "head_name_kana", "ｽﾐｽ･ｼﾞｮﾝ")).valid


def test_birth_date_after_the_files_creation() -> None:
    report = check(mutated(K2, 3, "birth_date", b"20261111"))  # file made 2026-11-10
    assert found(report) == {(K2, 3, "生年月日", "after_created")}


def test_no_message_quotes_a_value_of_these_files() -> None:
    files = mutated(K2, 3, "name", "１２３４５６７８９０１２")
    report = check(files)
    for e in report.errors:
        assert "１２３４" not in e.message and "伊藤" not in e.message


FIELD_BYTES = st.integers(12, 23).flatmap(
    lambda n: st.lists(st.sampled_from(list(b"0123456789 -A")), min_size=n, max_size=n))


def shortcut_never_hides_a_number(no_twelve_digits_here: Callable[[bytes, int, int], bool],
                                  field_bytes: list[int]) -> None:
    """Property (tests/fuzz/test_more_properties_fail.py runs it on wrong shortcuts)."""
    from kokuho_pc.formats import fieldrules as fr
    raw = bytes(field_bytes)
    rec = b"9" + raw + b"9"  # digits around the field must not matter
    if no_twelve_digits_here(rec, 1, 1 + len(raw)):
        assert fr.TWELVE_DIGITS.search(raw) is None


@settings(max_examples=3000, deadline=None)
@given(FIELD_BYTES)
def test_twelve_digit_shortcut_never_hides_a_number(field_bytes: list[int]) -> None:
    """The three-byte shortcut of the record check only skips fields the regex clears."""
    from kokuho_pc.formats.recordcheck import _no_twelve_digits_here
    shortcut_never_hides_a_number(_no_twelve_digits_here, field_bytes)

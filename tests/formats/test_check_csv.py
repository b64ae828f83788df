"""Delivered CSV files KSK11, KSK12, KKG11 (docs/interface-files.md §2, §7)."""

from __future__ import annotations

import datetime as dt

import pytest

from kokuho_pc.formats.writer import write_csv
from tests.formats.util import check, found

S11 = "KSK11_082201_20261120090000.csv"
S12 = "KSK12_082201_20261120090000.csv"
G11 = "KKG11_082201_20261120090000.csv"
DAY = dt.date(2026, 11, 20)


def _ksk11(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "municipality_code": "082201", "municipal_insured_id": "201P100",
        "prefectural_insured_id": "0800000001", "qualification_acquired": dt.date(2015, 4, 1),
        "qualification_lost": None, "coverage_start": dt.date(2026, 10, 1),
        "coverage_end": None, "previous_municipality": "082015", "result_code": "00",
        "created_date": DAY}
    row.update(changes)
    return row


def _kkg11(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "after_municipality": "082201", "after_household_no": "H,0001",
        "after_head_insured_id": "201P100", "before_municipality": "082015",
        "before_household_no": "0000012345", "care_month": "202607", "high_cost_kind": "1",
        "income_category": "03", "candidate_no": "C000001", "carried_date": DAY}
    row.update(changes)
    return row


def _valid_set() -> dict[str, bytes]:
    return {
        S11: write_csv("KSK11", [_ksk11(), _ksk11(municipal_insured_id="201P101")]),
        S12: write_csv("KSK12", [{"municipality_code": "082201", "municipal_insured_id": "201P100",
                                  "prefectural_insured_id": "0800000001", "link_type": "1",
                                  "linked_date": DAY}]),
        G11: write_csv("KKG11", [_kkg11()]),
    }


def test_valid_delivered_files() -> None:
    report = check(_valid_set())
    assert report.valid, report.errors


CELL_CASES: list[tuple[dict[str, object], str, str]] = [
    ({"municipality_code": "082202"}, "市町村コード", "check_digit"),
    ({"prefectural_insured_id": "080000001"}, "都道府県被保険者ID", "wrong_length"),
    ({"prefectural_insured_id": "08000000A1"}, "都道府県被保険者ID", "not_digits"),
    ({"qualification_acquired": "20150231"}, "資格取得年月日", "invalid_date"),
    ({"qualification_acquired": None}, "資格取得年月日", "required"),
    ({"result_code": "99"}, "処理結果コード", "code_table"),
    ({"municipal_insured_id": "ID" * 8}, "市町村被保険者ID", "too_long"),
    ({"municipal_insured_id": "ＩＤ"}, "市町村被保険者ID", "not_half_width"),
    ({"municipal_insured_id": "123456789018"}, "市町村被保険者ID", "twelve_digits"),
    ({"created_date": dt.date(2026, 11, 21)}, "作成年月日", "name_date"),
]


@pytest.mark.parametrize(("changes", "item", "code"), CELL_CASES)
def test_ksk11_cell_rule(changes: dict[str, object], item: str, code: str) -> None:
    files = _valid_set()
    files[S11] = write_csv("KSK11", [_ksk11(), _ksk11(**changes)])
    assert found(check(files)) == {(S11, 2, item, code)}


def test_row_municipality_must_match_file_name() -> None:
    files = _valid_set()
    files[S11] = write_csv("KSK11", [_ksk11(municipality_code="082015")])
    assert found(check(files)) == {(S11, 1, "市町村コード", "name_municipality")}


def test_kkg11_rules() -> None:
    files = _valid_set()
    files[G11] = write_csv("KKG11", [_kkg11(care_month="201803"), _kkg11(high_cost_kind="3"),
                                     _kkg11(after_municipality="082015")])
    assert found(check(files)) == {(G11, 1, "診療年月", "month_too_early"),
                                   (G11, 2, "該当区分", "code_table"),
                                   (G11, 3, "転入地市町村コード", "name_municipality")}


@pytest.mark.parametrize(("line", "code"), [
    (b'082201,"201P100",0800000001,1,20261120', "csv_quoting"),      # needless quotes
    (b'082201,"201,P100,0800000001,1,20261120', "csv_quoting"),      # unbalanced
    (b'082201,201"P100,0800000001,1,20261120', "csv_quoting"),       # stray quote
    (b'082201,"a,b"x,0800000001,1,20261120', "csv_quoting"),         # text after quote
    (b"082201,201P100,0800000001,1", "column_count"),
    (b"082201,201P100,0800000001,1,20261120,", "column_count"),
])
def test_ksk12_row_shape(line: bytes, code: str) -> None:
    files = _valid_set()
    files[S12] = files[S12] + line + b"\r\n"
    assert found(check(files)) == {(S12, 2, None, code)}


def test_csv_line_ends_and_encoding() -> None:
    files = _valid_set()
    # LF only (said once for the file, issue 18), the rows still checked
    files[S12] = files[S12][:-2] + b"\n" + b"082201,\x85\x40,0800000001,1,20261120"
    assert found(check(files)) == {(S12, None, None, "lf_only"),
                                   (S12, 2, "市町村被保険者ID", "encoding")}
    # one bare LF among CR LF rows: located at its row
    files[S12] = files[S12].replace(b"\n", b"\r\n", 1) + b"\n" + files[S12][:-1] + b"\r\n"
    assert (S12, 2, None, "line_end") in found(check(files))


def test_empty_and_over_long_csv() -> None:
    files = _valid_set()
    files[S12] = b""
    files[G11] = b"x" * 100_000
    assert found(check(files)) == {(S12, None, None, "empty_file"),
                                   (G11, None, None, "no_line_end")}
    files[G11] = b"x" * 100_000 + b"\r\n"
    assert found(check(files)) == {(S12, None, None, "empty_file"),
                                   (G11, 1, None, "line_too_long")}


def test_quoted_cells_with_commas_and_quotes_are_fine() -> None:
    files = _valid_set()
    files[G11] = write_csv("KKG11", [_kkg11(candidate_no='C"1,2')])
    assert check(files).valid

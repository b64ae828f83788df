"""Every check rule of docs/interface-files.md §2–§9, each with a failing example.

Each case changes one field of the spec's valid example set and asserts the
exact set of (file, record, item, code) the checker reports.
"""

from __future__ import annotations

import pytest

from tests.formats.util import K1, K2, KG, check, examples, found, mutated

FW_SPACE = "\u3000"

# (file, record, field key, new raw value, expected problems as (record, item, code))
FIELD_CASES: list[tuple[str, int, str, bytes | str, set[tuple[int, str, str]]]] = [
    # §2 types
    (K2, 2, "municipality_code", b"08201A", {(2, "市町村コード", "not_digits")}),
    (K2, 2, "branch_number", b" 1", {(2, "枝番", "not_digits")}),
    (K2, 2, "card_number", "０0001234", {(2, "被保険者証番号", "not_half_width")}),
    (K2, 2, "card_number", b" 000012345", {(2, "被保険者証番号", "alignment")}),
    (K2, 2, "name_kana", "ﾜﾀﾅﾍﾞ abc", {(2, "氏名カナ", "not_kana")}),
    (K2, 2, "name_kana", "ワタナベ", {(2, "氏名カナ", "not_kana")}),
    (K2, 2, "name", "ﾜﾀﾅﾍﾞ", {(2, "氏名", "not_full_width")}),
    (K2, 2, "name", b"abcd".ljust(40, b" "), {(2, "氏名", "not_full_width")}),
    (K2, 2, "name", FW_SPACE + "渡辺", {(2, "氏名", "alignment")}),
    (K2, 2, "name", b"\x85\x40" * 20, {(2, "氏名", "encoding")}),
    (K2, 2, "name", b"\xf0\x40" + "\u3000".encode("cp932") * 19, {(2, "氏名", "gaiji")}),
    (K2, 2, "name", FW_SPACE * 20, {(2, "氏名", "required")}),
    (K2, 2, "birth_date", b"19580230", {(2, "生年月日", "invalid_date")}),
    (K2, 2, "birth_date", b"1958-3-1", {(2, "生年月日", "invalid_date")}),
    (K2, 2, "sex", b"3", {(2, "性別", "code_table")}),
    (K2, 3, "relation", b"08", {(3, "続柄", "code_table")}),
    (K1, 2, "change_reason", b"10", {(2, "異動事由", "code_table")}),
    (K2, 2, "coverage_start_reason", b"12", {(2, "適用開始事由", "code_table")}),
    (K1, 2, "processing_type", b"4", {(2, "処理区分", "code_table")}),
    (K2, 2, "name_kana", b" " * 40, {(2, "氏名カナ", "required")}),
    (K2, 2, "filler", b"x".ljust(105, b" "), {(2, "予備", "filler_not_blank")}),
    (K2, 6, "record_type", b"9", {(6, "レコード区分", "record_type"),
                                  (7, "データ件数", "record_count")}),
    # §4 KSK01 conditional fields
    (K1, 2, "head_insured_id", b" " * 15,
     {(2, "世帯主市町村被保険者ID", "required_when")}),
    (K1, 2, "nominal_head_my_number", b"123456789018",
     {(2, "擬制世帯主個人番号", "blank_when")}),
    (K1, 3, "nominal_head_my_number", b" " * 12,
     {(3, "擬制世帯主個人番号", "required_when")}),
    (K1, 3, "head_insured_id", b"015P103".ljust(15, b" "),
     {(3, "世帯主市町村被保険者ID", "blank_when")}),
    (K1, 3, "nominal_head_my_number", b"251239370458", {(3, "擬制世帯主個人番号", "check_digit")}),
    (K1, 4, "previous_municipality", b" " * 6, {(4, "前住所地市町村コード", "required_when")}),
    (K1, 4, "previous_municipality", b"082200", {(4, "前住所地市町村コード", "check_digit")}),
    (K1, 4, "previous_municipality", b"131016",
     {(4, "前住所地市町村コード", "previous_other_prefecture")}),
    (K1, 4, "previous_municipality", b"082015", {(4, "前住所地市町村コード", "previous_is_self")}),
    (K1, 2, "coverage_end", b"20200331", {(2, "適用終了年月日", "date_order")}),
    (K1, 2, "municipality_code", b"082031", {(2, "市町村コード", "municipality_mismatch")}),
    (K2, 3, "municipal_insured_id", b"123456789018   ",
     {(3, "市町村被保険者ID", "twelve_digits")}),
    # §5 KSK02
    (K2, 2, "my_number", b"620966542879", {(2, "個人番号", "check_digit")}),
    (K2, 2, "my_number", b"62096654287 ", {(2, "個人番号", "not_digits")}),
    (K2, 2, "my_number", b" " * 12, {(2, "個人番号", "required")}),
    (K2, 3, "my_number", b"620966542878", {(3, "個人番号", "duplicate")}),
    (K2, 3, "birth_date", b"20261127", {(3, "生年月日", "future_date")}),
    (K2, 2, "qualification_acquired", b"19580320", {(2, "資格取得年月日", "date_order")}),
    (K2, 2, "qualification_lost", b"20150331", {(2, "資格喪失年月日", "date_order")}),
    (K2, 2, "coverage_end", b"20200331", {(2, "適用終了年月日", "date_order"),
                                          (2, "適用終了事由", "required_when_set")}),
    (K2, 2, "coverage_end_reason", b"12", {(2, "適用終了事由", "blank_unless_set")}),
    (K2, 5, "previous_municipality", b" " * 6, {(5, "前住所地市町村コード", "required_when")}),
    (K2, 5, "previous_municipality", b"082015", {(5, "前住所地市町村コード", "previous_is_self")}),
    # §6 KKG01
    (KG, 2, "care_month", b"201803", {(2, "診療年月", "month_too_early")}),
    (KG, 2, "care_month", b"202613", {(2, "診療年月", "invalid_month")}),
    (KG, 2, "decision_date", b"20260630", {(2, "支給決定年月日", "date_order")}),
    (KG, 2, "income_category", b"06", {(2, "所得区分", "code_table")}),
    (KG, 2, "high_cost_kind", b"3", {(2, "該当区分", "code_table")}),
    (KG, 3, "municipality_code", b"082201", {(3, "市町村コード", "municipality_mismatch")}),
    (KG, 2, "head_insured_id", b" " * 15, {(2, "世帯主市町村被保険者ID", "required")}),
    # §3 header and trailer
    (K2, 1, "municipality_code", b"082016", {(1, "市町村コード", "check_digit")}),
    (KG, 1, "municipality_code", b"082031", {(1, "市町村コード", "name_municipality"),
                                             (2, "市町村コード", "municipality_mismatch"),
                                             (3, "市町村コード", "municipality_mismatch")}),
    (KG, 1, "created_time", b"081501", {(1, "作成時刻", "name_timestamp")}),
    (KG, 1, "created_date", b"20261111", {(1, "作成年月日", "name_timestamp")}),
    (KG, 1, "created_time", b"246000", {(1, "作成時刻", "invalid_time")}),
    (KG, 1, "created_date", b"20261131", {(1, "作成年月日", "invalid_date")}),
    (KG, 1, "file_id", b"KSK01", {(1, "ファイル識別", "file_id_mismatch")}),
    (KG, 4, "record_count", b"000000003", {(4, "データ件数", "record_count")}),
    (KG, 4, "record_count", b"00000000x", {(4, "データ件数", "not_digits")}),
]


@pytest.mark.parametrize(("name", "recno", "key", "value", "expected"), FIELD_CASES,
                         ids=[f"{c[0][:5]}-{c[1]}-{c[2]}-{i}" for i, c in enumerate(FIELD_CASES)])
def test_field_rule(name: str, recno: int, key: str, value: bytes | str,
                    expected: set[tuple[int, str, str]]) -> None:
    report = check(mutated(name, recno, key, value))
    assert not report.valid
    assert found(report) == {(name, r, item, code) for r, item, code in expected}


def test_examples_are_valid() -> None:
    report = check(examples())
    assert report.valid, report.errors
    assert report.files == sorted(examples())


def test_household_number_unique_in_ksk01() -> None:
    files = mutated(K1, 3, "household_no", b"0000012345     ")
    assert (K1, 3, "世帯番号", "duplicate") in found(check(files))
    issue = next(e for e in check(files).errors if e.code == "duplicate")
    assert "2行目" in issue.message


def test_insured_id_unique_in_ksk02() -> None:
    files = mutated(K2, 3, "municipal_insured_id", b"015P100        ")
    assert found(check(files)) == {(K2, 3, "市町村被保険者ID", "duplicate")}


# §4/§5 cross-references between the pair
def test_household_of_person_must_exist_in_ksk01() -> None:
    files = mutated(K2, 4, "household_no", b"0000099999     ")
    assert found(check(files)) == {(K2, 4, "世帯番号", "household_unknown")}


def test_head_must_be_member_of_household() -> None:
    files = mutated(K1, 2, "head_insured_id", b"015P199        ")
    assert found(check(files)) == {
        (K1, 2, "世帯主市町村被保険者ID", "head_not_member"),
        (K2, 2, "続柄", "head_relation_other"),
    }


def test_head_of_other_household_is_not_a_member() -> None:
    files = mutated(K1, 2, "head_insured_id", b"015P104        ")
    assert (K1, 2, "世帯主市町村被保険者ID", "head_not_member") in found(check(files))


def test_household_without_relation_01() -> None:
    files = mutated(K2, 2, "relation", b"02")
    assert found(check(files)) == {(K1, 2, "世帯番号", "head_relation_missing")}


def test_two_relation_01_in_one_household() -> None:
    files = mutated(K2, 3, "relation", b"01")
    assert found(check(files)) == {(K2, 3, "続柄", "head_relation_duplicate"),
                                   (K2, 3, "続柄", "head_relation_other")}


def test_nominal_head_household_needs_no_relation_01() -> None:
    assert check(examples()).valid  # household 0000012346 (世帯主区分 2) has only 続柄 03


def test_ksk01_without_ksk02_is_refused() -> None:
    files = examples()
    del files[K2]
    assert found(check(files)) == {(K1, None, None, "pair_missing")}


def test_ksk02_without_ksk01_is_refused() -> None:
    files = examples()
    del files[K1]
    assert found(check(files)) == {(K2, None, None, "pair_missing")}


def test_pair_from_different_export_runs() -> None:
    files = examples()
    data = files.pop(K2)
    other = "KSK02_082015_20261110081501.dat"
    from tests.formats.util import set_field
    files[other] = set_field(data, 1, "created_time", b"081501")
    assert found(check(files)) == {(other, 1, "作成時刻", "pair_timestamp")}


def test_pair_of_other_municipalities_is_missing_for_both() -> None:
    files = examples()
    data = files.pop(K2)
    other = "KSK02_082201_20261110081500.dat"
    from tests.formats.util import set_field
    files[other] = set_field(data, 1, "municipality_code", b"082201")
    got = found(check(files))
    assert (K1, None, None, "pair_missing") in got
    assert (other, None, None, "pair_missing") in got


def test_two_pairs_of_two_municipalities() -> None:
    from kokuho_pc.formats.reader import parse_fixed
    from kokuho_pc.formats.writer import write_fixed
    files = examples()
    for name in (K1, K2):
        parsed = parse_fixed(name, files[name])
        for rec in parsed.records:
            rec["municipality_code"] = "082201"
            if rec.get("previous_municipality"):
                rec["previous_municipality"] = "082015"
        files[name.replace("082015", "082201")] = write_fixed(
            parsed.if_id, "082201", parsed.created, parsed.records)
    report = check(files)
    assert report.valid, report.errors
    assert len(report.files) == 5

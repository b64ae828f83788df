"""Codec: layouts load, file names, byte-exact write/read round trips."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kokuho_pc.domain.mynumber import MyNumber, my_number_check_digit
from kokuho_pc.formats.filenames import InvalidFileName, make_file_name, parse_file_name
from kokuho_pc.formats.layouts import IF_IDS, LayoutError, get_layout, parse_layout
from kokuho_pc.formats.reader import FormatError, parse_csv, parse_fixed
from kokuho_pc.formats.writer import EncodeError, write_csv, write_fixed

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "spec_examples")
                  .glob("*.dat"))


def test_every_layout_loads_with_its_record_length() -> None:
    lengths = {"KSK01": 200, "KSK02": 300, "KKG01": 100}
    for if_id in IF_IDS:
        layout = get_layout(if_id)
        assert layout.if_id == if_id
        if layout.is_fixed:
            assert sum(f.length or 0 for f in layout.data) == lengths[if_id]
        else:
            assert layout.columns


def test_bad_layout_is_refused() -> None:
    raw = {"if_id": "KSK01", "name": "x", "direction": "submission", "format": "fixed",
           "ext": "dat", "record_length": 3,
           "header": [{"key": "record_type", "name": "a", "type": "N", "length": 2,
                       "fixed": "1"}],
           "data": [{"key": "record_type", "name": "a", "type": "N", "length": 3, "fixed": "2"}],
           "trailer": [{"key": "record_type", "name": "a", "type": "N", "length": 3,
                        "fixed": "3"}]}
    with pytest.raises(LayoutError, match="header"):
        parse_layout(raw)


def test_file_names_parse_and_build() -> None:
    fn = parse_file_name("some/dir/KSK02_082015_20261110081500.dat")
    assert (fn.if_id, fn.municipality_code, fn.created, fn.ext) == (
        "KSK02", "082015", dt.datetime(2026, 11, 10, 8, 15), "dat")
    assert make_file_name("KSK11", "082201", dt.datetime(2026, 1, 2, 3, 4, 5)) == (
        "KSK11_082201_20260102030405.csv")
    assert fn.name == "KSK02_082015_20261110081500.dat"


@pytest.mark.parametrize("name", [
    "KSK02_082015_20261110081500.csv",   # wrong extension
    "KSK03_082015_20261110081500.dat",   # unknown IF-ID
    "KSK02_082016_20261110081500.dat",   # bad check digit
    "KSK02_082015_20261310081500.dat",   # month 13
    "KSK02_082015_20261110246000.dat",   # hour 24
    "KSK02_082015_2026111008150.dat",    # short stamp
    "",
])
def test_bad_file_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidFileName):
        parse_file_name(name)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_round_trip_byte_exact(path: Path) -> None:
    data = path.read_bytes()
    parsed = parse_fixed(path.name, data)
    assert parsed.municipality_code == "082015"
    assert parsed.created == dt.datetime(2026, 11, 10, 8, 15)
    assert write_fixed(parsed.if_id, parsed.municipality_code, parsed.created,
                       parsed.records) == data


def test_examples_have_typed_values() -> None:
    ksk02 = next(p for p in EXAMPLES if p.name.startswith("KSK02"))
    parsed = parse_fixed("KSK02", ksk02.read_bytes())
    first = parsed.records[0]
    assert isinstance(first["my_number"], MyNumber)
    assert first["birth_date"] == dt.date(1958, 3, 21)
    assert first["coverage_end"] is None
    assert first["previous_municipality"] == ""
    assert first["name"] == "渡辺\u3000健"
    assert first["name_kana"] == "ﾜﾀﾅﾍﾞ ｹﾝ"
    assert "filler" not in first and "record_type" not in first
    assert len(parsed.records) == 5


def test_writer_refuses_overflow_without_quoting_value() -> None:
    with pytest.raises(EncodeError) as info:
        write_fixed("KKG01", "082015", dt.datetime(2026, 1, 1),
                    [{"household_no": "ABCDEFGHIJKLMNOPQ"}])
    assert "世帯番号" in info.value.user_message
    assert "ABCDEFGHIJ" not in info.value.user_message
    assert info.value.user_message.startswith("2行目")


def test_writer_refuses_my_number_outside_its_field() -> None:
    with pytest.raises(EncodeError):
        write_fixed("KKG01", "082015", dt.datetime(2026, 1, 1),
                    [{"household_no": MyNumber("123456789018")}])
    with pytest.raises(EncodeError):
        write_csv("KSK12", [{"municipal_insured_id": MyNumber("123456789018")}])


def test_csv_round_trip_with_quoting() -> None:
    rows = [
        {"after_municipality": "082201", "after_household_no": "H,1",
         "after_head_insured_id": 'P"1', "before_municipality": "082015",
         "before_household_no": "0000012345", "care_month": "202607",
         "high_cost_kind": "1", "income_category": "03", "candidate_no": "C1",
         "carried_date": dt.date(2026, 11, 20)},
    ]
    data = write_csv("KKG11", rows)
    assert data == (b'082201,"H,1","P""1",082015,0000012345,202607,1,03,C1,20261120\r\n')
    parsed = parse_csv("KKG11_082201_20261120090000.csv", data)
    assert parsed.records == rows
    assert parsed.created == dt.datetime(2026, 11, 20, 9)
    assert write_csv("KKG11", parsed.records) == data
    by_row = parse_csv("KKG11", data)
    assert by_row.municipality_code == "082201"
    assert by_row.created == dt.datetime(2026, 11, 20)


def test_csv_blank_optional_values() -> None:
    rows = [{"municipality_code": "082201", "municipal_insured_id": "A1",
             "prefectural_insured_id": "0800000001", "qualification_acquired": dt.date(2015, 4, 1),
             "qualification_lost": None, "coverage_start": dt.date(2026, 10, 1),
             "coverage_end": None, "previous_municipality": "", "result_code": "00",
             "created_date": dt.date(2026, 11, 20)}]
    data = write_csv("KSK11", rows)
    assert data == b"082201,A1,0800000001,20150401,,20261001,,,00,20261120\r\n"
    assert parse_csv("KSK11", data).records == rows


@pytest.mark.parametrize("data", [b"", b"garbage", b"\xff\xfe\r\n", b"1KSK01\r\n3\r\n"])
def test_reader_raises_format_error_on_junk(data: bytes) -> None:
    with pytest.raises(FormatError):
        parse_fixed("KSK01", data)


def _my_number(serial: int) -> MyNumber:
    first = f"{serial:011d}"
    return MyNumber(first + str(my_number_check_digit(first)))


def test_written_pair_passes_the_checker() -> None:
    from kokuho_pc.formats.checker import check_file_set
    from kokuho_pc.formats.writer import iter_fixed

    created = dt.datetime(2026, 11, 1, 9, 30)
    households = [{"processing_type": "1", "municipality_code": "082198",
                   "household_no": f"H{i:04d}", "head_type": "1", "head_insured_id": f"P{i:04d}",
                   "head_name_kana": "ｻﾄｳ ﾀﾛｳ", "head_name": "佐藤\u3000太郎",
                   "coverage_start": dt.date(2020, 4, 1), "change_date": dt.date(2020, 4, 1),
                   "change_reason": "01"} for i in range(3)]
    households.append({"processing_type": 1, "municipality_code": "082198",
                       "household_no": "H0009", "head_type": 2,
                       "nominal_head_my_number": MyNumber("123456789018"),
                       "head_name_kana": "ｽｽﾞｷ ﾊﾅｺ", "head_name": "鈴木\u3000花子",
                       "coverage_start": "20200401", "change_date": "20261001",
                       "change_reason": "02", "previous_municipality": "082201"})
    people = [{"processing_type": "1", "municipality_code": "082198",
               "municipal_insured_id": f"P{i:04d}", "household_no": f"H{i:04d}",
               "my_number": _my_number(98765432100 + i),
               "name_kana": "ｻﾄｳ ﾀﾛｳ", "name": "佐藤\u3000太郎",
               "birth_date": dt.date(1970, 1, 1), "sex": "1", "relation": "01",
               "qualification_acquired": dt.date(2020, 4, 1),
               "coverage_start": dt.date(2020, 4, 1), "coverage_start_reason": "01",
               "branch_number": 1} for i in range(3)]
    k1 = b"".join(iter_fixed("KSK01", "082198", created, iter(households)))
    k2 = write_fixed("KSK02", "082198", created, people)
    report = check_file_set({make_file_name("KSK01", "082198", created): k1,
                             make_file_name("KSK02", "082198", created): k2},
                            today=dt.date(2026, 11, 26))
    assert report.valid, report.errors
    assert k2.count(b"\r\n") == 5
    assert parse_fixed("KSK01", k1).records[3]["nominal_head_my_number"] == MyNumber(
        "123456789018")

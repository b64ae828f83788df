"""Domain values: check digits, masking, 和暦, code tables."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kokuho_pc.domain.codes import ChangeReason, IncomeCategory, Relation, ResultCode
from kokuho_pc.domain.leakscan import find_my_numbers, find_my_numbers_in_bytes
from kokuho_pc.domain.municipality import (
    InvalidMunicipalityCode,
    MunicipalityCode,
    is_valid_municipality_code,
    municipality_check_digit,
)
from kokuho_pc.domain.mynumber import (
    InvalidMyNumber,
    MyNumber,
    is_valid_my_number,
    my_number_check_digit,
)
from kokuho_pc.domain.wareki import (
    DateBeforeMeiji,
    parse_yyyymmdd,
    wareki_long,
    wareki_month,
    wareki_short,
)


def test_my_number_spec_example() -> None:
    assert my_number_check_digit("12345678901") == 8
    assert is_valid_my_number("123456789018")
    assert not is_valid_my_number("123456789017")


@pytest.mark.parametrize(
    "value", ["", "12345678901", "1234567890188", "12345678901a", "１２３４５６７８９０１８"]
)
def test_my_number_rejects_malformed(value: str) -> None:
    assert not is_valid_my_number(value)
    with pytest.raises(InvalidMyNumber) as info:
        MyNumber(value)
    assert value not in str(info.value) or value == ""


def test_my_number_remainder_edge_cases() -> None:
    # r <= 1 gives check digit 0: find 11-digit prefixes with r == 0 and r == 1.
    seen = set()
    for i in range(200):
        prefix = f"{i:011d}"
        seen.add(my_number_check_digit(prefix))
    assert 0 in seen
    assert my_number_check_digit("00000000000") == 0


def test_my_number_is_masked_everywhere() -> None:
    n = MyNumber("123456789018")
    assert "123456789018" not in str(n)
    assert "123456789018" not in repr(n)
    assert "123456789018" not in f"{n}"
    assert "123456789018" not in "%s %r" % (n, n)  # noqa: UP031 - the point is %-formatting
    assert n.reveal_digits_for_transfer() == "123456789018"
    assert n == MyNumber("123456789018")
    assert copy.deepcopy(n) is n


def test_my_number_refuses_serialisation() -> None:
    n = MyNumber("123456789018")
    with pytest.raises(TypeError):
        pickle.dumps(n)
    with pytest.raises(TypeError):
        json.dumps({"n": n})
    with pytest.raises(AttributeError):
        n._digits = "000000000000"  # type: ignore[misc]


def every_prefix_gets_a_valid_number(check_digit: Callable[[str], int],
                                     is_valid: Callable[[str], bool], prefix: str) -> None:
    """Property (tests/fuzz/test_more_properties_fail.py runs it on wrong check digits)."""
    full = prefix + str(check_digit(prefix))
    assert is_valid(full)
    wrong = prefix + str((int(full[-1]) + 1) % 10)
    assert not is_valid(wrong)


PREFIXES = st.text(alphabet="0123456789", min_size=11, max_size=11)


@given(PREFIXES)
def test_every_prefix_gets_a_valid_number(prefix: str) -> None:
    every_prefix_gets_a_valid_number(my_number_check_digit, is_valid_my_number, prefix)


@pytest.mark.parametrize(
    ("first_five", "code"),
    [("08220", "082201"), ("13101", "131016"), ("13104", "131041"), ("28100", "281000")],
)
def test_municipality_spec_examples(first_five: str, code: str) -> None:
    assert f"{first_five}{municipality_check_digit(first_five)}" == code
    assert is_valid_municipality_code(code)


@pytest.mark.parametrize("code", ["082015", "082031", "082198", "082201", "082350"])
def test_demo_municipalities_are_valid(code: str) -> None:
    m = MunicipalityCode(code)
    assert m.prefecture == "08"
    assert m.prefecture_name == "茨城県"
    assert m.name.endswith("市")


@pytest.mark.parametrize("code", ["082202", "99999x", "48xxxx", "482001", "08220"])
def test_municipality_rejects_invalid(code: str) -> None:
    with pytest.raises(InvalidMunicipalityCode):
        MunicipalityCode(code)


@pytest.mark.parametrize(
    ("day", "long", "short"),
    [
        (dt.date(2026, 11, 26), "令和8年11月26日", "R8.11.26"),
        (dt.date(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
        (dt.date(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
        (dt.date(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
        (dt.date(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
        (dt.date(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
        (dt.date(1926, 12, 24), "大正15年12月24日", "T15.12.24"),
        (dt.date(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
        (dt.date(1912, 7, 29), "明治45年7月29日", "M45.7.29"),
        (dt.date(1868, 1, 25), "明治元年1月25日", "M1.1.25"),
    ],
)
def test_wareki_boundaries(day: dt.date, long: str, short: str) -> None:
    assert wareki_long(day) == long
    assert wareki_short(day) == short


def test_wareki_before_meiji_and_month() -> None:
    with pytest.raises(DateBeforeMeiji):
        wareki_long(dt.date(1868, 1, 24))
    assert wareki_month(2026, 7) == "令和8年7月"
    assert wareki_month(2019, 5) == "令和元年5月"


def test_parse_yyyymmdd() -> None:
    assert parse_yyyymmdd("20240229") == dt.date(2024, 2, 29)
    with pytest.raises(ValueError):
        parse_yyyymmdd("20230229")


def test_code_tables_have_labels() -> None:
    assert ChangeReason("02").label == "県内転入"
    assert ChangeReason("12").is_start is False
    assert Relation.HEAD.value == "01"
    assert IncomeCategory("15").has_tasuu_level is False
    assert IncomeCategory("03").label == "ウ"
    assert ResultCode("20").label == "前住所地に該当者なし"
    assert "08" not in ChangeReason.codes()


def test_leak_scan_finds_only_valid_numbers() -> None:
    text = "番号 123456789018 と 123456789017 と 1234567890180"
    assert find_my_numbers(text) == ["123456789018"]
    assert find_my_numbers("１２３４５６７８９０１８") == ["123456789018"]
    assert find_my_numbers_in_bytes(b"x123456789018y") == ["123456789018"]

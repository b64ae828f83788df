"""Half-width kana conversion, the name tables and the fake 個人番号 source."""

from __future__ import annotations

import random

import pytest

from kokuho_pc.domain.mynumber import is_valid_my_number
from kokuho_pc.formats.fieldrules import is_kana
from kokuho_pc.synth import names
from kokuho_pc.synth.factory import Factory
from kokuho_pc.synth.kana import NotKatakana, to_half_width_kana
from kokuho_pc.synth.model import (
    HOUSEHOLD_KEYS,
    PERSON_KEYS,
    MyNumberSource,
    freeze,
    household_record,
    person_record,
    thaw,
)
from kokuho_pc.synth.population import iter_population


@pytest.mark.parametrize(
    ("full", "half"),
    [("ワタナベ ケン", "ﾜﾀﾅﾍﾞ ｹﾝ"), ("ヤマモト サブロウ", "ﾔﾏﾓﾄ ｻﾌﾞﾛｳ"),
     ("パン", "ﾊﾟﾝ"), ("ヴ", "ｳﾞ"), ("キョウコ", "ｷｮｳｺ"), ("ー", "ｰ"), ("サ\u3000ト", "ｻ ﾄ")],
)
def test_full_width_katakana_becomes_half_width(full: str, half: str) -> None:
    assert to_half_width_kana(full) == half


@pytest.mark.parametrize("bad", ["佐藤", "さとう", "A", "・"])
def test_non_katakana_is_refused(bad: str) -> None:
    with pytest.raises(NotKatakana):
        to_half_width_kana(bad)


def test_every_shipped_name_fits_the_fields() -> None:
    tables = (names.SURNAMES, names.MALE_CLASSIC, names.MALE_MIDDLE, names.MALE_YOUNG,
              names.FEMALE_CLASSIC, names.FEMALE_MIDDLE, names.FEMALE_YOUNG)
    assert len(names.SURNAMES) >= 100
    for table in tables:
        assert len({p.kanji for p in table}) == len(table)
        for part in table:
            kanji = part.kanji.encode("cp932")
            assert len(kanji) == 2 * len(part.kanji)  # full-width only (K field)
            assert is_kana(part.kana.encode("cp932"))
    longest = max(len(s.kanji) for s in names.SURNAMES) + 1 + max(
        len(g.kanji) for t in tables[1:] for g in t)
    assert longest <= 20  # 氏名 is K 40 bytes


def test_my_number_source_gives_unique_valid_numbers() -> None:
    source = MyNumberSource(42)
    digits = {source.for_serial(n).reveal_digits_for_transfer() for n in range(20_000)}
    assert len(digits) == 20_000
    assert all(is_valid_my_number(d) for d in list(digits)[:500])
    other = MyNumberSource(43).for_serial(1)
    assert other != source.for_serial(1)


def test_snapshot_keys_follow_the_record_builders() -> None:
    factory = Factory(random.Random(1), MyNumberSource(1), 10**8, 1, 1)
    hh = next(iter_population(factory, "082201", 1))
    assert tuple(household_record(hh)) == HOUSEHOLD_KEYS
    assert tuple(person_record(hh, hh.members[0])) == PERSON_KEYS
    household, persons = thaw(freeze(hh))
    assert household == household_record(hh)
    assert persons == [person_record(hh, e) for e in hh.members]

"""The three lists: content, no 個人番号, metadata, embedded font, clipping."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kokuho_pc.domain.leakscan import find_my_numbers, find_my_numbers_in_bytes
from kokuho_pc.domain.mynumber import MASK, my_number_check_digit
from kokuho_pc.print import (
    CANDIDATE_TITLE,
    CARRY_OVER_TITLE,
    CONFIRMED_TITLE,
    CandidateRow,
    CarryOverRow,
    ConfirmedRow,
    HouseholdPair,
    ReportHeader,
    render_candidate_list,
    render_carry_over_list,
    render_confirmed_list,
)
from kokuho_pc.print.demo_rows import (
    demo_candidate_rows,
    demo_carry_over_rows,
    demo_confirmed_rows,
    demo_header,
)
from kokuho_pc.print.fonts import FONT_NAME, TextFitter, register_font
from kokuho_pc.print.reports import short_date, short_month
from tests.print.helpers import fonts_of, nfkc, page_texts, reader

LISTS = [
    (CANDIDATE_TITLE, render_candidate_list, demo_candidate_rows),
    (CONFIRMED_TITLE, render_confirmed_list, demo_confirmed_rows),
    (CARRY_OVER_TITLE, render_carry_over_list, demo_carry_over_rows),
]


def _pair_texts(pair: HouseholdPair) -> list[str]:
    return [
        short_date(pair.move_date), pair.before_municipality_name, pair.before_municipality_code,
        pair.after_municipality_name, pair.after_municipality_code, nfkc(pair.before_head_name),
        nfkc(pair.before_head_kana), nfkc(pair.after_head_name), nfkc(pair.after_head_kana),
    ]


def _valid_my_number(first_eleven: str) -> str:
    return first_eleven + str(my_number_check_digit(first_eleven))


@pytest.mark.parametrize(("title", "render", "make"), LISTS)
def test_every_row_is_printed_and_no_my_number(title, render, make) -> None:
    rows = make(40)
    pdf = render(demo_header(title), rows)
    text = " ".join(page_texts(pdf))
    compact = text.replace(" ", "")  # free text is broken over two lines, never cut
    for row in rows:
        expected = [row.candidate_no, *_pair_texts(row.pair)]
        if isinstance(row, CandidateRow):
            expected += [row.category_label, nfkc(row.reason), row.suggestion,
                         f"{row.before_member_count}→{row.after_member_count}"]
        if isinstance(row, ConfirmedRow):
            expected += [row.category_label, row.decision, row.decided_by]
        if isinstance(row, CarryOverRow):
            expected += [short_month(m) for m in row.carried_months[:3]]
        missing = [e for e in expected if e not in text and e.replace(" ", "") not in compact]
        assert missing == [], (row.candidate_no, missing)
    assert find_my_numbers(text) == []
    assert find_my_numbers_in_bytes(pdf) == []


def test_dates_are_short_wareki() -> None:
    row = dataclasses.replace(
        demo_candidate_rows(1)[0],
        pair=dataclasses.replace(demo_candidate_rows(1)[0].pair, move_date=dt.date(2026, 10, 1)),
        decided_by="S0009", decided_at=dt.datetime(2019, 5, 1, 8, 3),
    )
    text = page_texts(render_candidate_list(demo_header(CANDIDATE_TITLE), [row]))[0]
    assert "R8.10.1" in text
    assert "R1.5.1 08:03" in text
    assert "令和8年11月26日 14時05分" in text
    assert short_month("201904") == "H31.4"
    assert short_month("202405") == "R6.5"


def test_a_my_number_in_free_text_is_masked() -> None:
    planted = _valid_my_number("12345678901")
    full_width = planted.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    rows = [
        dataclasses.replace(r, remarks=f"誤入力 {number} 備考")
        for r, number in zip(demo_confirmed_rows(2), [planted, full_width], strict=True)
    ]
    header = dataclasses.replace(demo_header(CONFIRMED_TITLE), operator_id=planted)
    pdf = render_confirmed_list(header, rows)
    text = page_texts(pdf)[0]
    assert planted not in text
    assert find_my_numbers(text) == []
    assert find_my_numbers_in_bytes(pdf) == []
    assert text.count(MASK) >= 3


def test_rows_have_no_field_for_a_my_number() -> None:
    for cls in (ReportHeader, HouseholdPair, CandidateRow, ConfirmedRow, CarryOverRow):
        names = {f.name for f in dataclasses.fields(cls)}
        assert not {n for n in names if "my_number" in n or "individual" in n}, cls


@pytest.mark.parametrize(("title", "render", "make"), LISTS)
def test_metadata_holds_no_personal_data(title, render, make) -> None:
    rows = make(5)
    header = demo_header(title)
    meta = reader(render(header, rows)).metadata
    assert meta is not None
    assert meta.title == title
    values = " ".join(str(v) for v in meta.values())
    personal = [header.operator_id, header.municipality_name, header.municipality_code]
    for row in rows:
        personal += [row.candidate_no, row.pair.before_head_name, row.pair.after_head_kana]
    assert [p for p in personal if p in values] == []
    assert find_my_numbers(values) == []


@pytest.mark.parametrize(("title", "render", "make"), LISTS)
def test_ipaex_gothic_is_embedded(title, render, make) -> None:
    fonts = list(fonts_of(render(demo_header(title), make(30))))
    assert fonts, "no font resources found"
    for font in fonts:
        assert str(font["/BaseFont"]).endswith("+" + FONT_NAME)
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # the TrueType program itself is in the file


def test_empty_list_has_one_page_with_a_note() -> None:
    pdf = render_carry_over_list(demo_header(CARRY_OVER_TITLE), [])
    texts = page_texts(pdf)
    assert len(texts) == 1
    assert "該当するデータはありません" in texts[0]
    assert "出力件数 0 件" in texts[0]


def test_over_long_names_are_clipped_not_overflowing() -> None:
    rows = demo_candidate_rows(97)  # row 97 carries an over-long name
    text = page_texts(render_candidate_list(demo_header(CANDIDATE_TITLE), rows), [4])[0]
    assert "テシガワラサエモン" in text
    assert "..." in text  # NFKC of the ellipsis that ends a clipped cell
    assert rows[96].pair.before_head_kana not in text


_FITTER_SIZES = st.floats(min_value=5.0, max_value=12.0)


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet="あいう漢字カナABCxyz０１２ 　…-", max_size=60),
    width=st.floats(min_value=3.0, max_value=200.0),
    size=_FITTER_SIZES,
)
def test_fitted_text_never_exceeds_its_cell(text: str, width: float, size: float) -> None:
    fitter = TextFitter(register_font())
    fitted, fitted_size = fitter.fit(text, width, size, min(size, 4.5))
    assert fitter.width(fitted, fitted_size) <= width + 1e-6
    assert fitted_size <= size


@settings(max_examples=100, deadline=None)
@given(
    months=st.lists(st.sampled_from(["R6.4", "R6.12", "H30.11", "R7.1"]), max_size=40),
    width=st.floats(min_value=30.0, max_value=200.0),
)
def test_wrapped_months_stay_in_two_lines_of_the_cell(months: list[str], width: float) -> None:
    fitter = TextFitter(register_font())
    lines, size = fitter.wrap_tokens(months, width, 7.0, 5.0, 2)
    assert len(lines) <= 2
    assert all(fitter.width(line, size) <= width + 1e-6 for line in lines)


def test_a_long_one_line_cell_takes_both_lines_at_7pt_instead_of_shrinking() -> None:
    """Issue 16: text is never shrunk below 7 pt where it can take the cell's second line."""
    fitter = TextFitter(register_font())
    text = "窓口で確認した結果、転入後の世帯の実態が異なるため継続しないと判断した"
    lines, size = fitter.wrap_text(text, 150.0, 7.0, 7.0, 2)
    assert size == 7.0 and len(lines) == 2 and "".join(lines) == text
    assert all(fitter.width(line, size) <= 150.0 + 1e-6 for line in lines)
    assert not lines[1].startswith(("、", "。"))
    rows = demo_confirmed_rows(3)
    from dataclasses import replace

    remarks = "窓口で世帯の実態を確認済み再訪問予定"  # two lines of the 備考 cell at 7 pt
    rows[0] = replace(rows[0], remarks=remarks)
    pdf = render_confirmed_list(demo_header(CONFIRMED_TITLE), rows)
    assert remarks in page_texts(pdf)[0].replace(" ", "")

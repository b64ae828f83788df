"""The three lists: content, no 個人番号, metadata, embedded font, clipping."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

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
from kokuho_pc.print.canvas_table import pdf_page_count
from kokuho_pc.print.demo_rows import (
    demo_candidate_rows,
    demo_carry_over_rows,
    demo_confirmed_rows,
    demo_header,
)
from kokuho_pc.print.fonts import FONT_NAME, TextFitter, register_font
from kokuho_pc.print.geometry import page_count
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


def _sized_texts(pdf: bytes) -> list[list[tuple[str, float]]]:
    """Per page, every text shown in the page's own content with its font size (pt)."""
    pages = []
    for page in reader(pdf).pages:
        shown: list[tuple[str, float]] = []

        def visit(text: str, cm: object, tm: list[float], font: object, size: float,
                  out: list[tuple[str, float]] = shown) -> None:
            if text.strip():
                out.append((text, size * tm[3]))

        page.extract_text(visitor_text=visit)
        pages.append(shown)
    return pages


LONG_NAME = "勅使河原左衛門三郎右衛門之助右京大夫"
LONG_KANA = "テシガワラサエモンサブロウウエモンノスケウキョウノダイブ"
LONG_CITY = "北海道余市郡仁木町大字然別字銀山北十番地区"  # fictitious, longer than any real one
LONG_REASON = (
    "転出前の世帯主が転入後の世帯では構成員となり、転出前の構成員のうち一人が"
    "転入後の世帯主になっています。また、同じ日に別の世帯から構成員を一人受け入れて"
    "いるため、世帯の同一性を窓口で確認してください。確認の結果は判断の理由欄に"
    "記入してください。"
)


def _long_row() -> CandidateRow:
    base = demo_candidate_rows(1)[0]
    pair = dataclasses.replace(
        base.pair, before_head_name=LONG_NAME, before_head_kana=LONG_KANA,
        before_municipality_name=LONG_CITY, before_municipality_code="019999",
    )
    return dataclasses.replace(base, pair=pair, reason=LONG_REASON)


def test_long_name_city_and_reason_print_in_full_at_7pt_or_more() -> None:
    """Issue 16 (honest paper): nothing shrinks below 7 pt, nothing is cut with 「…」:
    the cells wrap and the row grows."""
    rows = demo_candidate_rows(4)
    rows[1] = _long_row()
    pdf = render_candidate_list(demo_header(CANDIDATE_TITLE), rows)
    sized = _sized_texts(pdf)
    assert len(sized) == 1
    shown = sized[0]
    cell_texts = [(t, s) for t, s in shown if s < 9]  # page label and footer are 9 pt
    assert all(size >= 7.0 - 1e-6 for _, size in cell_texts), sorted(s for _, s in cell_texts)[:5]
    text = "".join(t.strip() for t, _ in shown)
    for whole in (LONG_NAME, LONG_KANA, LONG_CITY, LONG_REASON):
        assert whole in text, whole
    assert "…" not in text
    # The long cells took more than two lines each.
    name_lines = [t for t, _ in shown if t.strip() and t.strip() in LONG_NAME + LONG_KANA]
    assert len(name_lines) >= 4
    # Following rows moved down, still on the page, none overlapping the long one.
    assert all(r.candidate_no in text for r in rows)


def test_a_long_condition_wraps_in_the_header_at_7pt() -> None:
    condition = "区分 1 住所異動のみ、転出元 つくばみらい市、検索「" + "テシガワラ" * 14 + "」"
    header = dataclasses.replace(demo_header(CANDIDATE_TITLE), condition=condition)
    pdf = render_candidate_list(header, demo_candidate_rows(3))
    text = "".join(t.strip() for t, _ in _sized_texts(pdf)[0])
    form_text = page_texts(pdf)[0].replace(" ", "")
    assert condition.replace(" ", "") in form_text.replace("\n", "")
    assert "…" not in form_text and "..." not in form_text
    assert "C0000001" in text


def test_grown_rows_move_whole_to_the_next_page_and_a_huge_row_is_cut_between_lines() -> None:
    rows = demo_candidate_rows(60)
    for i in range(0, 60, 3):
        rows[i] = dataclasses.replace(_long_row(), candidate_no=rows[i].candidate_no)
    pdf = render_candidate_list(demo_header(CANDIDATE_TITLE), rows)
    texts = page_texts(pdf)
    assert len(texts) == pdf_page_count(pdf) > page_count(60)
    numbers = [re.findall(r"C\d{7}", t) for t in texts]
    assert [n for page in numbers for n in page] == [r.candidate_no for r in rows]
    for page, text in enumerate(texts, start=1):
        assert text.startswith(CANDIDATE_TITLE) and "転出前世帯主" in text
        assert f"{page} / {len(texts)} 頁" in text
    # Each long reason is whole on one page (a row is never split when it fits a page).
    compact = [t.replace(" ", "") for t in texts]
    assert sum(c.count(LONG_REASON) for c in compact) == 20
    # A reason taller than a whole page is continued on the next page, nothing lost.
    huge = "".join(f"{i:03d}番目の確認事項があります。" for i in range(260))
    pdf = render_candidate_list(demo_header(CANDIDATE_TITLE),
                                [dataclasses.replace(rows[1], reason=huge), rows[2]])
    sized = _sized_texts(pdf)
    assert len(sized) >= 2
    chunks = [t.strip() for page in sized for t, _ in page]
    assert "…" not in "".join(chunks)
    assert "".join(c for c in chunks if c and not c.isascii() and c in huge) == huge
    assert all(any(c in huge for c, _ in ((t.strip(), s) for t, s in page)) for page in sized)
    assert all(s >= 7.0 - 1e-6 for page in sized for _, s in page)


_FITTER_SIZES = st.floats(min_value=5.0, max_value=12.0)


# The properties take the fitter: tests/fuzz/test_more_properties_fail.py runs them on
# wrong ones.
fit_args = dict(text=st.text(alphabet="あいう漢字カナABCxyz０１２ 　…-", max_size=60),
                width=st.floats(min_value=3.0, max_value=200.0), size=_FITTER_SIZES)
wrap_args = dict(
    months=st.lists(st.sampled_from(["R6.4", "R6.12", "H30.11", "R7.1"]), max_size=40),
    width=st.floats(min_value=30.0, max_value=200.0))


def fitted_text_never_exceeds_its_cell(fitter: TextFitter, text: str, width: float,
                                       size: float) -> None:
    fitted, fitted_size = fitter.fit(text, width, size, min(size, 4.5))
    assert fitter.width(fitted, fitted_size) <= width + 1e-6
    assert fitted_size <= size


def wrapped_months_fit_and_none_is_left_out(fitter: TextFitter, months: list[str],
                                            width: float) -> None:
    lines, size = fitter.wrap_tokens(months, width, 7.0, 7.0, 2)
    assert size == 7.0
    assert " ".join(lines).split() == months
    assert all(fitter.width(line, size) <= width + 1e-6 for line in lines)


@settings(max_examples=150, deadline=None)
@given(**fit_args)
def test_fitted_text_never_exceeds_its_cell(text: str, width: float, size: float) -> None:
    fitted_text_never_exceeds_its_cell(TextFitter(register_font()), text, width, size)


@settings(max_examples=100, deadline=None)
@given(**wrap_args)
def test_wrapped_months_fit_the_cell_and_none_is_left_out(months: list[str], width: float) -> None:
    wrapped_months_fit_and_none_is_left_out(TextFitter(register_font()), months, width)


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

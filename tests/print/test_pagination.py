"""Page breaks, page numbers and the repeated header at 1, 30 and 10,000 rows."""

from __future__ import annotations

import math
import re

import pytest

from kokuho_pc.domain.leakscan import find_my_numbers
from kokuho_pc.print import (
    CANDIDATE_TITLE,
    CONFIRMED_TITLE,
    render_candidate_list,
    render_confirmed_list,
)
from kokuho_pc.print.canvas_table import pdf_page_count
from kokuho_pc.print.demo_rows import demo_candidate_rows, demo_confirmed_rows, demo_header
from kokuho_pc.print.geometry import ROWS_PER_PAGE, page_count
from tests.print.helpers import page_texts, poppler_page_texts, reader

HEAD_WORDS = ["候補番号", "異動日", "転出前世帯主", "転入後世帯主", "判定候補区分", "判断者"]


def _assert_page_frame(text: str, page: int, pages: int, rows: int, title: str) -> None:
    assert text.startswith(title), text[:40]
    assert "取扱注意" in text
    assert "保険者 つくば市(082201)" in text
    assert "印刷日時 令和8年11月26日 14時05分" in text
    assert "操作者 S0001" in text
    assert f"{page} / {pages} 頁" in text
    assert f"出力件数 {rows:,} 件" in text
    assert ("以上" in text) == (page == pages)


@pytest.mark.parametrize("count", [1, 30])
def test_small_lists_break_pages_and_repeat_the_header(count: int) -> None:
    rows = demo_candidate_rows(count)
    pdf = render_candidate_list(demo_header(CANDIDATE_TITLE), rows)
    texts = page_texts(pdf)
    pages = math.ceil(count / ROWS_PER_PAGE)
    assert len(texts) == pages == page_count(count)
    for page, text in enumerate(texts, start=1):
        _assert_page_frame(text, page, pages, count, CANDIDATE_TITLE)
        assert all(word in text for word in HEAD_WORDS)
        on_page = rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE]
        assert all(r.candidate_no in text for r in on_page)
        others = [r for r in rows if r not in on_page]
        assert not any(r.candidate_no in text for r in others)


def test_thirty_rows_split_as_a_full_and_a_partial_page() -> None:
    assert ROWS_PER_PAGE < 30 < 2 * ROWS_PER_PAGE
    texts = page_texts(render_confirmed_list(demo_header(CONFIRMED_TITLE), demo_confirmed_rows(30)))
    assert len(texts) == 2
    assert f"C{ROWS_PER_PAGE:07d}" in texts[0]
    assert f"C{ROWS_PER_PAGE + 1:07d}" in texts[1]


def test_ten_thousand_rows_have_header_and_numbers_on_every_page() -> None:
    count = 10_000
    rows = demo_candidate_rows(count)
    pdf = render_candidate_list(demo_header(CANDIDATE_TITLE), rows)
    # One row in 97 has an over-long name that takes more lines: those rows grow.
    pages = pdf_page_count(pdf)
    assert len(reader(pdf).pages) == pages
    assert math.ceil(count / ROWS_PER_PAGE) < pages < math.ceil(count / (ROWS_PER_PAGE - 2))
    # pypdf on the first, a middle and the last page; poppler on all pages (fast).
    for index, text in zip([0, pages // 2, pages - 1],
                           page_texts(pdf, [0, pages // 2, pages - 1]), strict=True):
        _assert_page_frame(text, index + 1, pages, count, CANDIDATE_TITLE)
    all_pages = poppler_page_texts(pdf)
    assert len(all_pages) == pages
    printed: list[str] = []
    for page, text in enumerate(all_pages, start=1):
        assert f"{page} / {pages} 頁" in text
        assert all(word in text for word in HEAD_WORDS), page
        printed.extend(re.findall(r"C\d{7}", text))
    # Every row once, in order, each whole on one page.
    assert printed == [r.candidate_no for r in rows]
    assert find_my_numbers(" ".join(all_pages)) == []

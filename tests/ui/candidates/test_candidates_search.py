"""Find a household: the search box of the candidate list (候補番号, カナ氏名, 世帯番号)."""

from __future__ import annotations

import unicodedata

from pytestqt.qtbot import QtBot

from kokuho_pc.services.candidate_views import search_text
from kokuho_pc.ui.candidates.candidates_page import CandidatesPage
from tests.ui.candidates.test_candidates_page import page, select, shot, wait_idle

__all__ = ["page"]


def half_width(kana: str) -> str:
    """Full-width katakana → half-width as the municipal files send it (サトウ → ｻﾄｳ)."""
    table = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xFF66, 0xFF9E)}
    out = []
    for ch in kana:
        base = unicodedata.normalize("NFD", ch)
        if len(base) == 2 and base[1] == "\u3099" and base[0] in table:
            out.append(table[base[0]] + "\uff9e")
        elif len(base) == 2 and base[1] == "\u309a" and base[0] in table:
            out.append(table[base[0]] + "\uff9f")
        else:
            out.append(table.get(ch, " " if ch == "\u3000" else ch))
    return "".join(out)


def shown(page: CandidatesPage) -> list[str]:
    return [page.model.view(i).candidate_no for i in range(page.model.total_count())]


def test_search_text_folds_width_spaces_and_hiragana() -> None:
    assert search_text("ｻﾄｳ ﾀﾛｳ") == search_text("サトウ　タロウ") == search_text("さとう たろう")
    assert search_text("ｶﾞｯｺｳ") == "ガッコウ"
    assert search_text("０８２２０１－１０") == "082201-10"


def test_search_by_number_kana_and_household(qtbot: QtBot, page: CandidatesPage) -> None:
    total = page.model.total_count()
    assert total >= 20
    # More than 8 lines of the list are visible at once (1280×800).
    assert page.table.viewport().height() // page.table.rowHeight(0) > 8
    page.search.setText("082201-1")
    assert set(shown(page)) == {v for v in shown(page) if v.startswith("082201-1")}
    assert "082201-1" in shown(page) and "082201-10" in shown(page)
    assert page.count_label.text() == f"{page.model.total_count()}件/{total}件"
    # Kana of the head, typed full-width with a space, half-width without, or in hiragana.
    page.search.clear()
    target = page.model.view(5)
    kana = target.after_head.kana
    assert kana
    for typed in (kana.replace(" ", "\u3000"), half_width(kana).replace(" ", ""),
                  "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kana)):
        page.search.setText(typed)
        assert target.candidate_no in shown(page), typed
        assert all(search_text(kana) in search_text(page.model.view(i).after_head.kana)
                   or search_text(kana) in search_text(page.model.view(i).before_head.kana)
                   for i in range(page.model.total_count()))
    shot(page, "candidates_search")
    # 世帯番号 (転出前 or 転入後), full-width digits too.
    page.search.setText(unicodedata.normalize("NFKC", target.after_household).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")))
    assert shown(page) == [target.candidate_no]
    page.search.setText(target.before_household)
    assert target.candidate_no in shown(page)
    # Selecting a found line opens it; clearing the search keeps it selected.
    row = page.model.row_of(target.candidate_no)
    assert row is not None
    select(qtbot, page, row)
    page.search.clear()
    wait_idle(qtbot, page)
    assert page.model.total_count() == total and page.count_label.text() == f"{total}件"
    assert page.model.view(page.table.currentIndex().row()).candidate_no == target.candidate_no

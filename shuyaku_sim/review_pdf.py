"""The printable monthly review (PDF): terminals, then alerts, A4 landscape.

The simulator may import only ``kokuho_pc.domain`` and ``kokuho_pc.formats``
(tests/test_layering.py), so it cannot use the client's list renderer
(``kokuho_pc.print``). This small renderer draws with reportlab directly, with the
same font (IPAexGothic from ``resources/fonts``) and the same A4 page, so the report
prints like the lists. Nothing here can hold a 個人番号 or a name: the review holds
codes, numbers and staff IDs only.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from kokuho_pc.formats.resources import resource_path
from shuyaku_sim.review import ALERT_LABELS, CHAIN_LABELS, Review

FONT = "IPAexGothic"
MARGIN = float(15 * mm)
LINE = float(6 * mm)


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(resource_path("fonts", "ipaexg.ttf"))))
    return FONT


def _clip(text: str, width: float, size: float) -> str:
    while text and float(pdfmetrics.stringWidth(text, FONT, size)) > width:
        text = text[:-2] + "…" if len(text) > 1 else ""
    return text


def write_review_pdf(review: Review, path: Path) -> None:
    """Write the review to ``path`` (replaced if present)."""
    font = _font()
    width, height = (float(v) for v in landscape(A4))
    canvas = Canvas(str(path), pagesize=(width, height))
    canvas.setTitle("操作ログ点検報告書")
    page = [0]

    def new_page() -> float:
        if page[0]:
            canvas.showPage()
        page[0] += 1
        canvas.setFont(font, 14)
        canvas.drawString(MARGIN, height - MARGIN, "操作ログ点検報告書(国保連合会 月次点検)")
        canvas.setFont(font, 9)
        canvas.drawRightString(width - MARGIN, height - MARGIN,
                               f"作成日時 {review.generated_at}  {page[0]}ページ")
        return height - MARGIN - 2 * LINE

    def row(y: float, cells: list[tuple[float, float, str]], size: float = 9) -> float:
        if y < MARGIN + LINE:
            y = new_page()
        canvas.setFont(font, size)
        for x, w, text in cells:
            canvas.drawString(MARGIN + x, y, _clip(text, w - 2 * mm, size))
        return y - LINE

    y = new_page()
    canvas.setFont(font, 11)
    canvas.drawString(MARGIN, y, f"端末 {len(review.terminals)}台 / 警告 {len(review.alerts)}件")
    y -= 1.5 * LINE
    cols = [(0, 25 * mm), (25 * mm, 45 * mm), (70 * mm, 45 * mm), (115 * mm, 20 * mm),
            (135 * mm, 25 * mm), (160 * mm, 107 * mm)]
    header = ["市町村", "端末", "最終連絡", "記録件数", "連鎖", "警告"]
    y = row(y, [(x, w, t) for (x, w), t in zip(cols, header, strict=True)], 10)
    for t in review.terminals:
        values = [t.municipality_code, t.terminal_id, t.last_contact or "なし", str(t.records),
                  CHAIN_LABELS.get(t.chain, t.chain),
                  "、".join(ALERT_LABELS.get(c, c) for c in t.alerts) or "なし"]
        y = row(y, [(x, w, v) for (x, w), v in zip(cols, values, strict=True)])
    y -= LINE
    acols = [(0, 25 * mm), (25 * mm, 40 * mm), (65 * mm, 30 * mm), (95 * mm, 40 * mm),
             (135 * mm, 132 * mm)]
    y = row(y, [(x, w, t) for (x, w), t in
                zip(acols, ["市町村", "端末", "警告", "日時", "内容"], strict=True)], 10)
    for a in review.alerts:
        values = [a.municipality_code, a.terminal_id, ALERT_LABELS.get(a.code, a.code), a.at,
                  a.detail]
        y = row(y, [(x, w, v) for (x, w), v in zip(acols, values, strict=True)])
    if not review.alerts:
        row(y, [(0, 200 * mm, "警告はありません。")])
    canvas.save()

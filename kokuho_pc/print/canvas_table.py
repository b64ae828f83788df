"""A fast list renderer drawing straight onto the reportlab canvas.

No platypus flowable and no Paragraph is built per cell. What repeats on
every page (headings, table head, grid and stripes of a full page) is drawn
once as a PDF form and placed on each page. Cell text is fitted once per
distinct value and column, and its PDF operators are cached, so a row costs
a few dictionary lookups and string joins.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas

from kokuho_pc.domain.wareki import wareki_datetime
from kokuho_pc.print.fonts import TextFitter, register_font
from kokuho_pc.print.geometry import (
    BODY_TOP,
    HEAD_GREY,
    HEAD_MIN,
    HEAD_SIZE,
    LINE1_MIN,
    LINE1_SIZE,
    LINE2_MIN,
    LINE2_SIZE,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    PAD,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    ROW_HEIGHT,
    ROWS_PER_PAGE,
    RULE_GREY,
    STRIPE_GREY,
    TABLE_HEAD_HEIGHT,
    TABLE_LEFT,
    TABLE_RIGHT,
    TABLE_TOP,
    TEXT_MIN,
    TEXT_SIZE,
    WRAP_MIN,
    WRAP_SIZE,
    Column,
    Placed,
    R,
    page_count,
    place,
)
from kokuho_pc.print.guard import mask_my_numbers
from kokuho_pc.print.pdfops import Encoder, TextBlock, binary_streams
from kokuho_pc.print.rows import ReportHeader

PRODUCT = "国保総合PC"
HANDLE_WITH_CARE = "取扱注意"
CARE_NOTE = (
    "取扱注意：個人情報を含む帳票です。目的外の複写・持出しを禁止します。"
    "用済み後は裁断してください。"
)
NO_DATA = "該当するデータはありません。"
END_MARK = "以上"
FRAME_FORM = "listFrame"
GRID_FORM = "listGrid"

Laid = tuple[tuple[float, str, str], ...]


class _Drawer:
    """Draws one list onto a canvas, page by page."""

    def __init__(
        self, canvas: Canvas, font: str, header: ReportHeader, columns: Sequence[Column[R]],
        total_rows: int,
    ) -> None:
        self.c = canvas
        self.fit = TextFitter(font)
        self.enc = Encoder(canvas, font)
        self.header = header
        self.placed = place(columns)
        self.titles = [c.title for c in columns]
        self.total_rows = total_rows
        self.pages = page_count(total_rows)
        # (column, line 1, line 2) → laid-out lines (drop below row top, "1 0 0 1 x ", ops).
        self._cells: dict[tuple[int, str, str], Laid] = {}
        self._right = Placed(TABLE_RIGHT - 200, TABLE_RIGHT + PAD, 200, "right", False)
        self._centre = Placed(0, PAGE_WIDTH, PAGE_WIDTH, "center", False)

    def _x(self, col: Placed, text: str, size: float) -> float:
        """Left edge of a fitted string aligned in its column."""
        if col.align == "left":
            return col.left + PAD
        w = self.fit.width(text, size)
        return col.right - PAD - w if col.align == "right" else (col.left + col.right - w) / 2

    def _put(self, block: TextBlock, y: float, text: str, size: float, col: Placed) -> None:
        """Put one fitted string into a text block, aligned in its column."""
        tx = self._x(col, text, size)
        block.parts.append(f"1 0 0 1 {tx:.2f} {y:.2f} Tm {self.enc.show(text, size)}")

    def _page_label(self, page: int) -> str:
        return f"{page} / {self.pages} 頁"

    def make_frame_form(self) -> None:
        """What every page shows the same: headings, table head, footer note and count."""
        c, fit = self.c, self.fit
        h = ReportHeader(
            mask_my_numbers(self.header.title), mask_my_numbers(self.header.municipality_name),
            mask_my_numbers(self.header.municipality_code), self.header.printed_at,
            mask_my_numbers(self.header.operator_id),
            mask_my_numbers(self.header.condition),
            mask_my_numbers(self.header.operator_name),
        )
        top = PAGE_HEIGHT - MARGIN_TOP
        c.beginForm(FRAME_FORM)
        box_w = fit.width(HANDLE_WITH_CARE, 12) + 14
        c.setLineWidth(1.4)
        c.rect(TABLE_RIGHT - box_w, top - 20, box_w, 20, stroke=1, fill=0)
        c.setFillGray(HEAD_GREY)
        c.rect(TABLE_LEFT, BODY_TOP, TABLE_RIGHT - TABLE_LEFT, TABLE_HEAD_HEIGHT, stroke=0, fill=1)
        c.setFillGray(0)
        t = TextBlock()
        left = Placed(TABLE_LEFT - PAD, TABLE_RIGHT, TABLE_RIGHT - TABLE_LEFT, "left", False)
        title, title_size = fit.fit(h.title, TABLE_RIGHT - TABLE_LEFT - box_w - 20, 15, 9)
        self._put(t, top - 15, title, title_size, left)
        box = Placed(TABLE_RIGHT - box_w, TABLE_RIGHT, box_w, "center", False)
        self._put(t, top - 14.5, HANDLE_WITH_CARE, 12, box)
        condition = f"　　条件　{h.condition}" if h.condition else ""
        insurer, insurer_size = fit.fit(
            f"保険者　{h.municipality_name}（{h.municipality_code}）{condition}", 420, 9, 7
        )
        self._put(t, top - 36, insurer, insurer_size, left)
        # Leave room on the right for the widest page label.
        room = fit.width(self._page_label(self.pages), 9) + 18
        # 操作者: the staff name, then the staff ID in small type (the ID alone if unknown).
        small = f"({h.operator_id})" if h.operator_name else ""
        small_room = fit.width(small, 7) + (2 if small else 0)
        who = h.operator_name or h.operator_id
        stamp = f"印刷日時　{wareki_datetime(h.printed_at)}　　操作者　{who}"
        right = Placed(TABLE_RIGHT - 600, TABLE_RIGHT - room - small_room + 2 * PAD, 600,
                       "right", False)
        self._put(t, top - 36, stamp, 9, right)
        if small:
            id_place = Placed(TABLE_RIGHT - 600, TABLE_RIGHT - room + 2 * PAD, 600, "right",
                              False)
            self._put(t, top - 36, small, 7, id_place)
        for col, title in zip(self.placed, self.titles, strict=True):
            centred = Placed(col.left, col.right, col.inner, "center", False)
            lines = title.split("\n")[:2]
            for i, line in enumerate(lines):
                text, size = fit.fit(line, col.inner, HEAD_SIZE, HEAD_MIN)
                y = TABLE_TOP - 13.5 if len(lines) == 1 else TABLE_TOP - 9 - 9 * i
                self._put(t, y, text, size, centred)
        self._put(t, MARGIN_BOTTOM, CARE_NOTE, 7.5, left)
        count_room = fit.width("　" + END_MARK, 9)
        count = Placed(TABLE_RIGHT - 600, TABLE_RIGHT - count_room + 2 * PAD, 600, "right", False)
        self._put(t, MARGIN_BOTTOM, f"出力件数　{self.total_rows:,} 件", 9, count)
        c.drawText(t)
        c.endForm()

    def grid(self, rows_on_page: int) -> None:
        """Stripes and rules of a table part holding ``rows_on_page`` rows."""
        c = self.c
        bottom = BODY_TOP - max(rows_on_page, 1) * ROW_HEIGHT
        width = TABLE_RIGHT - TABLE_LEFT
        c.setFillGray(STRIPE_GREY)
        for i in range(1, rows_on_page, 2):
            c.rect(TABLE_LEFT, BODY_TOP - (i + 1) * ROW_HEIGHT, width, ROW_HEIGHT, stroke=0, fill=1)
        c.setFillGray(0)
        segments = [(TABLE_LEFT, TABLE_TOP, TABLE_RIGHT, TABLE_TOP)]
        for i in range(0, max(rows_on_page, 1) + 1):
            y = BODY_TOP - i * ROW_HEIGHT
            segments.append((TABLE_LEFT, y, TABLE_RIGHT, y))
        # An empty list shows one open row for its note: no column rules through it.
        col_bottom = bottom if rows_on_page else BODY_TOP
        for col in self.placed[1:]:
            segments.append((col.left, TABLE_TOP, col.left, col_bottom))
        segments.append((TABLE_LEFT, TABLE_TOP, TABLE_LEFT, bottom))
        segments.append((TABLE_RIGHT, TABLE_TOP, TABLE_RIGHT, bottom))
        c.setLineWidth(0.4)
        c.setStrokeGray(RULE_GREY)
        c.lines(segments)
        c.setStrokeGray(0)

    def make_grid_form(self) -> None:
        """The grid of a full page, drawn once."""
        self.c.beginForm(GRID_FORM)
        self.grid(ROWS_PER_PAGE)
        self.c.endForm()

    def _lay_out(self, col: Placed, line1: str, line2: str) -> list[tuple[float, str, float]]:
        """Fit one cell: (drop below the row top, text, size) per printed line."""
        fit = self.fit
        if col.wrap_text:
            lines, size = fit.wrap_text(line1, col.inner, TEXT_SIZE, TEXT_MIN, 2)
            if len(lines) == 1:
                return [(13.0, lines[0], size)] if lines[0] else []
            return [(8.5, lines[0], size), (17.0, lines[1], size)]
        if col.wrap:
            lines, size = fit.wrap_tokens(line1.split(), col.inner, WRAP_SIZE, WRAP_MIN, 2)
            if len(lines) == 1:
                return [(13.0, lines[0], size)] if lines[0] else []
            return [(8.5, lines[0], size), (17.0, lines[1], size)]
        if line1 and not line2 and fit.width(line1, TEXT_MIN) > col.inner:
            # A one-line cell too long for 7 pt takes both lines instead of shrinking.
            lines, size = fit.wrap_text(line1, col.inner, TEXT_MIN, TEXT_MIN, 2)
            if len(lines) == 2:
                return [(8.5, lines[0], size), (17.0, lines[1], size)]
        out = []
        if line1:
            text, size = fit.fit(line1, col.inner, LINE1_SIZE, LINE1_MIN)
            out.append((8.8 if line2 else 13.0, text, size))
        if line2:
            text, size = fit.fit(line2, col.inner, LINE2_SIZE, LINE2_MIN)
            out.append((17.0, text, size))
        return out

    def _cell(self, key: tuple[int, str, str]) -> Laid:
        """Lay out, encode and cache one distinct cell content."""
        index, line1, line2 = key
        col = self.placed[index]
        line1, line2 = mask_my_numbers(line1), mask_my_numbers(line2)
        laid = tuple(
            (drop, f"1 0 0 1 {self._x(col, text, size):.2f} ", self.enc.show(text, size))
            for drop, text, size in self._lay_out(col, line1, line2)
        )
        self._cells[key] = laid
        return laid

    def page(self, page: int, cells: list[list[tuple[str, str]]]) -> None:
        """One whole page: forms, page label, row text, end mark."""
        c = self.c
        if len(cells) == ROWS_PER_PAGE:
            c.doForm(GRID_FORM)
        else:
            self.grid(len(cells))
        c.doForm(FRAME_FORM)
        t = TextBlock()
        self._put(t, PAGE_HEIGHT - MARGIN_TOP - 36, self._page_label(page), 9, self._right)
        if page == self.pages:
            self._put(t, MARGIN_BOTTOM, END_MARK, 9, self._right)
        if not cells:
            self._put(t, BODY_TOP - 13.5, NO_DATA, 10, self._centre)
        out = t.parts.append
        known = self._cells.get
        columns = range(len(self.placed))
        for i, row in enumerate(cells):
            top = BODY_TOP - i * ROW_HEIGHT
            ys = {8.5: f"{top - 8.5:.2f} Tm ", 8.8: f"{top - 8.8:.2f} Tm ",
                  13.0: f"{top - 13.0:.2f} Tm ", 17.0: f"{top - 17.0:.2f} Tm "}
            for index, (line1, line2) in zip(columns, row, strict=True):
                key = (index, line1, line2)
                laid = known(key) or self._cell(key)
                for drop, prefix, ops in laid:
                    out(prefix + ys[drop] + ops)
        c.drawText(t)
        c.showPage()


def render_table(
    header: ReportHeader, columns: Sequence[Column[R]], rows: Sequence[R], subject: str
) -> bytes:
    """Render one list as PDF bytes in memory (nothing is written to disk)."""
    with binary_streams():
        return _render(header, columns, rows, subject)


def _render(
    header: ReportHeader, columns: Sequence[Column[R]], rows: Sequence[R], subject: str
) -> bytes:
    font = register_font()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1,
        initialFontName=font, initialFontSize=9,
    )
    # Metadata names the list only: no person, no operator, no municipality data.
    canvas.setTitle(mask_my_numbers(header.title))
    canvas.setSubject(subject)
    canvas.setAuthor(PRODUCT)
    canvas.setCreator(PRODUCT)
    canvas.setProducer(PRODUCT)
    canvas.setKeywords([HANDLE_WITH_CARE])
    drawer = _Drawer(canvas, font, header, columns, len(rows))
    drawer.make_frame_form()
    drawer.make_grid_form()
    getters = [c.cell for c in columns]
    for page in range(1, drawer.pages + 1):
        chunk = rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE]
        drawer.page(page, [[get(row) for get in getters] for row in chunk])
    canvas.save()
    return buffer.getvalue()

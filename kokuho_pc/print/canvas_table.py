"""A fast list renderer drawing straight onto the reportlab canvas.

No platypus flowable and no Paragraph is built per cell. What repeats on
every page (headings, table head, grid and stripes of a full page) is drawn
once as a PDF form and placed on each page. Cell text is fitted once per
distinct value and column, and its PDF operators are cached, so a row costs
a few dictionary lookups and string joins. Text is never below 7 pt and never
cut: it wraps, the row grows, and rows are paginated by their heights.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas

from kokuho_pc.domain.wareki import wareki_datetime
from kokuho_pc.print.fonts import TextFitter, register_font
from kokuho_pc.print.geometry import (
    BODY_HEIGHT,
    BODY_TOP,
    HEAD_GREY,
    HEAD_MIN,
    HEAD_SIZE,
    LINE1_MIN,
    LINE1_SIZE,
    LINE2_MIN,
    LINE2_SIZE,
    LINE_PITCH,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    PAD,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    ROW_BELOW,
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
INSURER_WIDTH = 420.0  # the 保険者 and 条件 line, left of the print time and operator
GRID_FORM = "listGrid"

# A laid-out cell: its height and per line (drop below the row top, "1 0 0 1 x ", ops).
Laid = tuple[float, tuple[tuple[float, str, str], ...]]


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
        self.pages = 1  # set once the rows are laid out and paginated
        # (column, line 1, line 2) → the laid-out cell.
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
        insurer_text = f"保険者　{h.municipality_name}（{h.municipality_code}）{condition}"
        if fit.width(insurer_text, 7) <= INSURER_WIDTH:
            insurer, insurer_size = fit.fit(insurer_text, INSURER_WIDTH, 9, 7)
            self._put(t, top - 36, insurer, insurer_size, left)
        else:  # a long condition wraps at 7 pt under the title (three lines at most)
            lines, _ = fit.wrap_text(insurer_text, INSURER_WIDTH, 7, 7, 3)
            if len(lines) > 3:
                lines = [*lines[:2], fit.fit("".join(lines[2:]), INSURER_WIDTH, 7, 7)[0]]
            first = top - (26.0 if len(lines) == 3 else 31.0)
            for i, line in enumerate(lines):
                self._put(t, first - 7.5 * i, line, 7, left)
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

    def grid(self, heights: Sequence[float]) -> None:
        """Stripes and rules of a table part holding rows of the given heights."""
        c = self.c
        tops = [BODY_TOP]
        for h in heights or [ROW_HEIGHT]:
            tops.append(tops[-1] - h)
        bottom = tops[-1]
        width = TABLE_RIGHT - TABLE_LEFT
        c.setFillGray(STRIPE_GREY)
        for i in range(1, len(heights), 2):
            c.rect(TABLE_LEFT, tops[i + 1], width, heights[i], stroke=0, fill=1)
        c.setFillGray(0)
        segments = [(TABLE_LEFT, TABLE_TOP, TABLE_RIGHT, TABLE_TOP)]
        segments.extend((TABLE_LEFT, y, TABLE_RIGHT, y) for y in tops)
        # An empty list shows one open row for its note: no column rules through it.
        col_bottom = bottom if heights else BODY_TOP
        for col in self.placed[1:]:
            segments.append((col.left, TABLE_TOP, col.left, col_bottom))
        segments.append((TABLE_LEFT, TABLE_TOP, TABLE_LEFT, bottom))
        segments.append((TABLE_RIGHT, TABLE_TOP, TABLE_RIGHT, bottom))
        c.setLineWidth(0.4)
        c.setStrokeGray(RULE_GREY)
        c.lines(segments)
        c.setStrokeGray(0)

    def make_grid_form(self) -> None:
        """The grid of a full page of rows of the standard height, drawn once."""
        self.c.beginForm(GRID_FORM)
        self.grid(_FULL_PAGE)
        self.c.endForm()

    def _lines(self, col: Placed, line1: str, line2: str) -> list[tuple[str, float]]:
        """Fit one cell: (text, size) per printed line, never below 7 pt, never cut.

        Free text and token lists take two lines when they fit, else as many as
        they need; a plain line shrinks from its size down to 7 pt, then wraps."""
        fit = self.fit
        if col.wrap_text or col.wrap:
            if not line1:
                return []
            if col.wrap_text:
                lines, size = fit.wrap_text(line1, col.inner, TEXT_SIZE, TEXT_MIN, 2)
            else:
                lines, size = fit.wrap_tokens(line1.split(), col.inner, WRAP_SIZE, WRAP_MIN, 2)
            return [(line, size) for line in lines]
        if line1 and not line2 and fit.width(line1, TEXT_MIN) > col.inner:
            # A one-line cell too long for 7 pt takes both lines (or more) instead.
            lines, size = fit.wrap_text(line1, col.inner, TEXT_MIN, TEXT_MIN, 2)
            return [(line, size) for line in lines]
        out: list[tuple[str, float]] = []
        for text, size, least in ((line1, LINE1_SIZE, LINE1_MIN), (line2, LINE2_SIZE, LINE2_MIN)):
            if not text:
                continue
            if fit.width(text, least) <= col.inner:
                out.append(fit.fit(text, col.inner, size, least))
            elif " " in text:  # e.g. 「R8.12.6 06:02 S0001」: break at the spaces first
                lines, _ = fit.wrap_tokens(text.split(" "), col.inner, least, least, 1)
                out.extend((line, least) for line in lines)
            else:
                out.extend((line, least) for line in fit.break_text(text, col.inner, least))
        return out

    @staticmethod
    def _drops(lines: list[tuple[str, float]]) -> list[float]:
        """Baselines below the row top: one line centred; more lines from the top."""
        if len(lines) <= 1:
            return [13.0] if lines else []
        first = 8.8 if lines[0][1] > TEXT_SIZE else 8.5
        return [first] + [LINE_PITCH * (i + 1) for i in range(1, len(lines))]

    def _cell(self, key: tuple[int, str, str]) -> Laid:
        """Lay out, encode and cache one distinct cell content: (height, lines)."""
        index, line1, line2 = key
        col = self.placed[index]
        lines = self._lines(col, mask_my_numbers(line1), mask_my_numbers(line2))
        drops = self._drops(lines)
        laid = (
            max(ROW_HEIGHT, drops[-1] + ROW_BELOW) if drops else ROW_HEIGHT,
            tuple(
                (drop, f"1 0 0 1 {self._x(col, text, size):.2f} ", self.enc.show(text, size))
                for drop, (text, size) in zip(drops, lines, strict=True)
            ),
        )
        self._cells[key] = laid
        return laid

    def lay_out_rows(self, cells: list[list[tuple[str, str]]]) -> list[tuple[float, list[Laid]]]:
        """Every row laid out: (row height, its cells)."""
        known = self._cells.get
        out = []
        for row in cells:
            laid_row = [known((i, a, b)) or self._cell((i, a, b))
                        for i, (a, b) in enumerate(row)]
            out.append((max(h for h, _ in laid_row), laid_row))
        return out

    def page(self, page: int, pieces: list[Piece]) -> None:
        """One whole page: forms, page label, row text, end mark."""
        c = self.c
        heights = [p[2] for p in pieces]
        if heights == _FULL_PAGE:
            c.doForm(GRID_FORM)
        else:
            self.grid(heights)
        c.doForm(FRAME_FORM)
        t = TextBlock()
        self._put(t, PAGE_HEIGHT - MARGIN_TOP - 36, self._page_label(page), 9, self._right)
        if page == self.pages:
            self._put(t, MARGIN_BOTTOM, END_MARK, 9, self._right)
        if not pieces:
            self._put(t, BODY_TOP - 13.5, NO_DATA, 10, self._centre)
        out = t.parts.append
        top = BODY_TOP
        for laid_row, start, height in pieces:
            ys: dict[float, str] = {}
            end = start + height
            for _, lines in laid_row:
                for drop, prefix, ops in lines:
                    if start < drop <= end:
                        y = ys.get(drop)
                        if y is None:
                            y = ys[drop] = f"{top - drop + start:.2f} Tm "
                        out(prefix + y + ops)
            top -= height
        c.drawText(t)
        c.showPage()


Piece = tuple[list[Laid], float, float]  # a row's cells, offset of the part shown, its height
_FULL_PAGE = [ROW_HEIGHT] * ROWS_PER_PAGE


def _split(laid_row: list[Laid], height: float) -> list[Piece]:
    """A row taller than a page, cut between lines into parts of at most a page each."""
    drops = sorted({d for _, lines in laid_row for d, _, _ in lines})
    pieces: list[Piece] = []
    start = 0.0
    while True:
        fitting = [d for d in drops if start < d <= start + BODY_HEIGHT - ROW_BELOW]
        rest = [d for d in drops if d > start + BODY_HEIGHT - ROW_BELOW]
        if not rest:
            pieces.append((laid_row, start, min(height - start, BODY_HEIGHT)))
            return pieces
        end = (fitting[-1] + ROW_BELOW) if fitting else start + BODY_HEIGHT
        pieces.append((laid_row, start, end - start))
        start = max(end, rest[0] - LINE_PITCH)


def paginate(rows: list[tuple[float, list[Laid]]]) -> list[list[Piece]]:
    """Rows onto pages: a row is moved whole to the next page when it does not fit;
    only a row taller than a page is cut (between lines) over several pages."""
    pages: list[list[Piece]] = [[]]
    used = 0.0
    for height, laid_row in rows:
        if height > BODY_HEIGHT:
            parts = _split(laid_row, height)
            if pages[-1]:
                pages.append([])
            for part in parts[:-1]:
                pages[-1].append(part)
                pages.append([])
            pages[-1].append(parts[-1])
            used = parts[-1][2]
            continue
        if pages[-1] and used + height > BODY_HEIGHT + 1e-6:
            pages.append([])
            used = 0.0
        pages[-1].append((laid_row, 0.0, height))
        used += height
    return pages


def pdf_page_count(pdf: bytes) -> int:
    """The number of pages of a list rendered here (read from its page tree)."""
    found = re.search(rb"/Count (\d+) /Kids", pdf)
    if found is None:
        raise ValueError("not a list rendered by this module")
    return int(found.group(1))


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
    getters = [c.cell for c in columns]
    pages = paginate(drawer.lay_out_rows([[get(row) for get in getters] for row in rows]))
    drawer.pages = len(pages)
    drawer.make_frame_form()
    drawer.make_grid_form()
    for number, pieces in enumerate(pages, start=1):
        drawer.page(number, pieces)
    canvas.save()
    return buffer.getvalue()

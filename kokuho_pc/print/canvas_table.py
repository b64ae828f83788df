"""A fast list renderer drawing straight onto the reportlab canvas.

Every list is an A4 landscape table of fixed-height, two-line rows. Because
the row height is fixed, the rows per page and so the page count are known
before drawing (``page x / y`` needs no second layout pass). Column
positions are computed once; text widths are cached by :class:`TextFitter`;
no platypus flowable or Paragraph is built per cell.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from kokuho_pc.domain.wareki import wareki_datetime
from kokuho_pc.print.fonts import TextFitter, register_font
from kokuho_pc.print.rows import ReportHeader

R = TypeVar("R")
Align = Literal["left", "center", "right"]

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN_X = 28.0
MARGIN_TOP = 24.0
MARGIN_BOTTOM = 22.0
HEADER_BLOCK = 46.0
TABLE_HEAD_HEIGHT = 22.0
FOOTER_BLOCK = 18.0
ROW_HEIGHT = 20.0
PAD = 2.5
LINE1_SIZE, LINE1_MIN = 8.0, 5.0
LINE2_SIZE, LINE2_MIN = 6.5, 4.5
WRAP_SIZE, WRAP_MIN = 7.0, 5.0
HEAD_SIZE, HEAD_MIN = 7.0, 5.0
STRIPE_GREY = 0.93
HEAD_GREY = 0.82
PRODUCT = "国保総合PC"
HANDLE_WITH_CARE = "取扱注意"
CARE_NOTE = (
    "取扱注意：個人情報を含む帳票です。目的外の複写・持出しを禁止します。"
    "用済み後は裁断してください。"
)
NO_DATA = "該当するデータはありません。"

TABLE_LEFT = MARGIN_X
TABLE_RIGHT = PAGE_WIDTH - MARGIN_X
TABLE_TOP = PAGE_HEIGHT - MARGIN_TOP - HEADER_BLOCK
BODY_TOP = TABLE_TOP - TABLE_HEAD_HEIGHT
BODY_BOTTOM_LIMIT = MARGIN_BOTTOM + FOOTER_BLOCK
ROWS_PER_PAGE = int((BODY_TOP - BODY_BOTTOM_LIMIT) // ROW_HEIGHT)


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    """One table column: header text (``\\n`` between two lines), relative width, cell text.

    ``cell`` returns the two lines of the cell (the second may be ``""``).
    With ``wrap`` the first line holds space-separated tokens that are laid
    out over both lines (e.g. a list of care months).
    """

    title: str
    weight: float
    cell: Callable[[R], tuple[str, str]]
    align: Align = "left"
    wrap: bool = False


@dataclass(frozen=True, slots=True)
class _Placed:
    """A column with its computed geometry."""

    left: float
    right: float
    inner: float
    align: Align
    wrap: bool


class _TextBlock:
    """One ``BT … ET`` block assembled from pre-encoded operators (for ``drawText``)."""

    def __init__(self) -> None:
        self.parts: list[str] = ["BT"]

    def getCode(self) -> str:
        """The PDF operators of the block."""
        return "\n".join([*self.parts, "ET"])


class _Encoder:
    """Turns strings into PDF text operators of the embedded font subsets, cached.

    Subset assignment of a character is fixed once made for a document, so
    the operators of a (text, size) pair never change within one PDF.
    """

    def __init__(self, canvas: Canvas, font_name: str) -> None:
        self._font = pdfmetrics.getFont(font_name)
        self._doc = canvas._doc
        self._cache: dict[tuple[str, float], str] = {}

    def show(self, text: str, size: float) -> str:
        """``/Fx+n size Tf (…) Tj`` operators showing ``text``."""
        key = (text, size)
        ops = self._cache.get(key)
        if ops is None:
            font, doc = self._font, self._doc
            ops = " ".join(
                f"{font.getSubsetInternalName(subset, doc)} {size:.2f} Tf ({escapePDF(chunk)}) Tj"
                for subset, chunk in font.splitString(text, doc)
            )
            self._cache[key] = ops
        return ops


def page_count(row_count: int) -> int:
    """Pages a list of ``row_count`` rows takes (one page at least)."""
    return max(1, math.ceil(row_count / ROWS_PER_PAGE))


def _place(columns: Sequence[Column[R]]) -> list[_Placed]:
    total = sum(c.weight for c in columns)
    scale = (TABLE_RIGHT - TABLE_LEFT) / total
    placed: list[_Placed] = []
    x = TABLE_LEFT
    for c in columns:
        w = c.weight * scale
        placed.append(_Placed(x, x + w, w - 2 * PAD, c.align, c.wrap))
        x += w
    return placed


class _Drawer:
    """Draws one list onto a canvas, page by page."""

    def __init__(self, canvas: Canvas, font: str, header: ReportHeader, total_rows: int) -> None:
        self.c = canvas
        self.font = font
        self.fit = TextFitter(font)
        self.enc = _Encoder(canvas, font)
        # Per column and cell text: the laid-out lines (drop below row top, "1 0 0 1 x ", ops).
        self._cells: dict[tuple[int, str, str], tuple[tuple[float, str, str], ...]] = {}
        self.header = header
        self.total_rows = total_rows
        self.pages = page_count(total_rows)
        self.printed = wareki_datetime(header.printed_at)

    def _x(self, col: _Placed, text: str, size: float) -> float:
        """Left edge of a fitted string aligned in its column."""
        if col.align == "left":
            return col.left + PAD
        w = self.fit.width(text, size)
        return col.right - PAD - w if col.align == "right" else (col.left + col.right - w) / 2

    def _put(self, block: _TextBlock, y: float, text: str, size: float, col: _Placed) -> None:
        """Put one already-fitted string into a text block, aligned in its column."""
        tx = self._x(col, text, size)
        block.parts.append(f"1 0 0 1 {tx:.2f} {y:.2f} Tm {self.enc.show(text, size)}")

    def page_frame(self, page: int, placed: list[_Placed], titles: list[str]) -> None:
        """Header block, table head, vertical rules and footer of one page."""
        c, h = self.c, self.header
        top = PAGE_HEIGHT - MARGIN_TOP
        c.setFillGray(0)
        c.setFont(self.font, 15)
        c.drawString(TABLE_LEFT, top - 15, h.title)
        box_w = self.fit.width(HANDLE_WITH_CARE, 12) + 14
        c.setLineWidth(1.4)
        c.rect(TABLE_RIGHT - box_w, top - 20, box_w, 20, stroke=1, fill=0)
        c.setFont(self.font, 12)
        c.drawCentredString(TABLE_RIGHT - box_w / 2, top - 14.5, HANDLE_WITH_CARE)
        c.setFont(self.font, 9)
        c.drawString(
            TABLE_LEFT, top - 36, f"保険者　{h.municipality_name}（{h.municipality_code}）"
        )
        c.drawRightString(
            TABLE_RIGHT,
            top - 36,
            f"印刷日時　{self.printed}　　操作者　{h.operator_id}　　{page} / {self.pages} 頁",
        )
        # Table head.
        c.setFillGray(HEAD_GREY)
        c.rect(TABLE_LEFT, BODY_TOP, TABLE_RIGHT - TABLE_LEFT, TABLE_HEAD_HEIGHT, stroke=0, fill=1)
        c.setFillGray(0)
        t = _TextBlock()
        for col, title in zip(placed, titles, strict=True):
            lines = title.split("\n")
            centred = _Placed(col.left, col.right, col.inner, "center", False)
            if len(lines) == 1:
                text, size = self.fit.fit(lines[0], col.inner, HEAD_SIZE, HEAD_MIN)
                self._put(t, TABLE_TOP - 13.5, text, size, centred)
            else:
                for i, line in enumerate(lines[:2]):
                    text, size = self.fit.fit(line, col.inner, HEAD_SIZE, HEAD_MIN)
                    self._put(t, TABLE_TOP - 9 - 9 * i, text, size, centred)
        c.drawText(t)
        # Footer.
        c.setFont(self.font, 7.5)
        c.drawString(TABLE_LEFT, MARGIN_BOTTOM, CARE_NOTE)
        tail = "　以上" if page == self.pages else ""
        c.setFont(self.font, 9)
        c.drawRightString(TABLE_RIGHT, MARGIN_BOTTOM, f"出力件数　{self.total_rows:,} 件{tail}")

    def rules(self, placed: list[_Placed], rows_on_page: int) -> None:
        """Grid lines of one page: one path for all segments."""
        bottom = BODY_TOP - max(rows_on_page, 1) * ROW_HEIGHT
        segments = [(TABLE_LEFT, TABLE_TOP, TABLE_RIGHT, TABLE_TOP)]
        segments.append((TABLE_LEFT, BODY_TOP, TABLE_RIGHT, BODY_TOP))
        for i in range(1, rows_on_page + 1):
            y = BODY_TOP - i * ROW_HEIGHT
            segments.append((TABLE_LEFT, y, TABLE_RIGHT, y))
        segments.append((TABLE_LEFT, bottom, TABLE_RIGHT, bottom))
        for col in placed:
            segments.append((col.left, TABLE_TOP, col.left, bottom))
        segments.append((TABLE_RIGHT, TABLE_TOP, TABLE_RIGHT, bottom))
        self.c.setLineWidth(0.4)
        self.c.setStrokeGray(0.35)
        self.c.lines(segments)
        self.c.setStrokeGray(0)

    def _lay_out(self, col: _Placed, line1: str, line2: str) -> list[tuple[float, str, float]]:
        """Fit one cell: (drop below the row top, text, size) per printed line."""
        fit = self.fit
        if col.wrap:
            lines, size = fit.wrap_tokens(line1.split(), col.inner, WRAP_SIZE, WRAP_MIN, 2)
            if len(lines) == 1:
                return [(13.0, lines[0], size)] if lines[0] else []
            return [(8.5, lines[0], size), (17.0, lines[1], size)]
        if not line2:
            if not line1:
                return []
            text, size = fit.fit(line1, col.inner, LINE1_SIZE, LINE1_MIN)
            return [(13.0, text, size)]
        out = []
        if line1:
            text, size = fit.fit(line1, col.inner, LINE1_SIZE, LINE1_MIN)
            out.append((8.8, text, size))
        text, size = fit.fit(line2, col.inner, LINE2_SIZE, LINE2_MIN)
        out.append((17.0, text, size))
        return out

    def _cell(
        self, index: int, col: _Placed, line1: str, line2: str
    ) -> tuple[tuple[float, str, str], ...]:
        """The cached text operators of one cell (made once per distinct content)."""
        key = (index, line1, line2)
        done = self._cells.get(key)
        if done is None:
            laid = []
            for drop, text, size in self._lay_out(col, line1, line2):
                tx = self._x(col, text, size)
                laid.append((drop, f"1 0 0 1 {tx:.2f} ", self.enc.show(text, size)))
            done = tuple(laid)
            self._cells[key] = done
        return done

    def body(self, placed: list[_Placed], cells: list[list[tuple[str, str]]]) -> None:
        """Stripes and text of the rows on one page."""
        c = self.c
        c.setFillGray(STRIPE_GREY)
        for i in range(1, len(cells), 2):
            y = BODY_TOP - (i + 1) * ROW_HEIGHT
            c.rect(TABLE_LEFT, y, TABLE_RIGHT - TABLE_LEFT, ROW_HEIGHT, stroke=0, fill=1)
        c.setFillGray(0)
        block = _TextBlock()
        out = block.parts.append
        columns = list(enumerate(placed))
        for i, row in enumerate(cells):
            top = BODY_TOP - i * ROW_HEIGHT
            for (index, col), (line1, line2) in zip(columns, row, strict=True):
                for drop, prefix, ops in self._cell(index, col, line1, line2):
                    out(f"{prefix}{top - drop:.2f} Tm {ops}")
        c.drawText(block)

    def empty_note(self) -> None:
        """The single line shown on a list without rows."""
        self.c.setFont(self.font, 10)
        self.c.drawCentredString(PAGE_WIDTH / 2, BODY_TOP - 13.5, NO_DATA)


@contextmanager
def binary_streams() -> Iterator[None]:
    """Write compressed streams without the ASCII85 layer (smaller, faster PDFs).

    reportlab keeps this as a process-wide setting; it is switched only for
    the duration of one rendering.
    """
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


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
    canvas.setTitle(header.title)
    canvas.setSubject(subject)
    canvas.setAuthor(PRODUCT)
    canvas.setCreator(PRODUCT)
    canvas.setProducer(PRODUCT)
    canvas.setKeywords([HANDLE_WITH_CARE])
    drawer = _Drawer(canvas, font, header, len(rows))
    placed = _place(columns)
    titles = [c.title for c in columns]
    getters = [c.cell for c in columns]
    for page in range(1, drawer.pages + 1):
        chunk = rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE]
        cells = [[get(row) for get in getters] for row in chunk]
        drawer.page_frame(page, placed, titles)
        if cells:
            drawer.body(placed, cells)
        else:
            drawer.empty_note()
        drawer.rules(placed, len(cells))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()

"""Page geometry and column definitions shared by every list.

Every list is an A4 landscape table. A row is two lines high (``ROW_HEIGHT``)
unless a cell needs more lines: text is never printed below 7 pt and never
cut, it wraps and the row grows. ``ROWS_PER_PAGE`` rows of the standard
height fill a page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from reportlab.lib.pagesizes import A4, landscape

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
LINE1_SIZE, LINE1_MIN = 8.0, 7.0
LINE2_SIZE, LINE2_MIN = 7.0, 7.0
WRAP_SIZE, WRAP_MIN = 7.0, 7.0
LINE_PITCH = 8.5  # baseline to baseline of the lines of a cell
ROW_BELOW = 3.0  # room under the last baseline of a row
TEXT_SIZE, TEXT_MIN = 7.5, 7.0  # free text broken between characters: never below 7 pt
HEAD_SIZE, HEAD_MIN = 7.0, 5.0
STRIPE_GREY = 0.93
HEAD_GREY = 0.82
RULE_GREY = 0.35

TABLE_LEFT = MARGIN_X
TABLE_RIGHT = PAGE_WIDTH - MARGIN_X
TABLE_TOP = PAGE_HEIGHT - MARGIN_TOP - HEADER_BLOCK
BODY_TOP = TABLE_TOP - TABLE_HEAD_HEIGHT
BODY_BOTTOM_LIMIT = MARGIN_BOTTOM + FOOTER_BLOCK
BODY_HEIGHT = BODY_TOP - BODY_BOTTOM_LIMIT
ROWS_PER_PAGE = int(BODY_HEIGHT // ROW_HEIGHT)


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
    wrap_text: bool = False  # the first line broken between characters over both lines


@dataclass(frozen=True, slots=True)
class Placed:
    """A column's position on the page: edges, usable inner width, alignment."""

    left: float
    right: float
    inner: float
    align: Align
    wrap: bool
    wrap_text: bool = False


def place(columns: Sequence[Column[R]]) -> list[Placed]:
    """Scale the column weights to the table width and compute each column's edges."""
    total = sum(c.weight for c in columns)
    scale = (TABLE_RIGHT - TABLE_LEFT) / total
    placed: list[Placed] = []
    x = TABLE_LEFT
    for c in columns:
        w = c.weight * scale
        placed.append(Placed(x, x + w, w - 2 * PAD, c.align, c.wrap, c.wrap_text))
        x += w
    return placed


def page_count(row_count: int) -> int:
    """Pages a list of ``row_count`` rows of the standard height takes (one page at least).

    Rows that grow take more; the rendered PDF's own count is ``pdf_page_count``."""
    return max(1, math.ceil(row_count / ROWS_PER_PAGE))

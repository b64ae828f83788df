"""Low-level PDF helpers: pre-encoded text operators and stream settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from reportlab import rl_config
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas


class TextBlock:
    """One ``BT … ET`` block assembled from pre-encoded operators, for ``Canvas.drawText``."""

    def __init__(self) -> None:
        self.parts: list[str] = ["BT"]

    def getCode(self) -> str:
        """The PDF operators of the block."""
        return "\n".join([*self.parts, "ET"])


class Encoder:
    """Turns strings into PDF text operators of the embedded font subsets, cached.

    A character's subset is fixed once assigned within a document, so the
    operators for a (text, size) pair never change within one PDF.
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

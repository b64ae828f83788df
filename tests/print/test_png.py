"""A page rendered to PNG by poppler: glyphs drawn, table where it belongs."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtGui import QImage

from kokuho_pc.print import CANDIDATE_TITLE, render_candidate_list
from kokuho_pc.print.demo_rows import demo_candidate_rows, demo_header


def _dark_share(image: QImage, top: float, bottom: float) -> float:
    """Share of dark pixels in a horizontal band (fractions of the height)."""
    width, height = image.width(), image.height()
    dark = total = 0
    for y in range(int(top * height), int(bottom * height), 2):
        for x in range(0, width, 2):
            total += 1
            if image.pixelColor(x, y).lightness() < 110:
                dark += 1
    return dark / total


def test_first_page_renders_to_png(tmp_path: Path) -> None:
    pdf = render_candidate_list(demo_header(CANDIDATE_TITLE), demo_candidate_rows(30))
    source = tmp_path / "list.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(source), str(tmp_path / "p")],
        check=True, capture_output=True,
    )
    png = tmp_path / "p-1.png"
    image = QImage(str(png))
    assert not image.isNull()
    assert image.width() > image.height()  # landscape
    assert abs(image.width() / image.height() - 297 / 210) < 0.01  # A4
    assert _dark_share(image, 0.03, 0.10) > 0.005  # title and header line
    assert _dark_share(image, 0.20, 0.90) > 0.02  # table text and rules
    assert _dark_share(image, 0.985, 1.0) == 0.0  # nothing bleeds off the bottom

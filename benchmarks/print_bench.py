"""Benchmark: the 継続候補世帯リスト drawn on the canvas vs a plain platypus LongTable.

Both render the same rows, cell texts, column widths, font and page size in
the same process with the same stream settings. The baseline is the obvious
reportlab way: ``LongTable`` of plain strings (no Paragraph), ``repeatRows=1``,
a page callback for the header. It prints ``page x`` only (no total), which
spares it a second pass, so the comparison favours the baseline.

Run: ``.venv/bin/python -m benchmarks.print_bench [--quick]``.
"""

from __future__ import annotations

import argparse
import gc
import io
import time
import tracemalloc
from collections.abc import Callable, Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, SimpleDocTemplate, TableStyle

from benchmarks.common import MIN_RUNS, spread_row
from kokuho_pc.print.demo_rows import demo_candidate_rows, demo_header
from kokuho_pc.print.fonts import register_font
from kokuho_pc.print.geometry import (
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    TABLE_LEFT,
    TABLE_RIGHT,
    place,
)
from kokuho_pc.print.pdfops import binary_streams
from kokuho_pc.print.reports import CANDIDATE_TITLE, candidate_columns, render_candidate_list
from kokuho_pc.print.rows import CandidateRow, ReportHeader


def render_longtable(header: ReportHeader, rows: Sequence[CandidateRow]) -> bytes:
    """The same list as a plain platypus LongTable (the baseline)."""
    font = register_font()
    columns = candidate_columns()
    widths = [p.right - p.left for p in place(columns)]
    data: list[list[str]] = [[c.title for c in columns]]
    for row in rows:
        data.append(["\n".join(x for x in c.cell(row) if x) for c in columns])
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 7),
        ("LEADING", (0, 0), (-1, -1), 8.5),
        ("GRID", (0, 0), (-1, -1), 0.4, (0.35, 0.35, 0.35)),
        ("BACKGROUND", (0, 0), (-1, 0), (0.82, 0.82, 0.82)),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [(1, 1, 1), (0.93, 0.93, 0.93)]),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))

    def on_page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        _, page_h = landscape(A4)
        canvas.setFont(font, 15)
        canvas.drawString(TABLE_LEFT, page_h - MARGIN_TOP - 15, header.title)
        canvas.setFont(font, 9)
        canvas.drawString(
            TABLE_LEFT, page_h - MARGIN_TOP - 36,
            f"保険者　{header.municipality_name}（{header.municipality_code}）",
        )
        canvas.drawRightString(TABLE_RIGHT, page_h - MARGIN_TOP - 36, f"{doc.page} 頁")
        canvas.drawRightString(TABLE_RIGHT, MARGIN_BOTTOM, f"出力件数　{len(rows):,} 件")

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=MARGIN_X, rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP + 46, bottomMargin=MARGIN_BOTTOM + 18, title=header.title,
    )
    with binary_streams():
        doc.build([table], onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _time(fn: Callable[[], bytes]) -> tuple[float, bytes]:
    gc.collect()
    start = time.perf_counter()
    pdf = fn()
    return time.perf_counter() - start, pdf


def _peak_mib(fn: Callable[[], bytes]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / (1024 * 1024)


def _say(verbose: bool, text: str) -> None:
    if verbose:
        print(text, flush=True)


def run(quick: bool, verbose: bool = False) -> list[dict[str, object]]:
    """Time and peak memory of ours vs LongTable; rows for the benchmark runner."""
    count = 200 if quick else 10_000
    rows = demo_candidate_rows(count)
    header = demo_header(CANDIDATE_TITLE)
    render_candidate_list(header, rows[:50])  # warm up: font loading, imports
    ours_t: list[float] = []
    base_t: list[float] = []
    for _ in range(MIN_RUNS):  # alternating: LongTable, then ours
        base_s, base_pdf = _time(lambda: render_longtable(header, rows))
        base_t.append(base_s)
        ours_s, ours_pdf = _time(lambda: render_candidate_list(header, rows))
        ours_t.append(ours_s)
    _say(verbose, f"canvas: {ours_t} s; LongTable: {base_t} s")
    ours_mib = _peak_mib(lambda: render_candidate_list(header, rows))
    _say(verbose, f"canvas peak: {ours_mib:.1f} MiB")
    base_mib = _peak_mib(lambda: render_longtable(header, rows))
    note = (
        f"{count} rows; PDF {len(ours_pdf) / 1e6:.2f} MB (LongTable {len(base_pdf) / 1e6:.2f} MB)"
    )
    return [
        spread_row(f"print.candidate_list_{count}.time", ours_t, base_t, "s",
                   note + "; ratio = LongTable time / canvas time (target >= 3)",
                   digits=3, inverse=True),
        {
            "name": f"print.candidate_list_{count}.peak_memory", "value": round(ours_mib, 1),
            "baseline": round(base_mib, 1), "ratio": round(base_mib / ours_mib, 2),
            "unit": "MiB",
            "note": "tracemalloc peak (one run each: deterministic); ratio = LongTable / canvas",
        },
    ]


def main() -> None:
    """Print the benchmark rows."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="200 rows instead of 10,000")
    args = parser.parse_args()
    for row in run(args.quick, verbose=True):
        print(
            f"{row['name']}: ours {row['value']} {row['unit']}, "
            f"LongTable {row['baseline']} {row['unit']}, ratio {row['ratio']}x  ({row['note']})"
        )


if __name__ == "__main__":
    main()

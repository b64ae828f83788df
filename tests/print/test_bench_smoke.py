"""The benchmark's LongTable baseline still builds (so the benchmark does not rot)."""

from __future__ import annotations

from benchmarks.print_bench import render_longtable
from kokuho_pc.print import CANDIDATE_TITLE
from kokuho_pc.print.demo_rows import demo_candidate_rows, demo_header
from tests.print.helpers import page_texts


def test_longtable_baseline_renders_the_same_rows() -> None:
    rows = demo_candidate_rows(30)
    texts = page_texts(render_longtable(demo_header(CANDIDATE_TITLE), rows))
    joined = " ".join(texts)
    assert all(r.candidate_no in joined for r in rows)
    assert all("候補番号" in t for t in texts)  # the baseline repeats its header row too

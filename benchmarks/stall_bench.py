"""Benchmark: the longest GUI event-loop stall while a large import is checked in a job.

A 5 ms ``QTimer`` ticks on the GUI thread while the jobs helper
(:class:`kokuho_pc.ui.jobs.JobRunner`) runs ``check_file_set`` over a KSK01/KSK02
pair of 100,000 persons (quick: 10,000; ``benchmarks.check_bench.make_pair``),
with a progress label as the send screen uses. The value is the longest gap
between two ticks; the baseline is the stall the same check causes when run on
the GUI thread (its duration), i.e. what the jobs helper saves the user from.
The event loop's longest gap while idle is given in the note.

Run: ``.venv/bin/python -m benchmarks.stall_bench [--quick]``.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

from benchmarks.check_bench import TODAY, make_pair
from benchmarks.common import command_line, qt_application, row
from kokuho_pc.formats.checker import check_file_set
from kokuho_pc.services.jobs_protocol import CancelToken, ProgressReporter
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.widgets.qt import QTimer

TICK_MS = 5


def _max_gap(app: object, until: Callable[[], bool], timeout_s: float = 1800.0) -> float:
    """Longest gap between timer ticks while the event loop runs until ``until()``."""
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    deadline = time.perf_counter() + timeout_s
    while not until() and time.perf_counter() < deadline:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.001)
    timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    return max(gaps) if gaps else 0.0


def run(quick: bool) -> list[dict[str, object]]:
    """Rows for the benchmark runner."""
    app = qt_application()
    persons = 10_000 if quick else 100_000
    files = make_pair(persons)
    started = time.perf_counter()
    idle_until = started + 0.5
    idle = _max_gap(app, lambda: time.perf_counter() > idle_until)
    jobs = JobRunner()
    done: list[object] = []

    def work(progress: ProgressReporter, cancel: CancelToken) -> bool:
        progress(0, None, "ファイルを検査しています…")
        return check_file_set(files, today=TODAY).valid

    jobs.run(work, done.append, done.append, progress_label="ファイルを検査しています…")
    stall = _max_gap(app, lambda: bool(done))
    jobs.shutdown()
    if done != [True]:
        raise RuntimeError(f"the check failed: {done!r}")
    started = time.perf_counter()
    check_file_set(files, today=TODAY)  # the same work on the GUI thread: one long stall
    blocking = time.perf_counter() - started
    return [row(f"longest GUI stall while checking {persons:,} persons in a job",
                stall * 1000, blocking * 1000, "ms",
                f"baseline: the same check on the GUI thread; idle loop's longest gap "
                f"{idle * 1000:.1f} ms; ratio = baseline / stall", ratio=blocking / stall,
                digits=1)]


def main() -> None:
    """Print the rows."""
    command_line(run, __doc__, "10,000 persons instead of 100,000")


if __name__ == "__main__":
    main()

"""Benchmark: the longest GUI stall while a real send runs in the jobs helper.

A real event loop: ``QApplication.exec()`` runs while a 5 ms ``QTimer`` moves the
current row of a 2,000-item ``QListWidget`` and repaints it (the paint events are
counted, so the list really is painted), and the jobs helper
(:class:`kokuho_pc.ui.jobs.JobRunner`, ``store=True`` as the send screen uses it)
runs ``SendingService.send`` of a KSK01/KSK02 pair (quick: 2,000 persons; full:
20,000) from an approved medium to a real simulator process over mutual TLS (the
whole product path: medium check, format check, staging, upload, ingest, log
forwarding). The value is the longest gap between two timer ticks during the send.
The baseline is the same send on the GUI thread: its duration is the stall the user
would see without the jobs helper. Runs alternate (job, GUI thread), at least 5 each,
every run a new file set (new creation time). The idle loop's longest gap is in the note.

Run: ``.venv/bin/python -m benchmarks.stall_bench [--quick]``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import MIN_RUNS, command_line, qt_application, spread_row
from kokuho_pc.services.jobs_protocol import CancelToken, ProgressReporter
from kokuho_pc.services.sending import SendingService
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.widgets.qt import QListWidget, QTimer
from tests.simfiles import household_pair
from tests.simhelpers import SimServer, make_pki
from tests.transfer.harness import STAFF, approved_medium, login, make_profile, write_files

TICK_MS = 5
CODE = "082201"


class PaintedList(QListWidget):
    """A list that counts its paint events (the proof that the loop painted it)."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0
        self.addItems([f"世帯 {i:05d} 試湯 一郎" for i in range(2000)])
        self.resize(400, 600)

    def paintEvent(self, event: Any) -> None:
        self.paints += 1
        super().paintEvent(event)


def _loop_while(app: Any, view: PaintedList, start: Any) -> tuple[float, int]:
    """Run ``app.exec()``; ``start(quit)`` begins the work and calls ``quit`` when it ends.
    Returns (longest gap between ticks, paints during the run)."""
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)

    def tick() -> None:
        ticks.append(time.perf_counter())
        view.setCurrentRow((view.currentRow() + 1) % view.count())
        view.viewport().update()

    timer.timeout.connect(tick)
    painted = view.paints
    timer.start()
    QTimer.singleShot(0, lambda: start(lambda: app.exit(0)))  # quit() would close the list
    app.exec()
    timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    return (max(gaps) if gaps else 0.0), view.paints - painted


def run(quick: bool) -> list[dict[str, object]]:
    """Rows for the benchmark runner."""
    app = qt_application()
    persons = 2_000 if quick else 20_000
    runs = MIN_RUNS
    view = PaintedList()
    view.show()
    stalls: list[float] = []
    blocking: list[float] = []
    paints: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        with SimServer(base / "sim" / "data", make_pki(base / "pki", (CODE,))) as sim:
            profile = make_profile(base / "profile", sim, sim.sim_pki, CODE)
            jobs = JobRunner()
            try:
                staff = login(profile, STAFF)
                serial = itertools.count()

                def medium() -> Path:
                    n = next(serial)
                    path = approved_medium(profile, base / f"usb{n}")
                    write_files(path, household_pair(
                        CODE, dt.datetime(2026, 11, 20, 9, 0) + dt.timedelta(minutes=n),
                        persons // 3))
                    return path

                idle, _ = _loop_while(app, view, lambda quit_: QTimer.singleShot(500, quit_))
                for _ in range(runs):
                    source = medium()
                    outcome: list[object] = []

                    def start(quit_: Any, source: Path = source,
                              outcome: list[object] = outcome) -> None:
                        def work(progress: ProgressReporter, cancel: CancelToken) -> object:
                            return SendingService(profile).send(staff, source)

                        def finished(done: object) -> None:
                            outcome.append(done)
                            quit_()

                        jobs.run(work, finished, finished, store=True)

                    stall, painted = _loop_while(app, view, start)
                    result = outcome[0] if outcome else None
                    if not getattr(result, "all_accepted", False):
                        raise RuntimeError(f"the send in a job failed: {result!r}")
                    stalls.append(stall)
                    paints.append(painted)
                    source = medium()
                    started = time.perf_counter()  # the same work on the GUI thread
                    if not SendingService(profile).send(staff, source).all_accepted:
                        raise RuntimeError("the send on the GUI thread failed")
                    blocking.append(time.perf_counter() - started)
                staff.logout()
            finally:
                jobs.shutdown()
                profile.close()
    view.close()
    return [spread_row(
        f"longest GUI stall during a real send of {persons:,} persons in a job",
        stalls, blocking, "ms",
        f"real exec() loop, {TICK_MS} ms timer repainting a 2,000-row list "
        f"({min(paints)}–{max(paints)} paints per send); baseline: the same send on the GUI "
        f"thread (its whole duration); idle loop's longest gap {idle * 1000:.1f} ms; "
        "ratio = baseline / stall", scale=1000, digits=1, inverse=True)]


def main() -> None:
    """Print the rows."""
    command_line(run, __doc__, "2,000 persons instead of 20,000")


if __name__ == "__main__":
    main()

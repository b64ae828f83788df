"""Named pause points for the crash tests (inactive unless a test sets the variables).

The fault tests run a pipeline in a child process with ``KOKUHO_PC_TEST_PAUSE_AT``
set to a point's name and ``KOKUHO_PC_TEST_PAUSE_FILE`` to a path; on reaching
that point the process writes the file and waits, so the test can SIGKILL it at
exactly that moment. Without the variables :func:`checkpoint` does nothing.

A point may carry a detail (the operation-log points carry the record's action):
``NAME`` pauses at the first time the point is reached, ``NAME:DETAIL`` only when
it is reached with that detail. The points are listed in
:data:`kokuho_pc.transfer.faultpoints.POINTS` (transfers) and
:data:`kokuho_pc.audit.log.OPLOG_POINTS` (the operation log).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ENV_PAUSE_AT = "KOKUHO_PC_TEST_PAUSE_AT"
ENV_PAUSE_FILE = "KOKUHO_PC_TEST_PAUSE_FILE"


def checkpoint(name: str, detail: str | None = None) -> None:
    """Pause forever at ``name`` when a crash test asked for it; otherwise return at once."""
    wanted = os.environ.get(ENV_PAUSE_AT)
    if wanted is None or (wanted != name and (detail is None or wanted != f"{name}:{detail}")):
        return
    marker = os.environ.get(ENV_PAUSE_FILE)
    if marker:
        # the point reached (with its detail), so a test can tell where the process stopped;
        # written whole then renamed: a test polling for the file never reads it empty
        target = Path(marker)
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        partial.write_text(name if detail is None else f"{name}:{detail}", encoding="ascii")
        os.replace(partial, target)
    while True:  # the test kills the process here
        time.sleep(0.05)

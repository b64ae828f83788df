"""Named kill points inside the simulator's ingest (test-only, off unless asked for).

A fault test starts the simulator with ``SHUYAKU_SIM_TEST_KILL_AT`` set to a point's
name; on reaching it the process SIGKILLs itself, as a power cut would at exactly
that moment. The variable is read once, when this module is imported: without it
:func:`kill_point` is one test of an empty frozenset, so the production path pays
nothing measurable.

Points:

- ``ingest_before_commit``: the whole submission (its row, persons, deliveries,
  candidates) is written inside the transaction, COMMIT not yet run — after a
  restart nothing of it exists;
- ``ingest_after_commit``: COMMIT done, the answer not yet sent — after a restart
  the submission exists once and the client's resend (same Idempotency-Key) is
  answered from it, never ingested twice.
"""

from __future__ import annotations

import os
import signal

ENV_KILL_AT = "SHUYAKU_SIM_TEST_KILL_AT"
POINTS = ("ingest_before_commit", "ingest_after_commit")

_ARMED = frozenset(p for p in os.environ.get(ENV_KILL_AT, "").split(",") if p)


def kill_point(name: str) -> None:
    """SIGKILL this process at ``name`` when a fault test armed it; otherwise return."""
    if _ARMED and name in _ARMED:
        os.kill(os.getpid(), signal.SIGKILL)

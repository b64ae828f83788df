"""Named pause points for the crash tests (inactive unless a test sets the variables).

The fault tests run a pipeline in a child process with ``KOKUHO_PC_TEST_PAUSE_AT``
set to a point's name and ``KOKUHO_PC_TEST_PAUSE_FILE`` to a path; on reaching
that point the process writes the file and waits, so the test can SIGKILL it at
exactly that moment. Without the variables :func:`checkpoint` does nothing (it lives in
:mod:`kokuho_pc.store.faultpoints`, so the operation log below the transfers can pause too).
"""

from __future__ import annotations

from kokuho_pc.store.faultpoints import ENV_PAUSE_AT, ENV_PAUSE_FILE, checkpoint

__all__ = ["ENV_PAUSE_AT", "ENV_PAUSE_FILE", "POINTS", "checkpoint"]

POINTS = (
    "send.staged",          # files staged (encrypted), idempotency key not yet stored
    "send.key_persisted",   # key stored, nothing sent yet
    "send.submitted",       # the server answered; the local job not yet marked done
    "send.between_sets",    # one file set of the medium sent and recorded, the next not begun
    "export.downloaded",    # delivery staged, nothing written to the medium
    "export.mid_write",     # part of the file written under its temporary name
    "export.written",       # file renamed into place and verified, not acknowledged
    "export.acknowledged",  # acknowledged on the server, local state not yet updated
    "confirm.requested",    # 確定指示 about to be sent (services.candidates), nothing sent yet
    "confirm.answered",     # the server confirmed; the operation log not yet written
    "confirm.logged",       # confirmation logged, the screen not yet told
)


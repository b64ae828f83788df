"""Child process of the confirmation fault tests: log in and confirm, like the screen does.

``python -m tests.e2e.confirm_child PROFILE USER CANDIDATE...`` (password on the
first stdin line) opens the profile, logs in, runs ``CandidateService.confirm``
and prints the Japanese outcome the 確定指示 dialog shows. With
``KOKUHO_PC_TEST_PAUSE_AT=confirm.*`` it pauses there for the test to SIGKILL it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kokuho_pc.services.candidates import CandidateService
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import open_profile
from kokuho_pc.ui.candidates.confirm_dialog import outcome_text
from tests.e2e.gui import HASHER


def main(argv: list[str]) -> int:
    """Confirm the candidates named in ``argv``; exit 0 on success."""
    profile_dir, user, *numbers = argv
    password = sys.stdin.readline().rstrip("\n")
    with open_profile(Path(profile_dir), hasher=HASHER) as profile:
        session = LoginService(profile, sleep=lambda _s: None).login(user, password)
        try:
            outcome = CandidateService(profile, session).confirm(numbers)
        finally:
            session.logout(reason="command_end")
    sys.stdout.write(outcome_text(outcome) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

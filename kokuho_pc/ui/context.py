"""What every page of the main window receives (passed in, never a global)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kokuho_pc.services.login import Session
    from kokuho_pc.services.profile import Profile
    from kokuho_pc.ui.jobs import JobRunner


@dataclass(frozen=True)
class AppContext:
    """The open profile, the logged-in session and the job runner.

    Pages build their service objects from ``profile`` and pass ``session`` to
    every service call; all slow calls go through ``jobs`` (``store=True`` for
    anything that touches the local database).
    """

    profile: Profile
    session: Session
    jobs: JobRunner
    # Call after changing the policy (the administration page): the idle lock takes the new
    # timeout at once.
    policy_changed: Callable[[], None] | None = None

    @property
    def demo(self) -> bool:
        """True for a demo profile (pages add the DEMO marking to their dialogs)."""
        return bool(self.profile.is_demo)

"""What the candidate page's mixins (decision_flow, confirm_flow) use of the page itself.

:class:`~kokuho_pc.ui.candidates.candidates_page.CandidatesPage` defines all of it; the
declarations here let each mixin be read and type-checked on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kokuho_pc.services.candidates import CandidateService
from kokuho_pc.ui.candidates.candidate_models import CandidatesTableModel
from kokuho_pc.ui.context import AppContext


class CandidatesPageParts:
    """The page's attributes and methods shared by its mixins."""

    context: AppContext
    service: CandidateService
    model: CandidatesTableModel

    def _run(self, work: Callable[[Any, Any], Any], on_success: Callable[[Any], None],
             on_failure: Callable[[BaseException], None] | None = None,
             label: str | None = None) -> None:
        raise NotImplementedError  # the page's

    def reload(self, select: str | None = None, *, refresh: bool = False) -> None:
        """The page's reload."""
        raise NotImplementedError

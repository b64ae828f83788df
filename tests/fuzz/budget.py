"""How many examples the fuzz campaign runs: ``--fuzz-examples N`` or ``FUZZ_EXAMPLES``.

The default total is 10,000 (CI); each test takes its share of the total.
"""

from __future__ import annotations

import os

DEFAULT_TOTAL = 10_000


def total() -> int:
    """The campaign's total number of examples."""
    return int(os.environ.get("FUZZ_EXAMPLES") or DEFAULT_TOTAL)


def share(fraction: float, minimum: int = 20) -> int:
    """``fraction`` of the total (at least ``minimum``)."""
    return max(minimum, round(total() * fraction))

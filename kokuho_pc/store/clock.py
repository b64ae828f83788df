"""The time source of the security core, injectable so tests can move time.

A clock is any callable returning the current time as an *aware* datetime
(local time with its UTC offset). Fiscal years and validity dates are judged
in that local time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The machine's local time, with its UTC offset."""
    return datetime.now().astimezone()


def fiscal_year(moment: datetime | date) -> int:
    """The Japanese fiscal year (April 1 to March 31) containing ``moment``."""
    return moment.year if moment.month >= 4 else moment.year - 1


class ManualClock:
    """A clock that only moves when told to (for tests, demos and benchmarks)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self.now = start

    def __call__(self) -> datetime:
        """Return the current (manual) time."""
        return self.now

    def advance(self, **delta: float) -> None:
        """Move forward by ``timedelta(**delta)``."""
        from datetime import timedelta

        self.now = self.now + timedelta(**delta)

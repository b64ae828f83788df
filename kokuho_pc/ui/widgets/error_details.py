"""Support details of an exception that never carry personal data.

What staff copy with 「詳細をコピー」 and what the crash log records: the
exception type, the stable error code, and the traceback as file, line and
function only. No local values, no source lines and, for unexpected errors,
no exception message (a ``KeyError`` or ``ValueError`` may quote a field
value). Only the Japanese ``user_message`` of a
:class:`~kokuho_pc.domain.errors.KokuhoError` is kept, which by contract is
free of personal data. A final scan drops any line that still holds a
valid-check-digit 12-digit run.

The time in the details is the open profile's clock (:func:`use_clock`, set when
the profile opens), so a test or demo with an injected clock sees its own time;
before any profile is open only the machine's clock exists.
"""

from __future__ import annotations

import platform
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType

from kokuho_pc import __version__
from kokuho_pc.domain.errors import KokuhoError
from kokuho_pc.domain.leakscan import contains_my_number

Clock = Callable[[], datetime]  # aware local time, as kokuho_pc.store.clock.Clock


def machine_clock() -> datetime:
    """The machine's local time: the only clock before a profile is open."""
    return datetime.now().astimezone()


_clock: Clock = machine_clock


def use_clock(clock: Clock) -> None:
    """Date the details by ``clock`` from now on (the open profile's; ``machine_clock``
    again when it closes)."""
    global _clock
    _clock = clock


def _frames(tb: TracebackType | None) -> list[str]:
    lines = []
    for frame in traceback.extract_tb(tb):
        lines.append(f"  {Path(frame.filename).name}:{frame.lineno} in {frame.name}")
    return lines


def exception_summary(exc: BaseException) -> str:
    """One line naming the exception without its possibly personal message."""
    name = f"{type(exc).__module__}.{type(exc).__qualname__}"
    if isinstance(exc, KokuhoError):
        return f"{name} [{exc.code}]: {exc.user_message}"
    return name


def exception_details(
    exc: BaseException, *, qt_version: str = "", clock: Clock | None = None
) -> str:
    """The support text for ``exc``: versions, time, the exception chain, file:line frames.

    The time is ``clock``'s, by default the one set by :func:`use_clock`."""
    now = (clock or _clock)()
    header = [
        "国保総合PC エラー詳細",
        f"日時: {now.isoformat(timespec='seconds')}",
        f"バージョン: {__version__}",
        f"Python: {platform.python_version()} ({sys.platform})",
    ]
    if qt_version:
        header.append(f"Qt: {qt_version}")
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 5:
        chain.append(current)
        current = current.__cause__ or current.__context__
    body: list[str] = []
    for position, item in enumerate(chain):
        if position:
            body.append("原因:")
        body.append(exception_summary(item))
        body.extend(_frames(item.__traceback__))
    lines = [*header, "", *body]
    return "\n".join(line for line in lines if not contains_my_number(line))

"""Read records line by line with a hard cap per line (bounded memory on hostile input)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

# Read size used to skip the rest of an over-long line.
_SKIP_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Line:
    """One record: its 1-based number, its bytes without the line end, and what was wrong.

    ``problem`` is ``None`` (ended by CR LF), ``"line_end"`` (ended by a bare
    LF or by the end of the file) or ``"line_too_long"`` (no line end within the
    cap; ``content`` then holds only the first ``cap`` bytes).
    """

    number: int
    content: bytes
    problem: str | None


def iter_lines(stream: BinaryIO, cap: int) -> Iterator[Line]:
    """Yield the records of ``stream``; no line ever takes more than ``cap`` bytes of memory."""
    number = 0
    readline = stream.readline
    limit = cap + 2
    while True:
        raw = readline(limit)
        if not raw:
            return
        number += 1
        if raw.endswith(b"\r\n"):
            yield Line(number, raw[:-2], None)
        elif raw.endswith(b"\n"):
            yield Line(number, raw[:-1], "line_end")
        elif len(raw) < limit:
            yield Line(number, raw, "line_end")  # last line without a line end
        else:
            # Over-long: discard up to the next LF without keeping it in memory.
            while True:
                rest = readline(_SKIP_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield Line(number, raw[:cap], "line_too_long")

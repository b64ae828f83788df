"""Push records one at a time into a fixed-length file through the shared writer.

:func:`kokuho_pc.formats.writer.iter_fixed` pulls records from an iterable.
To write KSK01, KSK02 and KKG01 in one pass over a population (each
household gives records to all three), :class:`FixedSink` feeds the writer's
generator one record per step and hands each encoded line to ``write``, so
the bytes are exactly the writer's and memory holds one record per file.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterator, Mapping

from kokuho_pc.formats.writer import iter_fixed

Record = Mapping[str, object]


class FixedSink:
    """One fixed-length interface file being written record by record."""

    def __init__(
        self, if_id: str, municipality_code: str, created: dt.datetime,
        write: Callable[[bytes], object],
    ) -> None:
        self._pending: deque[Record] = deque()
        self._done = False
        self._write = write
        self.count = 0
        self._lines = iter_fixed(if_id, municipality_code, created, self._source())
        self._write(next(self._lines))  # the header

    def _source(self) -> Iterator[Record]:
        while not self._done:
            yield self._pending.popleft()

    def add(self, record: Record) -> None:
        """Encode and write one data record."""
        self._pending.append(record)
        self._write(next(self._lines))
        self.count += 1

    def close(self) -> None:
        """Write the trailer (with the data record count)."""
        self._done = True
        for line in self._lines:
            self._write(line)

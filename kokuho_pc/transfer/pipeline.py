"""What the send and export pipelines share: their parts and their step loop.

Both run with the same parts (transfer bookkeeping, operation log, encrypted
staging, a client factory and a clock) and walk their work items the same
way: before each item stop if the user cancelled, report progress, and once
every item is done report completion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import TypeVar

from kokuho_pc.domain.errors import Cancelled
from kokuho_pc.transfer.client import ConsolidationClient
from kokuho_pc.transfer.ports import (
    CancelCheck,
    OperationLog,
    ProgressCallback,
    never_cancelled,
    no_progress,
)
from kokuho_pc.transfer.records import TransferRecords
from kokuho_pc.transfer.staging import StagingArea

T = TypeVar("T")


class TransferPipeline:
    """Base of the send and export pipelines: the parts one run works with (Qt-free).

    ``after_run(client)`` runs once the work succeeded, over the same client
    (and connection): the services forward the operation log there.
    """

    def __init__(
        self,
        *,
        records: TransferRecords,
        oplog: OperationLog,
        staging: StagingArea,
        client_factory: Callable[[], ConsolidationClient],
        today: Callable[[], date],
        after_run: Callable[[ConsolidationClient], object] | None = None,
    ) -> None:
        self._records = records
        self._oplog = oplog
        self._staging = staging
        self._client_factory = client_factory
        self._today = today
        self._after_run = after_run

    def _finish(self, client: ConsolidationClient) -> None:
        """Run the ``after_run`` step (forwarding the operation log) over the run's client."""
        if self._after_run is not None:
            self._after_run(client)


def run_callbacks(
    progress: ProgressCallback | None, is_cancelled: CancelCheck | None
) -> tuple[ProgressCallback, CancelCheck]:
    """The progress and cancel callbacks of a run, defaulting to none and never."""
    return progress or no_progress, is_cancelled or never_cancelled


def each_step(
    items: Sequence[T], report: ProgressCallback, cancelled: CancelCheck,
    label: str, done_label: str,
) -> Iterator[T]:
    """Yield each item; before each, raise ``Cancelled`` if asked to stop and report
    ``(index, total, label)``; after the last, report ``(total, total, done_label)``."""
    for index, item in enumerate(items):
        if cancelled():
            raise Cancelled()
        report(index, len(items), label)
        yield item
    report(len(items), len(items), done_label)

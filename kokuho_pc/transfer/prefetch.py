"""Deliveries downloaded into staging and prepared one step ahead, on a worker thread.

While the export writes and acknowledges one delivery, the next one is
already downloading into an encrypted staged file and being prepared (read
back and checked): socket reads, RE2 matching, hashing and the medium's
fsyncs all let both threads run. The worker has its own client (connection)
and touches neither the store nor the medium; its ``prepare`` step is pure
computation, and every decision (refusing a bad hash or a bad file, logging,
writing, acknowledging) stays with the caller, in order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Generic, TypeVar

from kokuho_pc.domain.errors import Cancelled
from kokuho_pc.transfer.client import ConsolidationClient
from kokuho_pc.transfer.staging import StagedFile, StagingSession

T = TypeVar("T")

Prepare = Callable[[str, StagedFile, "str | None"], T]
"""``prepare(name, staged, server_hash)``: run on the worker once ``staged`` is finished
(its plaintext SHA-256 known); pure computation, no store or medium access."""


class Downloads(Generic[T]):
    """Downloads into ``session`` and prepares on one worker thread; a context manager.

    :meth:`start` queues a delivery (once); :meth:`result` waits for it and
    returns what ``prepare`` returned, or raises what the download or the
    preparation raised. Leaving the context stops a download in progress at
    its next chunk and waits for the worker, so every staged file it made
    exists before the session removes them.
    """

    def __init__(
        self, client_factory: Callable[[], ConsolidationClient], session: StagingSession,
        prepare: Prepare[T], *, cancelled: Callable[[], bool] | None = None,
    ) -> None:
        self._client_factory = client_factory
        self._session = session
        self._prepare = prepare
        self._cancelled = cancelled  # the user's cancel (thread-safe), checked per chunk
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-download")
        self._stop = threading.Event()
        self._client: ConsolidationClient | None = None
        self._futures: dict[str, Future[T]] = {}

    def start(self, name: str, *, via: ConsolidationClient | None = None) -> None:
        """Queue the download of ``name`` unless it is queued already.

        ``via``: a client of the caller to download with (already connected, so
        no second handshake before the first delivery). The caller must not use
        it again until :meth:`result` for ``name`` has returned.
        """
        if name not in self._futures:
            self._futures[name] = self._pool.submit(self._fetch, name, via)

    def result(self, name: str) -> T:
        """Wait for ``name`` (queuing it if needed); raise what its download raised."""
        self.start(name)
        return self._futures.pop(name).result()

    def _fetch(self, name: str, via: ConsolidationClient | None) -> T:
        client = via
        if client is None:
            if self._client is None:
                self._client = self._client_factory()
            client = self._client
        staged = self._session.new_file()
        chunks, server_hash, close = client.download_delivery(name)
        try:
            for chunk in chunks:
                if self._stop.is_set() or (self._cancelled is not None and self._cancelled()):
                    raise Cancelled()
                staged.write(chunk)
        finally:
            close()
        staged.finish()
        if self._stop.is_set():
            raise Cancelled()
        return self._prepare(name, staged, server_hash)

    def close(self) -> None:
        """Stop, wait for the worker, close its client."""
        self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._client is not None:
            self._client.close()
        self._futures.clear()

    def __enter__(self) -> Downloads[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

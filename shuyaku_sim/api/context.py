"""What an operation's handler reaches: the caller (terminal + staff) and the engine runner.

The engine is synchronous (SQLite); :class:`EngineRunner` runs its calls on a thread
pool so the event loop keeps serving TLS handshakes and other requests meanwhile.
Reading calls run at once, side by side (each pool thread reads on its own connection:
WAL snapshots, see :class:`shuyaku_sim.storage.Database`). Writing calls are serialised
(SQLite has one writer); one that waits longer than ``ENGINE_WAIT`` for its turn is
answered 503 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from aiohttp import web

from shuyaku_sim.api.errors import RETRY_AFTER, ApiError, busy
from shuyaku_sim.engine import Engine
from shuyaku_sim.server_tls import Terminal

T = TypeVar("T")

# Seconds a request waits for the engine (busy with another request) before answering
# 503 with Retry-After; SHUYAKU_SIM_BUSY_WAIT overrides it (tests use a short wait).
ENGINE_WAIT = 15.0
WORKERS = 16  # decoding bodies and writing
READERS = 8  # reads have their own threads: 44 bodies being decoded never queue a read
DECODERS = 1  # large uploads decoded at a time (see EngineRunner.decode)


@dataclass(frozen=True)
class Caller:
    """Who sent the request: the registered terminal and the staff member it named."""

    terminal: Terminal
    staff_id: str

    def municipality(self) -> str:
        """The caller's municipality (the federation terminal has none: 403)."""
        if self.terminal.municipality is None:
            raise ApiError(403, "forbidden", "この端末からは行えない操作です。")
        return self.terminal.municipality


class EngineRunner:
    """Runs engine calls and other blocking work off the event loop."""

    def __init__(self, engine: Engine, data_dir: Path, workers: int = WORKERS) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix="engine")
        self.readers = ThreadPoolExecutor(READERS, thread_name_prefix="reader")
        self.wait = _busy_wait()
        self._lock: asyncio.Lock | None = None
        self._decoding: asyncio.Semaphore | None = None
        self.closing = False

    def _engine_lock(self) -> asyncio.Lock:
        if self._lock is None:  # created inside the running loop
            self._lock = asyncio.Lock()
        return self._lock

    async def offload(self, fn: Callable[..., T], *args: object) -> T:
        """Run CPU-bound work (parsing, decoding) on the pool, without the engine."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, *args))

    async def decode(self, fn: Callable[..., T], *args: object) -> T:
        """Run the decoding of a large upload (JSON, Base64), one at a time.

        These calls hold the GIL for their whole length; 44 uploads decoded at once
        would keep every read waiting. One at a time they still overlap the ingest
        in progress (the writer is busy anyway), and the reads keep their turn.
        """
        if self._decoding is None:
            self._decoding = asyncio.Semaphore(DECODERS)
        async with self._decoding:
            return await self.offload(fn, *args)

    async def read(self, fn: Callable[..., T], *args: object) -> T:
        """Run ``fn(engine, *args)`` (a reading call) on the pool, beside other calls."""
        self._refuse_if_closing()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.readers, functools.partial(fn, self.engine, *args))

    async def write(self, fn: Callable[..., T], *args: object) -> T:
        """Run ``fn(engine, *args)`` (a writing call) on the pool, one writer at a time."""
        return await self._call(fn, args)

    async def _call(self, fn: Callable[..., T], args: tuple[object, ...]) -> T:
        lock = self._engine_lock()
        try:
            await asyncio.wait_for(lock.acquire(), self.wait)
        except TimeoutError:
            raise busy() from None
        try:
            self._refuse_if_closing()
            return await self.offload(fn, self.engine, *args)
        finally:
            lock.release()

    def _refuse_if_closing(self) -> None:
        if self.closing:
            raise ApiError(503, "shutting_down", "国保情報集約システムは停止処理中です。",
                           retry_after=RETRY_AFTER)

    def close(self) -> None:
        """Wait for the calls still running, then close the engine's database."""
        self.closing = True
        self.readers.shutdown(wait=True)
        self.executor.shutdown(wait=True)
        self.engine.close()


def _busy_wait() -> float:
    raw = os.environ.get("SHUYAKU_SIM_BUSY_WAIT", "")
    try:
        return max(0.0, float(raw)) if raw else ENGINE_WAIT
    except ValueError:
        return ENGINE_WAIT


CALLER = web.RequestKey("caller", Caller)
RUNNER = web.AppKey("runner", EngineRunner)


def caller(request: web.Request) -> Caller:
    """The authenticated caller of ``request`` (set by the application's middleware)."""
    return request[CALLER]


def runner(request: web.Request) -> EngineRunner:
    """The engine runner of the application serving ``request``."""
    return request.app[RUNNER]

"""A medium pulled out: after the moment it goes, every operation on it fails with EIO.

:class:`PulledMedium` wraps the ``os`` calls the product reaches a medium through
(open, stat/lstat, listdir/scandir, unlink/remove, rename/replace, mkdir/rmdir,
``statvfs``; fsync/fdatasync/fstat of a descriptor whose file is on it, found through
``/proc/self/fd``) for paths under one directory. Until
:meth:`PulledMedium.pull` they pass through; after it each raises ``OSError(EIO)``,
as a USB stick's file system does once the device is gone — so the product cannot
remove its temporary file, fsync or rename, and must say so. :meth:`PulledMedium.reinsert`
puts the stick back: whatever was on it before (a partial temporary included) is there.

A test-side boundary, like the failing write in ``test_faults.FailingMediumFile``: the
kernel offers no unprivileged way to make a directory's file system vanish.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

_PATH_CALLS = ("open", "stat", "lstat", "listdir", "scandir", "unlink", "remove", "rmdir",
               "mkdir", "statvfs")
_TWO_PATH_CALLS = ("rename", "replace")
_FD_CALLS = ("fsync", "fstat", "fdatasync")


class PulledMedium:
    def __init__(self, medium: Path) -> None:
        self.root = os.path.abspath(medium)
        self.pulled = False
        self.refused: list[str] = []  # the calls that failed because it was gone
        self._real_root = os.path.realpath(medium)

    def pull(self) -> None:
        self.pulled = True

    def reinsert(self) -> None:
        self.pulled = False

    def _on_medium(self, path: Any) -> bool:
        if isinstance(path, int) or path is None:
            return False
        text = os.fsdecode(os.fspath(path))
        full = os.path.abspath(text)
        return full == self.root or full.startswith(self.root + os.sep)

    def _fd_on_medium(self, fd: int) -> bool:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            return False
        return target == self._real_root or target.startswith(self._real_root + os.sep)

    def _gone(self, call: str) -> OSError:
        self.refused.append(call)
        return OSError(errno.EIO, os.strerror(errno.EIO))

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for name in _PATH_CALLS:
            monkeypatch.setattr(os, name, self._path_call(name, getattr(os, name)))
        for name in _TWO_PATH_CALLS:
            monkeypatch.setattr(os, name, self._two_path_call(name, getattr(os, name)))
        for name in _FD_CALLS:
            monkeypatch.setattr(os, name, self._fd_call(name, getattr(os, name)))

    def _path_call(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(path: Any = None, *args: Any, **kwargs: Any) -> Any:
            on_medium = self._on_medium(path if path is not None else ".")
            if on_medium and self.pulled:
                raise self._gone(name)
            return real(path, *args, **kwargs) if path is not None else real(*args, **kwargs)
        return call

    def _two_path_call(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
            if self.pulled and (self._on_medium(src) or self._on_medium(dst)):
                raise self._gone(name)
            return real(src, dst, *args, **kwargs)
        return call

    def _fd_call(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(fd: int, *args: Any, **kwargs: Any) -> Any:
            if self.pulled and self._fd_on_medium(fd):
                raise self._gone(name)
            return real(fd, *args, **kwargs)
        return call

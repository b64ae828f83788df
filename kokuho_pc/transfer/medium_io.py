"""Reading from and writing to an approved medium, every access logged.

Reads never modify the medium. Writes are atomic: a temporary name in the
same directory, write, fsync, rename, fsync of the directory, then the file
is read back and its SHA-256 compared. A removed medium or a full disk
leaves no file under the final name (the temporary file is removed, or, if
the medium vanished, swept by the next export on that medium).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.formats.filenames import display_name, looks_like_interface_file
from kokuho_pc.transfer.errors import MediaWriteFailed
from kokuho_pc.transfer.media import ApprovedMedium
from kokuho_pc.transfer.ports import OperationLog, log_hash
from kokuho_pc.transfer.records import FileEntry

TMP_MARK = ".kokuho-tmp"


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":  # pragma: no cover - directories cannot be fsynced on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass  # the medium is gone: nothing is left under the final name either


def sha256_file(path: Path) -> tuple[int, str]:
    """(size, SHA-256 hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while block := f.read(1024 * 1024):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


class MediumFiles:
    """File access on one approved medium; every read and write goes to the operation log."""

    def __init__(self, medium: ApprovedMedium, oplog: OperationLog) -> None:
        self.medium = medium
        self._oplog = oplog

    def _log(self, action: AuditAction, result: AuditResult, name: str, size: int | None,
             sha256: str | None, reason: str | None = None) -> None:
        targets: dict[str, object] = {"medium": self.medium.media_id, "file": display_name(name),
                                      "size": size, "sha256": log_hash(sha256)}
        if reason:
            targets["reason"] = reason
        self._oplog.record(action, self.medium.staff_id, targets, result)

    def interface_files(self) -> list[str]:
        """Names of the interface files at the medium's top level, sorted.

        Misnamed ones (other case, a Windows copy, ...) are listed too: the
        check reports them, so they are never sent and never skipped in silence.
        """
        return sorted(p.name for p in self.medium.path.iterdir()
                      if p.is_file() and not p.name.startswith(".")
                      and looks_like_interface_file(p.name))

    def read(self, name: str) -> bytes:
        """Read one file (opened read-only); logged with its size and SHA-256."""
        if "/" in name or "\\" in name or name.startswith("."):
            raise MediaWriteFailed("媒体上のファイル名が正しくありません。")
        data = (self.medium.path / name).read_bytes()
        self._log(AuditAction.MEDIA_READ, AuditResult.SUCCESS, name, len(data),
                  hashlib.sha256(data).hexdigest())
        return data

    def remove_stale_temporaries(self) -> int:
        """Delete our own temporary files a crash left on the medium; return the count."""
        count = 0
        for p in self.medium.path.iterdir():
            if p.is_file() and p.name.startswith(".") and p.name.endswith(TMP_MARK):
                p.unlink(missing_ok=True)
                count += 1
        return count

    def existing(self, name: str) -> FileEntry | None:
        """Size and hash of a file already on the medium under ``name``, or None."""
        final = self.medium.path / name
        if not final.is_file():
            return None
        size, digest = sha256_file(final)
        return FileEntry(name, size, digest)

    def write_atomic(
        self, name: str, chunks: Iterable[bytes | memoryview], expected_sha256: str,
        on_chunk: Callable[[int], None] | None = None,
    ) -> FileEntry:
        """Write ``chunks`` as ``name`` atomically and verify by reading back.

        ``on_chunk(bytes_written)`` is called after each chunk (progress and
        cancel points). Raises :class:`MediaWriteFailed`; then no file exists
        under ``name``.
        """
        if "/" in name or "\\" in name or name.startswith(".") or TMP_MARK in name:
            raise MediaWriteFailed("媒体上のファイル名が正しくありません。")
        directory = self.medium.path
        final = directory / name
        tmp = directory / f".{name}{TMP_MARK}"
        written = 0
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0),
                         0o600)
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                    written += len(chunk)
                    if on_chunk is not None:
                        on_chunk(written)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, final)
            _fsync_dir(directory)
            size, digest = sha256_file(final)
        except OSError as exc:
            _remove_quietly(tmp)
            self._log(AuditAction.MEDIA_WRITE, AuditResult.FAILURE, name, written, None, "io_error")
            raise MediaWriteFailed() from exc
        except BaseException:
            _remove_quietly(tmp)
            raise
        if digest != expected_sha256:
            final.unlink(missing_ok=True)
            self._log(AuditAction.MEDIA_WRITE, AuditResult.FAILURE, name, size, digest,
                      "verify_failed")
            raise MediaWriteFailed("書き込んだファイルを読み直した結果が一致しません。")
        self._log(AuditAction.MEDIA_WRITE, AuditResult.SUCCESS, name, size, digest)
        return FileEntry(name, size, digest)

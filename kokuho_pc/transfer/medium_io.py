"""Reading from and writing to an approved medium, every access logged.

Reads never modify the medium. Writes are atomic: a temporary name in the
same directory, write, fsync, rename, fsync of the directory, then the file
is read back and its SHA-256 compared. A removed medium or a full disk
leaves no file under the final name (the temporary file is removed, or, if
the medium vanished, swept by the next export on that medium).

A medium is hostile ground (issue 14): nothing on it is followed or trusted.
Files are opened with ``O_NOFOLLOW`` (and checked with ``lstat`` first, where
the platform has no ``O_NOFOLLOW``) and refused unless they are regular files —
a symlink to a file on the PC, a FIFO or a device is never read. Temporary
files get a random name and are created with ``O_EXCL``, so a link planted
under a predictable name cannot redirect a write. Every interface file has a
size cap derived from its layout (record length × :data:`MAX_DATA_RECORDS`),
checked before a byte is read and again while reading.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.formats.filenames import display_name, looks_like_interface_file
from kokuho_pc.formats.layouts import IF_IDS, get_layout
from kokuho_pc.transfer.errors import MediaRefused, MediaWriteFailed
from kokuho_pc.transfer.media import ApprovedMedium
from kokuho_pc.transfer.ports import OperationLog, log_hash
from kokuho_pc.transfer.records import FileEntry

TMP_MARK = ".kokuho-tmp"
# Our temporary names: ".<final name>.<16 random hex>.kokuho-tmp" (and, from before
# issue 14, ".<final name>.kokuho-tmp"); the sweep removes only these.
_TMP_NAME = re.compile(r"^\..+?(?:\.[0-9a-f]{16})?" + re.escape(TMP_MARK) + "$")

# Data records one interface file may hold. The largest municipal NHI in Japan
# (横浜市) insures about 680,000 persons in about 450,000 households (FY2022), and a
# KKG01 lists the high-cost months of a fraction of them: 1,000,000 leaves ~45 %
# headroom over the largest KSK02 while capping the largest file (KSK02) at 302 MB.
MAX_DATA_RECORDS = 1_000_000
_CSV_FIELD_OVERHEAD = 3  # quotes around a cell and its comma
_UNKNOWN_CELL = 64

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_READ_CHUNK = 1024 * 1024


# A write that cannot grow the file: the medium is full (ENOSPC, EDQUOT) or the file
# is larger than the medium's file system allows (EFBIG: FAT32's 4 GiB, a size limit).
_FULL = frozenset(e for e in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", None))
                  if e is not None)
_FULL_MESSAGE = ("外部媒体の空き容量が足りないため、書き込めませんでした。"
                 "媒体には書きかけのファイルを残していません。")
_FULL_HINT = ("空き容量の多い媒体に替えるか、不要なファイルを削除してから再度実行してください。"
              "書き込めなかった配信は未処理のまま残っています。")
# The temporary could not be removed either (the medium was pulled out mid-write).
_LEFT_MESSAGE = ("外部媒体への書き込みに失敗しました。媒体が取り外された可能性があります。"
                 "書きかけの一時ファイルが媒体に残っている場合がありますが、"
                 "正式な名前のファイルは作成していません。")
_LEFT_HINT = ("媒体を接続し直してから再度実行してください。残った一時ファイルは、"
              "次にこの媒体へ書き出すときに自動で削除します。配信は未処理のまま残っています。")


def _open_for_writing(fd: int) -> BinaryIO:
    """The file object of a new temporary file on the medium.

    The one place every byte written to a medium goes through; the fault tests
    replace it to make the medium's file layer fail mid-write (EIO: the medium
    pulled out; ENOSPC: full).
    """
    return os.fdopen(fd, "wb")


def _layout_cap(if_id: str) -> int:
    layout = get_layout(if_id)
    if layout.record_length:
        line = layout.record_length + 2  # CR LF
        return line * (MAX_DATA_RECORDS + 2)  # + header and trailer
    row = sum((c.length or c.max_length or _UNKNOWN_CELL) * 2 + _CSV_FIELD_OVERHEAD
              for c in layout.columns) + 2
    return row * MAX_DATA_RECORDS


def max_file_bytes(name: str) -> int:
    """The size cap of the interface file ``name`` (by the IF-ID its name holds; a name
    holding none gets the largest cap)."""
    folded = name.casefold()
    caps = [_layout_cap(i) for i in IF_IDS if i.casefold() in folded]
    return max(caps) if caps else max(_layout_cap(i) for i in IF_IDS)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.0f}"


def _not_regular(name: str) -> MediaRefused:
    return MediaRefused(
        "not_regular_file",
        f"媒体上の「{display_name(name)}」は通常のファイルではありません(シンボリックリンク、"
        "ショートカット、特殊ファイルなど)。読み取りません。",
        "市町村システムから出力したファイルそのものを媒体に保存し直してください。",
    )


def _too_large(name: str, size: int, cap: int) -> MediaRefused:
    return MediaRefused(
        "too_large",
        f"媒体上の「{display_name(name)}」が大きすぎます({_megabytes(size)} MB)。このファイルは"
        f"最大 {_megabytes(cap)} MB(データ {MAX_DATA_RECORDS:,} 件)までです。読み取りません。",
        "正しいファイルか確認してください。市町村システムで作成し直してください。",
    )


def _is_link_or_special(path: Path) -> bool:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode)


def _open_regular(path: Path, name: str) -> int:
    """A read-only descriptor of the regular file ``path`` — never through a link."""
    if _is_link_or_special(path):  # platforms without O_NOFOLLOW; and no FIFO open
        raise _not_regular(name)
    try:
        fd = os.open(path, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_BINARY | _O_CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK, errno.ENXIO):
            raise _not_regular(name) from exc
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between lstat and open
            raise _not_regular(name)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":  # pragma: no cover - directories cannot be fsynced on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> bool:
    """Remove ``path``; False if it could not be (the medium is gone: nothing is under
    the final name either, and the next write on the medium sweeps the temporary)."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def sha256_file(path: Path) -> tuple[int, str]:
    """(size, SHA-256 hex) of a regular file, read in chunks (never through a link)."""
    digest = hashlib.sha256()
    size = 0
    with os.fdopen(_open_regular(path, path.name), "rb") as f:
        while block := f.read(_READ_CHUNK):
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
        # lstat only: a link or special file under such a name is listed too (and then
        # refused by read() with a message), never followed; directories are skipped.
        names = []
        for p in self.medium.path.iterdir():
            if p.name.startswith(".") or not looks_like_interface_file(p.name):
                continue
            try:
                if stat.S_ISDIR(os.lstat(p).st_mode):
                    continue
            except OSError:
                continue
            names.append(p.name)
        return sorted(names)

    def read(self, name: str) -> bytes:
        """Read one file (opened read-only); logged with its size and SHA-256."""
        if "/" in name or "\\" in name or name.startswith("."):
            raise MediaWriteFailed("媒体上のファイル名が正しくありません。")
        path = self.medium.path / name
        cap = max_file_bytes(name)
        try:
            fd = _open_regular(path, name)
        except MediaRefused as refused:
            self._log(AuditAction.MEDIA_READ, AuditResult.REFUSED, name, None, None,
                      refused.reason)
            raise
        with os.fdopen(fd, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > cap:
                self._log(AuditAction.MEDIA_READ, AuditResult.REFUSED, name, size, None,
                          "too_large")
                raise _too_large(name, size, cap)
            data = f.read(cap + 1)  # the cap holds even if the file grows meanwhile
        if len(data) > cap:
            self._log(AuditAction.MEDIA_READ, AuditResult.REFUSED, name, len(data), None,
                      "too_large")
            raise _too_large(name, len(data), cap)
        self._log(AuditAction.MEDIA_READ, AuditResult.SUCCESS, name, len(data),
                  hashlib.sha256(data).hexdigest())
        return data

    def remove_stale_temporaries(self) -> int:
        """Delete our own temporary files a crash left on the medium, and any link or
        dangling link under one of our temporary names (never following it); return
        the count. Other entries are left alone."""
        count = 0
        for p in self.medium.path.iterdir():
            if not _TMP_NAME.match(p.name):
                continue
            try:
                mode = os.lstat(p).st_mode
            except OSError:
                continue
            if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
                p.unlink(missing_ok=True)  # unlink removes a link itself, not its target
                count += 1
        return count

    def _remove_links_under_temporary_names(self, name: str) -> None:
        """Links (dangling or not) planted under this file's temporary names are removed;
        they could not redirect the write anyway (random name, O_EXCL, O_NOFOLLOW)."""
        for p in self.medium.path.glob(f".{glob.escape(name)}*{TMP_MARK}"):
            if _TMP_NAME.match(p.name) and p.is_symlink():
                _remove_quietly(p)

    def existing(self, name: str) -> FileEntry | None:
        """Size and hash of a file already on the medium under ``name``, or None."""
        final = self.medium.path / name
        try:
            if not stat.S_ISREG(os.lstat(final).st_mode):
                return None  # a link or special file is not ours: the write replaces it
        except OSError:
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
        self._remove_links_under_temporary_names(name)
        tmp = directory / f".{name}.{secrets.token_hex(8)}{TMP_MARK}"
        written = 0
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_BINARY
                         | _O_CLOEXEC, 0o600)
            with _open_for_writing(fd) as out:
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
            removed = _remove_quietly(tmp)
            full = exc.errno in _FULL
            self._log(AuditAction.MEDIA_WRITE, AuditResult.FAILURE, name, written, None,
                      ("medium_full" if full else "io_error")
                      + ("" if removed else ",temporary_left"))
            if not removed:
                raise MediaWriteFailed(_LEFT_MESSAGE, _LEFT_HINT) from exc
            if full:
                raise MediaWriteFailed(_FULL_MESSAGE, _FULL_HINT) from exc
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

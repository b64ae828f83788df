"""Encrypted staging of the temporary files of a transfer.

Every temporary file of a transfer lives in an app-private directory inside
the profile (0700 directories, 0600 files; a user-only ACL on Windows),
encrypted in chunks with AES-256-GCM under a per-file random key that exists
only in memory. The 12-byte nonce of chunk *i* is the file's random 8-byte
prefix followed by *i* (big-endian, 4 bytes); the associated data binds the
file header, the chunk index and a final-chunk flag, so a changed, reordered,
dropped or truncated chunk is detected and aborts the transfer with
:class:`StagingTampered`.

A :class:`StagingSession` (a context manager) owns one transfer's files and
removes them when the transfer ends, fails or is cancelled. :func:`sweep`
removes whatever a crash left behind (the key died with the process, so the
remains are undecryptable noise) and returns how many files it removed.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kokuho_pc.transfer.errors import StagingTampered

CHUNK_SIZE = 1024 * 1024
_MAGIC = b"KPSTG1\x00\x00"
_PREFIX_LEN = 8
_HEADER_LEN = len(_MAGIC) + _PREFIX_LEN
_LEN = struct.Struct(">I")
_TAG_LEN = 16
_MAX_CHUNK_INDEX = 2**32 - 1


def _restrict_dir(path: Path) -> None:
    """Make ``path`` private to the current user (0700 / user-only ACL)."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        user = os.environ.get("USERNAME", "")
        icacls = Path(os.environ.get("SystemRoot", r"C:\Windows")) / "System32" / "icacls.exe"
        subprocess.run(
            [str(icacls), str(path), "/inheritance:r", "/grant:r", f"{user}:(OI)(CI)F"],
            check=True,
            capture_output=True,
        )
    else:
        os.chmod(path, 0o700)


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed and restrict it to the current user."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    _restrict_dir(path)
    return path


def _aad(index: int, final: bool, header: bytes) -> bytes:
    return header + struct.pack(">IB", index, 1 if final else 0)


def _owner_pid(name: str) -> int | None:
    head, sep, _ = name.partition("-")
    return int(head) if sep and head.isdigit() else None


def _pid_alive(pid: int) -> bool:
    """True when process ``pid`` still runs (never signals or stops it)."""
    if sys.platform == "win32":  # pragma: no cover - Windows only; os.kill would terminate it
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class StagedFile:
    """One encrypted temporary file. Write once (streaming), then read back any number of times.

    ``sha256`` and ``size`` describe the plaintext and are known after :meth:`finish`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._key = AESGCM.generate_key(bit_length=256)
        self._aead = AESGCM(self._key)
        self._prefix = secrets.token_bytes(_PREFIX_LEN)
        self._header = _MAGIC + self._prefix
        self._buffer = bytearray()
        self._index = 0
        self._hash = hashlib.sha256()
        self.size = 0
        self.sha256: str | None = None
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        self._out: BinaryIO | None = os.fdopen(fd, "wb")
        self._write_raw(self._header)

    def _write_raw(self, data: bytes) -> None:
        assert self._out is not None
        self._out.write(data)

    def _nonce(self, index: int) -> bytes:
        return self._prefix + struct.pack(">I", index)

    def _seal(self, plain: bytes, final: bool) -> None:
        if self._index > _MAX_CHUNK_INDEX:
            raise OverflowError("staged file too large")
        sealed = self._aead.encrypt(
            self._nonce(self._index), plain, _aad(self._index, final, self._header)
        )
        self._write_raw(_LEN.pack(len(sealed)) + sealed)
        self._index += 1

    def write(self, data: bytes) -> None:
        """Append plaintext; full chunks are encrypted and written immediately."""
        if self._out is None:
            raise ValueError("staged file already finished")
        self._hash.update(data)
        self.size += len(data)
        self._buffer += data
        while len(self._buffer) > CHUNK_SIZE:
            self._seal(bytes(self._buffer[:CHUNK_SIZE]), final=False)
            del self._buffer[:CHUNK_SIZE]

    def finish(self) -> str:
        """Write the final chunk, close the file and return the plaintext SHA-256 (hex).

        No fsync: a staged file is only ever read back by this process (through
        the page cache), and after a crash it is undecryptable noise the sweep
        removes, so making it durable would buy nothing.
        """
        if self._out is None:
            assert self.sha256 is not None
            return self.sha256
        self._seal(bytes(self._buffer), final=True)
        self._buffer.clear()
        out = self._out
        out.close()
        self._out = None
        self.sha256 = self._hash.hexdigest()
        return self.sha256

    def chunks(self) -> Iterator[bytes]:
        """Yield the decrypted plaintext chunks; raise :class:`StagingTampered` on any change."""
        if self._out is not None:
            raise ValueError("staged file not finished")
        with open(self.path, "rb") as f:
            if f.read(_HEADER_LEN) != self._header:
                raise StagingTampered()
            index = 0
            while True:
                raw_len = f.read(_LEN.size)
                if len(raw_len) != _LEN.size:
                    raise StagingTampered()  # truncated before the final chunk
                (length,) = _LEN.unpack(raw_len)
                if length < _TAG_LEN or length > CHUNK_SIZE + _TAG_LEN:
                    raise StagingTampered()
                sealed = f.read(length)
                if len(sealed) != length:
                    raise StagingTampered()
                plain, final = self._open(index, sealed)
                yield plain
                if final:
                    if f.read(1):
                        raise StagingTampered()  # bytes after the final chunk
                    return
                index += 1

    def _open(self, index: int, sealed: bytes) -> tuple[bytes, bool]:
        nonce = self._nonce(index)
        for final in (False, True):
            try:
                return self._aead.decrypt(nonce, sealed, _aad(index, final, self._header)), final
            except InvalidTag:
                continue
        raise StagingTampered()

    def read_all(self) -> bytes:
        """Decrypt the whole file.

        No second SHA-256: every chunk is authenticated with its index and the
        final-chunk flag, so a changed, reordered, dropped, truncated or
        appended chunk already raises :class:`StagingTampered`.
        """
        return b"".join(self.chunks())

    def discard(self) -> None:
        """Close (if open) and delete the file; forget the key."""
        if self._out is not None:
            self._out.close()
            self._out = None
        self.path.unlink(missing_ok=True)
        self._key = b""


class StagingSession:
    """The temporary files of one transfer; a context manager that removes them all on exit."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._files: list[StagedFile] = []

    def new_file(self) -> StagedFile:
        """Create a new empty encrypted staged file in this session."""
        staged = StagedFile(self.directory / f"{secrets.token_hex(12)}.stg")
        self._files.append(staged)
        return staged

    def stage_bytes(self, data: bytes) -> StagedFile:
        """Stage ``data`` (encrypted) and return the finished file."""
        staged = self.new_file()
        for start in range(0, len(data), CHUNK_SIZE):
            staged.write(data[start : start + CHUNK_SIZE])
        staged.finish()
        return staged

    def close(self) -> None:
        """Delete every file of the session and the session directory."""
        for staged in self._files:
            staged.discard()
        self._files.clear()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> StagingSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class StagingArea:
    """The app-private staging directory of a profile (``<profile>/staging``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def session(self) -> StagingSession:
        """Open a new session directory (0700) for one transfer."""
        ensure_private_dir(self.root)
        directory = self.root / f"{os.getpid()}-{secrets.token_hex(8)}"
        directory.mkdir(mode=0o700)
        _restrict_dir(directory)
        return StagingSession(directory)

    def sweep(self) -> int:
        """Remove what crashed runs left under the staging root; return the files removed.

        Call before the login window; the caller writes the count to the
        operation log. Sessions of another process that is still running (a
        command-line transfer next to the desktop application) are left alone.
        """
        if not self.root.exists():
            return 0
        removed = 0
        for entry in list(self.root.iterdir()):
            owner = _owner_pid(entry.name)
            if owner is not None and owner != os.getpid() and _pid_alive(owner):
                continue
            if entry.is_dir() and not entry.is_symlink():
                removed += sum(1 for p in entry.rglob("*") if not p.is_dir())
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
                removed += 1
        return removed

    def leftover_files(self) -> list[Path]:
        """Every file currently under the staging root (for tests and diagnostics)."""
        if not self.root.exists():
            return []
        return sorted(p for p in self.root.rglob("*") if not p.is_dir())

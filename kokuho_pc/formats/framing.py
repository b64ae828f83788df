"""Problems of a whole file's framing, found once before its records are read.

interface-files.md §9: line ends that are LF only or CR only, a file that is
not CP932 (saved as UTF-8, with or without BOM, or as UTF-16), an end-of-file byte 0x1A
after the last record, no line ends at all. Each is reported once at file
level (record ``None``) and the errors it would cause in every record are not
reported. A file with LF-only line ends still has its records checked (with LF
taken as the line end); a file whose records cannot be told apart (CR only, no
line ends) or that is not CP932 is not read further.

The decision rests on the start of the file (``SAMPLE`` bytes) and its last
bytes, so a file of any size costs two short reads.
"""

from __future__ import annotations

import codecs
import io
import os
from dataclasses import dataclass
from typing import BinaryIO

SAMPLE = 64 * 1024
BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
EOF_BYTE = b"\x1a"


@dataclass(frozen=True, slots=True)
class Framing:
    """What :func:`sniff` found: file-level problem codes and how to read the records."""

    problems: tuple[str, ...] = ()
    read_records: bool = True
    lf_only: bool = False
    start: int = 0  # bytes to skip at the start (a BOM)
    end: int | None = None  # where the records end (before an EOF byte); None: the end


def _is_utf8(body: bytes, whole: bool) -> bool:
    """True when ``body`` holds non-ASCII text that is valid UTF-8 (a cut last char is fine)."""
    if body.isascii():
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(body, final=whole)
    except UnicodeDecodeError:
        return False
    return True


def sniff(stream: BinaryIO) -> Framing:
    """Judge the framing of the file in ``stream`` (left positioned where it was)."""
    at = stream.tell()
    head = stream.read(SAMPLE)
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(max(at, size - 64))
    tail = stream.read()
    stream.seek(at)
    problems: list[str] = []
    end: int | None = None
    trailing = len(tail) - len(tail.rstrip(EOF_BYTE))
    if trailing:
        problems.append("eof_byte")
        end = size - trailing
    whole = at + len(head) >= size
    if end is not None:
        head = head[:max(0, end - at)]
    if head.startswith(UTF16_BOMS) or head.count(0) * 4 > len(head) > 0:
        return Framing(("utf16", *problems), read_records=False)  # Notepad's "Unicode"
    start = len(BOM) if head.startswith(BOM) else 0
    body = head[start:]
    if _is_utf8(body, whole):
        return Framing(("utf8", *problems), read_records=False)
    if start:
        problems.insert(0, "bom")
    lf_only = False
    if b"\r\n" not in body and body:
        if b"\n" in body:
            problems.insert(0, "lf_only")
            lf_only = True
        elif b"\r" in body:
            return Framing(("cr_only", *problems), read_records=False)
        elif whole or not _line_end_later(stream, at + len(head), end):
            return Framing(("no_line_end", *problems), read_records=False)
        # else: a first record longer than the sample; the records say what is wrong
    return Framing(tuple(problems), True, lf_only, at + start, end)


def _line_end_later(stream: BinaryIO, offset: int, end: int | None) -> bool:
    """True when CR or LF occurs after ``offset`` (read in chunks, nothing kept)."""
    at = stream.tell()
    stream.seek(offset)
    try:
        while chunk := stream.read(256 * 1024):
            if end is not None and stream.tell() > end:
                chunk = chunk[:max(0, len(chunk) - (stream.tell() - end))]
            if b"\n" in chunk or b"\r" in chunk:
                return True
        return False
    finally:
        stream.seek(at)


class Window(io.RawIOBase):
    """A read-only view of ``stream`` up to ``end`` (the records before an EOF byte)."""

    def __init__(self, stream: BinaryIO, end: int) -> None:
        super().__init__()
        self._stream = stream
        self._end = end

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._stream.tell()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_END:
            return self._stream.seek(self._end + offset)
        return self._stream.seek(offset, whence)

    def _left(self, size: int | None) -> int:
        left = max(0, self._end - self._stream.tell())
        return left if size is None or size < 0 else min(size, left)

    def read(self, size: int | None = -1) -> bytes:
        return self._stream.read(self._left(size))

    def readline(self, size: int | None = -1) -> bytes:
        left = self._left(size)
        return self._stream.readline(left) if left else b""


def framed(stream: BinaryIO, framing: Framing) -> BinaryIO:
    """``stream`` positioned after a BOM and ending before an EOF byte."""
    stream.seek(framing.start)
    if framing.end is None:
        return stream
    window: BinaryIO = Window(stream, framing.end)  # type: ignore[assignment]
    return window

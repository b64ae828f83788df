"""Identify the volume a path lives on, and list mounted removable media.

Linux: the filesystem UUID is found by matching the mount's device number
(``/proc/self/mountinfo``) with the device nodes ``/dev/disk/by-uuid/*`` link
to (no ``blkid`` needed). Windows: the volume serial number from
``GetVolumeInformationW``. A plain directory has no volume identity of its
own; :func:`directory_anchor` (device and inode numbers) is what an emulated
medium binds to instead.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

MOUNTINFO = Path("/proc/self/mountinfo")
BY_UUID = Path("/dev/disk/by-uuid")
REMOVABLE_FSTYPES = frozenset({"vfat", "exfat", "msdos", "ntfs", "ntfs3", "fuseblk", "udf"})
MEDIA_ROOTS = ("/media/", "/mnt/", "/run/media/")
VIRTUAL_FSTYPES = frozenset({"tmpfs", "devtmpfs", "proc", "sysfs", "overlay", "squashfs",
                             "cgroup", "cgroup2", "autofs", "nsfs", "bpf", "ramfs"})


@dataclass(frozen=True)
class MountEntry:
    """One line of ``/proc/self/mountinfo``."""

    mount_point: str
    major: int
    minor: int
    fstype: str
    source: str


@dataclass(frozen=True)
class MountedVolume:
    """A mounted volume that may be a removable medium."""

    path: Path
    fstype: str
    source: str
    volume_id: str | None


def _unescape(field: str) -> str:
    """Undo the octal escapes (``\\040`` for space) of mountinfo fields."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 3 < len(field) and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_mountinfo(text: str) -> list[MountEntry]:
    """Parse the text of ``/proc/self/mountinfo``."""
    entries = []
    for line in text.splitlines():
        parts = line.split()
        if "-" not in parts or len(parts) < 7:
            continue
        sep = parts.index("-")
        major, _, minor = parts[2].partition(":")
        entries.append(
            MountEntry(
                mount_point=_unescape(parts[4]),
                major=int(major),
                minor=int(minor),
                fstype=parts[sep + 1] if sep + 1 < len(parts) else "",
                source=_unescape(parts[sep + 2]) if sep + 2 < len(parts) else "",
            )
        )
    return entries


def mount_of(path: Path, entries: list[MountEntry]) -> MountEntry | None:
    """The entry whose mount point is the longest prefix of ``path``."""
    target = str(path.resolve())
    best: MountEntry | None = None
    for entry in entries:
        mp = entry.mount_point.rstrip("/") or "/"
        if target == mp or target.startswith(mp if mp == "/" else mp + "/"):
            if best is None or len(mp) >= len(best.mount_point.rstrip("/") or "/"):
                best = entry
    return best


def uuid_for_device(major: int, minor: int, by_uuid: Path = BY_UUID) -> str | None:
    """The filesystem UUID whose ``/dev/disk/by-uuid`` link points at device major:minor."""
    if not by_uuid.is_dir():
        return None
    for link in sorted(by_uuid.iterdir()):
        try:
            rdev = os.stat(link).st_rdev
        except OSError:
            continue
        if os.major(rdev) == major and os.minor(rdev) == minor:
            return link.name
    return None


def _windows_serial(path: Path) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    root = os.path.splitdrive(str(path.resolve()))[0] + "\\"
    serial = ctypes.c_uint32(0)
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    ok = kernel32.GetVolumeInformationW(
        ctypes.c_wchar_p(root), None, 0, ctypes.byref(serial), None, None, None, 0
    )
    return f"{serial.value:08X}" if ok else None


def volume_id(path: Path) -> str | None:
    """The OS-given identity of the volume holding ``path`` if it is a volume's root.

    ``uuid:<UUID>`` on Linux, ``serial:<hex>`` on Windows; None for a plain
    directory (not the root of its volume) or when the OS gives no identity.
    """
    if sys.platform == "win32":  # pragma: no cover - Windows only
        drive_root = os.path.splitdrive(str(path.resolve()))[0] + "\\"
        if str(path.resolve()).rstrip("\\") + "\\" != drive_root:
            return None
        serial = _windows_serial(path)
        return f"serial:{serial}" if serial else None
    try:
        entries = parse_mountinfo(MOUNTINFO.read_text(encoding="utf-8"))
    except OSError:
        return None
    entry = mount_of(path, entries)
    if entry is None or os.path.realpath(entry.mount_point) != str(path.resolve()):
        return None
    uuid = uuid_for_device(entry.major, entry.minor)
    return f"uuid:{uuid}" if uuid else None


def directory_anchor(path: Path) -> str:
    """Device and inode numbers of a directory: what an emulated medium binds to."""
    st = os.stat(path)
    return f"{st.st_dev}:{st.st_ino}"


def is_removable_mount(entry: MountEntry) -> bool:
    """True for a mount that looks like a removable medium."""
    if entry.fstype in VIRTUAL_FSTYPES or entry.mount_point == "/":
        return False
    under_media_root = any(entry.mount_point.startswith(root) for root in MEDIA_ROOTS)
    return under_media_root or entry.fstype in REMOVABLE_FSTYPES


def list_mounted_volumes() -> list[MountedVolume]:
    """Mounted removable volumes (Linux: mountinfo; Windows: removable drives)."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return _windows_removable()
    try:
        entries = parse_mountinfo(MOUNTINFO.read_text(encoding="utf-8"))
    except OSError:
        return []
    found = []
    for entry in entries:
        if is_removable_mount(entry):
            uuid = uuid_for_device(entry.major, entry.minor)
            found.append(
                MountedVolume(
                    Path(entry.mount_point), entry.fstype, entry.source,
                    f"uuid:{uuid}" if uuid else None,
                )
            )
    return found


def _windows_removable() -> list[MountedVolume]:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    mask = kernel32.GetLogicalDrives()
    found = []
    for i in range(26):
        if not mask & (1 << i):
            continue
        root = f"{chr(65 + i)}:\\"
        if kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)) != 2:  # DRIVE_REMOVABLE
            continue
        serial = _windows_serial(Path(root))
        found.append(MountedVolume(Path(root), "", root, f"serial:{serial}" if serial else None))
    return found

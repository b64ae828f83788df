"""Approved removable media: registration, signed tokens and the use check.

An administrator registers a medium: a token file (``.kokuho-medium.json``)
is written on it, signed with the PC's Ed25519 key, binding a media ID, the
volume's identity (filesystem UUID or volume serial; for an emulated medium a
random ID plus the directory's device and inode numbers), an expiry at the
fiscal-year end (31 March) and the staff allowed. The registry lives in the
store. Every use is checked here; a refusal carries a Japanese reason and is
written to the operation log.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.store.clock import Clock
from kokuho_pc.transfer.errors import MediaRefused
from kokuho_pc.transfer.ports import OperationLog
from kokuho_pc.transfer.records import MediaRecord, TransferRecords, utc_stamp
from kokuho_pc.transfer.volume import directory_anchor, list_mounted_volumes, volume_id

TOKEN_NAME = ".kokuho-medium.json"  # noqa: S105 - a file name, not a secret
TOKEN_FORMAT = "kokuho-medium/1"  # noqa: S105 - a format tag, not a secret

REASONS: dict[str, str] = {
    "missing": "媒体が見つかりません。",
    "unregistered": "この媒体は使用許可されていません(未登録の媒体です)。",
    "altered": "媒体の使用許可情報が改ざんされています。",
    "copied": "使用許可情報が別の媒体から複製されています。この媒体は使用できません。",
    "expired": "この媒体の使用許可の有効期限が過ぎています。",
    "staff_not_allowed": "この媒体を使用する許可がありません。",
    "revoked": "この媒体の使用許可は取り消されています。",
    "emulated_not_allowed": (
        "外部媒体として認識できません(フォルダを媒体として使うことは許可されていません)。"
    ),
    "no_volume_id": "媒体の識別情報を取得できないため、使用許可できません。",
    "already_registered": "この媒体はすでに使用許可されています。",
}


def reason_message(reason: str) -> str:
    """The Japanese text for a refusal reason code."""
    return REASONS.get(reason, "この媒体は使用できません。")


MAX_TOKEN_BYTES = 64 * 1024


def _read_token(path: Path) -> bytes:
    """The token file's bytes: a regular file only (never through a link, never a FIFO
    or device) and at most 64 KiB; anything else reads as absent."""
    if not stat.S_ISREG(os.lstat(path).st_mode):
        raise OSError("not a regular file")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                 | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError("not a regular file")
        data = f.read(MAX_TOKEN_BYTES + 1)
    if len(data) > MAX_TOKEN_BYTES:
        raise OSError("token too large")
    return data

def new_media_id() -> str:
    """A random media ID such as ``M-7KQ2-XP4D-9RTA-B3NW`` (never a long digit run)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "M-" + "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def fiscal_year_end(today: date) -> date:
    """31 March that ends the fiscal year containing ``today``."""
    return date(today.year + 1 if today.month >= 4 else today.year, 3, 31)


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class MediumStatus:
    """The approval state of a medium as shown in lists (``reason`` None when approved)."""

    path: Path
    media_id: str | None
    emulated: bool
    approved: bool
    reason: str | None
    message: str
    expires: date | None


@dataclass(frozen=True)
class ApprovedMedium:
    """A medium that passed the check for one staff member."""

    path: Path
    media_id: str
    emulated: bool
    staff_id: str
    expires: date


class MediaGate:
    """Registers media and decides whether a medium may be used, logging every decision."""

    def __init__(
        self,
        records: TransferRecords,
        oplog: OperationLog,
        *,
        allow_emulated: bool,
        clock: Clock,
    ) -> None:
        """``clock`` is the profile's: it dates the token and decides expiry."""
        self._records = records
        self._oplog = oplog
        self._allow_emulated = allow_emulated
        self._clock = clock

    def _today(self) -> date:
        return self._clock().date()

    # --- the PC's signing key -------------------------------------------------------
    def _signing_key(self) -> Ed25519PrivateKey:
        raw = self._records.load_signing_key()
        if raw is None:
            key = Ed25519PrivateKey.generate()
            raw = key.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
            self._records.save_signing_key(raw)
            return key
        return Ed25519PrivateKey.from_private_bytes(raw)

    def _key_id(self, key: Ed25519PrivateKey) -> str:
        pub = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return hashlib.sha256(pub).hexdigest()[:16]

    # --- volume identity ------------------------------------------------------------
    def _identity(self, path: Path) -> tuple[str, str | None]:
        """("volume", id) for a real volume root, ("emulated", anchor) for a plain directory."""
        vid = volume_id(path)
        if vid is not None:
            return "volume", vid
        return "emulated", directory_anchor(path)

    # --- registration ---------------------------------------------------------------
    def register(
        self, path: Path, *, admin_id: str, allowed_staff: Sequence[str],
        expires: date | None = None,
    ) -> MediaRecord:
        """Approve the medium at ``path``: write the signed token and record it in the store."""
        if not path.is_dir():
            self._refuse(admin_id, "missing", AuditAction.MEDIA_REGISTER)
        kind, ident = self._identity(path)
        if kind == "emulated" and not self._allow_emulated:
            self._refuse(admin_id, "emulated_not_allowed", AuditAction.MEDIA_REGISTER)
        if (path / TOKEN_NAME).exists():
            status = self.status(path, None)
            if status.reason not in ("unregistered", "altered", "copied", "revoked", "expired"):
                self._refuse(admin_id, "already_registered", AuditAction.MEDIA_REGISTER)
        key = self._signing_key()
        media_id = new_media_id()
        expiry = expires or fiscal_year_end(self._today())
        volume: dict[str, str]
        if kind == "emulated":
            volume = {"kind": "emulated", "id": secrets.token_hex(16), "anchor": str(ident)}
            volume_key = f"{volume['id']}@{ident}"
        else:
            volume = {"kind": "volume", "id": str(ident)}
            volume_key = str(ident)
        payload: dict[str, Any] = {
            "format": TOKEN_FORMAT,
            "media_id": media_id,
            "volume": volume,
            "expires": expiry.isoformat(),
            "allowed_staff": sorted(set(allowed_staff)),
            "issued_by": admin_id,
            "issued_at": utc_stamp(self._clock),
            "key_id": self._key_id(key),
        }
        payload["signature"] = base64.b64encode(key.sign(_canonical(payload))).decode()
        token_bytes = json.dumps(payload, ensure_ascii=False, indent=1).encode() + b"\n"
        # A random temporary name created with O_EXCL and O_NOFOLLOW: a link planted on
        # the medium cannot redirect the write to the PC (issue 14).
        tmp = path / f"{TOKEN_NAME}.{secrets.token_hex(8)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_BINARY", 0), 0o644)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(token_bytes)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path / TOKEN_NAME)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        record = MediaRecord(
            media_id, volume["kind"], volume_key, expiry, tuple(payload["allowed_staff"]),
            admin_id, payload["issued_at"], hashlib.sha256(token_bytes).hexdigest(), None,
        )
        self._records.add_medium(record)
        self._oplog.record(
            AuditAction.MEDIA_REGISTER, admin_id,
            {"medium": media_id, "valid_to": expiry.isoformat(),
             "account": list(record.allowed_staff),
             "reason": "emulated" if kind == "emulated" else "volume"},
        )
        return record

    def revoke(self, media_id: str, *, admin_id: str) -> bool:
        """Revoke an approval; logged. False if there was no such active approval."""
        done = self._records.revoke_medium(media_id, admin_id)
        targets: dict[str, Any] = {"medium": media_id}
        if not done:
            targets["reason"] = "not_active"
        self._oplog.record(AuditAction.MEDIA_REVOKE, admin_id, targets,
                           AuditResult.SUCCESS if done else AuditResult.FAILURE)
        return done

    # --- the check ------------------------------------------------------------------
    def _evaluate(self, path: Path, staff_id: str | None) -> tuple[str | None, dict[str, Any]]:
        """(reason or None, facts) for ``path`` used by ``staff_id`` (None: any staff)."""
        facts: dict[str, Any] = {"emulated": False, "media_id": None, "expires": None}
        try:
            if not path.is_dir():
                return "missing", facts
            kind, ident = self._identity(path)
        except OSError:  # EIO: the medium was pulled out (its mount point is left behind)
            return "missing", facts
        facts["emulated"] = kind == "emulated"
        if kind == "emulated" and not self._allow_emulated:
            return "emulated_not_allowed", facts
        try:
            token_bytes = _read_token(path / TOKEN_NAME)
        except OSError:
            return "unregistered", facts
        try:
            token = json.loads(token_bytes)
            signature = base64.b64decode(token.pop("signature"), validate=True)
            media_id = str(token["media_id"])
        except (ValueError, KeyError, TypeError, AttributeError):
            return "altered", facts
        facts["media_id"] = media_id
        key = self._signing_key()
        if token.get("key_id") != self._key_id(key):
            return "unregistered", facts
        try:
            key.public_key().verify(signature, _canonical(token))
        except InvalidSignature:
            return "altered", facts
        record = self._records.get_medium(media_id)
        if record is None:
            return "unregistered", facts
        facts["expires"] = record.expires
        if record.token_sha256 != hashlib.sha256(token_bytes).hexdigest():
            return "altered", facts
        if record.revoked_at is not None:
            return "revoked", facts
        volume = token.get("volume", {})
        if kind == "emulated":
            current = f"{volume.get('id')}@{ident}"
            if volume.get("kind") != "emulated" or volume.get("anchor") != ident:
                return "copied", facts
        else:
            current = str(ident)
        if current != record.volume_id:
            return "copied", facts
        if self._today() > record.expires:
            return "expired", facts
        if staff_id is not None and staff_id not in record.allowed_staff:
            return "staff_not_allowed", facts
        return None, facts

    def _refuse(self, actor: str, reason: str, action: AuditAction,
                media_id: str | None = None) -> NoReturn:
        self._oplog.record(action, actor, {"reason": reason, "medium": media_id},
                           AuditResult.REFUSED)
        raise MediaRefused(reason, reason_message(reason))

    def connect(self, path: Path, staff_id: str) -> ApprovedMedium:
        """Check the medium for ``staff_id``; log the connection or raise :class:`MediaRefused`."""
        reason, facts = self._evaluate(path, staff_id)
        if reason is not None:
            self._refuse(staff_id, reason, AuditAction.MEDIA_DENY, facts["media_id"])
        self._oplog.record(AuditAction.MEDIA_CONNECT, staff_id, {"medium": facts["media_id"]})
        return ApprovedMedium(path, facts["media_id"], facts["emulated"], staff_id,
                              facts["expires"])

    def status(self, path: Path, staff_id: str | None) -> MediumStatus:
        """The approval state of the medium at ``path`` (nothing is logged)."""
        reason, facts = self._evaluate(path, staff_id)
        return MediumStatus(
            path, facts["media_id"], facts["emulated"], reason is None, reason,
            "使用許可済み" if reason is None else reason_message(reason), facts["expires"],
        )

    def list_media(
        self, staff_id: str | None, extra_dirs: Sequence[Path] = ()
    ) -> list[MediumStatus]:
        """Mounted removable media (plus ``extra_dirs``) with each one's approval state."""
        paths = [v.path for v in list_mounted_volumes()] + list(extra_dirs)
        return [self.status(p, staff_id) for p in paths]

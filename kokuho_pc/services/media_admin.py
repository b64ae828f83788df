"""Use cases around removable media: approve, revoke, list; and the start-up staging sweep.

Only administrators approve or revoke media. The media check itself runs in
every send and export (see :mod:`kokuho_pc.services.sending`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.auth.accounts import Role
from kokuho_pc.auth.session import Session
from kokuho_pc.services.profile import SYSTEM_ACTOR, Profile
from kokuho_pc.transfer.media import MediaGate, MediumStatus
from kokuho_pc.transfer.records import MediaRecord, TransferRecords
from kokuho_pc.transfer.staging import StagingArea

__all__ = ["MediaAdminService", "MediaRecord", "MediumStatus", "media_gate", "sweep_staging"]


def media_gate(profile: Profile) -> MediaGate:
    """The media check of ``profile`` (emulated media only when its policy allows them)."""
    return MediaGate(
        TransferRecords(profile.db, profile.clock), profile.audit,
        allow_emulated=profile.policy().emulated_media_allowed,
        clock=profile.clock,
    )


def sweep_staging(profile: Profile) -> int:
    """Remove what a crash left in staging; log the count. Call before the login window."""
    count = StagingArea(profile.staging_dir).sweep()
    profile.audit.record(AuditAction.TEMP_SWEEP, SYSTEM_ACTOR, {"swept": count})
    return count


class MediaAdminService:
    """Approve, revoke and list removable media."""

    def __init__(self, profile: Profile) -> None:
        self._profile = profile

    def register(
        self, session: Session, medium_dir: Path, allowed_staff: Sequence[str],
        expires: date | None = None,
    ) -> MediaRecord:
        """Approve the medium at ``medium_dir`` for ``allowed_staff`` (administrators only)."""
        session.require(Role.ADMIN)
        with self._profile.db.transaction():
            return media_gate(self._profile).register(
                medium_dir, admin_id=session.user_id, allowed_staff=allowed_staff,
                expires=expires,
            )

    def revoke(self, session: Session, media_id: str) -> bool:
        """Revoke an approval now (administrators only)."""
        session.require(Role.ADMIN)
        with self._profile.db.transaction():
            return media_gate(self._profile).revoke(media_id, admin_id=session.user_id)

    def registered(self, session: Session) -> list[MediaRecord]:
        """Every approval in the store (administrators only)."""
        session.require(Role.ADMIN)
        return TransferRecords(self._profile.db, self._profile.clock).list_media()

    def list_media(self, session: Session, extra_dirs: Sequence[Path] = ()) -> list[MediumStatus]:
        """Mounted removable media (and ``extra_dirs``) with their state for this user."""
        session.require()
        return media_gate(self._profile).list_media(session.user_id, extra_dirs)

    def status(self, session: Session, medium_dir: Path) -> MediumStatus:
        """The approval state of one medium for this user."""
        session.require()
        return media_gate(self._profile).status(medium_dir, session.user_id)

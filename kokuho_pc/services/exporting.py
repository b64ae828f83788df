"""Use case: export deliveries of the consolidation system to an approved medium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kokuho_pc.auth.session import Session
from kokuho_pc.services.media_admin import media_gate
from kokuho_pc.services.profile import Profile
from kokuho_pc.services.sending import (
    ClientFactoryMaker,
    default_client_factory,
    forward_log_quietly,
)
from kokuho_pc.transfer.export import ExportPipeline, ExportResult
from kokuho_pc.transfer.logforward import forward_operation_log
from kokuho_pc.transfer.ports import CancelCheck, ProgressCallback
from kokuho_pc.transfer.records import TransferRecords
from kokuho_pc.transfer.staging import StagingArea
from kokuho_pc.transfer.wiring import today_of

__all__ = ["ExportResult", "ExportingService"]


class ExportingService:
    """List deliveries, export them to an approved medium, forward the operation log."""

    def __init__(self, profile: Profile, *, client_factory: ClientFactoryMaker | None = None
                 ) -> None:
        self._profile = profile
        self._make_factory = client_factory or default_client_factory

    def list_deliveries(self, session: Session) -> list[dict[str, Any]]:
        """Deliveries not yet acknowledged (name, if_id, rows, size, sha256, created_at)."""
        session.require()
        with self._make_factory(self._profile, session.user_id)() as client:
            return client.list_deliveries()

    def export(
        self,
        session: Session,
        medium_dir: Path,
        *,
        progress: ProgressCallback | None = None,
        is_cancelled: CancelCheck | None = None,
    ) -> ExportResult:
        """Write every unacknowledged delivery to the medium, then acknowledge it."""
        session.require()
        profile = self._profile
        medium = media_gate(profile).connect(medium_dir, session.user_id)
        factory = self._make_factory(profile, session.user_id)
        pipeline = ExportPipeline(
            records=TransferRecords(profile.db), oplog=profile.audit,
            staging=StagingArea(profile.staging_dir), client_factory=factory,
            today=today_of(profile.clock),
        )
        result = pipeline.run(medium, progress=progress, is_cancelled=is_cancelled)
        forward_log_quietly(profile, session.user_id, factory)
        return result

    def forward_log(self, session: Session) -> int:
        """Forward the unacknowledged operation log now; return how many were acknowledged."""
        session.require()
        factory = self._make_factory(self._profile, session.user_id)
        return forward_operation_log(self._profile.audit, factory,
                                     TransferRecords(self._profile.db), session.user_id)

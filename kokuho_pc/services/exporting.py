"""Use case: export deliveries of the consolidation system to an approved medium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kokuho_pc.auth.session import Session
from kokuho_pc.services.transfer_runs import TransferService
from kokuho_pc.transfer.export import ExportPipeline, ExportResult
from kokuho_pc.transfer.logforward import forward_operation_log
from kokuho_pc.transfer.ports import CancelCheck, ProgressCallback
from kokuho_pc.transfer.records import TransferRecords

__all__ = ["ExportResult", "ExportingService"]


class ExportingService(TransferService):
    """List deliveries, export them to an approved medium, forward the operation log."""

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
        return self._run_pipeline(
            session, medium_dir, ExportPipeline,
            lambda pipeline, medium: pipeline.run(
                medium, progress=progress, is_cancelled=is_cancelled
            ),
        )

    def forward_log(self, session: Session) -> int:
        """Forward the unacknowledged operation log now; return how many were acknowledged."""
        session.require()
        factory = self._make_factory(self._profile, session.user_id)
        return forward_operation_log(self._profile.audit, factory,
                                     TransferRecords(self._profile.db), session.user_id)

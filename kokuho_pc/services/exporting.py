"""Use case: export deliveries of the consolidation system to an approved medium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.auth.accounts import Role
from kokuho_pc.auth.session import Session
from kokuho_pc.domain.errors import PermissionDenied
from kokuho_pc.services.login import LoginService
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

    def approve_reexport(self, session: Session, admin_id: str, password: str,
                         otp: str | None, names: list[str]) -> str:
        """An administrator approves re-exporting acknowledged deliveries by logging in
        (checked like a login; failures count towards the lockout). Recorded in the
        operation log under the administrator's ID; returns it. Slow: call in a job."""
        session.require()
        account = LoginService(self._profile).check_credentials(admin_id, password, otp)
        if account.role is not Role.ADMIN:
            self._profile.audit.record(AuditAction.EXPORT, account.user_id,
                                       {"files": names, "reason": "reexport_not_admin"},
                                       AuditResult.REFUSED)
            raise PermissionDenied("再移出の承認は情報システム管理者のみが行えます。",
                                   "情報システム管理者にログインしてもらってください。")
        self._profile.audit.record(AuditAction.EXPORT, account.user_id,
                                   {"files": names, "reason": "reexport_approved",
                                    "account": session.user_id})
        return account.user_id

    def reexport(
        self,
        session: Session,
        medium_dir: Path,
        names: list[str],
        approver: str,
        *,
        progress: ProgressCallback | None = None,
        is_cancelled: CancelCheck | None = None,
    ) -> ExportResult:
        """Write acknowledged deliveries to the medium again, as ``approver`` approved."""
        return self._run_pipeline(
            session, medium_dir, ExportPipeline,
            lambda pipeline, medium: pipeline.reexport(
                medium, names, approver, progress=progress, is_cancelled=is_cancelled
            ),
        )

    def forward_log(self, session: Session) -> int:
        """Forward the unacknowledged operation log now; return how many were acknowledged."""
        session.require()
        factory = self._make_factory(self._profile, session.user_id)
        records = TransferRecords(self._profile.db, self._profile.clock)
        return forward_operation_log(self._profile.audit, factory, records, session.user_id)

"""Use case: send the interface files on an approved medium to the consolidation system."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kokuho_pc.auth.session import Session
from kokuho_pc.services.transfer_runs import (  # re-exported: other services import them here
    ClientFactoryMaker,
    TransferService,
    default_client_factory,
    forward_log_quietly,
)
from kokuho_pc.transfer.errors import (  # re-exported: the UI imports errors from services
    ExportFailed,
    FileSetInvalid,
    MediaRefused,
    MediaWriteFailed,
    StagingTampered,
)
from kokuho_pc.transfer.ports import CancelCheck, ProgressCallback
from kokuho_pc.transfer.send import SendPipeline, SendResult, SetOutcome

__all__ = [
    "ClientFactoryMaker", "ExportFailed", "FileSetInvalid", "MediaRefused", "MediaWriteFailed",
    "SendResult", "SendingService", "SetOutcome", "StagingTampered", "default_client_factory",
    "forward_log_quietly",
]


class SendingService(TransferService):
    """Check and send files from an approved medium (staff and administrators)."""

    def send(
        self,
        session: Session,
        medium_dir: Path,
        names: Sequence[str] | None = None,
        *,
        progress: ProgressCallback | None = None,
        is_cancelled: CancelCheck | None = None,
        resend: bool = False,
    ) -> SendResult:
        """Check the medium, check the files, send every set; raise a typed error if refused.

        Content already processed comes back as the earlier receipt with a warning
        (``SetOutcome.already_processed``); ``resend=True`` only after the operator
        confirmed a deliberate resend."""
        return self._run_pipeline(
            session, medium_dir, SendPipeline,
            lambda pipeline, medium: pipeline.run(
                medium, names, progress=progress, is_cancelled=is_cancelled, resend=resend
            ),
        )

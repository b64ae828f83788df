"""Use case: send the interface files on an approved medium to the consolidation system."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from kokuho_pc.auth.session import Session
from kokuho_pc.domain.errors import KokuhoError
from kokuho_pc.services.media_admin import media_gate
from kokuho_pc.services.profile import Profile
from kokuho_pc.transfer.client import ConsolidationClient
from kokuho_pc.transfer.errors import (  # re-exported: the UI imports errors from services
    ExportFailed,
    FileSetInvalid,
    MediaRefused,
    MediaWriteFailed,
    StagingTampered,
)
from kokuho_pc.transfer.logforward import forward_operation_log
from kokuho_pc.transfer.ports import CancelCheck, ProgressCallback
from kokuho_pc.transfer.records import TransferRecords
from kokuho_pc.transfer.send import SendPipeline, SendResult, SetOutcome
from kokuho_pc.transfer.staging import StagingArea
from kokuho_pc.transfer.wiring import client_factory_for, today_of

__all__ = [
    "ExportFailed", "FileSetInvalid", "MediaRefused", "MediaWriteFailed", "SendResult",
    "SendingService", "SetOutcome", "StagingTampered", "default_client_factory",
    "forward_log_quietly",
]

_log = logging.getLogger("kokuho_pc.transfer")

ClientFactoryMaker = Callable[[Profile, str], Callable[[], ConsolidationClient]]


def default_client_factory(profile: Profile, staff_id: str) -> Callable[[], ConsolidationClient]:
    return client_factory_for(profile.policy(), staff_id)


def forward_log_quietly(
    profile: Profile, staff_id: str, factory: Callable[[], ConsolidationClient]
) -> int:
    """Forward the operation log after a transfer; a failure leaves it for the next time."""
    try:
        return forward_operation_log(profile.audit, factory, TransferRecords(profile.db),
                                     staff_id)
    except KokuhoError as exc:
        _log.info("operation log not forwarded (%s); kept for the next transfer", exc.code)
        return 0


class SendingService:
    """Check and send files from an approved medium (staff and administrators)."""

    def __init__(self, profile: Profile, *, client_factory: ClientFactoryMaker | None = None
                 ) -> None:
        self._profile = profile
        self._make_factory = client_factory or default_client_factory

    def send(
        self,
        session: Session,
        medium_dir: Path,
        names: Sequence[str] | None = None,
        *,
        progress: ProgressCallback | None = None,
        is_cancelled: CancelCheck | None = None,
    ) -> SendResult:
        """Check the medium, check the files, send every set; raise a typed error if refused."""
        session.require()
        profile = self._profile
        medium = media_gate(profile).connect(medium_dir, session.user_id)
        factory = self._make_factory(profile, session.user_id)
        pipeline = SendPipeline(
            records=TransferRecords(profile.db), oplog=profile.audit,
            staging=StagingArea(profile.staging_dir), client_factory=factory,
            today=today_of(profile.clock),
        )
        result = pipeline.run(medium, names, progress=progress, is_cancelled=is_cancelled)
        forward_log_quietly(profile, session.user_id, factory)
        return result

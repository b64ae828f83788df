"""What the sending and exporting use cases share: the client factory and one pipeline run.

Both check the session, connect the approved medium through the media gate,
build their pipeline from the profile's parts, run it, and then forward the
operation log, quietly: a failure to forward leaves it for the next transfer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from kokuho_pc.auth.session import Session
from kokuho_pc.domain.errors import KokuhoError, LogForwardRefused
from kokuho_pc.services.media_admin import media_gate
from kokuho_pc.services.profile import Profile
from kokuho_pc.transfer.client import ConsolidationClient
from kokuho_pc.transfer.logforward import forward_over
from kokuho_pc.transfer.media import ApprovedMedium
from kokuho_pc.transfer.pipeline import TransferPipeline
from kokuho_pc.transfer.records import TransferRecords
from kokuho_pc.transfer.staging import StagingArea
from kokuho_pc.transfer.wiring import client_factory_for, today_of

__all__ = [
    "ClientFactoryMaker", "TransferService", "default_client_factory", "forward_log_quietly",
]

_log = logging.getLogger("kokuho_pc.transfer")

ClientFactoryMaker = Callable[[Profile, str], Callable[[], ConsolidationClient]]

P = TypeVar("P", bound=TransferPipeline)
R = TypeVar("R")


def default_client_factory(profile: Profile, staff_id: str) -> Callable[[], ConsolidationClient]:
    """The client factory of the profile's machine policy, for ``staff_id``."""
    return client_factory_for(profile.policy(), staff_id, profile.terminal_key_password())


def forward_log_quietly(profile: Profile, staff_id: str, client: ConsolidationClient) -> int:
    """Forward the operation log after a transfer, over its ``client``. Unreachable: left for
    the next time. Refused (the batch does not extend the server's tip): kept as the
    administrator's alarm (``AuditLog.forward_alarm``; the command line then exits 1), not
    only logged."""
    try:
        records = TransferRecords(profile.db, profile.clock)
        count = forward_over(client, profile.audit, records, staff_id)
    except LogForwardRefused as exc:
        _log.error("the consolidation system refused the forwarded operation log")
        profile.audit.set_forward_alarm(str(getattr(exc, "server_code", exc.code)),
                                        str(getattr(exc, "server_message", exc.user_message)))
        return 0
    except KokuhoError as exc:
        _log.info("operation log not forwarded (%s); kept for the next transfer", exc.code)
        return 0
    if profile.audit.forward_alarm() is not None:
        profile.audit.clear_forward_alarm()
    return count


class TransferService:
    """Base of the sending and exporting services: a profile and its client factory."""

    def __init__(self, profile: Profile, *, client_factory: ClientFactoryMaker | None = None
                 ) -> None:
        self._profile = profile
        self._make_factory = client_factory or default_client_factory

    def _run_pipeline(
        self, session: Session, medium_dir: Path, pipeline_type: type[P],
        run: Callable[[P, ApprovedMedium], R],
    ) -> R:
        """Check the session and the medium, run ``run(pipeline, medium)``; the pipeline
        forwards the operation log over its own client when the work succeeded."""
        session.require()
        profile = self._profile
        medium = media_gate(profile).connect(medium_dir, session.user_id)
        factory = self._make_factory(profile, session.user_id)
        pipeline = pipeline_type(
            records=TransferRecords(profile.db, profile.clock), oplog=profile.audit,
            staging=StagingArea(profile.staging_dir), client_factory=factory,
            today=today_of(profile.clock),
            after_run=lambda client: forward_log_quietly(profile, session.user_id, client),
        )
        return run(pipeline, medium)

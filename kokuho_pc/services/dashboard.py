"""Use case: the home dashboard — what is waiting, what the consolidation system reports.

One call gathers the local figures (the last accepted send from the transfer
bookkeeping, the files waiting on the chosen medium) and the consolidation
system's counts (``GET /api/v1/status`` through the transfer client). A link
that is down, untrusted or misconfigured is not an exception here: it comes
back as a :class:`LinkState` with a Japanese message and what to do, so the
screen shows it as an error instead of staying silent. Counts only, never
personal data. It blocks on disk, store and network: call it through
``context.jobs`` (``store=True``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kokuho_pc.auth.session import Session
from kokuho_pc.domain.errors import (
    ROLLBACK_HINT,
    ROLLBACK_MESSAGE,
    KokuhoError,
    LogForwardRefused,
)
from kokuho_pc.services.jobs_protocol import NO_PROGRESS, CancelToken, ProgressReporter
from kokuho_pc.services.media_admin import MediumStatus
from kokuho_pc.services.messages import describe_error
from kokuho_pc.services.profile import Profile
from kokuho_pc.services.sending import ClientFactoryMaker, default_client_factory
from kokuho_pc.services.transfer_views import TransferViewService, parse_server_time
from kokuho_pc.transfer.records import TransferRecords

__all__ = ["Dashboard", "DashboardService", "LastSend", "LinkState", "MediumWaiting",
           "ServerFigures"]

LINK_OK = "国保情報集約システムと正常に接続しています。"


@dataclass(frozen=True)
class LinkState:
    """The link to the consolidation system: ok, or what went wrong and what to do."""

    ok: bool
    message: str
    hint: str
    code: str


@dataclass(frozen=True)
class LastSend:
    """The latest file set the consolidation system accepted."""

    at: datetime | None
    files: tuple[str, ...]
    submission_id: int | None
    persons: int | None


@dataclass(frozen=True)
class MediumWaiting:
    """Files waiting to be sent on the medium considered (None: no approved medium)."""

    medium: MediumStatus | None
    waiting: int | None
    total: int
    problem: str | None = None  # why the medium could not be read


@dataclass(frozen=True)
class ServerFigures:
    """The consolidation system's counts for this municipality (``summary`` of /status)."""

    undecided_candidates: int
    undelivered_files: int
    rejected_submissions: int
    gap_or_overlap_persons: int
    pending_persons: int

    @property
    def reported_problems(self) -> int:
        """Rejected submissions plus persons with a gap, overlap or missing previous period."""
        return self.rejected_submissions + self.gap_or_overlap_persons + self.pending_persons


@dataclass(frozen=True)
class Dashboard:
    """Everything the home page shows, as of ``refreshed_at``."""

    refreshed_at: datetime
    last_send: LastSend | None
    medium: MediumWaiting
    server: ServerFigures | None
    link: LinkState
    # The administrator's alarm about the operation log (a rollback, or the consolidation
    # system refusing the forwarded log): (message, hint); None when there is none.
    log_alarm: tuple[str, str] | None = None


def last_accepted_send(records: TransferRecords) -> LastSend | None:
    """The most recent send the consolidation system accepted, from the local bookkeeping."""
    best: LastSend | None = None
    for job in records.jobs("send"):
        result = job.result or {}
        if job.state != "done" or result.get("status") != "accepted":
            continue
        at = parse_server_time(result.get("received_at"))
        candidate = LastSend(at, tuple(f.name for f in records.job_files(job.job_id)),
                             result.get("submission_id"), result.get("persons"))
        if best is None or (at is not None and (best.at is None or at >= best.at)):
            best = candidate
    return best


class DashboardService:
    """Builds the :class:`Dashboard` of one profile and session."""

    def __init__(self, profile: Profile, session: Session, *,
                 client_factory: ClientFactoryMaker | None = None) -> None:
        self._profile = profile
        self._session = session
        self._make_factory = client_factory or default_client_factory
        self._views = TransferViewService(profile, session, client_factory=client_factory)

    def summary(
        self, medium_dir: Path | None = None, extra_dirs: Sequence[Path] = (), *,
        progress: ProgressReporter = NO_PROGRESS, cancel: CancelToken | None = None,
    ) -> Dashboard:
        """Gather the figures; the medium is ``medium_dir`` or else the first approved one."""
        self._session.require()
        progress(0, 3, "送信の記録を確認しています")
        last = last_accepted_send(TransferRecords(self._profile.db, self._profile.clock))
        progress(1, 3, "媒体を確認しています")
        medium = self._medium(medium_dir, extra_dirs)
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(2, 3, "国保情報集約システムに問い合わせています")
        server, link = self._server()
        progress(3, 3, "完了しました")
        alarm = self.log_alarm() if self._session.is_admin else None
        return Dashboard(self._profile.clock(), last, medium, server, link, alarm)

    def log_alarm(self) -> tuple[str, str] | None:
        """The operation-log alarm for the administrator's home screen, or None."""
        if self._profile.rollback is not None:
            found = self._profile.rollback
            return (f"{ROLLBACK_MESSAGE}(この端末の記録: 通番 {found.local.seq} まで、"
                    f"確認済みの記録: 通番 {found.expected.seq})", ROLLBACK_HINT)
        refused = self._profile.audit.forward_alarm()
        if refused is not None:
            at, _code, message = refused
            return (f"国保情報集約システムが操作ログの受け取りを拒否しました({at})。{message}",
                    LogForwardRefused.default_hint)
        return None

    def _medium(self, medium_dir: Path | None, extra_dirs: Sequence[Path]) -> MediumWaiting:
        media = self._views.media([*extra_dirs, *([medium_dir] if medium_dir else [])])
        approved = [m for m in media if m.approved]
        chosen = next((m for m in approved if m.path == medium_dir), None)
        chosen = chosen or (approved[0] if approved else None)
        if chosen is None:
            return MediumWaiting(None, None, 0)
        try:
            files = [f for f in self._views.files(chosen.path) if f.sendable]
        except KokuhoError as exc:
            return MediumWaiting(chosen, None, 0, describe_error(exc).message)
        return MediumWaiting(chosen, sum(1 for f in files if not f.sent), len(files))

    def _server(self) -> tuple[ServerFigures | None, LinkState]:
        try:
            with self._make_factory(self._profile, self._session.user_id)() as client:
                answer = client.status()
        except (KokuhoError, OSError, ValueError) as exc:
            described = describe_error(exc)
            return None, LinkState(False, described.message, described.hint, described.code)
        summary = answer.get("summary") or {}

        def count(key: str) -> int:
            value = summary.get(key)
            return int(value) if isinstance(value, int) else 0

        figures = ServerFigures(
            undecided_candidates=count("undecided_candidates"),
            undelivered_files=count("undelivered_files"),
            rejected_submissions=count("rejected_submissions"),
            gap_or_overlap_persons=count("gap_or_overlap_persons"),
            pending_persons=count("pending_persons"),
        )
        return figures, LinkState(True, LINK_OK, "", "ok")

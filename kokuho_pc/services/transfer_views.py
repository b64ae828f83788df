"""What the 移入・送信 and 受信・移出 screens show: media, files on a medium, checks, deliveries.

Typed, Qt-free views without personal data (file names, kinds, sizes, dates,
states and check messages, which never quote a field value). Listing a
medium reads only its directory; the check (「検査」) connects to the approved
medium and reads the files through :class:`~kokuho_pc.transfer.medium_io.MediumFiles`,
so every read is in the operation log, as in a send. Methods touch the disk,
the local store or the network: the screens call them through ``context.jobs``
(``store=True``).
"""

from __future__ import annotations

import stat
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.auth.session import Session
from kokuho_pc.domain.errors import Cancelled, ValidationError
from kokuho_pc.formats.checker import check_file_set
from kokuho_pc.formats.filenames import (
    InvalidFileName,
    display_name,
    guess_if_id,
    looks_like_interface_file,
    parse_file_name,
)
from kokuho_pc.formats.issues import CheckIssue, CheckReport
from kokuho_pc.formats.layouts import IF_IDS, get_layout
from kokuho_pc.services.media_admin import MediumStatus, media_gate
from kokuho_pc.services.profile import Profile
from kokuho_pc.services.sending import ClientFactoryMaker, default_client_factory
from kokuho_pc.transfer.errors import MediaRefused
from kokuho_pc.transfer.medium_io import MediumFiles
from kokuho_pc.transfer.ports import CancelCheck, ProgressCallback
from kokuho_pc.transfer.records import TransferRecords
from kokuho_pc.transfer.wiring import today_of

__all__ = [
    "CheckReport", "DeliveryView", "MediumFileView", "MediumStatus", "TransferViewService",
    "check_rows", "if_label", "medium_kind_label", "sent_files",
]

SENDABLE = ("KSK01", "KSK02", "KKG01")


def to_check_before_sending(name: str) -> bool:
    """True for a file the default check/send of a medium takes.

    Correctly named KSK01/KSK02/KKG01 files, and every misnamed file that may be
    one of them (other case, a Windows copy, ...): the check reports those, so
    they are never sent and never skipped in silence (interface-files.md §2).
    """
    try:
        return parse_file_name(name).if_id in SENDABLE
    except InvalidFileName:
        return guess_if_id(name) in (*SENDABLE, None)
EMULATED_LABEL = "疑似媒体"
REMOVABLE_LABEL = "外部媒体"


def if_label(if_id: str) -> str:
    """The Japanese kind of an interface file, e.g. ``資格情報(世帯)`` (「ファイル」 dropped)."""
    if if_id not in IF_IDS:
        return "不明なファイル"
    name = get_layout(if_id).name
    return name[: -len("ファイル")] if name.endswith("ファイル") else name


def medium_kind_label(status: MediumStatus) -> str:
    """「疑似媒体」 for a folder used as a medium, else 「外部媒体」."""
    return EMULATED_LABEL if status.emulated else REMOVABLE_LABEL


@dataclass(frozen=True)
class MediumFileView:
    """An interface file on a medium (from its name and size; the content is not read)."""

    name: str
    if_id: str
    kind: str
    size: int
    created: datetime | None
    sendable: bool
    sent: bool

    @property
    def state_label(self) -> str:
        """送信済 / 未送信 / 送信対象外."""
        if not self.sendable:
            return "送信対象外"
        return "送信済" if self.sent else "未送信"


@dataclass(frozen=True)
class DeliveryView:
    """A delivery of the consolidation system and whether it reached a medium."""

    delivery_id: str
    name: str
    if_id: str
    kind: str
    rows: int
    size: int
    created: datetime | None
    acknowledged: bool
    acknowledged_at: datetime | None
    written_locally: bool

    @property
    def state_label(self) -> str:
        """移出済 (acknowledged), 書出済(受領確認待ち) (written, not acknowledged) or 未移出."""
        if self.acknowledged:
            return "移出済"
        return "書出済(受領確認待ち)" if self.written_locally else "未移出"


@dataclass(frozen=True)
class CheckRow:
    """One problem of a check as the screen shows it (no field value)."""

    file: str
    record: int | None
    item: str
    message: str

    @property
    def record_text(self) -> str:
        """``12`` or ``-`` for a whole-file problem."""
        return "-" if self.record is None else str(self.record)


def check_rows(report: CheckReport) -> list[CheckRow]:
    """The problems of a check report, in file and record order."""
    def key(issue: CheckIssue) -> tuple[str, int]:
        return issue.file, issue.record or 0

    return [CheckRow(i.file, i.record, i.item or "(ファイル全体)", i.message)
            for i in sorted(report.errors, key=key)]


def parse_server_time(text: object) -> datetime | None:
    """A server timestamp (ISO 8601) as a local datetime; None when absent or unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone() if moment.tzinfo else moment


def sent_files(records: TransferRecords) -> set[tuple[str, int]]:
    """(name, size) of every file of a send the consolidation system accepted."""
    out: set[tuple[str, int]] = set()
    for job in records.jobs("send"):
        if job.state == "done" and (job.result or {}).get("status") == "accepted":
            out.update((f.name, f.size) for f in records.job_files(job.job_id))
    return out


class TransferViewService:
    """Read-only views for the transfer screens, and the check before sending."""

    def __init__(self, profile: Profile, session: Session, *,
                 client_factory: ClientFactoryMaker | None = None) -> None:
        self._profile = profile
        self._session = session
        self._make_factory = client_factory or default_client_factory

    def emulated_dirs(self) -> list[Path]:
        """The folders the policy lists as emulated media (only when emulated media are allowed)."""
        policy = self._profile.policy()
        if not policy.emulated_media_allowed:
            return []
        return [Path(p) for p in policy.emulated_media_dirs]

    def media(self, extra_dirs: Sequence[Path] = ()) -> list[MediumStatus]:
        """Mounted media, the policy's emulated folders and ``extra_dirs``, with their state."""
        self._session.require()
        dirs: list[Path] = []
        for path in [*self.emulated_dirs(), *extra_dirs]:
            if path not in dirs:
                dirs.append(path)
        return media_gate(self._profile).list_media(self._session.user_id, dirs)

    def files(self, medium_dir: Path) -> list[MediumFileView]:
        """Interface files at the top of an approved medium (refused media raise)."""
        self._session.require()
        status = media_gate(self._profile).status(medium_dir, self._session.user_id)
        if not status.approved:
            raise MediaRefused(status.reason or "unregistered", status.message,
                               "使用許可された媒体を選択してください。")
        sent = sent_files(TransferRecords(self._profile.db, self._profile.clock))
        views = []
        try:
            entries = sorted(p for p in medium_dir.iterdir()
                             if not p.name.startswith(".") and looks_like_interface_file(p.name))
            for path in entries:
                # lstat: a link or special file is listed with its own size, never
                # followed; reading it is refused with a message (medium_io).
                st = path.lstat()
                if stat.S_ISDIR(st.st_mode):
                    continue
                views.append(self._file_view(path.name, st.st_size, sent))
        except OSError as exc:
            raise MediaRefused("missing", "媒体を読み取れません(取り外された可能性があります)。",
                               "媒体の接続を確認して「再検出」してください。") from exc
        return views

    @staticmethod
    def _file_view(name: str, size: int, sent: set[tuple[str, int]]) -> MediumFileView:
        try:
            parsed = parse_file_name(name)
            if_id, created = parsed.if_id, parsed.created
        except InvalidFileName:  # misnamed: checked with the others, so it is reported
            if_id, created = guess_if_id(name) or name[:5], None
        return MediumFileView(name, if_id, if_label(if_id), size, created,
                              to_check_before_sending(name), (name, size) in sent)

    def check(
        self, medium_dir: Path, names: Sequence[str] | None = None, *,
        progress: ProgressCallback | None = None, is_cancelled: CancelCheck | None = None,
    ) -> CheckReport:
        """「検査」: read the chosen files from the approved medium and check them as a set."""
        self._session.require()
        report = progress or (lambda done, total, label: None)
        cancelled = is_cancelled or (lambda: False)
        medium = media_gate(self._profile).connect(medium_dir, self._session.user_id)
        files = MediumFiles(medium, self._profile.audit)
        chosen = list(names) if names else [
            n for n in files.interface_files() if to_check_before_sending(n)]
        if not chosen:
            raise ValidationError("媒体に送信するインタフェースファイルがありません。",
                                  "媒体の内容を確認してください。")
        contents: dict[str, bytes] = {}
        for index, name in enumerate(chosen):
            if cancelled():
                raise Cancelled()
            report(index, len(chosen), "ファイルを読み込んでいます")
            try:
                contents[name] = files.read(name)
            except OSError as exc:
                raise MediaRefused("missing", "媒体のファイルを読み取れません(媒体が取り外された"
                                   "可能性があります)。",
                                   "媒体の接続を確認して「再検出」してください。") from exc
        report(len(chosen), len(chosen), "ファイルを検査しています")
        result = check_file_set(contents, today=today_of(self._profile.clock)())
        contents.clear()
        self._profile.audit.record(
            AuditAction.FILE_CHECK, self._session.user_id,
            {"files": sorted(map(display_name, chosen)), "errors": len(result.errors)},
            AuditResult.SUCCESS if result.valid else AuditResult.FAILURE,
        )
        return result

    def deliveries(self) -> list[DeliveryView]:
        """Every delivery of this municipality (exported or not), newest first."""
        self._session.require()
        with self._make_factory(self._profile, self._session.user_id)() as client:
            rows = client.list_deliveries(include_acknowledged=True)
        records = TransferRecords(self._profile.db, self._profile.clock)
        views = [self._delivery_view(row, records) for row in rows]
        views.sort(key=lambda v: (v.created.timestamp() if v.created else 0.0, v.name),
                   reverse=True)
        return views

    @staticmethod
    def _delivery_view(row: dict[str, Any], records: TransferRecords) -> DeliveryView:
        delivery_id = str(row.get("delivery_id", ""))
        if_id = str(row.get("if_id", ""))
        return DeliveryView(
            delivery_id=delivery_id, name=str(row.get("name", "")), if_id=if_id,
            kind=if_label(if_id), rows=int(row.get("rows") or 0), size=int(row.get("size") or 0),
            created=parse_server_time(row.get("created_at")),
            acknowledged=bool(row.get("acknowledged")),
            acknowledged_at=parse_server_time(row.get("acknowledged_at")),
            written_locally=records.export_state(delivery_id) in ("written", "acknowledged"),
        )


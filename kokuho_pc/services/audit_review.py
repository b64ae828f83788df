"""The administrator's operation-log review: verification and listing."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.audit.log import AuditRecord, VerifyReport
from kokuho_pc.auth.accounts import Role
from kokuho_pc.auth.session import Session
from kokuho_pc.domain.errors import AuditError
from kokuho_pc.domain.leakscan import find_my_numbers_in_bytes
from kokuho_pc.services.media_admin import media_gate
from kokuho_pc.services.profile import Profile
from kokuho_pc.transfer.errors import MediaWriteFailed
from kokuho_pc.transfer.medium_io import MediumFiles

__all__ = [
    "AuditAction",
    "AuditRecord",
    "AuditResult",
    "AuditReviewService",
    "VerifyReport",
]


class AuditReviewService:
    """Verify and read the operation log."""

    def __init__(self, profile: Profile) -> None:
        self._profile = profile

    def verify(self, session: Session | None = None) -> VerifyReport:
        """Verify the chain; with an administrator's session the check itself is logged."""
        if session is not None:
            session.require(Role.ADMIN)
        report = self._profile.audit.verify()
        if session is not None:
            try:
                self._profile.audit.record(
                    AuditAction.AUDIT_VERIFY, session.user_id,
                    {"count": report.count, "first_bad_seq": report.first_bad_seq},
                    AuditResult.SUCCESS if report.ok else AuditResult.FAILURE,
                )
            except AuditError:
                if report.ok:
                    raise  # an intact log that cannot be written: refuse
                # a damaged log may refuse the record; the report matters more
        return report

    def records(
        self,
        session: Session,
        *,
        after_seq: int = 0,
        limit: int = 500,
        staff_id: str | None = None,
        action: AuditAction | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        result: AuditResult | None = None,
        newest_first: bool = False,
        target_text: str | None = None,
    ) -> list[AuditRecord]:
        """Records for review (administrators only); the review is logged.

        Filters: staff, action, result and a local date range (both ends included);
        ``target_text`` keeps the records whose 対象 holds it (a file name, a 候補番号, a
        受付番号; any case), looked for in the latest ``TEXT_SEARCH_WINDOW`` records that
        match the other filters;
        ``newest_first`` returns the latest ``limit`` matching records, newest first.
        ``AuditRecord.forwarded_ack`` is None while the consolidation system has not
        acknowledged the record (未送信).
        """
        session.require(Role.ADMIN)
        wanted = (target_text or "").strip().casefold()
        found = self._profile.audit.records(
            after_seq=after_seq, limit=max(limit, TEXT_SEARCH_WINDOW) if wanted else limit,
            staff_id=staff_id, action=action, date_from=date_from, date_to=date_to,
            result=result, newest_first=newest_first,
        )
        if wanted:
            found = [r for r in found if _matches(r.targets, wanted)][:limit]
        self._profile.audit.record(
            AuditAction.AUDIT_REVIEW, session.user_id, {"count": len(found)}
        )
        return found


TEXT_SEARCH_WINDOW = 20_000
CSV_HEADER = ("番号", "日時", "職員", "操作", "結果", "対象", "送信状態")


def csv_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    """The rows as CSV (UTF-8 with BOM, CR LF: what Excel on Windows opens as it is)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows([[str(v) for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_csv(profile: Profile, session: Session, rows: Sequence[Sequence[object]],
               medium_dir: Path) -> str:
    """Write the shown rows of the operation log as CSV to an approved medium.

    Administrators only; the medium must pass the media check for this administrator
    (approved, not expired, not a copy); the file is scanned for a 個人番号 before it is
    written (refused if one is found; the log never holds one); the write (媒体書込) and
    the export (操作ログCSV出力, with the row count) are logged. Returns the file name.
    """
    session.require(Role.ADMIN)
    data = csv_bytes(rows)
    if find_my_numbers_in_bytes(data):
        profile.audit.record(AuditAction.AUDIT_EXPORT, session.user_id,
                             {"count": len(rows), "reason": "my_number"}, AuditResult.REFUSED)
        raise MediaWriteFailed("個人番号の可能性がある値が含まれるため、出力しませんでした。")
    medium = media_gate(profile).connect(medium_dir, session.user_id)
    name = f"oplog_{profile.clock().strftime('%Y%m%d%H%M%S')}.csv"
    MediumFiles(medium, profile.audit).write_atomic(
        name, [data], hashlib.sha256(data).hexdigest())
    profile.audit.record(AuditAction.AUDIT_EXPORT, session.user_id,
                         {"count": len(rows), "file": name, "medium": medium.media_id})
    return name


# What the text search looks in: file names and candidate numbers (a part of one is
# enough), 受付番号 (the whole number: 12 must not find 123 or a count of 12).
SEARCH_KEYS = ("file", "files", "candidate", "candidates", "delivery")
RECEIPT_KEY = "receipt"


def _values(value: object) -> list[str]:
    items = value if isinstance(value, list | tuple) else [value]
    return [str(v).casefold() for v in items if v is not None]


def _matches(targets: dict[str, object], wanted: str) -> bool:
    """The record's file names or candidate numbers hold ``wanted``, or its 受付番号 is it."""
    if wanted in _values(targets.get(RECEIPT_KEY)):
        return True
    return any(wanted in v for key in SEARCH_KEYS for v in _values(targets.get(key)))

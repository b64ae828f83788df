"""SEND: interface files on an approved medium → check → stage → submit → result.

The medium is only read. Every file is checked first (the whole selection at
once); if anything is wrong nothing is sent. Each set is staged encrypted,
its idempotency key is stored before the first attempt, and it is submitted
from the staged copy. The staging session is removed when the run ends, fails
or is cancelled. A set that was already submitted (same content) is answered
from the stored result or, after a crash, by the server's replay of the same
key: each set reaches the consolidation system exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.domain.errors import Cancelled, KokuhoError, ValidationError
from kokuho_pc.formats.checker import check_file_set
from kokuho_pc.formats.filenames import InvalidFileName, display_name, parse_file_name
from kokuho_pc.formats.issues import CheckReport
from kokuho_pc.transfer.client import ConsolidationClient
from kokuho_pc.transfer.errors import FileSetInvalid
from kokuho_pc.transfer.faultpoints import checkpoint
from kokuho_pc.transfer.filesets import file_set_digest, group_file_sets
from kokuho_pc.transfer.media import ApprovedMedium
from kokuho_pc.transfer.medium_io import MediumFiles
from kokuho_pc.transfer.pipeline import TransferPipeline, each_step, run_callbacks
from kokuho_pc.transfer.ports import CancelCheck, ProgressCallback, log_hash
from kokuho_pc.transfer.records import FileEntry

_SUMMARY_KEYS = ("submission_id", "status", "received_at", "persons", "households",
                 "high_cost_months", "result_counts", "rechecked_counts", "deliveries",
                 "candidates_changed", "already_processed", "warning")
ALREADY_SENT_WARNING = ("この内容のファイルは送信済みです(受付番号 {sid})。再送していません。"
                        "意図して再送する場合は、再送を確認してから送信してください。")


@dataclass(frozen=True)
class SetOutcome:
    """What happened to one file set (no personal data)."""

    files: tuple[str, ...]
    sha256: str
    accepted: bool
    submission_id: int | None
    replayed: bool
    summary: dict[str, Any]
    error_count: int
    # The same content was processed before (this PC's own record, or the consolidation
    # system answered with the earlier receipt): nothing was processed again.
    already_processed: bool = False
    warning: str = ""


@dataclass
class SendResult:
    """The result of one send run."""

    outcomes: list[SetOutcome] = field(default_factory=list)
    check: CheckReport | None = None
    # Misnamed interface files on the medium that were not chosen (named files were
    # sent): never sent, and said rather than skipped in silence (display names).
    misnamed_not_sent: list[str] = field(default_factory=list)

    @property
    def already_processed(self) -> list[SetOutcome]:
        """Sets answered with an earlier receipt (a deliberate resend needs confirming)."""
        return [o for o in self.outcomes if o.already_processed]

    @property
    def all_accepted(self) -> bool:
        """True when every set was accepted by the consolidation system."""
        return all(o.accepted for o in self.outcomes)


def _well_named(name: str) -> bool:
    try:
        parse_file_name(name)
    except InvalidFileName:
        return False
    return True


class SendPipeline(TransferPipeline):
    """Runs a send; Qt-free, with progress and cancel callbacks."""

    def run(
        self,
        medium: ApprovedMedium,
        names: Sequence[str] | None = None,
        *,
        progress: ProgressCallback | None = None,
        is_cancelled: CancelCheck | None = None,
        resend: bool = False,
    ) -> SendResult:
        """Check and send the named files (default: every interface file on the medium).

        A set whose content was already accepted is not processed again: the earlier
        receipt comes back with a warning. ``resend`` (after the operator confirmed it)
        sends such a set again under a new idempotency key, to be processed anew."""
        report, cancelled = run_callbacks(progress, is_cancelled)
        files = MediumFiles(medium, self._oplog)
        available = files.interface_files()
        chosen = list(dict.fromkeys(names)) if names else available
        if not chosen:
            raise ValidationError("媒体に送信するインタフェースファイルがありません。",
                                  "媒体の内容を確認してください。")
        if any(name not in available for name in chosen):
            raise ValidationError(
                "指定したファイルが媒体にないか、インタフェースファイルではありません。",
                "ファイル名を確認してください。",
            )
        staff = medium.staff_id
        contents = {name: files.read(name) for name in chosen}
        report(0, len(chosen), "ファイルを検査しています")
        check = check_file_set(contents, today=self._today())
        self._oplog.record(
            AuditAction.FILE_CHECK, staff,
            {"files": sorted(map(display_name, chosen)), "errors": len(check.errors)},
            AuditResult.SUCCESS if check.valid else AuditResult.FAILURE,
        )
        if not check.valid:
            raise FileSetInvalid(check)
        result = SendResult(check=check, misnamed_not_sent=[
            display_name(n) for n in available if n not in chosen and not _well_named(n)])
        sets = group_file_sets(chosen)
        with self._staging.session() as session, self._client_factory() as client:
            for names_in_set in each_step(sets, report, cancelled,
                                          "送信しています", "送信が完了しました"):
                if result.outcomes:
                    checkpoint("send.between_sets")
                plain = {name: contents.pop(name) for name in names_in_set}
                digest = file_set_digest(plain)
                staged = {name: session.stage_bytes(data) for name, data in plain.items()}
                del plain
                entries = [FileEntry(n, s.size, s.sha256 or "") for n, s in staged.items()]
                checkpoint("send.staged")
                result.outcomes.append(
                    self._send_set(client, staff, medium.media_id, staged, entries, digest,
                                   cancelled, resend)
                )
            self._finish(client)
        return result

    def _send_set(
        self, client: ConsolidationClient, staff: str, media_id: str,
        staged: dict[str, Any], entries: list[FileEntry], digest: str, cancelled: CancelCheck,
        resend: bool = False,
    ) -> SetOutcome:
        names = tuple(sorted(staged))
        fingerprint = digest
        if resend:  # a new job (new key) per confirmed resend; a retry resumes the pending one
            done = [j for j in self._records.jobs("send")
                    if j.fingerprint.split("#", 1)[0] == digest and j.state == "done"]
            fingerprint = f"{digest}#resend-{len(done)}"
        job = self._records.open_job("send", fingerprint, entries, staff, media_id)
        checkpoint("send.key_persisted")
        if job.state == "done" and job.result is not None:
            earlier = dict(job.result)
            earlier["already_processed"] = True
            earlier["warning"] = ALREADY_SENT_WARNING.format(sid=earlier.get("submission_id"))
            return self._outcome(names, digest, earlier, replayed=True)
        if cancelled():
            raise Cancelled()
        payload = {n: staged[n].read_all() for n in names}
        try:
            answer, replayed = client.submit(
                payload, digest, job.idempotency_key, {e.name: e.sha256 for e in entries},
                resend=resend,
            )
        except KokuhoError as exc:
            self._records.set_job_state(job.job_id, "pending", error_code=exc.code)
            self._oplog.record(
                AuditAction.SEND, staff,
                {"files": list(names), "sha256": log_hash(digest), "reason": exc.code},
                AuditResult.FAILURE,
            )
            raise
        finally:
            del payload
        checkpoint("send.submitted")
        summary = {k: answer.get(k) for k in _SUMMARY_KEYS}
        summary["error_count"] = len(answer.get("errors") or [])
        accepted = answer.get("status") == "accepted"
        self._records.set_job_state(job.job_id, "done", summary)
        self._oplog.record(
            AuditAction.SEND, staff,
            {"files": list(names), "sha256": log_hash(digest), "count": summary.get("persons"),
             "errors": summary["error_count"], "receipt": summary.get("submission_id"),
             "reason": ("already_processed" if summary.get("already_processed")
                        else "resend" if resend else "replayed" if replayed else None)},
            AuditResult.SUCCESS if accepted else AuditResult.REFUSED,
        )
        return self._outcome(names, digest, summary, replayed)

    @staticmethod
    def _outcome(names: tuple[str, ...], digest: str, summary: dict[str, Any],
                 replayed: bool) -> SetOutcome:
        return SetOutcome(
            files=names, sha256=digest, accepted=summary.get("status") == "accepted",
            submission_id=summary.get("submission_id"), replayed=replayed,
            summary=summary, error_count=int(summary.get("error_count") or 0),
            already_processed=bool(summary.get("already_processed")),
            warning=str(summary.get("warning") or ""),
        )

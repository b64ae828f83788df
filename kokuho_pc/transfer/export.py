"""RECEIVE/EXPORT: deliveries → staging → verify → approved medium → acknowledge.

Each delivery not yet acknowledged is downloaded into an encrypted staging
file (the next one downloads on a worker thread while the current one is
checked, written and acknowledged), its SHA-256 verified against the
server's listing, its content checked (a delivered file that does not follow
the layout is not exported), written to the medium atomically and read back,
and only then acknowledged. A removed medium or a full disk leaves no file
under the final name, and the delivery stays unacknowledged. After a crash, a
file already on the medium with the right hash is acknowledged without being
written again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.domain.errors import Cancelled, KokuhoError
from kokuho_pc.formats.checker import CheckReport, check_file_set
from kokuho_pc.transfer.client import ConsolidationClient
from kokuho_pc.transfer.errors import ExportFailed
from kokuho_pc.transfer.faultpoints import checkpoint
from kokuho_pc.transfer.media import ApprovedMedium
from kokuho_pc.transfer.medium_io import MediumFiles
from kokuho_pc.transfer.pipeline import TransferPipeline, each_step, run_callbacks
from kokuho_pc.transfer.ports import CancelCheck, ProgressCallback, log_hash
from kokuho_pc.transfer.prefetch import Downloads
from kokuho_pc.transfer.records import FileEntry
from kokuho_pc.transfer.staging import CHUNK_SIZE, StagedFile


@dataclass
class ExportResult:
    """What one export run wrote (file names, sizes, hashes; no personal data)."""

    exported: list[FileEntry] = field(default_factory=list)
    stale_temporaries_removed: int = 0


@dataclass(frozen=True)
class _Prepared:
    """A delivery as the download worker left it: hashes, plaintext, check result."""

    sha256: str
    server_hash: str | None
    plain: bytes
    check: CheckReport


def _pieces(data: bytes) -> Iterator[memoryview]:
    """``data`` in staging-sized pieces (progress and cancel points of the write)."""
    view = memoryview(data)
    for start in range(0, len(view), CHUNK_SIZE):
        yield view[start : start + CHUNK_SIZE]


class ExportPipeline(TransferPipeline):
    """Runs an export; Qt-free, with progress and cancel callbacks."""

    def run(
        self,
        medium: ApprovedMedium,
        *,
        progress: ProgressCallback | None = None,
        is_cancelled: CancelCheck | None = None,
    ) -> ExportResult:
        """Export every delivery not yet acknowledged to ``medium``."""
        report, cancelled = run_callbacks(progress, is_cancelled)
        files = MediumFiles(medium, self._oplog)
        result = ExportResult(stale_temporaries_removed=files.remove_stale_temporaries())
        with self._staging.session() as session, self._client_factory() as client:
            deliveries = client.list_deliveries()
            names = [str(d["name"]) for d in deliveries]
            with Downloads(self._client_factory, session, self._prepare,
                           cancelled=cancelled) as downloads:
                steps = each_step(deliveries, report, cancelled,
                                  "配信ファイルを書き出しています", "書き出しが完了しました")
                for index, delivery in enumerate(steps):
                    present = files.existing(names[index])
                    if present is None:  # waited for at once: our connection may serve it
                        downloads.start(names[index], via=client)
                    for ahead in names[index + 1 : index + 2]:  # the next, on its own client
                        downloads.start(ahead)
                    result.exported.append(
                        self._export_one(client, downloads, files, delivery, present, cancelled)
                    )
            self._finish(client)
        return result

    def reexport(
        self,
        medium: ApprovedMedium,
        names: list[str],
        approver: str,
        *,
        progress: ProgressCallback | None = None,
        is_cancelled: CancelCheck | None = None,
    ) -> ExportResult:
        """Write acknowledged deliveries to ``medium`` again (a medium lost after 受領).

        Only deliveries the consolidation system lists as acknowledged; nothing is
        acknowledged again. Each file is downloaded, verified and checked like an
        export; the operation log names the administrator who approved (``approver``).
        """
        report, cancelled = run_callbacks(progress, is_cancelled)
        files = MediumFiles(medium, self._oplog)
        result = ExportResult(stale_temporaries_removed=files.remove_stale_temporaries())
        with self._staging.session() as session, self._client_factory() as client:
            listed = {str(d["name"]): d for d in client.list_deliveries(include_acknowledged=True)}
            chosen = [listed[n] for n in dict.fromkeys(names)
                      if n in listed and listed[n].get("acknowledged")]
            if not chosen or len(chosen) != len(set(names)):
                raise ExportFailed("再移出できるのは、受領確認済みの配信ファイルだけです。",
                                   "一覧で「移出済」の配信ファイルを選んでください。")
            with Downloads(self._client_factory, session, self._prepare,
                           cancelled=cancelled) as downloads:
                steps = each_step(chosen, report, cancelled,
                                  "配信ファイルを再度書き出しています", "再移出が完了しました")
                for delivery in steps:
                    result.exported.append(
                        self._reexport_one(client, downloads, files, delivery, approver))
            self._finish(client)
        return result

    def _reexport_one(self, client: ConsolidationClient, downloads: Downloads[_Prepared],
                      files: MediumFiles, delivery: dict[str, Any], approver: str) -> FileEntry:
        staff = files.medium.staff_id
        name, expected = str(delivery["name"]), str(delivery["sha256"])
        delivery_id = str(delivery["delivery_id"])
        entry = FileEntry(name, int(delivery["size"]), expected)
        present = files.existing(name)
        if present is not None and present.sha256 != expected:
            self._fail(staff, name, delivery_id, "name_taken")
            raise ExportFailed("媒体に同じ名前の別のファイルがあるため、書き出せませんでした。",
                               "媒体から該当するファイルを移動してから再度実行してください。")
        if present is None:
            downloads.start(name, via=client)
            plain = self._download_checked(downloads, name, expected, delivery_id, staff)
            files.write_atomic(name, _pieces(plain), expected, lambda _written: None)
            del plain
        self._oplog.record(AuditAction.EXPORT, staff,
                           {"file": name, "size": entry.size, "sha256": log_hash(expected),
                            "delivery": delivery_id, "medium": files.medium.media_id,
                            "reason": "reexport", "account": approver})
        return entry

    def _export_one(
        self, client: ConsolidationClient, downloads: Downloads[_Prepared], files: MediumFiles,
        delivery: dict[str, Any], present: FileEntry | None, cancelled: CancelCheck,
    ) -> FileEntry:
        """Export one delivery; ``present`` is what the medium already holds under its name."""
        staff = files.medium.staff_id
        name, expected = str(delivery["name"]), str(delivery["sha256"])
        delivery_id = str(delivery["delivery_id"])
        entry = FileEntry(name, int(delivery["size"]), expected)
        if present is not None and present.sha256 != expected:
            self._fail(staff, name, delivery_id, "name_taken")
            raise ExportFailed("媒体に同じ名前の別のファイルがあるため、書き出せませんでした。",
                               "媒体から該当するファイルを移動してから再度実行してください。")
        if present is None:
            plain = self._download_checked(downloads, name, expected, delivery_id, staff)
            checkpoint("export.downloaded")

            def on_chunk(written: int) -> None:
                checkpoint("export.mid_write")
                if cancelled():
                    raise Cancelled()

            files.write_atomic(name, _pieces(plain), expected, on_chunk)
            del plain
        media_id = files.medium.media_id
        with self._records.batch():  # the "written" state and the ack job's key, together
            self._records.set_export_state(delivery_id, entry, media_id, "written")
            job = self._records.open_job("ack", f"delivery:{delivery_id}:{expected}", [entry],
                                         staff, media_id)
        checkpoint("export.written")
        try:
            client.acknowledge(name, job.idempotency_key)
        except KokuhoError as exc:
            self._fail(staff, name, delivery_id, exc.code)
            raise
        checkpoint("export.acknowledged")
        with self._records.batch():
            self._records.set_job_state(job.job_id, "done")
            self._records.set_export_state(delivery_id, entry, media_id, "acknowledged")
            self._oplog.record(AuditAction.EXPORT, staff,
                               {"file": name, "size": entry.size, "sha256": log_hash(expected),
                                "delivery": delivery_id, "medium": media_id})
        return entry

    def _prepare(self, name: str, staged: StagedFile, server_hash: str | None) -> _Prepared:
        """On the download worker: read the staged file back and check it (no side effects)."""
        digest = staged.finish()  # already finished: returns the plaintext SHA-256
        plain = staged.read_all()
        staged.discard()
        return _Prepared(digest, server_hash, plain,
                         check_file_set({name: plain}, today=self._today()))

    def _download_checked(
        self, downloads: Downloads[_Prepared], name: str, expected: str, delivery_id: str,
        staff: str,
    ) -> bytes:
        """Take one prepared delivery; refuse a wrong hash or a bad format; return it.

        The plaintext stays in memory only for the write that follows (the
        check needs it whole anyway); the staged copy is already removed.
        """
        prepared = downloads.result(name)
        digest, server_hash = prepared.sha256, prepared.server_hash
        if digest != expected or (server_hash and server_hash != expected):
            self._fail(staff, name, delivery_id, "hash_mismatch")
            raise ExportFailed("受信したファイルのハッシュ値が一致しません。",
                               "配信は未処理のまま残っています。再度実行してください。")
        check = prepared.check
        self._oplog.record(AuditAction.RECEIVE, staff,
                           {"file": name, "size": len(prepared.plain),
                            "sha256": log_hash(digest), "delivery": delivery_id,
                            "errors": len(check.errors)},
                           AuditResult.SUCCESS if check.valid else AuditResult.REFUSED)
        if not check.valid:
            raise ExportFailed("受信したファイルが定められた形式に従っていないため、"
                               "書き出しませんでした。",
                               "国保連合会に連絡してください。配信は未処理のまま残っています。")
        return prepared.plain

    def _fail(self, staff: str, name: str, delivery_id: str, reason: str) -> None:
        self._oplog.record(AuditAction.EXPORT, staff,
                           {"file": name, "delivery": delivery_id, "reason": reason},
                           AuditResult.FAILURE)


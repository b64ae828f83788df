"""The engine facade: everything the HTTP API (and the CLI) may ask of the consolidation system.

Every method takes the caller's ``municipality_code`` (from the terminal's
client certificate) and only ever sees or changes that municipality's data;
another municipality's candidate or delivery is answered with
:class:`~shuyaku_sim.errors.NotFound`, exactly as a missing one. Every
mutating method takes ``terminal_id`` and ``staff_id`` and records both.
Results are JSON-able dicts (:mod:`shuyaku_sim.model`); no result ever holds
a 個人番号. Errors are :mod:`shuyaku_sim.errors` classes (``http_status`` says
how to answer them). The engine is thread-safe: mutating calls are serialised on
the database's writer lock, each one transaction; reading calls run beside them on
each thread's own connection and see the last committed state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from kokuho_pc.domain.oplog_chain import Tip
from shuyaku_sim import model, oplog
from shuyaku_sim.confirmation import confirm_candidates, decide
from shuyaku_sim.deliveries import delivery_view
from shuyaku_sim.errors import ChainRefused, NotFound
from shuyaku_sim.list_history import candidates_as_of, list_moments
from shuyaku_sim.oplog import accept_records, list_records
from shuyaku_sim.settings import Settings
from shuyaku_sim.storage import Database
from shuyaku_sim.submission import file_set_digest, submit
from shuyaku_sim.views import detail, result_row, summary

Clock = Callable[[], dt.datetime]
__all__ = ["Clock", "Engine", "file_set_digest"]


def _now() -> dt.datetime:
    """The default engine clock: the machine's local time (naive), the source of every
    time the engine records (tests inject their own)."""
    return dt.datetime.now().replace(microsecond=0)


class Engine:
    """The consolidation system's business logic over one :class:`Database`."""

    def __init__(
        self, db: Database, settings: Settings | None = None, clock: Clock | None = None
    ) -> None:
        self.db = db
        self.settings = settings or Settings()
        self.clock: Clock = clock or _now

    @classmethod
    def open(
        cls, data_dir: Path, settings: Settings | None = None, clock: Clock | None = None
    ) -> Engine:
        """Open (creating and migrating if needed) the store in ``data_dir``."""
        return cls(Database.open(data_dir), settings or Settings.load(data_dir), clock)

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def now_iso(self) -> str:
        """The current time as ``YYYY-MM-DDTHH:MM:SS``."""
        return self.clock().replace(microsecond=0).isoformat()

    # --- submissions -------------------------------------------------------------------

    def submit_file_set(
        self,
        municipality_code: str,
        files: Mapping[str, bytes],
        idempotency_key: str,
        sha256: str,
        terminal_id: str,
        staff_id: str,
        resend: bool = False,
    ) -> model.SubmissionResult:
        """Take in one file set: a KSK01+KSK02 pair (same timestamp) or one KKG01 file.

        ``files`` maps file names (``<IF-ID>_<code>_<timestamp>.dat``) to bytes;
        ``sha256`` must equal :func:`file_set_digest` of them (else InvalidRequest).
        Every file must be of ``municipality_code`` (else Forbidden). The set is
        checked with the formats checker and rejected whole on any error
        (FileSetInvalid with the issues; the rejection is stored, so the same
        key and content return it again). Same key + same content → the stored
        result again with ``replayed`` true, never processed twice; same key +
        other content → IdempotencyConflict. The same content already ACCEPTED under
        another key → the earlier receipt (``replayed``, ``already_processed``,
        ``warning``), nothing processed, unless ``resend`` (a confirmed deliberate
        resend). Everything (ID links, coverage
        checks, KSK11/KSK12 deliveries, candidates) happens in ONE transaction:
        once this returns, the submission survives a crash; if it does not
        return, nothing of it was stored.
        """
        return submit(self.db, self.settings, self.clock, municipality_code, files,
                      idempotency_key, sha256, terminal_id, staff_id, resend)

    # --- deliveries --------------------------------------------------------------------

    def list_deliveries(
        self, municipality_code: str, include_acknowledged: bool = False
    ) -> list[model.Delivery]:
        """Deliveries (KSK11, KSK12, KKG11) for the municipality, oldest first."""
        with self.db.reading() as tx:
            return [delivery_view(r) for r in tx.delivery_rows(municipality_code,
                                                                include_acknowledged)]

    def read_delivery(self, municipality_code: str, name: str) -> bytes:
        """The CSV bytes of one delivery (CP932, CR LF; no 個人番号), by file name."""
        with self.db.reading() as tx:
            content = tx.delivery_content(municipality_code, name)
        if content is None:
            raise NotFound()
        return content

    def acknowledge_delivery(
        self, municipality_code: str, name: str, terminal_id: str, staff_id: str
    ) -> model.Delivery:
        """Mark a delivery as received (idempotent: acknowledging twice is fine)."""
        with self.db.transaction() as tx:
            if tx.delivery_row(municipality_code, name) is None:
                raise NotFound()
            tx.acknowledge_delivery(municipality_code, name, terminal_id, staff_id,
                                    self.now_iso())
            row = tx.delivery_row(municipality_code, name)
            assert row is not None
            return delivery_view(row)

    # --- candidates --------------------------------------------------------------------

    def list_candidates(
        self,
        municipality_code: str,
        state: model.CandidateState | None = None,
        category: int | None = None,
    ) -> list[model.CandidateSummary]:
        """The 継続候補世帯リスト of the destination municipality, by candidate number."""
        with self.db.reading() as tx:
            return [summary(c, f) for c, f in
                    tx.list_candidate_summaries(municipality_code, state, category)]

    def list_candidates_as_of(self, municipality_code: str, as_of: str
                              ) -> model.CandidateListAsOf:
        """The 継続候補世帯リスト as it stood at ``as_of`` (``YYYY-MM-DDTHH:MM:SS``):
        decisions as recorded by then (:mod:`shuyaku_sim.list_history`)."""
        with self.db.reading() as tx:
            return {"as_of": as_of, "candidates": candidates_as_of(tx, municipality_code, as_of)}

    def list_moments(self, municipality_code: str) -> list[model.ListMoment]:
        """When the candidate list changed, newest first (to choose a time to reprint)."""
        with self.db.reading() as tx:
            return list_moments(tx, municipality_code)

    def get_candidate(self, municipality_code: str, candidate_no: str) -> model.CandidateDetail:
        """One candidate: before and after households side by side, suggestion, decision."""
        with self.db.reading() as tx:
            c = tx.candidate_by_no(municipality_code, candidate_no)
            if c is None:
                raise NotFound()
            return detail(tx, c)

    def record_decision(
        self,
        municipality_code: str,
        candidate_no: str,
        decision: str,
        reason: str | None,
        remarks: str | None,
        terminal_id: str,
        staff_id: str,
    ) -> model.CandidateDetail:
        """Record or change the decision (``continue``/``discontinue``) of a candidate.

        A reason is required when the decision differs from the suggestion
        (``review`` counts as neither, so a reason is then optional). Refused
        with StateConflict once the candidate is confirmed.
        """
        with self.db.transaction() as tx:
            c = decide(tx, municipality_code, candidate_no, decision, reason, remarks,
                       terminal_id, staff_id, self.now_iso())
            return detail(tx, c)

    def confirm(
        self, municipality_code: str, candidate_nos: Sequence[str], terminal_id: str, staff_id: str
    ) -> model.ConfirmSummary:
        """The 確定指示: confirm the listed decided candidates in one transaction.

        Any undecided or unknown number refuses the whole instruction
        (StateConflict / NotFound). Numbers already confirmed are left as they
        are (so a retried instruction is harmless). 継続 carries the before
        household's high-cost months (2018-04 on) and delivers KKG11.
        """
        with self.db.transaction() as tx:
            return confirm_candidates(tx, municipality_code, candidate_nos, terminal_id,
                                      staff_id, self.clock())

    def result_problems(self, municipality_code: str, submission_id: int | None = None
                        ) -> list[dict[str, object]]:
        """The 処理結果・エラーリスト: persons whose result is 空白/重複/該当なし/処理区分不正
        (of one submission, or the latest result of each person)."""
        with self.db.reading() as tx:
            return tx.problem_results(municipality_code, submission_id)

    def list_results(self, municipality_code: str) -> list[model.ResultRow]:
        """The 継続世帯確定結果: every confirmed candidate with §5–§6 figures."""
        with self.db.reading() as tx:
            return [result_row(tx, c)
                    for c in tx.list_candidate_rows(municipality_code, "confirmed")]

    # --- operation log -----------------------------------------------------------------

    def accept_operation_log(
        self, municipality_code: str, terminal_id: str, records: Sequence[Mapping[str, object]]
    ) -> list[int]:
        """Store operation-log records forwarded by a PC; return the acknowledged ``seq``s.

        Each record is a JSON object with an integer ``seq``. Idempotent on
        (municipality, terminal, seq): a repeated record is acknowledged again;
        the same seq with other content is refused (IdempotencyConflict). A
        record holding a 個人番号 is refused (InvalidRequest).
        """
        now = self.now_iso()
        try:
            with self.db.transaction() as tx:
                return accept_records(tx, municipality_code, terminal_id, records, now)
        except ChainRefused as refusal:
            with self.db.transaction() as tx:  # the alert outlives the refused batch
                oplog.refuse(tx, municipality_code, terminal_id, refusal, now)
            raise

    def operation_log_tip(self, municipality_code: str, terminal_id: str) -> dict[str, object]:
        """The terminal's acknowledged tip (``seq``, ``hash``, ``epoch``, ``state``); the
        request counts as a contact."""
        with self.db.transaction() as tx:
            tip = oplog.tip_of(tx, terminal_id)
            oplog.touch(tx, municipality_code, terminal_id, self.now_iso())
            return tip

    def report_rollback(
        self, municipality_code: str, terminal_id: str, local: Tip, expected: Tip,
        reference: str,
    ) -> None:
        """A PC reports that its log is behind or diverges from the tip it knew."""
        with self.db.transaction() as tx:
            oplog.report_rollback(tx, municipality_code, terminal_id, local, expected,
                                  reference, self.now_iso())

    def re_enrol(self, terminal_id: str) -> dict[str, object]:
        """The federation administrator approves a terminal whose chain starts again."""
        with self.db.transaction() as tx:
            return oplog.re_enrol(tx, terminal_id, self.now_iso())

    def check_staff(self, municipality_code: str, terminal_id: str, staff_id: str) -> None:
        """Refuse (StaffRefused, 403) a staff ID the municipality's registry does not hold as
        active, with an ``unknown_staff`` alert. A municipality without a registry yet (no
        account record ever forwarded) is refused too: otherwise the certificate of a
        terminal whose PC was never used opened every staff ID (x1). The PC forwards its
        account records at login, before its first request naming a staff member."""
        now = self.now_iso()
        with self.db.reading() as tx:
            has_registry = tx.registry_size(municipality_code) > 0
            reason = oplog.check_staff(tx, municipality_code, staff_id, now[:10])
        if reason is None:
            return
        with self.db.transaction() as tx:
            detail = (f"職員ID {staff_id} の要求({'拒否' if has_registry else '職員台帳なし'}: "
                      f"{reason})")
            tx.raise_alert(municipality_code, terminal_id, "unknown_staff", detail, now)
        raise oplog.staff_refusal(reason if has_registry else "no_registry")

    def list_operation_log(
        self,
        municipality_code: str | None = None,
        terminal_id: str | None = None,
        after_id: int = 0,
        limit: int = 1000,
    ) -> list[model.OperationLogRecord]:
        """Forwarded operation-log records for the federation's administrator."""
        with self.db.reading() as tx:
            return list_records(tx, municipality_code, terminal_id, after_id, limit)

    # --- dashboard ---------------------------------------------------------------------

    def status(self, municipality_code: str) -> model.Status:
        """Counts for the PC's dashboard."""
        with self.db.reading() as tx:
            return {
                "municipality_code": municipality_code,
                "undecided_candidates": tx.count_candidates(municipality_code, "undecided"),
                "decided_candidates": tx.count_candidates(municipality_code, "decided"),
                "confirmed_candidates": tx.count_candidates(municipality_code, "confirmed"),
                "undelivered_files": len(tx.delivery_rows(municipality_code, False)),
                "pending_persons": tx.count_latest_results(municipality_code, ["20"]),
                "gap_or_overlap_persons": tx.count_latest_results(municipality_code,
                                                                  ["10", "11"]),
                "rejected_submissions": tx.count_submissions(municipality_code, "rejected"),
            }

    # --- for the API's hot path ------------------------------------------------------

    def staff_may_act(self, municipality_code: str, staff_id: str) -> bool:
        """True when the registry holds ``staff_id`` as active (a read only: the API asks
        this first and calls :meth:`check_staff`, which writes an alert, only otherwise,
        so a valid staff member's reads never wait for the single writer)."""
        with self.db.reading() as tx:
            return oplog.check_staff(tx, municipality_code, staff_id,
                                     self.now_iso()[:10]) is None

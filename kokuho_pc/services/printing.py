"""Use case: print the candidate, confirmed and carry-over lists.

Maps the typed views of :mod:`kokuho_pc.services.candidate_views` to the
rows of :mod:`kokuho_pc.print.rows` (which have no 個人番号 field) and renders
the PDF in memory. Rendering is slow for long lists: the screens call
``render_*`` through ``context.jobs``. Once the preview reports that a print
went out, the screen calls :meth:`PrintingService.log_printed` (list, rows,
pages and operator in the operation log).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.auth.accounts import Role
from kokuho_pc.auth.session import Session
from kokuho_pc.domain.errors import PrintError
from kokuho_pc.print import (
    AUDIT_TITLE,
    CANDIDATE_TITLE,
    CARRY_OVER_TITLE,
    CHECK_TITLE,
    CONFIRMED_TITLE,
    PROBLEM_TITLE,
    AuditLogRow,
    CandidateRow,
    CarryOverRow,
    CheckListRow,
    ConfirmedRow,
    HouseholdPair,
    ProblemListRow,
    ReportHeader,
    pdf_page_count,
    render_audit_log,
    render_candidate_list,
    render_carry_over_list,
    render_check_list,
    render_confirmed_list,
    render_problem_list,
)
from kokuho_pc.services.candidate_history import as_of_label
from kokuho_pc.services.candidate_views import CandidateView, ResultView, municipality_name
from kokuho_pc.services.profile import Profile
from kokuho_pc.services.send_history import ProblemRow
from kokuho_pc.services.transfer_views import CheckRow

__all__ = ["AuditLogRow", "PrintDocument", "PrintRefused", "PrinterTarget", "PrintingService",
           "is_file_printer"]

REPORT_CANDIDATES = "candidate_list"
REPORT_CONFIRMED = "confirmed_list"
REPORT_CARRY_OVER = "carry_over_list"
REPORT_PROBLEMS = "result_problem_list"
REPORT_CHECK = "check_list"
REPORT_AUDIT = "audit_log"


@dataclass(frozen=True)
class PrintDocument:
    """A rendered list: the PDF bytes (memory only), its title, report kind and size."""

    pdf: bytes
    title: str
    report: str
    rows: int
    pages: int


# Printers that write a file instead of paper (issue 14): refused even when listed.
# Matched on the NFKC-folded name: CUPS-PDF, Microsoft Print to PDF, Microsoft XPS
# Document Writer, any *PDF*/*XPS* printer, OneNote and fax drivers, "file:" queues.
_FILE_PRINTER = re.compile(r"pdf|xps|onenote|one note|fax|ファクス|ファックス|^file:|print to file"
                           r"|ファイルに出力|ファイルへ出力")
NO_PRINTER_LABEL = "(プリンタ名なし)"


def is_file_printer(name: str) -> bool:
    """True for a printer whose name says it writes a file (PDF, XPS, OneNote, fax)."""
    return _FILE_PRINTER.search(unicodedata.normalize("NFKC", name).casefold()) is not None


@dataclass(frozen=True)
class PrinterTarget:
    """Where a print would go: the printer's name and whether its output is a file
    (Qt: PDF output format or an output file name set)."""

    name: str
    writes_file: bool


class PrintRefused(PrintError):
    """The chosen printer may not be used; ``reason`` is a stable English code
    (``file_output``, ``file_printer``, ``not_allowed``)."""

    code = "print_refused"

    def __init__(self, reason: str, user_message: str, hint: str | None = None) -> None:
        self.reason = reason
        super().__init__(user_message, hint)


def household_pair(c: CandidateView) -> HouseholdPair:
    """The before/after part every list prints."""
    return HouseholdPair(
        move_date=c.move_date,
        before_municipality_code=c.before_municipality,
        before_municipality_name=c.before_municipality_name,
        after_municipality_code=c.after_municipality,
        after_municipality_name=c.after_municipality_name,
        before_head_name=c.before_head.name, before_head_kana=c.before_head.kana,
        after_head_name=c.after_head.name, after_head_kana=c.after_head.kana,
    )


def candidate_row(c: CandidateView) -> CandidateRow:
    """One line of the 継続候補世帯リスト."""
    return CandidateRow(
        candidate_no=c.candidate_no, pair=household_pair(c),
        before_member_count=c.before_count, after_member_count=c.after_count,
        category_code=c.category, category_label=c.category_label,
        suggestion=c.suggestion_label, reason=c.reason,
        decision=c.decision_label if c.decision else "", decided_by=c.decided_by,
        decided_at=c.decided_at, decided_by_name=c.decided_by_name,
    )


def confirmed_row(r: ResultView) -> ConfirmedRow:
    """One line of the 継続世帯確定リスト."""
    c = r.candidate
    return ConfirmedRow(
        candidate_no=c.candidate_no, pair=household_pair(c), category_code=c.category,
        category_label=c.category_label, suggestion=c.suggestion_label,
        decision=r.decision_label, decided_by=r.decided_by,
        decided_at=r.decided_at or r.confirmed_at or c.decided_at or _epoch(),
        carried_months=r.carried_months, tasuu_count=r.tasuu_count,
        next_hit_tasuu=r.next_hit_tasuu, move_month_rule=r.move_month_rule, remarks=c.remarks,
        decided_by_name=c.decided_by_name if c.decided_by == r.decided_by else "",
    )


def carry_over_row(r: ResultView) -> CarryOverRow:
    """One line of the 高額該当引継結果一覧."""
    return CarryOverRow(
        candidate_no=r.candidate_no, pair=household_pair(r.candidate),
        decision=r.decision_label, carried_months=r.carried_months, tasuu_count=r.tasuu_count,
        next_hit_tasuu=r.next_hit_tasuu, move_month_rule=r.move_month_rule,
    )


def _epoch() -> dt.datetime:
    return dt.datetime(1900, 1, 1)


class PrintingService:
    """Render the lists of one profile and log every print."""

    def __init__(self, profile: Profile, session: Session) -> None:
        self._profile = profile
        self._session = session

    def _header(self, title: str, condition: str = "") -> ReportHeader:
        code = self._profile.municipality_code
        return ReportHeader(title=title, municipality_name=municipality_name(code),
                            municipality_code=code, printed_at=self._profile.clock(),
                            operator_id=self._session.user_id, condition=condition,
                            operator_name=self._session.name)

    def render_problem_list(self, rows: Sequence[ProblemRow],
                            submission_id: int | None = None) -> PrintDocument:
        """The 処理結果・エラーリスト (from the consolidation system; no 個人番号)."""
        self._session.require()
        lines = [ProblemListRow(r.household_no, r.municipal_insured_id, r.result_label,
                                r.coverage_start, r.submission_id) for r in rows]
        condition = (f"受付番号 {submission_id} の送信" if submission_id is not None
                     else "被保険者ごとの最新の処理結果")
        pdf = render_problem_list(self._header(PROBLEM_TITLE, condition), lines)
        return PrintDocument(pdf, PROBLEM_TITLE, REPORT_PROBLEMS, len(lines),
                             pdf_page_count(pdf))

    def render_audit_log(self, rows: Sequence[AuditLogRow], condition: str) -> PrintDocument:
        """The operation log as the administrator filtered it (administrators only)."""
        self._session.require(Role.ADMIN)
        pdf = render_audit_log(self._header(AUDIT_TITLE, condition), list(rows))
        return PrintDocument(pdf, AUDIT_TITLE, REPORT_AUDIT, len(rows), pdf_page_count(pdf))

    def render_check_list(self, rows: Sequence[CheckRow], files: str = "") -> PrintDocument:
        """The problems a 検査 found (file, line, item, message; never a field's value)."""
        self._session.require()
        lines = [CheckListRow(r.file, r.record, r.item, r.message) for r in rows]
        pdf = render_check_list(self._header(CHECK_TITLE, files), lines)
        return PrintDocument(pdf, CHECK_TITLE, REPORT_CHECK, len(lines), pdf_page_count(pdf))

    def render_candidate_list(self, candidates: Sequence[CandidateView],
                              condition: str = "全件",
                              as_of: dt.datetime | None = None) -> PrintDocument:
        """The 継続候補世帯リスト of the given candidates (in the given order); ``condition``
        (the screen's filter, 「全件」 when none) is printed in the header. ``as_of``: a
        reprint of the list as it stood then; the title says 「…時点」."""
        self._session.require()
        rows = [candidate_row(c) for c in candidates]
        title = CANDIDATE_TITLE
        if as_of is not None:
            title = f"{CANDIDATE_TITLE}（{as_of_label(as_of)} 時点）"
        pdf = render_candidate_list(self._header(title, condition), rows)
        return PrintDocument(pdf, title, REPORT_CANDIDATES, len(rows), pdf_page_count(pdf))

    def render_confirmed_list(self, results: Sequence[ResultView],
                              condition: str = "全件") -> PrintDocument:
        """The 継続世帯確定リスト of the given results (``condition`` in the header)."""
        self._session.require()
        rows = [confirmed_row(r) for r in results]
        pdf = render_confirmed_list(self._header(CONFIRMED_TITLE, condition), rows)
        return PrintDocument(pdf, CONFIRMED_TITLE, REPORT_CONFIRMED, len(rows),
                             pdf_page_count(pdf))

    def render_carry_over_list(self, results: Sequence[ResultView],
                               condition: str = "全件") -> PrintDocument:
        """The 高額該当引継結果一覧 (the candidates confirmed as 継続)."""
        self._session.require()
        rows = [carry_over_row(r) for r in results if r.decision == "continue"]
        pdf = render_carry_over_list(self._header(CARRY_OVER_TITLE, condition), rows)
        return PrintDocument(pdf, CARRY_OVER_TITLE, REPORT_CARRY_OVER, len(rows),
                             pdf_page_count(pdf))

    def check_printer(self, target: PrinterTarget, *, report: str) -> None:
        """Refuse (``PrintRefused``, logged with the printer's name) output to a file, a
        printer that writes a file, and any printer the policy does not list."""
        name = target.name.strip()
        shown = name or NO_PRINTER_LABEL
        if target.writes_file:
            refusal = PrintRefused(
                "file_output", "ファイルへの出力(PDFなど)はできません。",
                "情報システム管理者が許可したプリンタを選んで、紙に印刷してください。")
        elif is_file_printer(name):
            refusal = PrintRefused(
                "file_printer",
                f"プリンタ「{shown}」はファイルに出力するプリンタ(PDF・XPSなど)のため使用できません。",
                "情報システム管理者が許可したプリンタを選んでください。")
        elif name not in self._profile.policy().allowed_printers:
            refusal = PrintRefused(
                "not_allowed",
                f"プリンタ「{shown}」は情報システム管理者が印刷を許可したプリンタではありません。",
                "許可されたプリンタを選んでください。許可は管理画面のポリシー"
                "(allowed_printers)で情報システム管理者が設定します。")
        else:
            return
        self._profile.audit.record(
            AuditAction.PRINT, self._session.user_id,
            {"report": report, "printer": shown[:128], "reason": refusal.reason},
            AuditResult.REFUSED,
        )
        raise refusal

    def log_printed(self, document: PrintDocument, pages: int, printer: str = "") -> int:
        """Record a print that went out (list, rows, pages, printer; operator = session
        user)."""
        return self._profile.audit.record(
            AuditAction.PRINT, self._session.user_id,
            {"report": document.report, "count": document.rows, "pages": pages,
             "printer": (printer.strip() or NO_PRINTER_LABEL)[:128]},
        )

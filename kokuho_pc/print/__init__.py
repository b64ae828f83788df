"""List reports as PDF (reportlab): 継続候補世帯リスト, 継続世帯確定リスト, 高額該当引継結果一覧.

Every ``render_*`` returns the PDF as bytes in memory; nothing is written to disk.
"""

from kokuho_pc.print.canvas_table import pdf_page_count
from kokuho_pc.print.geometry import ROWS_PER_PAGE, page_count
from kokuho_pc.print.reports import (
    AUDIT_TITLE,
    CANDIDATE_TITLE,
    CARRY_OVER_TITLE,
    CHECK_TITLE,
    CONFIRMED_TITLE,
    PROBLEM_TITLE,
    render_audit_log,
    render_candidate_list,
    render_carry_over_list,
    render_check_list,
    render_confirmed_list,
    render_problem_list,
)
from kokuho_pc.print.rows import (
    AuditLogRow,
    CandidateRow,
    CarryOverRow,
    CheckListRow,
    ConfirmedRow,
    HouseholdPair,
    ProblemListRow,
    ReportHeader,
)

__all__ = [
    "AUDIT_TITLE",
    "CANDIDATE_TITLE",
    "CARRY_OVER_TITLE",
    "CHECK_TITLE",
    "CONFIRMED_TITLE",
    "PROBLEM_TITLE",
    "ROWS_PER_PAGE",
    "AuditLogRow",
    "CandidateRow",
    "CarryOverRow",
    "CheckListRow",
    "ConfirmedRow",
    "HouseholdPair",
    "ProblemListRow",
    "ReportHeader",
    "page_count",
    "pdf_page_count",
    "render_audit_log",
    "render_candidate_list",
    "render_carry_over_list",
    "render_check_list",
    "render_confirmed_list",
    "render_problem_list",
]

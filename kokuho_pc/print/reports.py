"""The three printed lists: columns and ``render_*`` entry points.

Each ``render_*(header, rows) -> bytes`` returns a complete PDF in memory
(A4 landscape, IPAexGothic embedded). Dates are printed in short 和暦.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from kokuho_pc.domain.wareki import era_of, wareki_short
from kokuho_pc.print.canvas_table import render_table
from kokuho_pc.print.geometry import Column
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

CANDIDATE_TITLE = "継続候補世帯リスト"
CONFIRMED_TITLE = "継続世帯確定リスト"
CARRY_OVER_TITLE = "高額該当引継結果一覧"
PROBLEM_TITLE = "処理結果・エラーリスト"
CHECK_TITLE = "検査結果(誤りの一覧)"
AUDIT_TITLE = "操作ログ"
MARK = "○"


def short_date(day: dt.date | None) -> str:
    """``R8.10.1`` (empty for no date)."""
    return wareki_short(day) if day is not None else ""


def short_datetime(moment: dt.datetime | None) -> str:
    """``R8.10.1 14:05`` (empty for no time)."""
    if moment is None:
        return ""
    return f"{wareki_short(moment.date())} {moment.hour:02d}:{moment.minute:02d}"


def short_month(yyyymm: str) -> str:
    """``R6.4`` for the care month ``202404``; an unreadable value is printed as given."""
    if len(yyyymm) != 6 or not yyyymm.isascii() or not yyyymm.isdigit():
        return yyyymm
    year, month = int(yyyymm[:4]), int(yyyymm[4:])
    if not 1 <= month <= 12:
        return yyyymm
    era, era_year = era_of(dt.date(year, month, 1))
    return f"{era.letter}{era_year}.{month}"


def _staff_cell(name: str, staff_id: str, moment: dt.datetime | None) -> tuple[str, str]:
    """判断者 and 判断日時: the staff name on the first line; the time and the staff ID (small
    type) on the second. The ID alone when this PC does not know the name."""
    when = short_datetime(moment)
    if name and name != staff_id:
        return (name, f"{when} {staff_id}".strip())
    return (staff_id, when)


def _flag(value: bool) -> tuple[str, str]:
    return (MARK if value else "", "")


class _ListRow(Protocol):
    """What every list row has: a candidate number and the before/after pair."""

    @property
    def candidate_no(self) -> str: ...

    @property
    def pair(self) -> HouseholdPair: ...


RowT = TypeVar("RowT", bound=_ListRow)


def _number_column() -> Column[Any]:
    return Column("候補番号", 5.8, lambda r: (r.candidate_no, ""), "center")


def _pair_columns(row_type: type[RowT]) -> list[Column[RowT]]:
    """Columns shared by all lists: who moved from where to where, and when."""
    del row_type  # only fixes the row type of the returned columns
    return [
        Column("異動日", 4.6, lambda r: (short_date(r.pair.move_date), ""), "center"),
        Column(
            "転出前\n市町村", 6.6,
            lambda r: (r.pair.before_municipality_name, r.pair.before_municipality_code),
        ),
        Column(
            "転出前世帯主\n氏名／カナ", 10.2,
            lambda r: (r.pair.before_head_name, r.pair.before_head_kana),
        ),
        Column(
            "転入後\n市町村", 6.6,
            lambda r: (r.pair.after_municipality_name, r.pair.after_municipality_code),
        ),
        Column(
            "転入後世帯主\n氏名／カナ", 10.2,
            lambda r: (r.pair.after_head_name, r.pair.after_head_kana),
        ),
    ]


def _result_columns() -> list[Column[Any]]:
    """Carry-over figures shared by the confirmed and the carry-over lists."""
    return [
        Column("引継\n月数", 3.6, lambda r: (str(len(r.carried_months)), ""), "right"),
        Column("多数回\n該当回数", 4.2, lambda r: (str(r.tasuu_count), ""), "right"),
        Column("次回\n多数回", 3.6, lambda r: _flag(r.next_hit_tasuu), "center"),
        Column("転居月\n特例", 3.6, lambda r: _flag(r.move_month_rule), "center"),
    ]


def _candidate_columns() -> list[Column[CandidateRow]]:
    pair = _pair_columns(CandidateRow)
    members: Column[CandidateRow] = Column(
        "世帯人数\n前→後", 4.4,
        lambda r: (f"{r.before_member_count}→{r.after_member_count}", ""), "center",
    )
    tail: list[Column[CandidateRow]] = [
        Column("判定候補区分", 7.0, lambda r: (f"{r.category_code} {r.category_label}", ""),
               wrap_text=True),
        Column("判定\n候補", 3.6, lambda r: (r.suggestion, ""), "center"),
        Column("判定候補の理由", 19.2, lambda r: (r.reason, ""), wrap_text=True),
        # 判断 fits 「継続しない」 on one line at 7 pt or more.
        Column("判断", 5.4, lambda r: (r.decision, ""), "center"),
        Column(
            "判断者\n判断日時", 10.0,
            lambda r: _staff_cell(r.decided_by_name, r.decided_by, r.decided_at), "center",
        ),
    ]
    return [_number_column(), *pair[:3], members, *pair[3:], *tail]


def _confirmed_columns() -> list[Column[ConfirmedRow]]:
    middle: list[Column[ConfirmedRow]] = [
        Column(
            "判定候補区分\n判定候補", 9.0,
            lambda r: (f"{r.category_code} {r.category_label}", r.suggestion),
        ),
        Column("確定した\n判断", 5.6, lambda r: (r.decision, ""), "center"),
        Column(
            "判断者\n判断日時", 10.0,
            lambda r: _staff_cell(r.decided_by_name, r.decided_by, r.decided_at), "center",
        ),
    ]
    remarks: Column[ConfirmedRow] = Column("備考", 8.0, lambda r: (r.remarks, ""))
    return [
        _number_column(), *_pair_columns(ConfirmedRow), *middle, *_result_columns(), remarks,
    ]


def _carry_over_columns() -> list[Column[CarryOverRow]]:
    middle: list[Column[CarryOverRow]] = [
        Column("判断", 5.4, lambda r: (r.decision, ""), "center"),
        Column(
            "引継診療年月", 19.0,
            lambda r: (" ".join(short_month(m) for m in r.carried_months), ""), wrap=True,
        ),
    ]
    return [_number_column(), *_pair_columns(CarryOverRow), *middle, *_result_columns()]


def candidate_columns() -> list[Column[CandidateRow]]:
    """Columns of the 継続候補世帯リスト (also used by the benchmark's baseline)."""
    return _candidate_columns()


def render_candidate_list(header: ReportHeader, rows: Sequence[CandidateRow]) -> bytes:
    """The 継続候補世帯リスト as PDF bytes."""
    return render_table(header, _candidate_columns(), rows, CANDIDATE_TITLE)


def render_confirmed_list(header: ReportHeader, rows: Sequence[ConfirmedRow]) -> bytes:
    """The 継続世帯確定リスト as PDF bytes."""
    return render_table(header, _confirmed_columns(), rows, CONFIRMED_TITLE)


def render_carry_over_list(header: ReportHeader, rows: Sequence[CarryOverRow]) -> bytes:
    """The 高額該当引継結果一覧 as PDF bytes."""
    return render_table(header, _carry_over_columns(), rows, CARRY_OVER_TITLE)


def _problem_columns() -> list[Column[ProblemListRow]]:
    return [
        Column("世帯番号", 10.0, lambda r: (r.household_no, ""), "center"),
        Column("市町村被保険者ID", 12.0, lambda r: (r.municipal_insured_id, ""), "center"),
        Column("処理結果", 14.0, lambda r: (r.result_label, "")),
        Column("適用開始\n年月日", 6.0, lambda r: (short_date(r.coverage_start), ""), "center"),
        Column("受付番号", 6.0, lambda r: (str(r.submission_id), ""), "right"),
        Column("確認・訂正欄", 30.0, lambda r: ("", "")),
    ]


def _check_columns() -> list[Column[CheckListRow]]:
    return [
        Column("ファイル", 16.0, lambda r: (r.file, "")),
        Column("行", 4.0, lambda r: ("-" if r.record is None else str(r.record), ""), "right"),
        Column("項目", 10.0, lambda r: (r.item, "")),
        Column("内容", 40.0, lambda r: (r.message, ""), wrap_text=True),
    ]


def render_problem_list(header: ReportHeader, rows: Sequence[ProblemListRow]) -> bytes:
    """The 処理結果・エラーリスト as PDF bytes (世帯番号 and 市町村被保険者ID; no 個人番号)."""
    return render_table(header, _problem_columns(), rows, PROBLEM_TITLE)


def render_check_list(header: ReportHeader, rows: Sequence[CheckListRow]) -> bytes:
    """The 検査 problems as PDF bytes (file, line, item and message only)."""
    return render_table(header, _check_columns(), rows, CHECK_TITLE)


def _audit_columns() -> list[Column[AuditLogRow]]:
    return [
        Column("番号", 5.0, lambda r: (str(r.seq), ""), "right"),
        Column("日時", 11.0, lambda r: (r.time, "")),
        Column("職員", 9.0, lambda r: (r.staff, "")),
        Column("操作", 10.0, lambda r: (r.action, "")),
        Column("結果", 4.0, lambda r: (r.result, "")),
        Column("対象", 31.0, lambda r: (r.targets, ""), wrap_text=True),
    ]


def render_audit_log(header: ReportHeader, rows: Sequence[AuditLogRow]) -> bytes:
    """The filtered operation log as PDF bytes (the 対象 wrapped, codes already in words)."""
    return render_table(header, _audit_columns(), rows, AUDIT_TITLE)

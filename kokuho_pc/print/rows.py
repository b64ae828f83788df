"""Input rows of the printed lists.

The services layer maps the consolidation system's data to these plain,
frozen dataclasses. None of them has a field for a 個人番号: the report code
never receives one (docs/architecture.md, "The 個人番号").

Codes and labels are passed as the strings the lists print (e.g. the
category label ``住所異動のみ``); dates as ``datetime.date`` (printed in
short 和暦, ``R8.10.1``); care months as ``YYYYMM`` strings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReportHeader:
    """What every page header shows: the operator's name (when known) and staff ID."""

    title: str
    municipality_name: str
    municipality_code: str
    printed_at: dt.datetime
    operator_id: str
    condition: str = ""  # what was printed, e.g. the screen's filter (「全件」 when none)
    operator_name: str = ""  # printed large, the ID small after it


@dataclass(frozen=True, slots=True)
class HouseholdPair:
    """The before and after sides of a candidate: municipalities and heads of household."""

    move_date: dt.date
    before_municipality_code: str
    before_municipality_name: str
    after_municipality_code: str
    after_municipality_name: str
    before_head_name: str
    before_head_kana: str
    after_head_name: str
    after_head_kana: str


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """One line of the 継続候補世帯リスト (candidate list)."""

    candidate_no: str
    pair: HouseholdPair
    before_member_count: int
    after_member_count: int
    category_code: int
    category_label: str
    suggestion: str
    reason: str
    decision: str = ""
    decided_by: str = ""
    decided_at: dt.datetime | None = None
    decided_by_name: str = ""


@dataclass(frozen=True, slots=True)
class ConfirmedRow:
    """One line of the 継続世帯確定リスト (confirmed list)."""

    candidate_no: str
    pair: HouseholdPair
    category_code: int
    category_label: str
    suggestion: str
    decision: str
    decided_by: str
    decided_at: dt.datetime
    carried_months: tuple[str, ...]
    tasuu_count: int
    next_hit_tasuu: bool
    move_month_rule: bool
    remarks: str = ""
    decided_by_name: str = ""


@dataclass(frozen=True, slots=True)
class CarryOverRow:
    """One line of the 高額該当引継結果一覧 (carry-over result list)."""

    candidate_no: str
    pair: HouseholdPair
    decision: str
    carried_months: tuple[str, ...]
    tasuu_count: int
    next_hit_tasuu: bool
    move_month_rule: bool


@dataclass(frozen=True, slots=True)
class ProblemListRow:
    """One line of the 処理結果・エラーリスト: a person whose result is not 正常.

    世帯番号 and 市町村被保険者ID name the person for the city's own system; no name,
    no 個人番号."""

    household_no: str
    municipal_insured_id: str
    result_label: str
    coverage_start: dt.date | None
    submission_id: int


@dataclass(frozen=True, slots=True)
class CheckListRow:
    """One problem found by a 検査 (file, line, item, message; never a field's value)."""

    file: str
    record: int | None
    item: str
    message: str


@dataclass(frozen=True, slots=True)
class AuditLogRow:
    """One record of the operation log as the administrator's screen shows it (texts)."""

    seq: int
    time: str
    staff: str
    action: str
    result: str
    targets: str

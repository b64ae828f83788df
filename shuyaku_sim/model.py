"""JSON-able result types of the engine facade (TypedDicts; dates are ``YYYY-MM-DD`` strings).

No type here has a field for a 個人番号; persons are identified by the
municipal insured ID and the 都道府県被保険者ID only.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

CandidateState = Literal["undecided", "decided", "confirmed"]
SuggestionCode = Literal["continue", "discontinue", "review"]
DecisionCode = Literal["continue", "discontinue"]
MemberMarker = Literal["unchanged", "added", "removed"]


class SubmittedFile(TypedDict):
    """One file of a submission (bookkeeping only, never the content)."""

    name: str
    if_id: str
    size: int
    sha256: str


class SubmissionResult(TypedDict):
    """What a submission produced. Returned again, unchanged, for a repeated key."""

    submission_id: int
    municipality_code: str
    idempotency_key: str
    sha256: str
    status: Literal["accepted", "rejected"]
    received_at: str
    files: list[SubmittedFile]
    persons: int
    households: int
    high_cost_months: int
    result_counts: dict[str, int]
    rechecked_counts: dict[str, int]
    deliveries: list[str]
    candidates_changed: int
    errors: list[dict[str, object]]
    replayed: bool
    # Only on the earlier receipt of a file set sent again under a new key:
    already_processed: NotRequired[bool]
    warning: NotRequired[str]


class Delivery(TypedDict):
    """A delivered CSV file (KSK11, KSK12, KKG11) waiting for or past acknowledgement."""

    delivery_id: int
    name: str
    if_id: str
    municipality_code: str
    created_at: str
    rows: int
    size: int
    sha256: str
    acknowledged: bool
    acknowledged_at: str | None


class HeadView(TypedDict):
    """The 国保上の世帯主 of one household side (no 個人番号, also not of a nominal head)."""

    head_type: Literal["insured", "nominal"]
    municipal_insured_id: str | None
    name: str
    name_kana: str


class MemberRow(TypedDict):
    """One person of a candidate, before and after side by side."""

    prefectural_insured_id: str
    before_insured_id: str | None
    after_insured_id: str | None
    name: str
    name_kana: str
    birth_date: str
    sex: str
    relation_before: str | None
    relation_after: str | None
    marker: MemberMarker
    marker_label: str
    change_reason: str | None
    change_reason_label: str | None


class CandidateSummary(TypedDict):
    """One line of the 継続候補世帯リスト."""

    candidate_no: str
    before_municipality: str
    before_household: str
    after_municipality: str
    after_household: str
    move_date: str
    category: int
    category_label: str
    suggestion: SuggestionCode
    suggestion_label: str
    reason: str
    state: CandidateState
    decision: DecisionCode | None
    before_head_name: str
    before_head_name_kana: str
    after_head_name: str
    after_head_name_kana: str
    before_member_count: int
    after_member_count: int
    decided_by: str | None
    decided_at: str | None
    has_remarks: bool


class CandidateListAsOf(TypedDict):
    """The 継続候補世帯リスト as it stood at ``as_of`` (decisions as recorded by then)."""

    as_of: str
    candidates: list[CandidateSummary]


MomentKind = Literal["decision", "confirmation", "submission"]


class ListMoment(TypedDict):
    """A time the candidate list changed: ``count`` decisions recorded, candidates
    confirmed, or file sets received at ``at``."""

    at: str
    kind: MomentKind
    count: int


class DecisionView(TypedDict):
    """The recorded decision of a candidate."""

    decision: DecisionCode
    decision_label: str
    reason: str | None
    remarks: str | None
    staff_id: str
    terminal_id: str
    decided_at: str
    confirmed_at: str | None
    confirmed_by: str | None


class CandidateDetail(CandidateSummary):
    """A candidate with both households side by side and its decision."""

    before_head: HeadView
    after_head: HeadView
    members: list[MemberRow]
    decision_detail: DecisionView | None


class ConfirmSummary(TypedDict):
    """Outcome of one 確定指示."""

    confirmed: list[str]
    already_confirmed: list[str]
    continued: int
    discontinued: int
    carried_months: int
    deliveries: list[str]


class ResultRow(TypedDict):
    """One line of the 継続世帯確定結果 (docs/business-rules.md §5–§6)."""

    candidate_no: str
    before_municipality: str
    before_household: str
    after_municipality: str
    after_household: str
    move_date: str
    decision: DecisionCode
    carried_months: list[str]
    tasuu_count: int
    next_hit_tasuu: bool
    move_month_rule: bool
    decided_by: str
    decided_at: str
    confirmed_by: str
    confirmed_at: str
    remarks: str | None


class OperationLogRecord(TypedDict):
    """One operation-log record forwarded by a PC, as stored (``id`` orders them)."""

    id: int
    municipality_code: str
    terminal_id: str
    seq: int
    record: dict[str, object]
    received_at: str


class Status(TypedDict):
    """Counts for the PC's dashboard."""

    municipality_code: str
    undecided_candidates: int
    decided_candidates: int
    confirmed_candidates: int
    undelivered_files: int
    pending_persons: int
    gap_or_overlap_persons: int
    rejected_submissions: int

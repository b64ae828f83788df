"""What the facade returns for candidates and results (never a 個人番号)."""

from __future__ import annotations

import json

from kokuho_pc.domain.codes import Category, ChangeReason, Decision, Suggestion
from shuyaku_sim import model
from shuyaku_sim.highcost import after_household_months, month_of, tasuu_figures
from shuyaku_sim.judgement import current_location, leave_reason, pair_view
from shuyaku_sim.storage import Tx
from shuyaku_sim.storage.candidate_list import ListFigures
from shuyaku_sim.storage.rows import CandidateRow, HouseholdPeriod, PersonPeriod

MARKER_LABELS = {"unchanged": "変更なし", "added": "増加", "removed": "減少"}
REASON_LABELS = {r.value: r.label for r in ChangeReason}
CATEGORY_LABELS = {c.value: c.label for c in Category}
SUGGESTION_LABELS = {s.value: s.label for s in Suggestion}
DECISION_LABELS = {d.value: d.label for d in Decision}
STAYED_LABEL = "転出前の市町村に残留"


def summary(c: CandidateRow, f: ListFigures) -> model.CandidateSummary:
    """One line of the candidate list (``f``: its heads and member counts)."""
    return {
        "candidate_no": c.candidate_no,
        "before_municipality": c.before_municipality,
        "before_household": c.before_household_no,
        "after_municipality": c.after_municipality,
        "after_household": c.after_household_no,
        "move_date": c.move_date.isoformat(),
        "category": c.category,
        "category_label": CATEGORY_LABELS[c.category],
        "suggestion": c.suggestion,  # type: ignore[typeddict-item]
        "suggestion_label": SUGGESTION_LABELS[c.suggestion],
        "reason": c.reason,
        "state": c.state,  # type: ignore[typeddict-item]
        "decision": c.decision,  # type: ignore[typeddict-item]
        "before_head_name": f.before_head_name,
        "before_head_name_kana": f.before_head_kana,
        "after_head_name": f.after_head_name,
        "after_head_name_kana": f.after_head_kana,
        "before_member_count": f.before_count,
        "after_member_count": f.after_count,
        "decided_by": c.decided_staff if c.decision else None,
        "decided_at": c.decided_at if c.decision else None,
        "has_remarks": bool(c.remarks),
    }


def _head(hh: HouseholdPeriod | None) -> model.HeadView:
    if hh is None:
        return {"head_type": "insured", "municipal_insured_id": None, "name": "",
                "name_kana": ""}
    nominal = hh.head_type == "2"
    return {
        "head_type": "nominal" if nominal else "insured",
        "municipal_insured_id": None if nominal else hh.head_insured_id,
        "name": hh.head_name,
        "name_kana": hh.head_name_kana,
    }


def _member(
    tx: Tx, c: CandidateRow, pid: str, before: PersonPeriod | None, after: PersonPeriod | None
) -> model.MemberRow:
    shown = after or before
    assert shown is not None
    reason: str | None = None
    if before is None and after is not None:
        marker, reason = "added", after.coverage_start_reason
    elif after is None:
        marker = "removed"
        loc = current_location(tx, pid)
        if loc is None:
            reason = leave_reason(tx, pid)
        elif loc.municipality_code != c.before_municipality and before is not None:
            reason = before.coverage_end_reason  # moved elsewhere (12 県内転出)
    else:
        marker = "unchanged"
    label = STAYED_LABEL if marker == "removed" and reason is None else (
        REASON_LABELS.get(reason) if reason else None)
    return {
        "prefectural_insured_id": pid,
        "before_insured_id": None if before is None else before.municipal_insured_id,
        "after_insured_id": None if after is None else after.municipal_insured_id,
        "name": shown.name,
        "name_kana": shown.name_kana,
        "birth_date": shown.birth_date.isoformat(),
        "sex": shown.sex,
        "relation_before": None if before is None else before.relation,
        "relation_after": None if after is None else after.relation,
        "marker": marker,  # type: ignore[typeddict-item]
        "marker_label": MARKER_LABELS[marker],
        "change_reason": reason,
        "change_reason_label": label,
    }


def households_side_by_side(tx: Tx, c: CandidateRow) -> dict[str, object]:
    """Heads and members of both households (the part frozen at confirmation)."""
    view = pair_view(tx, (c.before_municipality, c.before_household_no),
                     (c.after_municipality, c.after_household_no), c.move_date)
    order = list(view.before_members) + [p for p in view.after_members
                                         if p not in view.before_members]
    members = [_member(tx, c, pid, view.before_members.get(pid), view.after_members.get(pid))
               for pid in order]
    return {"before_head": _head(view.before_household),
            "after_head": _head(view.after_household), "members": members}


def _decision(c: CandidateRow) -> model.DecisionView | None:
    if c.decision is None:
        return None
    view: model.DecisionView = {
        "decision": c.decision,  # type: ignore[typeddict-item]
        "decision_label": DECISION_LABELS[c.decision],
        "reason": c.decision_reason,
        "remarks": c.remarks,
        "staff_id": c.decided_staff or "",
        "terminal_id": c.decided_terminal or "",
        "decided_at": c.decided_at or "",
        "confirmed_at": c.confirmed_at,
        "confirmed_by": c.confirmed_staff,
    }
    return view


def detail(tx: Tx, c: CandidateRow) -> model.CandidateDetail:
    """A candidate with both households side by side and its decision."""
    sides = json.loads(c.snapshot_json) if c.snapshot_json else households_side_by_side(tx, c)
    line = summary(c, ListFigures.from_sides(sides))
    out: dict[str, object] = {**line, **sides, "decision_detail": _decision(c)}
    return out  # type: ignore[return-value]


def result_row(tx: Tx, c: CandidateRow) -> model.ResultRow:
    """One line of the confirmation result (figures computed from the current months)."""
    after = (c.after_municipality, c.after_household_no)
    carried = sorted(m.care_month for m in tx.carried_months_of(c.id))
    count, next_hit = tasuu_figures(after_household_months(tx, after), month_of(c.move_date))
    return {
        "candidate_no": c.candidate_no,
        "before_municipality": c.before_municipality,
        "before_household": c.before_household_no,
        "after_municipality": c.after_municipality,
        "after_household": c.after_household_no,
        "move_date": c.move_date.isoformat(),
        "decision": c.decision,  # type: ignore[typeddict-item]
        "carried_months": carried,
        "tasuu_count": count,
        "next_hit_tasuu": next_hit,
        "move_month_rule": c.decision == "continue" and c.move_date.day != 1,
        "decided_by": c.decided_staff or "",
        "decided_at": c.decided_at or "",
        "confirmed_by": c.confirmed_staff or "",
        "confirmed_at": c.confirmed_at or "",
        "remarks": c.remarks,
    }

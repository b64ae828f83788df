"""Decisions and the 確定指示 (docs/business-rules.md §4)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from kokuho_pc.domain.leakscan import contains_my_number
from shuyaku_sim import model
from shuyaku_sim.deliveries import deliver_grouped
from shuyaku_sim.errors import InvalidRequest, NotFound, StateConflict
from shuyaku_sim.highcost import carry_over, kkg11_rows
from shuyaku_sim.storage import Tx
from shuyaku_sim.storage.rows import CandidateRow
from shuyaku_sim.views import households_side_by_side

DECISIONS = ("continue", "discontinue")
MAX_REASON = 200
MAX_REMARKS = 500


def _clean(text: str | None, limit: int, what: str) -> str | None:
    value = (text or "").strip()
    if not value:
        return None
    if len(value) > limit:
        raise InvalidRequest(f"{what}は{limit}文字以内で入力してください。")
    if contains_my_number(value):
        raise InvalidRequest(f"{what}に個人番号を含めることはできません。")
    return value


def decide(
    tx: Tx, municipality: str, candidate_no: str, decision: str, reason: str | None,
    remarks: str | None, terminal_id: str, staff_id: str, now: str,
) -> CandidateRow:
    """Record or change a decision; return the updated candidate."""
    if decision not in DECISIONS:
        raise InvalidRequest("判定は「継続する」または「継続しない」を指定してください。")
    if not staff_id.strip() or not terminal_id.strip():
        raise InvalidRequest("職員IDと端末IDが必要です。")
    c = tx.candidate_by_no(municipality, candidate_no)
    if c is None:
        raise NotFound()
    if c.state == "confirmed":
        raise StateConflict("確定済みの候補の判定は変更できません。")
    clean_reason = _clean(reason, MAX_REASON, "理由")
    clean_remarks = _clean(remarks, MAX_REMARKS, "備考")
    if c.suggestion in DECISIONS and decision != c.suggestion and clean_reason is None:
        raise InvalidRequest("判定候補と異なる判定をするときは理由を入力してください。")
    tx.set_decision(c.id, decision, clean_reason, clean_remarks, staff_id, terminal_id, now)
    updated = tx.candidate_by_no(municipality, candidate_no)
    assert updated is not None
    return updated


def confirm_candidates(
    tx: Tx, municipality: str, candidate_nos: Sequence[str], terminal_id: str, staff_id: str,
    now: dt.datetime,
) -> model.ConfirmSummary:
    """Confirm decided candidates (all or nothing); carry months and deliver KKG11."""
    if not candidate_nos:
        raise InvalidRequest("確定する候補を指定してください。")
    if not staff_id.strip() or not terminal_id.strip():
        raise InvalidRequest("職員IDと端末IDが必要です。")
    todo: list[CandidateRow] = []
    already: list[str] = []
    for no in dict.fromkeys(candidate_nos):
        c = tx.candidate_by_no(municipality, no)
        if c is None:
            raise NotFound()
        if c.state == "confirmed":
            already.append(no)
        elif c.state != "decided":
            raise StateConflict("未判定の候補が含まれているため、確定できません。")
        else:
            todo.append(c)
    stamp = now.replace(microsecond=0)
    kkg11: list[dict[str, object]] = []
    continued = carried = 0
    for c in todo:
        snapshot = json.dumps(households_side_by_side(tx, c), ensure_ascii=False)
        tx.set_confirmed(c.id, staff_id, terminal_id, stamp.isoformat(), snapshot)
        if c.decision == "continue":
            months = carry_over(tx, c)
            kkg11 += kkg11_rows(tx, c, months, stamp.date())
            continued += 1
            carried += len(months)
    names = deliver_grouped(tx, "KKG11", {municipality: kkg11}, stamp)
    return {
        "confirmed": [c.candidate_no for c in todo],
        "already_confirmed": already,
        "continued": continued,
        "discontinued": len(todo) - continued,
        "carried_months": carried,
        "deliveries": names,
    }

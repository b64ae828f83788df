"""CandidateService and PrintingService against a real seeded simulator and a real profile."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest
from pypdf import PdfReader

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.domain.errors import ServerRefused, ValidationError
from kokuho_pc.domain.leakscan import find_my_numbers
from kokuho_pc.services.candidate_views import CandidateView, HeadInfo, candidate_sort_key
from kokuho_pc.services.candidates import CandidateService
from kokuho_pc.services.printing import PrintingService
from tests.services.cand_env import CandidateEnv, sim_candidates
from tests.transfer.harness import STAFF, sim_query


def _log(env: CandidateEnv, action: AuditAction) -> list[tuple[str, dict[str, object]]]:
    return [(r.result, dict(r.targets)) for r in env.profile.audit.records(limit=10000)
            if r.action == action.value]


def _requests(env: CandidateEnv, after: int = 0) -> list[tuple[str, str]]:
    """(method, route template) of every request the simulator logged after row ``after``."""
    path = env.sim.data_dir / "access-log.sqlite3"
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [(str(m), str(r)) for m, r in conn.execute(
            "SELECT method, route FROM access_log WHERE id > ? ORDER BY id", (after,))]
    finally:
        conn.close()


def _last_request(env: CandidateEnv) -> int:
    path = env.sim.data_dir / "access-log.sqlite3"
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM access_log").fetchone()[0])
    finally:
        conn.close()


def _as_listed(c: CandidateView) -> CandidateView:
    """A detail's candidate reduced to what a list line carries."""
    return dataclasses.replace(
        c, before_head=HeadInfo(c.before_head.name, c.before_head.kana, False),
        after_head=HeadInfo(c.after_head.name, c.after_head.kana, False),
        decision_reason="", remarks="", confirmed_by="", confirmed_at=None)


def _fields(obj: object) -> set[str]:
    return set(getattr(type(obj), "__slots__", ())) | set(getattr(obj, "__dict__", {}))


def test_list_filter_sort_and_detail(cand_env: CandidateEnv) -> None:
    service = CandidateService(cand_env.profile, cand_env.session)
    views = service.list()
    total = len(sim_candidates(cand_env))
    assert len(views) == total >= 20
    assert [v.candidate_no for v in views] == sorted(
        (v.candidate_no for v in views), key=candidate_sort_key)
    assert {v.category for v in views} == {1, 2, 3, 4, 5, 6, 9}
    assert all(v.after_municipality == "082201" and v.after_head.name for v in views)
    assert all(v.state == "undecided" and v.decision_label == "未判断" for v in views)
    split = service.list(category=5)
    assert split and all(v.category == 5 for v in split)
    mito = service.list(municipality="082015")
    assert mito and all(v.before_municipality_name == "水戸市" for v in mito)
    assert service.list(state="confirmed") == []
    by_date = service.list(sort_key="move_date", ascending=False)
    assert [v.move_date for v in by_date] == sorted((v.move_date for v in views), reverse=True)
    detail = service.detail(views[0].candidate_no)
    assert _as_listed(detail.candidate) == views[0]
    # Every line shows what its detail shows (heads, member counts).
    for view in views[1:]:
        assert _as_listed(service.detail(view.candidate_no).candidate) == view
    assert all(v.before_count >= 1 and v.after_count >= 1 and v.before_head.kana
               for v in views)
    assert detail.members and all(m.name and m.kana for m in detail.members)
    assert {m.marker_label for m in detail.members} <= {"転入", "出生", "残留"} | {
        m.marker_label for m in detail.members if m.marker_label.startswith(("離脱", "加入"))}
    # No field anywhere can hold a 個人番号.
    for obj in (views[0], detail.members[0], views[0].after_head):
        assert not any("my_number" in name or "mynumber" in name for name in _fields(obj))
    logged = _log(cand_env, AuditAction.CANDIDATE_LIST_VIEW)
    assert logged[0] == ("success", {"count": total})
    assert ("success", {"candidate": views[0].candidate_no, "count": 1}) in logged


def test_listing_n_candidates_is_one_request(cand_env: CandidateEnv) -> None:
    service = CandidateService(cand_env.profile, cand_env.session)
    mark = _last_request(cand_env)
    views = service.list()
    assert len(views) >= 20
    assert _requests(cand_env, mark) == [("GET", "/api/v1/candidates")]
    no = views[0].candidate_no
    service.record_decision(no, "continue", remarks="電話で確認済み")
    for kwargs in ({}, {"refresh": True}, {"category": 1}, {"municipality": "082015"}):
        mark = _last_request(cand_env)
        again = service.list(**kwargs)  # type: ignore[arg-type]
        assert _requests(cand_env, mark) == [("GET", "/api/v1/candidates")], kwargs
    again = service.list()
    first = next(v for v in again if v.candidate_no == no)
    assert first.decision == "continue" and first.decided_by == cand_env.session.user_id
    assert first.decided_at is not None and first.has_remarks and first.remarks == ""
    assert not any(v.has_remarks for v in again if v.candidate_no != no)
    # Printing the list needs no member rows: no request at all.
    mark = _last_request(cand_env)
    doc = PrintingService(cand_env.profile, cand_env.session).render_candidate_list(again)
    assert doc.rows == len(again) and _requests(cand_env, mark) == []
    # Opening one candidate is one detail request.
    mark = _last_request(cand_env)
    detail = service.detail(no)
    assert _requests(cand_env, mark) == [("GET", "/api/v1/candidates/{candidate_no}")]
    assert detail.candidate.remarks == "電話で確認済み" and detail.members


def test_decide_overrule_needs_reason_and_change(cand_env: CandidateEnv) -> None:
    service = CandidateService(cand_env.profile, cand_env.session)
    views = service.list(category=1)
    no = views[0].candidate_no
    assert views[0].suggestion == "continue"
    with pytest.raises(ValidationError) as refused:
        service.record_decision(no, "discontinue", "  ")
    assert "理由" in refused.value.user_message
    # The server refuses too (checked there independently), in Japanese.
    with CandidateService(cand_env.profile, cand_env.session)._client() as client, \
            pytest.raises(ServerRefused) as server_refused:
        client.request("PUT", f"/api/v1/candidates/{no}/decision",
                       json_body={"decision": "discontinue"})
    assert "理由" in server_refused.value.user_message
    decided = service.record_decision(no, "continue", remarks="確認済み")
    assert decided.candidate.state == "decided" and decided.candidate.decision == "continue"
    assert decided.candidate.decided_by == cand_env.session.user_id
    changed = service.record_decision(no, "discontinue", "世帯の実態を確認した結果")
    assert changed.candidate.decision_label == "継続しない"
    assert changed.candidate.decision_reason == "世帯の実態を確認した結果"
    row = sim_query(cand_env.sim, "SELECT decision, decided_staff FROM candidates "
                    "WHERE candidate_no = ?", (no,))
    assert row == [("discontinue", cand_env.session.user_id)]
    logged = _log(cand_env, AuditAction.DECISION)
    assert logged == [
        (AuditResult.REFUSED.value, {"candidate": no, "decision": "discontinue",
                                     "reason": "reason_required"}),
        ("success", {"candidate": no, "decision": "continue"}),
        ("success", {"candidate": no, "decision": "discontinue", "reason": "overrule"}),
    ]


def test_confirm_results_and_prints(cand_env: CandidateEnv) -> None:
    service = CandidateService(cand_env.profile, cand_env.session)
    views = service.list()
    chosen = views[:6]
    for view in chosen[:5]:
        service.record_decision(view.candidate_no, "continue", "確認済み")
    plan = service.plan_confirmation(service.list())
    assert plan.count == 5 and plan.undecided_count == len(views) - 5
    assert len(plan.continue_nos) == 5 and plan.discontinue_nos == ()
    outcome = service.confirm(plan.candidate_nos)
    assert outcome.confirmed == plan.candidate_nos and outcome.continued == 5
    with pytest.raises(ServerRefused) as locked:
        service.record_decision(chosen[0].candidate_no, "continue", "再判断")
    assert "確定" in locked.value.user_message
    mark = _last_request(cand_env)
    results = service.results()
    assert [r.candidate_no for r in results] == list(plan.candidate_nos)
    assert _requests(cand_env, mark) == [("GET", "/api/v1/results"),
                                         ("GET", "/api/v1/candidates")]
    assert all(r.candidate.remarks == "" and r.candidate.after_head.name for r in results)
    api = cand_env.sim.session(CODE_082201, staff=STAFF)
    try:
        expected = {r["candidate_no"]: r for r in api.get(
            cand_env.sim.url("/api/v1/results")).json()["results"]}
    finally:
        api.close()
    for r in results:
        e = expected[r.candidate_no]
        assert r.tasuu_count == e["tasuu_count"] and r.next_hit_tasuu == e["next_hit_tasuu"]
        assert r.move_month_rule == e["move_month_rule"]
        assert len(r.carried_months) == len(e["carried_months"])
    assert sum(r.carried_count for r in results) == outcome.carried_months
    assert _log(cand_env, AuditAction.CONFIRMATION)[-1] == (
        "success", {"candidates": list(plan.candidate_nos), "count": 5, "records": 5})

    printing = PrintingService(cand_env.profile, cand_env.session)
    for doc in (printing.render_candidate_list(service.list()),
                printing.render_confirmed_list(results),
                printing.render_carry_over_list(results)):
        reader = PdfReader(__import__("io").BytesIO(doc.pdf))
        assert len(reader.pages) == doc.pages
        text = "".join(page.extract_text() for page in reader.pages)
        assert doc.title in text and not find_my_numbers(text)
        printing.log_printed(doc, doc.pages, "窓口複合機-2F")
    printed = _log(cand_env, AuditAction.PRINT)
    pages = -(-len(views) // 23)
    on = {"printer": "窓口複合機-2F"}
    assert printed == [("success", {"report": "candidate_list", "count": len(views),
                                    "pages": pages, **on}),
                       ("success", {"report": "confirmed_list", "count": 5, "pages": 1, **on}),
                       ("success", {"report": "carry_over_list", "count": 5, "pages": 1, **on})]


CODE_082201 = "082201"

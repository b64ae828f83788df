"""The candidate list's lines carry the same heads, counts and decision as each detail.

``Engine.list_candidates`` computes the figures in one SQL statement; the
detail derives them from the households side by side (live, or the snapshot
frozen at confirmation). On the synthetic prefecture (every category, head
changes, births, departures) both must agree for every candidate, before and
after decisions and confirmation.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kokuho_pc.domain.leakscan import find_my_numbers
from kokuho_pc.synth.generate import generate_prefecture
from shuyaku_sim import model
from shuyaku_sim.engine import Engine, file_set_digest
from shuyaku_sim.filesets import group_file_sets, read_files
from tests.sim.enginehelp import make_engine

LIST_FIELDS = ("before_head_name", "before_head_name_kana", "after_head_name",
               "after_head_name_kana", "before_member_count", "after_member_count",
               "decided_by", "decided_at", "has_remarks")


@pytest.fixture(scope="module")
def synth_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An engine that took every file set of a 200-person synthetic prefecture."""
    src = tmp_path_factory.mktemp("synth")
    generate_prefecture(src, 1, persons=200)
    engine = make_engine(tmp_path_factory.mktemp("data"))
    for fs in group_file_sets(read_files([src])):
        digest = file_set_digest(fs.files)
        engine.submit_file_set(fs.municipality_code, fs.files, f"k-{digest}", digest,
                               "terminal-01", "staff01")
    yield engine
    engine.close()


def _munis(engine: Engine) -> list[str]:
    with engine.db.reading() as tx:
        return sorted({c.after_municipality for c in tx.list_candidate_rows(None)})


def _expected(d: model.CandidateDetail) -> dict[str, object]:
    decision = d["decision_detail"]
    return {
        "before_head_name": d["before_head"]["name"],
        "before_head_name_kana": d["before_head"]["name_kana"],
        "after_head_name": d["after_head"]["name"],
        "after_head_name_kana": d["after_head"]["name_kana"],
        "before_member_count": sum(1 for m in d["members"] if m["relation_before"] is not None),
        "after_member_count": sum(1 for m in d["members"] if m["relation_after"] is not None),
        "decided_by": decision["staff_id"] if decision else None,
        "decided_at": decision["decided_at"] if decision else None,
        "has_remarks": bool(decision and decision["remarks"]),
    }


def _check_all(engine: Engine) -> int:
    checked = 0
    for muni in _munis(engine):
        for line in engine.list_candidates(muni):
            detail = engine.get_candidate(muni, line["candidate_no"])
            assert {f: line[f] for f in LIST_FIELDS} == _expected(detail), line["candidate_no"]
            assert {k: detail[k] for k in line} == line  # type: ignore[literal-required]
            assert not find_my_numbers(repr(line))
            checked += 1
    return checked


def test_list_figures_equal_the_details(synth_engine: Engine) -> None:
    assert _check_all(synth_engine) >= 10
    lines = [c for m in _munis(synth_engine) for c in synth_engine.list_candidates(m)]
    assert all(c["after_head_name"] and c["after_member_count"] >= 1 for c in lines)
    assert any(c["before_member_count"] != c["after_member_count"] for c in lines)
    assert all(c["decided_by"] is None and not c["has_remarks"] for c in lines)


def test_list_figures_after_decisions_and_confirmation(synth_engine: Engine) -> None:
    muni = _munis(synth_engine)[0]
    lines = synth_engine.list_candidates(muni)
    assert len(lines) >= 2
    first, second = lines[0]["candidate_no"], lines[1]["candidate_no"]
    for no, remarks in ((first, "電話で確認済み"), (second, None)):
        synth_engine.record_decision(muni, no, "continue", "窓口で確認", remarks,
                                     "terminal-01", "staff07")
    synth_engine.confirm(muni, [first], "terminal-01", "staff08")
    by_no = {c["candidate_no"]: c for c in synth_engine.list_candidates(muni)}
    assert by_no[first]["state"] == "confirmed" and by_no[first]["has_remarks"] is True
    assert by_no[second]["state"] == "decided" and by_no[second]["has_remarks"] is False
    assert by_no[first]["decided_by"] == by_no[second]["decided_by"] == "staff07"
    assert by_no[first]["decided_at"]
    [confirmed] = synth_engine.list_candidates(muni, "confirmed")
    assert confirmed == by_no[first]
    assert _check_all(synth_engine) >= 10
    [result] = synth_engine.list_results(muni)
    assert result["remarks"] == "電話で確認済み"

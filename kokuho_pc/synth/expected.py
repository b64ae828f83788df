"""``expected.json``: what each intended move should give in ``shuyaku-sim judge``.

For every scenario: its households, each moving person's intended
処理結果コード (the final one; ``pending_first`` marks a move checked 20
first because the new municipality sent before the old one), and each
intended candidate with category and suggestion. ``results`` is what
``judge --confirm`` should print when every candidate is decided as
suggested (``review`` counts as continue): carried months, 多数回 count,
next-hit flag and move-month flag (docs/business-rules.md §4–§6). Months are
counted once per 診療年月 over the after household's own months plus every
month carried into it by a continued candidate. No 個人番号 is written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from kokuho_pc.domain.codes import HighCostKind, Suggestion
from kokuho_pc.synth.kit import Candidate, Kit, MoveLog, Scenario
from kokuho_pc.synth.model import Household, Month
from kokuho_pc.synth.timeline import add_months, month_key

_NO_TASUU_INCOME = frozenset({"15", "16"})
KIND_1 = HighCostKind.HOUSEHOLD.value


def _hh(hh: Household) -> dict[str, str]:
    return {"municipality": hh.municipality, "household": hh.number}


def _shift(day: dt.date, delta: int) -> str:
    return month_key(*add_months(day.year, day.month, delta))


def _move(log: MoveLog) -> dict[str, Any]:
    after = log.after
    return {
        "before_municipality": log.before.municipality,
        "before_household": log.before.number,
        "before_insured_id": log.before_id,
        "after_municipality": log.after_municipality,
        "after_household": after.number if after is not None else None,
        "after_insured_id": log.enrolment.insured_id,
        "move_date": log.move_day.isoformat(),
        "coverage_start": log.enrolment.start.isoformat(),
        "result_code": log.result_code,
        "pending_first": log.pending_first,
    }


def _decision(c: Candidate) -> str:
    return "discontinue" if c.suggestion == Suggestion.DISCONTINUE.value else "continue"


def _combined(after: Household, carried: list[Month]) -> dict[str, Month]:
    months: dict[str, Month] = {}
    for m in carried:
        if m.care_month not in months or m.kind == KIND_1:
            months[m.care_month] = m
    for m in after.months:  # the after household's own month wins a tie
        if m.care_month not in months or m.kind == KIND_1 or months[m.care_month].kind != KIND_1:
            months[m.care_month] = m
    return months


def _result(c: Candidate, carried_into_after: list[Month]) -> dict[str, Any]:
    decision = _decision(c)
    carried = sorted({m.care_month for m in c.before.months}) if decision == "continue" else []
    months = _combined(c.after, carried_into_after)
    hits = {k for k, m in months.items() if m.kind == KIND_1}
    move = c.move_day
    this_month = _shift(move, 0)
    count = sum(1 for k in hits if _shift(move, -11) <= k <= this_month)
    recent = sum(1 for k in hits if _shift(move, -10) <= k <= this_month)
    latest_income = months[max(months)].income if months else ""
    return {
        "before_municipality": c.before.municipality,
        "before_household": c.before.number,
        "after_municipality": c.after.municipality,
        "after_household": c.after.number,
        "decision": decision,
        "carried_months": carried,
        "tasuu_count": count,
        "next_hit_tasuu": recent >= 3 and latest_income not in _NO_TASUU_INCOME,
        "move_month_rule": decision == "continue" and move.day != 1,
    }


def _candidate(c: Candidate) -> dict[str, Any]:
    out: dict[str, Any] = {
        "before_municipality": c.before.municipality,
        "before_household": c.before.number,
        "after_municipality": c.after.municipality,
        "after_household": c.after.number,
        "category": c.category,
        "suggestion": c.suggestion,
    }
    if c.category == 2:
        out["suggestion_with_head_change_review"] = Suggestion.REVIEW.value
    return out


def _carried_by_after(scenarios: list[Scenario]) -> dict[int, list[Month]]:
    carried: dict[int, list[Month]] = {}
    for s in scenarios:
        for c in s.candidates:
            if _decision(c) == "continue":
                carried.setdefault(id(c.after), []).extend(c.before.months)
    return carried


def scenario_entry(s: Scenario, carried: dict[int, list[Month]]) -> dict[str, Any]:
    """The expected.json entry of one scenario."""
    return {
        "id": s.ident,
        "kind": s.kind,
        "title": s.title,
        "before": [_hh(h) for h in s.befores],
        "after": [_hh(h) for h in s.afters],
        "stayed_behind": s.stayed_behind,
        "moves": [_move(m) for m in s.moves],
        "candidates": [_candidate(c) for c in s.candidates],
        "results": [_result(c, carried.get(id(c.after), [])) for c in s.candidates],
    }


def _summary(kit: Kit) -> dict[str, Any]:
    moves = [m for s in kit.scenarios for m in s.moves]
    categories = Counter(c.category for s in kit.scenarios for c in s.candidates)
    return {
        "scenarios": len(kit.scenarios),
        "moving_persons": len(moves),
        "candidates_by_category": {str(k): categories[k] for k in sorted(categories)},
        "result_codes": dict(sorted(Counter(m.result_code for m in moves).items())),
        "pending_first": sum(1 for m in moves if m.pending_first),
        "scenario_kinds": dict(sorted(Counter(s.kind for s in kit.scenarios).items())),
    }


def _ksk11_rows(s: Scenario) -> Iterator[dict[str, Any]]:
    for m in s.moves:
        for side, municipality, ident in (
            ("before", m.before.municipality, m.before_id),
            ("after", m.after_municipality, m.enrolment.insured_id),
        ):
            yield {"municipality": municipality, "municipal_insured_id": ident, "side": side,
                   "result_code": m.result_code, "pending_first": m.pending_first}


def write_expected(kit: Kit, header: dict[str, Any], write: Callable[[str], object]) -> None:
    """Write the expected.json document to ``write``, one list item per line.

    Streams: the document is never built whole, so a million-person prefecture
    (some 20,000 moves) needs only one item in memory at a time.
    """
    carried = _carried_by_after(kit.scenarios)
    top: dict[str, Any] = {**header, "summary": _summary(kit)}
    write("{\n")
    for key, value in top.items():
        write(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    lists: list[tuple[str, Callable[[], Iterator[dict[str, Any]]]]] = [
        ("candidates", lambda: (_candidate(c) for s in kit.scenarios for c in s.candidates)),
        ("ksk11", lambda: (r for s in kit.scenarios for r in _ksk11_rows(s))),
        ("results", lambda: (_result(c, carried.get(id(c.after), []))
                             for s in kit.scenarios for c in s.candidates)),
        ("scenarios", lambda: (scenario_entry(s, carried) for s in kit.scenarios)),
    ]
    for index, (key, items) in enumerate(lists):
        write(f" {json.dumps(key)}: [")
        separator = "\n  "
        for item in items():
            write(separator + json.dumps(item, ensure_ascii=False))
            separator = ",\n  "
        write("\n ]" + ("," if index < len(lists) - 1 else "") + "\n")
    write("}\n")

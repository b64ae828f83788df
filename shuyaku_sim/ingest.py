"""Taking in a checked KSK01+KSK02 pair or KKG01 file (docs/business-rules.md §2).

Runs inside the submission's transaction. The 個人番号 is turned into its
keyed digest at once and goes no further; IDs are assigned or reused, the
municipality's insured IDs linked (KSK12 rows), periods stored, move-ins
checked (KSK11 rows to old and new municipality), pending moves out of this
municipality re-checked, and candidates refreshed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from kokuho_pc.domain.codes import ResultCode
from kokuho_pc.domain.mynumber import MyNumber
from kokuho_pc.formats.reader import ParsedFile
from shuyaku_sim.candidates import refresh_candidates
from shuyaku_sim.coverage import Ksk11Row, check_move
from shuyaku_sim.deliveries import deliver_grouped
from shuyaku_sim.settings import Settings
from shuyaku_sim.storage import Tx
from shuyaku_sim.storage.rows import from_date

MOVE_IN = "02"
DELETED = "deleted"  # result_counts key of a deleted record (it has no T4 code)


@dataclass(slots=True)
class Outcome:
    """What one submission did."""

    persons: int = 0
    households: int = 0
    high_cost_months: int = 0
    result_counts: Counter[str] = field(default_factory=Counter)  # one per KSK02 record
    rechecked_counts: Counter[str] = field(default_factory=Counter)  # earlier moves re-checked
    deliveries: list[str] = field(default_factory=list)
    candidates_changed: int = 0


def _iso(value: object) -> str | None:
    return from_date(value) if isinstance(value, dt.date) else None


def _text(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _store_households(tx: Tx, ksk01: ParsedFile, submission_id: int) -> int:
    muni = ksk01.municipality_code
    rows = []
    for r in ksk01.records:
        start = r["coverage_start"]
        assert isinstance(start, dt.date)
        if r["processing_type"] == "3":
            tx.delete_household_period(muni, str(r["household_no"]), start)
            continue
        nominal = r["nominal_head_my_number"]
        digest = tx.db.digest(nominal) if isinstance(nominal, MyNumber) else None
        rows.append((
            muni, r["household_no"], r["head_type"], _text(r["head_insured_id"]), digest,
            r["head_name_kana"], r["head_name"], _iso(start), _iso(r["coverage_end"]),
            _iso(r["change_date"]), r["change_reason"], _text(r["previous_municipality"]),
            submission_id,
        ))
    tx.upsert_household_periods(rows)
    return len(ksk01.records)


def _assign_ids(tx: Tx, ksk02: ParsedFile, submission_id: int) -> tuple[list[str], set[str]]:
    """Prefectural ID per record (assigning new ones); also the set of new IDs."""
    digests = []
    for r in ksk02.records:
        mn = r["my_number"]
        assert isinstance(mn, MyNumber)
        digests.append(tx.db.digest(mn))
    unique = list(dict.fromkeys(digests))
    known = tx.lookup_persons(unique)
    fresh = [d for d in unique if d not in known]
    new_ids = tx.allocate_prefectural_ids(ksk02.municipality_code[:2], len(fresh))
    tx.insert_persons([(pid, d, submission_id) for pid, d in zip(new_ids, fresh, strict=True)])
    known.update(zip(fresh, new_ids, strict=True))
    return [known[d] for d in digests], set(new_ids)


def ingest_pair(
    tx: Tx, ksk01: ParsedFile, ksk02: ParsedFile, submission_id: int,
    settings: Settings, now: dt.datetime,
) -> Outcome:
    """Take in one checked KSK01+KSK02 pair."""
    muni = ksk02.municipality_code
    today = now.date()
    out = Outcome(households=_store_households(tx, ksk01, submission_id))
    pids, new_ids = _assign_ids(tx, ksk02, submission_id)
    links = tx.lookup_links(muni, [str(r["municipal_insured_id"]) for r in ksk02.records])
    ksk11: dict[str, list[Ksk11Row]] = defaultdict(list)
    ksk12: list[dict[str, object]] = []
    period_rows: list[tuple[object, ...]] = []
    new_links: list[tuple[str, str, str]] = []
    applied: list[tuple[dict[str, object], str]] = []
    # The result of each record of this file: its T4 code, or 削除 for a deletion (no
    # KSK11 line). These add up to the records sent; moves of earlier files re-checked
    # now are counted apart (rechecked_counts).
    counts: Counter[str] = Counter()
    for r, pid in zip(ksk02.records, pids, strict=True):
        mid, ptype = str(r["municipal_insured_id"]), str(r["processing_type"])
        start = r["coverage_start"]
        assert isinstance(start, dt.date)
        if ptype in ("2", "3") and mid not in links:
            ksk11[muni].append(
                _record_row(muni, r, pid, today, ResultCode.BAD_PROCESSING_TYPE.value))
            counts[ResultCode.BAD_PROCESSING_TYPE.value] += 1
            continue
        if ptype == "3":
            counts[DELETED] += 1
            tx.delete_person_period(muni, mid, start)
            if tx.live_period_count(muni, mid) == 0:
                tx.delete_link(muni, mid)
                links.pop(mid, None)
                ksk12.append(_ksk12(muni, mid, pid, "3", today))
            continue
        if links.get(mid) != pid:
            new_links.append((muni, mid, pid))
            ksk12.append(_ksk12(muni, mid, pid, "1" if pid in new_ids else "2", today))
            links[mid] = pid
        period_rows.append((
            muni, mid, pid, r["household_no"], r["name_kana"], r["name"], _iso(r["birth_date"]),
            r["sex"], r["relation"], _iso(r["qualification_acquired"]),
            _iso(r["qualification_lost"]), _iso(start), r["coverage_start_reason"],
            _iso(r["coverage_end"]), _text(r["coverage_end_reason"]),
            _text(r["previous_municipality"]), submission_id,
        ))
        applied.append((r, pid))
    tx.upsert_links(new_links)
    tx.upsert_person_periods(period_rows)
    tx.drop_stale_moves(muni)
    out.persons = len(applied)
    moves = [(str(r["municipal_insured_id"]), _iso(r["coverage_start"]) or "")
             for r, _ in applied if r["coverage_start_reason"] == MOVE_IN]
    move_ids = tx.period_ids(muni, moves)
    for r, pid in applied:
        if r["coverage_start_reason"] != MOVE_IN:
            ksk11[muni].append(_record_row(muni, r, pid, today))
            counts[ResultCode.OK.value] += 1
    for key in moves:
        period = tx.person_period_by_id(move_ids[key])
        assert period is not None
        move, rows = check_move(tx, period, today)
        tx.upsert_move(move, now.isoformat())
        counts[move.result_code] += 1
        for row in rows:
            ksk11[str(row["municipality_code"])].append(row)
    before = len(ksk11.get(muni, []))
    _recheck_pending(tx, muni, today, now, ksk11)
    out.result_counts = counts
    out.rechecked_counts = Counter(str(r["result_code"]) for r in ksk11.get(muni, [])[before:])
    _save_results(tx, ksk11, submission_id)
    out.deliveries = deliver_grouped(tx, "KSK11", ksk11, now)
    out.deliveries += deliver_grouped(tx, "KSK12", {muni: ksk12}, now)
    affected = tx.after_households_touching(muni) | tx.unconfirmed_candidate_households(muni)
    out.candidates_changed = refresh_candidates(tx, affected, settings, now.isoformat())
    return out


def _ksk12(muni: str, mid: str, pid: str, link_type: str, today: dt.date) -> dict[str, object]:
    return {"municipality_code": muni, "municipal_insured_id": mid,
            "prefectural_insured_id": pid, "link_type": link_type, "linked_date": today}


def _record_row(
    muni: str, r: dict[str, object], pid: str, today: dt.date, code: str = "00"
) -> Ksk11Row:
    return {
        "municipality_code": muni, "municipal_insured_id": r["municipal_insured_id"],
        "prefectural_insured_id": pid, "qualification_acquired": r["qualification_acquired"],
        "qualification_lost": r["qualification_lost"], "coverage_start": r["coverage_start"],
        "coverage_end": r["coverage_end"],
        "previous_municipality": _text(r["previous_municipality"]),
        "result_code": code, "created_date": today,
    }


def _recheck_pending(
    tx: Tx, muni: str, today: dt.date, now: dt.datetime, ksk11: dict[str, list[Ksk11Row]]
) -> None:
    """Re-check moves out of ``muni`` that were not 00 (its file may have just arrived)."""
    for old in tx.unresolved_moves_from(muni):
        period = tx.person_period_by_id(old.period_id)
        if period is None:
            continue
        move, rows = check_move(tx, period, today)
        if move.result_code == old.result_code and move.old_period_id == old.old_period_id:
            continue
        tx.upsert_move(move, now.isoformat())
        for row in rows:
            ksk11[str(row["municipality_code"])].append(row)


def _save_results(tx: Tx, ksk11: dict[str, list[Ksk11Row]], submission_id: int) -> None:
    rows = []
    for muni_rows in ksk11.values():
        for r in muni_rows:
            rows.append((
                r["municipality_code"], r["municipal_insured_id"], r["prefectural_insured_id"],
                _iso(r["qualification_acquired"]), _iso(r["qualification_lost"]),
                _iso(r["coverage_start"]), _iso(r["coverage_end"]),
                r["previous_municipality"], r["result_code"], submission_id,
            ))
    tx.insert_qualification_results(rows)


def ingest_kkg01(tx: Tx, kkg01: ParsedFile, submission_id: int) -> Outcome:
    """Store the 高額該当 months of one checked KKG01 file."""
    rows = [(kkg01.municipality_code, r["household_no"], r["head_insured_id"], r["care_month"],
             r["high_cost_kind"], r["income_category"], _iso(r["decision_date"]), submission_id)
            for r in kkg01.records]
    tx.upsert_high_cost_months(rows)
    return Outcome(high_cost_months=len(rows))

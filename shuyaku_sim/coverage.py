"""The gap/overlap/pending check of an in-prefecture move-in (docs/business-rules.md §2.3).

A period with 適用開始事由 02 must follow, in its 前住所地 municipality, a
period of the same person (same 都道府県被保険者ID) ended by 12 (県内転出),
with ``new start == old end + 1 day``: later → 10, earlier or equal → 11,
no such period (yet) → 20 (re-checked when the old municipality's file
arrives), else 00 and the old 資格取得年月日 is carried over.
"""

from __future__ import annotations

import datetime as dt

from kokuho_pc.domain.codes import ResultCode
from shuyaku_sim.storage import Tx
from shuyaku_sim.storage.rows import Move, PersonPeriod

Ksk11Row = dict[str, object]
ONE_DAY = dt.timedelta(days=1)


def ksk11_row(
    period: PersonPeriod, code: str, today: dt.date,
    acquired: dt.date | None = None, keep_lost: bool = True,
) -> Ksk11Row:
    """A KSK11 row for one period (``acquired`` overrides the period's own date)."""
    return {
        "municipality_code": period.municipality_code,
        "municipal_insured_id": period.municipal_insured_id,
        "prefectural_insured_id": period.prefectural_id,
        "qualification_acquired": acquired or period.qualification_acquired,
        "qualification_lost": period.qualification_lost if keep_lost else None,
        "coverage_start": period.coverage_start,
        "coverage_end": period.coverage_end,
        "previous_municipality": period.previous_municipality or None,
        "result_code": code,
        "created_date": today,
    }


def result_of(old: PersonPeriod | None, new_start: dt.date) -> str:
    """The 処理結果コード for a move-in starting ``new_start`` after ``old``."""
    if old is None or old.coverage_end is None:
        return ResultCode.NO_PREVIOUS.value
    expected = old.coverage_end + ONE_DAY
    if new_start > expected:
        return ResultCode.GAP.value
    if new_start < expected:
        return ResultCode.OVERLAP.value
    return ResultCode.OK.value


def check_move(tx: Tx, new: PersonPeriod, today: dt.date) -> tuple[Move, list[Ksk11Row]]:
    """Check one move-in period; return its move record and the KSK11 rows it produces.

    The rows go to the new municipality and, when the old period is found,
    to the old municipality as well.
    """
    previous = new.previous_municipality or ""
    old = tx.move_out_period(new.prefectural_id, previous) if previous else None
    code = result_of(old, new.coverage_start)
    move = Move(
        id=0, period_id=new.id, prefectural_id=new.prefectural_id,
        new_municipality=new.municipality_code, new_household_no=new.household_no,
        move_date=new.coverage_start, previous_municipality=previous, result_code=code,
        old_period_id=None if old is None else old.id,
        old_household_no=None if old is None else old.household_no,
    )
    rows: list[Ksk11Row] = []
    if code == ResultCode.OK.value and old is not None:
        carried = (tx.latest_result_acquired(old.municipality_code, old.municipal_insured_id)
                   or old.qualification_acquired)
        rows.append(ksk11_row(new, code, today, acquired=carried, keep_lost=False))
        rows.append(ksk11_row(old, code, today, acquired=carried, keep_lost=False))
    else:
        rows.append(ksk11_row(new, code, today))
        if old is not None:
            rows.append(ksk11_row(old, code, today))
    return move, rows

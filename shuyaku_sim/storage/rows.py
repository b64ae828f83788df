"""Typed rows returned by the storage queries (dates as ``datetime.date``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def to_date(value: object) -> dt.date | None:
    """An ISO text column as a date (None for NULL)."""
    return None if value is None else dt.date.fromisoformat(str(value))


def from_date(value: dt.date | None) -> str | None:
    """A date as ISO text for a column (None → NULL)."""
    return None if value is None else value.isoformat()


@dataclass(frozen=True, slots=True)
class PersonPeriod:
    """One 適用 period of a person in one municipality (one KSK02 record)."""

    id: int
    municipality_code: str
    municipal_insured_id: str
    prefectural_id: str
    household_no: str
    name_kana: str
    name: str
    birth_date: dt.date
    sex: str
    relation: str
    qualification_acquired: dt.date
    qualification_lost: dt.date | None
    coverage_start: dt.date
    coverage_start_reason: str
    coverage_end: dt.date | None
    coverage_end_reason: str | None
    previous_municipality: str | None

    def covers(self, day: dt.date) -> bool:
        """True when the period includes ``day`` (both ends inclusive)."""
        end = self.coverage_end
        return self.coverage_start <= day and (end is None or day <= end)


PERSON_PERIOD_COLUMNS = (
    "id, municipality_code, municipal_insured_id, prefectural_id, household_no, name_kana, "
    "name, birth_date, sex, relation, qualification_acquired, qualification_lost, "
    "coverage_start, coverage_start_reason, coverage_end, coverage_end_reason, "
    "previous_municipality"
)


def person_period(row: tuple[object, ...]) -> PersonPeriod:
    """Build a :class:`PersonPeriod` from a row of PERSON_PERIOD_COLUMNS."""
    return PersonPeriod(
        id=int(row[0]),  # type: ignore[call-overload]
        municipality_code=str(row[1]),
        municipal_insured_id=str(row[2]),
        prefectural_id=str(row[3]),
        household_no=str(row[4]),
        name_kana=str(row[5]),
        name=str(row[6]),
        birth_date=dt.date.fromisoformat(str(row[7])),
        sex=str(row[8]),
        relation=str(row[9]),
        qualification_acquired=dt.date.fromisoformat(str(row[10])),
        qualification_lost=to_date(row[11]),
        coverage_start=dt.date.fromisoformat(str(row[12])),
        coverage_start_reason=str(row[13]),
        coverage_end=to_date(row[14]),
        coverage_end_reason=None if row[15] is None else str(row[15]),
        previous_municipality=None if row[16] is None else str(row[16]),
    )


@dataclass(frozen=True, slots=True)
class HouseholdPeriod:
    """One KSK01 record: a household's state from its 適用開始年月日."""

    id: int
    municipality_code: str
    household_no: str
    head_type: str
    head_insured_id: str | None
    nominal_head_digest: bytes | None
    head_name_kana: str
    head_name: str
    coverage_start: dt.date
    coverage_end: dt.date | None
    change_date: dt.date
    change_reason: str
    previous_municipality: str | None


HOUSEHOLD_PERIOD_COLUMNS = (
    "id, municipality_code, household_no, head_type, head_insured_id, nominal_head_digest, "
    "head_name_kana, head_name, coverage_start, coverage_end, change_date, change_reason, "
    "previous_municipality"
)


def household_period(row: tuple[object, ...]) -> HouseholdPeriod:
    """Build a :class:`HouseholdPeriod` from a row of HOUSEHOLD_PERIOD_COLUMNS."""
    return HouseholdPeriod(
        id=int(row[0]),  # type: ignore[call-overload]
        municipality_code=str(row[1]),
        household_no=str(row[2]),
        head_type=str(row[3]),
        head_insured_id=None if row[4] is None else str(row[4]),
        nominal_head_digest=None if row[5] is None else bytes(row[5]),  # type: ignore[call-overload]
        head_name_kana=str(row[6]),
        head_name=str(row[7]),
        coverage_start=dt.date.fromisoformat(str(row[8])),
        coverage_end=to_date(row[9]),
        change_date=dt.date.fromisoformat(str(row[10])),
        change_reason=str(row[11]),
        previous_municipality=None if row[12] is None else str(row[12]),
    )


@dataclass(frozen=True, slots=True)
class Move:
    """An in-prefecture move-in (適用開始事由 02) and the result of its check."""

    id: int
    period_id: int
    prefectural_id: str
    new_municipality: str
    new_household_no: str
    move_date: dt.date
    previous_municipality: str
    result_code: str
    old_period_id: int | None
    old_household_no: str | None


MOVE_COLUMNS = (
    "id, period_id, prefectural_id, new_municipality, new_household_no, move_date, "
    "previous_municipality, result_code, old_period_id, old_household_no"
)


def move(row: tuple[object, ...]) -> Move:
    """Build a :class:`Move` from a row of MOVE_COLUMNS."""
    return Move(
        id=int(row[0]),  # type: ignore[call-overload]
        period_id=int(row[1]),  # type: ignore[call-overload]
        prefectural_id=str(row[2]),
        new_municipality=str(row[3]),
        new_household_no=str(row[4]),
        move_date=dt.date.fromisoformat(str(row[5])),
        previous_municipality=str(row[6]),
        result_code=str(row[7]),
        old_period_id=None if row[8] is None else int(row[8]),  # type: ignore[call-overload]
        old_household_no=None if row[9] is None else str(row[9]),
    )


@dataclass(frozen=True, slots=True)
class HighCostMonth:
    """One 高額該当 month of a household (KKG01 or carried over)."""

    care_month: str
    high_cost_kind: str
    income_category: str


@dataclass(slots=True)
class CandidateRow:
    """A 継続候補世帯 as stored."""

    id: int
    candidate_no: str
    after_municipality: str
    after_household_no: str
    before_municipality: str
    before_household_no: str
    move_date: dt.date
    category: int
    suggestion: str
    reason: str
    state: str
    decision: str | None
    decision_reason: str | None
    remarks: str | None
    decided_staff: str | None
    decided_terminal: str | None
    decided_at: str | None
    confirmed_staff: str | None
    confirmed_terminal: str | None
    confirmed_at: str | None
    snapshot_json: str | None


CANDIDATE_COLUMNS = (
    "id, candidate_no, after_municipality, after_household_no, before_municipality, "
    "before_household_no, move_date, category, suggestion, reason, state, decision, "
    "decision_reason, remarks, decided_staff, decided_terminal, decided_at, confirmed_staff, "
    "confirmed_terminal, confirmed_at, snapshot_json"
)


def candidate(row: tuple[object, ...]) -> CandidateRow:
    """Build a :class:`CandidateRow` from a row of CANDIDATE_COLUMNS."""
    def opt(i: int) -> str | None:
        return None if row[i] is None else str(row[i])

    return CandidateRow(
        id=int(row[0]),  # type: ignore[call-overload]
        candidate_no=str(row[1]),
        after_municipality=str(row[2]),
        after_household_no=str(row[3]),
        before_municipality=str(row[4]),
        before_household_no=str(row[5]),
        move_date=dt.date.fromisoformat(str(row[6])),
        category=int(row[7]),  # type: ignore[call-overload]
        suggestion=str(row[8]),
        reason=str(row[9]),
        state=str(row[10]),
        decision=opt(11),
        decision_reason=opt(12),
        remarks=opt(13),
        decided_staff=opt(14),
        decided_terminal=opt(15),
        decided_at=opt(16),
        confirmed_staff=opt(17),
        confirmed_terminal=opt(18),
        confirmed_at=opt(19),
        snapshot_json=opt(20),
    )

"""Queries on persons, ID links, person periods and household periods."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence

from shuyaku_sim.storage.rows import (
    HOUSEHOLD_PERIOD_COLUMNS,
    PERSON_PERIOD_COLUMNS,
    HouseholdPeriod,
    PersonPeriod,
    household_period,
    person_period,
)

CHUNK = 500


def chunks(items: Sequence[object], size: int = CHUNK) -> Iterable[Sequence[object]]:
    """``items`` in slices of at most ``size`` (for IN (...) lists)."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


class PeopleQueries:
    """Persons, links, person periods and household periods."""

    conn: sqlite3.Connection

    # persons and IDs
    def lookup_persons(self, digests: Sequence[bytes]) -> dict[bytes, str]:
        """Prefectural IDs of the known digests."""
        found: dict[bytes, str] = {}
        for part in chunks(digests):
            marks = ",".join("?" * len(part))
            for d, pid in self.conn.execute(
                f"SELECT mn_digest, prefectural_id FROM persons WHERE mn_digest IN ({marks})",  # noqa: S608
                tuple(part),
            ):
                found[bytes(d)] = str(pid)
        return found

    def allocate_prefectural_ids(self, prefecture: str, count: int) -> list[str]:
        """``count`` new 都道府県被保険者IDs: prefecture code + 8-digit serial."""
        if count == 0:
            return []
        row = self.conn.execute(
            "SELECT last_serial FROM serials WHERE prefecture = ?", (prefecture,)
        ).fetchone()
        last = int(row[0]) if row else 0
        if last + count > 99_999_999:
            raise OverflowError("prefectural serials exhausted")
        self.conn.execute(
            "INSERT INTO serials VALUES (?, ?) ON CONFLICT (prefecture) "
            "DO UPDATE SET last_serial = excluded.last_serial",
            (prefecture, last + count),
        )
        return [f"{prefecture}{n:08d}" for n in range(last + 1, last + count + 1)]

    def insert_persons(self, rows: Sequence[tuple[str, bytes, int]]) -> None:
        """Insert (prefectural_id, digest, submission_id) rows."""
        self.conn.executemany("INSERT INTO persons VALUES (?, ?, ?)", rows)

    def person_digests(self, prefectural_ids: Sequence[str]) -> dict[str, bytes]:
        """The My Number digest of each prefectural ID (for comparing heads)."""
        found: dict[str, bytes] = {}
        for part in chunks(prefectural_ids):
            marks = ",".join("?" * len(part))
            for pid, d in self.conn.execute(
                f"SELECT prefectural_id, mn_digest FROM persons "  # noqa: S608
                f"WHERE prefectural_id IN ({marks})",
                tuple(part),
            ):
                found[str(pid)] = bytes(d)
        return found

    def lookup_links(self, municipality: str, insured_ids: Sequence[str]) -> dict[str, str]:
        """Prefectural IDs linked to the municipality's insured IDs (live links only)."""
        found: dict[str, str] = {}
        for part in chunks(insured_ids):
            marks = ",".join("?" * len(part))
            for mid, pid in self.conn.execute(
                f"SELECT municipal_insured_id, prefectural_id FROM links "  # noqa: S608
                f"WHERE municipality_code = ? AND deleted = 0 "
                f"AND municipal_insured_id IN ({marks})",
                (municipality, *part),
            ):
                found[str(mid)] = str(pid)
        return found

    def link_of(self, municipality: str, insured_id: str) -> str | None:
        """The prefectural ID linked to one municipal insured ID, or None."""
        row = self.conn.execute(
            "SELECT prefectural_id FROM links WHERE municipality_code = ? "
            "AND municipal_insured_id = ? AND deleted = 0",
            (municipality, insured_id),
        ).fetchone()
        return None if row is None else str(row[0])

    def upsert_links(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """Link (municipality, insured ID) → prefectural ID (live)."""
        self.conn.executemany(
            "INSERT INTO links VALUES (?, ?, ?, 0) ON CONFLICT (municipality_code, "
            "municipal_insured_id) DO UPDATE SET prefectural_id = excluded.prefectural_id, "
            "deleted = 0",
            rows,
        )

    def delete_link(self, municipality: str, insured_id: str) -> None:
        """Mark a link as deleted."""
        self.conn.execute(
            "UPDATE links SET deleted = 1 WHERE municipality_code = ? AND municipal_insured_id = ?",
            (municipality, insured_id),
        )

    # person periods
    def upsert_person_periods(self, rows: Sequence[tuple[object, ...]]) -> None:
        """Insert or replace periods keyed by (municipality, insured ID, coverage start).

        Row order: municipality_code, municipal_insured_id, prefectural_id,
        household_no, name_kana, name, birth_date, sex, relation,
        qualification_acquired, qualification_lost, coverage_start,
        coverage_start_reason, coverage_end, coverage_end_reason,
        previous_municipality, submission_id (dates as ISO text).
        """
        cols = PERSON_PERIOD_COLUMNS.split(", ")[1:]
        updates = ", ".join(f"{c} = excluded.{c}" for c in cols[2:] if c != "coverage_start")
        self.conn.executemany(
            f"INSERT INTO person_periods ({', '.join(cols)}, submission_id) "  # noqa: S608
            f"VALUES ({','.join('?' * (len(cols) + 1))}) "
            "ON CONFLICT (municipality_code, municipal_insured_id, coverage_start) "
            f"DO UPDATE SET {updates}, deleted = 0, submission_id = excluded.submission_id",
            rows,
        )

    def period_ids(self, municipality: str, keys: Sequence[tuple[str, str]]) -> dict[
        tuple[str, str], int
    ]:
        """Period IDs for (insured ID, coverage start ISO) keys of one municipality."""
        found: dict[tuple[str, str], int] = {}
        for mid, start in keys:
            row = self.conn.execute(
                "SELECT id FROM person_periods WHERE municipality_code = ? "
                "AND municipal_insured_id = ? AND coverage_start = ?",
                (municipality, mid, start),
            ).fetchone()
            if row is not None:
                found[(mid, start)] = int(row[0])
        return found

    def delete_person_period(self, municipality: str, insured_id: str, start: dt.date) -> bool:
        """Mark one period deleted; False when there was none."""
        cur = self.conn.execute(
            "UPDATE person_periods SET deleted = 1 WHERE municipality_code = ? "
            "AND municipal_insured_id = ? AND coverage_start = ? AND deleted = 0",
            (municipality, insured_id, start.isoformat()),
        )
        return cur.rowcount > 0

    def person_period_by_id(self, period_id: int) -> PersonPeriod | None:
        """One period by ID (deleted ones too)."""
        row = self.conn.execute(
            f"SELECT {PERSON_PERIOD_COLUMNS} FROM person_periods WHERE id = ?",  # noqa: S608
            (period_id,),
        ).fetchone()
        return None if row is None else person_period(row)

    def periods_of_person(self, prefectural_id: str) -> list[PersonPeriod]:
        """Every live period of a person, in any municipality, by coverage start."""
        return [person_period(r) for r in self.conn.execute(
            f"SELECT {PERSON_PERIOD_COLUMNS} FROM person_periods "  # noqa: S608
            "WHERE prefectural_id = ? AND deleted = 0 ORDER BY coverage_start, id",
            (prefectural_id,),
        )]

    def move_out_period(self, prefectural_id: str, municipality: str) -> PersonPeriod | None:
        """The person's latest period in ``municipality`` ended by 12 (県内転出)."""
        row = self.conn.execute(
            f"SELECT {PERSON_PERIOD_COLUMNS} FROM person_periods "  # noqa: S608
            "WHERE prefectural_id = ? AND municipality_code = ? AND deleted = 0 "
            "AND coverage_end_reason = '12' ORDER BY coverage_end DESC, id DESC LIMIT 1",
            (prefectural_id, municipality),
        ).fetchone()
        return None if row is None else person_period(row)

    def household_member_periods(self, municipality: str, household_no: str) -> list[PersonPeriod]:
        """Every live period ever recorded in a household."""
        return [person_period(r) for r in self.conn.execute(
            f"SELECT {PERSON_PERIOD_COLUMNS} FROM person_periods "  # noqa: S608
            "WHERE municipality_code = ? AND household_no = ? AND deleted = 0 "
            "ORDER BY coverage_start, id",
            (municipality, household_no),
        )]

    def count_periods(self) -> int:
        """Number of live person periods (for tests and benchmarks)."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM person_periods WHERE deleted = 0").fetchone()[0])

    # household periods
    def upsert_household_periods(self, rows: Sequence[tuple[object, ...]]) -> None:
        """Insert or replace household versions keyed by (municipality, 世帯番号, start,
        異動年月日): a record with a new change date adds a version, older ones stay.

        Row order: municipality_code, household_no, head_type, head_insured_id,
        nominal_head_digest, head_name_kana, head_name, coverage_start,
        coverage_end, change_date, change_reason, previous_municipality, submission_id.
        """
        cols = HOUSEHOLD_PERIOD_COLUMNS.split(", ")[1:]
        updates = ", ".join(f"{c} = excluded.{c}" for c in cols[2:]
                            if c not in ("coverage_start", "change_date"))
        self.conn.executemany(
            f"INSERT INTO household_periods ({', '.join(cols)}, submission_id) "  # noqa: S608
            f"VALUES ({','.join('?' * (len(cols) + 1))}) "
            "ON CONFLICT (municipality_code, household_no, coverage_start, change_date) "
            f"DO UPDATE SET {updates}, deleted = 0, submission_id = excluded.submission_id",
            rows,
        )

    def delete_household_period(self, municipality: str, household_no: str, start: dt.date) -> bool:
        """Mark one household period deleted; False when there was none."""
        cur = self.conn.execute(
            "UPDATE household_periods SET deleted = 1 WHERE municipality_code = ? "
            "AND household_no = ? AND coverage_start = ? AND deleted = 0",
            (municipality, household_no, start.isoformat()),
        )
        return cur.rowcount > 0

    def household_periods(self, municipality: str, household_no: str) -> list[HouseholdPeriod]:
        """Every live version of a household, by change date (異動年月日)."""
        return [household_period(r) for r in self.conn.execute(
            f"SELECT {HOUSEHOLD_PERIOD_COLUMNS} FROM household_periods "  # noqa: S608
            "WHERE municipality_code = ? AND household_no = ? AND deleted = 0 "
            "ORDER BY change_date, id",
            (municipality, household_no),
        )]

    def live_period_count(self, municipality: str, insured_id: str) -> int:
        """How many live periods a municipal insured ID still has."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM person_periods WHERE municipality_code = ? "
            "AND municipal_insured_id = ? AND deleted = 0",
            (municipality, insured_id),
        ).fetchone()[0])

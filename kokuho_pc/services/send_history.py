"""Use case: the 送信履歴 and the 処理結果・エラーリスト.

The history comes from this PC's transfer bookkeeping (file names, 受付番号,
counts and result codes that the consolidation system answered; no personal
data is stored). The 処理結果・エラーリスト is fetched from the consolidation
system when it is printed: 世帯番号 and 市町村被保険者ID of every person whose
result is not 正常 (never a 個人番号). Methods touch the store or the network:
the screens call them through ``context.jobs``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kokuho_pc.auth.accounts import AccountRepository
from kokuho_pc.auth.session import Session
from kokuho_pc.services.profile import Profile
from kokuho_pc.services.transfer_runs import ClientFactoryMaker, default_client_factory
from kokuho_pc.services.transfer_views import parse_server_time
from kokuho_pc.transfer.client import API
from kokuho_pc.transfer.records import TransferRecords

__all__ = ["RESULT_LABELS", "ProblemRow", "SendHistoryEntry", "SendHistoryService",
           "counts_text"]

RESULT_LABELS: dict[str, str] = {
    "00": "正常", "10": "空白期間あり", "11": "重複期間あり", "20": "前住所地に該当者なし",
    "30": "処理区分不正", "deleted": "削除",
}


def counts_text(counts: Mapping[str, Any] | None) -> str:
    """``正常 68人、空白期間あり 1人`` (codes in order, zero counts left out)."""
    if not counts:
        return ""
    return "、".join(f"{RESULT_LABELS.get(code, code)} {n}人"
                     for code, n in sorted(counts.items()) if n)


@dataclass(frozen=True)
class SendHistoryEntry:
    """One answered send (one file set) as the 送信履歴 shows it."""

    sent_at: dt.datetime | None
    staff_id: str
    staff_name: str
    files: tuple[str, ...]
    submission_id: int | None
    accepted: bool
    persons: int
    households: int
    high_cost_months: int
    result_counts: dict[str, int] = field(default_factory=dict)
    rechecked_counts: dict[str, int] = field(default_factory=dict)
    error_count: int = 0

    @property
    def is_high_cost(self) -> bool:
        """True for a KKG01 (高額該当) file: counted in months, not persons."""
        return any(name.startswith("KKG01") for name in self.files)

    @property
    def staff_label(self) -> str:
        """The staff name when known, else the ID."""
        return self.staff_name or self.staff_id

    @property
    def size_text(self) -> str:
        """``68人 25世帯`` for KSK01/KSK02, ``高額該当 12件`` for KKG01."""
        if self.is_high_cost:
            return f"高額該当 {self.high_cost_months}件"
        return f"{self.persons}人 {self.households}世帯"

    @property
    def result_text(self) -> str:
        """The 処理結果 in words; the counts add up to the records sent."""
        if not self.accepted:
            return f"受付拒否(誤り {self.error_count}件)"
        if self.is_high_cost:
            return "受付済"
        text = counts_text(self.result_counts) or "受付済"
        again = counts_text(self.rechecked_counts)
        return f"{text}(以前の転入の再判定: {again})" if again else text

    @property
    def problem_count(self) -> int:
        """Persons of this send whose result is not 正常 (空白/重複/該当なし/処理区分不正)."""
        return sum(n for code, n in self.result_counts.items()
                   if code not in ("00", "deleted"))


@dataclass(frozen=True)
class ProblemRow:
    """One line of the 処理結果・エラーリスト (no name, no 個人番号)."""

    household_no: str
    municipal_insured_id: str
    result_code: str
    coverage_start: dt.date | None
    submission_id: int

    @property
    def result_label(self) -> str:
        """空白期間あり / 重複期間あり / 前住所地に該当者なし / 処理区分不正."""
        return RESULT_LABELS.get(self.result_code, self.result_code)


def _entry(staff_id: str | None, created: str, summary: Mapping[str, Any],
           files: tuple[str, ...], names: Mapping[str, str]) -> SendHistoryEntry:
    sent = parse_server_time(summary.get("received_at")) or parse_server_time(created)
    staff = staff_id or ""
    return SendHistoryEntry(
        sent_at=sent, staff_id=staff, staff_name=names.get(staff, ""), files=files,
        submission_id=summary.get("submission_id"),
        accepted=summary.get("status") == "accepted",
        persons=int(summary.get("persons") or 0), households=int(summary.get("households") or 0),
        high_cost_months=int(summary.get("high_cost_months") or 0),
        result_counts={str(k): int(v) for k, v in (summary.get("result_counts") or {}).items()},
        rechecked_counts={str(k): int(v)
                          for k, v in (summary.get("rechecked_counts") or {}).items()},
        error_count=int(summary.get("error_count") or 0),
    )


class SendHistoryService:
    """The 送信履歴 of this PC and the 処理結果・エラーリスト from the consolidation system."""

    def __init__(self, profile: Profile, session: Session, *,
                 client_factory: ClientFactoryMaker | None = None) -> None:
        self._profile = profile
        self._session = session
        self._make_factory = client_factory or default_client_factory

    def history(self) -> list[SendHistoryEntry]:
        """Every answered send of this PC, newest first (from the local bookkeeping)."""
        self._session.require()
        records = TransferRecords(self._profile.db, self._profile.clock)
        names: dict[str, str] = {}
        for account in AccountRepository(self._profile.db).all():
            names[account.user_id] = account.name
        out = []
        for job_id, staff, created, summary in records.finished_sends():
            files = tuple(f.name for f in records.job_files(job_id))
            out.append(_entry(staff, created, summary, files, names))
        return out

    def problems(self, submission_id: int | None = None) -> list[ProblemRow]:
        """The persons whose result is not 正常: of one send (受付番号), or (None) the
        latest result of every person. Fetched from the consolidation system."""
        self._session.require()
        path = f"{API}/result-problems"
        if submission_id is not None:
            path += f"?submission_id={int(submission_id)}"
        client = self._make_factory(self._profile, self._session.user_id)()
        try:
            rows = client.request("GET", path).json()["rows"]
        finally:
            client.close()
        return [ProblemRow(
            household_no=str(r.get("household_no") or ""),
            municipal_insured_id=str(r.get("municipal_insured_id") or ""),
            result_code=str(r.get("result_code") or ""),
            coverage_start=dt.date.fromisoformat(str(r["coverage_start"])[:10])
            if r.get("coverage_start") else None,
            submission_id=int(r.get("submission_id") or 0)) for r in rows]

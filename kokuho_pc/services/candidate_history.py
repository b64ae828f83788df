"""The candidate list as it stood at an earlier time, for a reprint (issue 16).

The consolidation system keeps every decision ever recorded; it answers the
list as of a time (decisions as recorded by then) and the times the list
changed. Nothing is kept on this PC: both are fetched when asked for.
A mixin of :class:`~kokuho_pc.services.candidates.CandidateService`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.auth.session import Session
from kokuho_pc.domain.wareki import wareki_long
from kokuho_pc.services.candidate_views import CandidateView, candidate_from_summary
from kokuho_pc.transfer.client import API, ConsolidationClient

MOMENT_KINDS = {"decision": "判断", "confirmation": "確定指示", "submission": "送信"}


def as_of_label(moment: dt.datetime) -> str:
    """``令和8年11月10日 09時00分10秒`` (to the second: decisions follow each other fast)."""
    return (f"{wareki_long(moment.date())} {moment.hour:02d}時{moment.minute:02d}分"
            f"{moment.second:02d}秒")


@dataclass(frozen=True, slots=True)
class ListMoment:
    """A time the candidate list changed: ``count`` decisions, confirmations or sends."""

    at: dt.datetime
    kind: str  # decision / confirmation / submission
    count: int

    @property
    def label(self) -> str:
        """``令和8年11月10日 09時00分10秒　判断 1件``."""
        return f"{as_of_label(self.at)}　{MOMENT_KINDS.get(self.kind, self.kind)} {self.count}件"


class CandidateHistory:
    """The list as of an earlier time and the times it changed (see the module docstring)."""

    _session: Session

    def _client(self) -> AbstractContextManager[ConsolidationClient]:
        raise NotImplementedError  # CandidateService's

    def _audit(self, action: AuditAction, targets: dict[str, Any],
               result: AuditResult = AuditResult.SUCCESS) -> None:
        raise NotImplementedError  # CandidateService's

    def _named(self, view: CandidateView, names: dict[str, str] | None = None
               ) -> CandidateView:
        raise NotImplementedError  # CandidateService's

    def staff_names(self) -> dict[str, str]:
        """CandidateService's."""
        raise NotImplementedError

    def list_moments(self) -> list[ListMoment]:
        """When the candidate list changed (判断, 確定指示, 送信), newest first."""
        self._session.require()
        with self._client() as client:
            data = client.request("GET", f"{API}/candidate-list-moments").json()
        return list(_moments(data.get("moments") or []))

    def list_as_of(self, at: dt.datetime) -> list[CandidateView]:
        """The candidate list as it stood at ``at``: decisions as recorded by then,
        by candidate number (for a reprint; logged like viewing the list)."""
        self._session.require()
        stamp = at.replace(microsecond=0).isoformat()
        with self._client() as client:
            data = client.request(
                "GET", f"{API}/candidate-list-as-of?{urlencode({'as_of': stamp})}").json()
        names = self.staff_names()
        views = [self._named(candidate_from_summary(s), names) for s in data["candidates"]]
        self._audit(AuditAction.CANDIDATE_LIST_VIEW, {"count": len(views), "as_of": stamp})
        return views


def _moments(items: list[dict[str, Any]]) -> Iterator[ListMoment]:
    for item in items:
        try:
            at = dt.datetime.fromisoformat(str(item["at"]))
        except (KeyError, ValueError):
            continue
        yield ListMoment(at, str(item.get("kind") or ""), int(item.get("count") or 0))

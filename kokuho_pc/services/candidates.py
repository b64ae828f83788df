"""Use case: continuation candidates — list, detail, decide, confirm, results.

Every call goes to the consolidation system over the HTTPS client of the
transfer layer and is recorded in the operation log with candidate numbers
and counts only (never a name, never free text). Results are the typed views
of :mod:`kokuho_pc.services.candidate_views`, which have no 個人番号 field.
Methods block on the network: the screens call them through ``context.jobs``.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, urlencode

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.auth.accounts import AccountRepository
from kokuho_pc.auth.session import Session
from kokuho_pc.domain.errors import KokuhoError, PermissionDenied, ValidationError
from kokuho_pc.domain.leakscan import contains_my_number
from kokuho_pc.services.candidate_history import CandidateHistory
from kokuho_pc.services.candidate_views import (
    CandidateDetailView,
    CandidateView,
    ConfirmOutcome,
    ConfirmPlan,
    ResultView,
    candidate_from_api,
    candidate_from_summary,
    candidate_sort_key,
    reason_required,
    result_from_api,
)
from kokuho_pc.services.jobs_protocol import NO_PROGRESS, CancelToken, ProgressReporter
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import Profile
from kokuho_pc.services.transfer_runs import ClientFactoryMaker, default_client_factory
from kokuho_pc.transfer.client import API, ConsolidationClient
from kokuho_pc.transfer.faultpoints import checkpoint

__all__ = ["SORT_KEYS", "CandidateService", "SecondStaff"]

_log = logging.getLogger("kokuho_pc.candidates")


@dataclass(frozen=True)
class SecondStaff:
    """The second staff member who logged in for a two-person 確定指示."""

    user_id: str
    name: str

MAX_REASON = 200
MAX_REMARKS = 500
DECISIONS = ("continue", "discontinue")
REASON_REQUIRED_MESSAGE = "判定候補と異なる判断をするときは、理由を入力してください。"

# Sort key name → function of a view (the screens sort by these keys).
SORT_KEYS: dict[str, Callable[[CandidateView], Any]] = {
    "candidate_no": lambda c: candidate_sort_key(c.candidate_no),
    "move_date": lambda c: (c.move_date, candidate_sort_key(c.candidate_no)),
    "route": lambda c: (c.before_municipality, candidate_sort_key(c.candidate_no)),
    "after_head": lambda c: (c.after_head.kana, candidate_sort_key(c.candidate_no)),
    "category": lambda c: (c.category, candidate_sort_key(c.candidate_no)),
    "suggestion": lambda c: (c.suggestion, candidate_sort_key(c.candidate_no)),
    "decision": lambda c: (c.decision or "", candidate_sort_key(c.candidate_no)),
    "state": lambda c: (c.state, candidate_sort_key(c.candidate_no)),
    "decided_by": lambda c: (c.decided_by_label, candidate_sort_key(c.candidate_no)),
}


def sort_candidates(
    views: Sequence[CandidateView], key: str | None = None, ascending: bool = True
) -> list[CandidateView]:
    """Sort views by one of :data:`SORT_KEYS` (unknown key: candidate number)."""
    func = SORT_KEYS.get(key or "candidate_no", SORT_KEYS["candidate_no"])
    return sorted(views, key=func, reverse=not ascending)


def _clean(text: str | None, limit: int, what: str) -> str | None:
    value = (text or "").strip()
    if not value:
        return None
    if len(value) > limit:
        raise ValidationError(f"{what}は{limit}文字以内で入力してください。")
    if contains_my_number(value):
        raise ValidationError(f"{what}に個人番号を含めることはできません。")
    return value


class CandidateService(CandidateHistory):
    """The 継続候補世帯 work of one profile and session (staff and administrators)."""

    def __init__(self, profile: Profile, session: Session, *,
                 client_factory: ClientFactoryMaker | None = None) -> None:
        self._profile = profile
        self._session = session
        self._make_factory = client_factory or default_client_factory

    def forget(self) -> None:
        """The screen locked: nothing to drop, the service keeps no candidate between calls.

        Every list is one request whose lines carry what the list shows, so
        no detail is remembered (kept so the screens' lock hook stays uniform).
        """

    @contextmanager
    def _client(self) -> Iterator[ConsolidationClient]:
        client = self._make_factory(self._profile, self._session.user_id)()
        try:
            yield client
        finally:
            client.close()

    def _audit(self, action: AuditAction, targets: dict[str, Any],
               result: AuditResult = AuditResult.SUCCESS) -> None:
        self._profile.audit.record(action, self._session.user_id, targets, result)

    def staff_names(self) -> dict[str, str]:
        """Staff ID → name of the accounts this PC knows (to print and show names)."""
        names: dict[str, str] = {}
        for account in AccountRepository(self._profile.db).all():
            names[account.user_id] = account.name
            names.setdefault(account.display_id, account.name)
        return names

    def _named(self, view: CandidateView, names: dict[str, str] | None = None) -> CandidateView:
        if not view.decided_by and not view.confirmed_by:
            return view
        names = self.staff_names() if names is None else names
        return replace(view, decided_by_name=names.get(view.decided_by, ""),
                       confirmed_by_name=names.get(view.confirmed_by, ""))

    def _named_detail(self, detail: CandidateDetailView) -> CandidateDetailView:
        return CandidateDetailView(self._named(detail.candidate), detail.members)

    @staticmethod
    def _detail(client: ConsolidationClient, candidate_no: str) -> CandidateDetailView:
        path = f"{API}/candidates/{quote(candidate_no, safe='')}"
        return candidate_from_api(client.request("GET", path).json())

    def _summaries(self, client: ConsolidationClient, params: dict[str, str]) -> builtins.list[
            CandidateView]:
        path = f"{API}/candidates" + (f"?{urlencode(params)}" if params else "")
        return [candidate_from_summary(s) for s in client.request("GET", path).json()["candidates"]]

    # --- list and detail ------------------------------------------------------------

    def list(
        self, *, state: str | None = None, category: int | None = None,
        municipality: str | None = None, sort_key: str | None = None, ascending: bool = True,
        refresh: bool = False, progress: ProgressReporter = NO_PROGRESS,
        cancel: CancelToken | None = None,
    ) -> builtins.list[CandidateView]:
        """The candidates (filters: state, category, 転出元 municipality code), sorted.

        One request: each line of the list carries the heads, member counts and
        who decided when, so no detail is fetched (``refresh`` is accepted for
        the screens' 「再表示」 and changes nothing: every call reads afresh).
        """
        del refresh  # every call is a fresh read
        self._session.require()
        params: dict[str, str] = {}
        if state:
            params["state"] = state
        if category is not None:
            params["category"] = str(int(category))
        with self._client() as client:
            views = self._summaries(client, params)
        if cancel is not None:
            cancel.raise_if_cancelled()
        if municipality:
            views = [v for v in views if v.before_municipality == municipality]
        names = self.staff_names()
        views = [self._named(v, names) for v in views]
        progress(len(views), len(views), "継続候補世帯を読み込みました")
        self._audit(AuditAction.CANDIDATE_LIST_VIEW, {"count": len(views)})
        return sort_candidates(views, sort_key, ascending)

    def detail(self, candidate_no: str) -> CandidateDetailView:
        """One candidate with both households side by side."""
        self._session.require()
        with self._client() as client:
            view = self._detail(client, candidate_no)
        self._audit(AuditAction.CANDIDATE_LIST_VIEW, {"candidate": candidate_no, "count": 1})
        return self._named_detail(view)

    # --- decisions ------------------------------------------------------------------

    def record_decision(
        self, candidate_no: str, decision: str, reason: str | None = None,
        remarks: str | None = None, *, suggestion: str | None = None,
    ) -> CandidateDetailView:
        """Record or change a decision (継続する/継続しない) and return the updated candidate.

        A reason is required when the decision differs from a 継続/非継続
        suggestion; checked here (``suggestion`` given, else fetched) and by the server.
        """
        self._session.require()
        targets: dict[str, Any] = {"candidate": candidate_no, "decision": decision}
        try:
            if decision not in DECISIONS:
                raise ValidationError("「継続する」または「継続しない」を選択してください。")
            clean_reason = _clean(reason, MAX_REASON, "理由")
            clean_remarks = _clean(remarks, MAX_REMARKS, "備考")
        except ValidationError:
            self._audit(AuditAction.DECISION, {**targets, "reason": "invalid_input"},
                        AuditResult.REFUSED)
            raise
        with self._client() as client:
            if suggestion is None:
                suggestion = self._detail(client, candidate_no).candidate.suggestion
            overrule = reason_required(suggestion, decision)
            if overrule:
                targets["reason"] = "overrule"
            if overrule and clean_reason is None:
                self._audit(AuditAction.DECISION, {**targets, "reason": "reason_required"},
                            AuditResult.REFUSED)
                raise ValidationError(REASON_REQUIRED_MESSAGE)
            body: dict[str, Any] = {"decision": decision}
            if clean_reason is not None:
                body["reason"] = clean_reason
            if clean_remarks is not None:
                body["remarks"] = clean_remarks
            path = f"{API}/candidates/{quote(candidate_no, safe='')}/decision"
            try:
                data = client.request("PUT", path, json_body=body).json()
            except KokuhoError:
                self._audit(AuditAction.DECISION, targets, AuditResult.FAILURE)
                raise
        self._audit(AuditAction.DECISION, targets)
        return self._named_detail(candidate_from_api(data))

    # --- confirmation ---------------------------------------------------------------

    def two_person_required(self) -> bool:
        """True when the policy asks a second staff member to log in for the 確定指示."""
        return bool(self._profile.policy().two_person_confirmation)

    def verify_second_staff(self, user_id: str, password: str, otp: str | None,
                            deciders: Sequence[str]) -> SecondStaff:
        """The second staff member of a two-person 確定指示 logs in on the dialog.

        Their password (and one-time password when the policy requires it) is checked
        like a login, failures count towards their lockout; they must be neither the
        staff member logged in nor one who decided the candidates. Slow (key
        derivation): call through a job.
        """
        self._session.require()
        account = LoginService(self._profile).check_credentials(user_id, password, otp)
        if account.user_id == self._session.user_id or account.user_id in set(deciders):
            who = "ログイン中の職員" if account.user_id == self._session.user_id else \
                "候補を判断した職員"
            self._profile.audit.record(
                AuditAction.CONFIRMATION, account.user_id,
                {"role": "second_person", "reason": "same_person"}, AuditResult.REFUSED)
            raise PermissionDenied(f"{who}は確認者(2人目)になれません。",
                                   "候補を判断していない別の職員がログインしてください。")
        self._profile.audit.record(AuditAction.CONFIRMATION, account.user_id,
                                   {"role": "second_person", "reason": "verified"})
        return SecondStaff(account.user_id, account.name)

    @staticmethod
    def plan_confirmation(candidates: Sequence[CandidateView]) -> ConfirmPlan:
        """The summary shown before confirming: decided ones by decision, the rest counted."""
        ordered = sorted(candidates, key=lambda c: candidate_sort_key(c.candidate_no))
        decided = [c for c in ordered if c.state == "decided"]
        return ConfirmPlan(
            continue_nos=tuple(c.candidate_no for c in decided if c.decision == "continue"),
            discontinue_nos=tuple(c.candidate_no for c in decided
                                  if c.decision == "discontinue"),
            undecided_count=sum(1 for c in ordered if c.state == "undecided"),
            already_confirmed_count=sum(1 for c in ordered if c.state == "confirmed"),
        )

    def confirm(self, candidate_nos: Sequence[str], *,
                second_staff: SecondStaff | None = None) -> ConfirmOutcome:
        """The 確定指示 of decided candidates (all or nothing on the server).

        Under the two-person policy ``second_staff`` (from :meth:`verify_second_staff`)
        is required and recorded with the instruction.
        """
        self._session.require()
        nos = list(dict.fromkeys(candidate_nos))
        if not nos:
            raise ValidationError("確定する判断済みの候補がありません。")
        targets: dict[str, Any] = {"candidates": nos, "count": len(nos)}
        if self.two_person_required():
            if second_staff is None:
                self._audit(AuditAction.CONFIRMATION, {**targets, "reason": "second_missing"},
                            AuditResult.REFUSED)
                raise PermissionDenied("確定指示には確認者(2人目の職員)のログインが必要です。",
                                       "候補を判断していない別の職員がログインしてください。")
        if second_staff is not None:
            targets["account"] = second_staff.user_id  # the second staff member
        checkpoint("confirm.requested")
        with self._client() as client:
            try:
                data = client.request("POST", f"{API}/confirmations",
                                      json_body={"candidate_nos": nos}).json()
            except KokuhoError:
                self._audit(AuditAction.CONFIRMATION, targets, AuditResult.FAILURE)
                raise
        checkpoint("confirm.answered")
        outcome = ConfirmOutcome(
            confirmed=tuple(data.get("confirmed") or ()),
            already_confirmed=tuple(data.get("already_confirmed") or ()),
            continued=int(data.get("continued") or 0),
            discontinued=int(data.get("discontinued") or 0),
            carried_months=int(data.get("carried_months") or 0),
            deliveries=tuple(data.get("deliveries") or ()),
        )
        self._audit(AuditAction.CONFIRMATION, {**targets, "records": len(outcome.confirmed)})
        checkpoint("confirm.logged")
        return outcome

    # --- results --------------------------------------------------------------------

    def results(
        self, *, progress: ProgressReporter = NO_PROGRESS, cancel: CancelToken | None = None
    ) -> builtins.list[ResultView]:
        """The 継続世帯確定結果 (every confirmed candidate), in candidate order.

        Two requests: the results and the confirmed lines of the candidate list.
        """
        self._session.require()
        with self._client() as client:
            rows = client.request("GET", f"{API}/results").json()["results"]
            if cancel is not None:
                cancel.raise_if_cancelled()
            names = self.staff_names()
            views = {v.candidate_no: self._named(v, names)
                     for v in self._summaries(client, {"state": "confirmed"})}
        out = [result_from_api(row, views[str(row["candidate_no"])]) for row in rows]
        out.sort(key=lambda r: candidate_sort_key(r.candidate_no))
        progress(len(out), len(out), "継続世帯確定結果を読み込みました")
        self._audit(AuditAction.RESULTS_VIEW, {"count": len(out)})
        return out

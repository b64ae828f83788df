"""Typed views of continuation candidates and confirmation results (no 個人番号 field).

The consolidation system's JSON (shuyaku_sim/openapi.json) is turned into
these frozen dataclasses by :mod:`kokuho_pc.services.candidates`; the screens
and the print mapping only ever see them. Persons are named by name, kana,
birth date, sex and relation; there is deliberately no field for any
identifying number beyond the household numbers.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from kokuho_pc.domain.codes import Category, Decision, Relation, Sex, Suggestion
from kokuho_pc.domain.leakscan import mask_my_numbers
from kokuho_pc.domain.municipality import MUNICIPALITY_NAMES

CATEGORY_LABELS: dict[int, str] = {c.value: c.label for c in Category}
DECISION_LABELS: dict[str, str] = {d.value: d.label for d in Decision}
STATE_LABELS: dict[str, str] = {"undecided": "未判断", "decided": "判断済", "confirmed": "確定済"}
UNDECIDED_LABEL = "未判断"



def _shown(value: object) -> str:
    """Text from the server as the screen and paper show it: any 個人番号 masked (the
    product's one detector; a name or remark typed wrongly at the source)."""
    return mask_my_numbers(str(value or ""))

def municipality_name(code: str) -> str:
    """The Japanese name of a municipality code (the code itself when unknown)."""
    return MUNICIPALITY_NAMES.get(code, code)


def candidate_sort_key(candidate_no: str) -> tuple[str, int, str]:
    """Natural order of candidate numbers (``082201-2`` before ``082201-10``)."""
    prefix, _, serial = candidate_no.rpartition("-")
    return (prefix, int(serial), "") if serial.isdigit() else (candidate_no, 0, candidate_no)


def full_width_kana(text: str) -> str:
    """Half-width kana as sent in the files → full-width for reading (ｻﾄｳ → サトウ)."""
    return unicodedata.normalize("NFKC", text)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


_RELATION_LABELS: dict[str, str] = {r.value: r.label for r in Relation}
_SEX_LABELS: dict[str, str] = {s.value: s.label for s in Sex}


def _relation(code: str | None) -> str:
    return _RELATION_LABELS.get(code, code) if code else ""


def _sex(code: str) -> str:
    return _SEX_LABELS.get(code, code)


@dataclass(frozen=True, slots=True)
class HeadInfo:
    """The 国保上の世帯主 of one side: name, kana and whether it is a 擬制世帯主."""

    name: str
    kana: str
    nominal: bool

    @classmethod
    def from_api(cls, data: Mapping[str, Any] | None) -> HeadInfo:
        """From the API's HeadView."""
        if not data:
            return cls("", "", False)
        kana = full_width_kana(str(data.get("name_kana") or ""))
        return cls(_shown(data.get("name")), _shown(kana), data.get("head_type") == "nominal")


def marker_text(marker: str, reason: str | None, reason_label: str | None) -> str:
    """Short change marker shown per member: 転入, 出生, 離脱(死亡), 残留, ..."""
    if marker == "unchanged":
        return "転入"
    if marker == "added":
        return {"04": "出生", "03": "加入(社保離脱)", "02": "転入(他世帯から)"}.get(
            reason or "", f"加入({reason_label})" if reason_label else "加入")
    if reason is None:
        return "残留"
    short = {"13": "社保加入", "14": "死亡", "16": "後期高齢者医療"}.get(reason, reason_label)
    return f"離脱({short})" if short else "離脱"


@dataclass(frozen=True, slots=True)
class MemberView:
    """One person of a candidate, before and after side by side."""

    name: str
    kana: str
    birth_date: dt.date
    sex: str
    relation_before: str
    relation_after: str
    in_before: bool
    in_after: bool
    marker: str  # unchanged / added / removed
    marker_label: str  # 転入, 出生, 残留, ...

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> MemberView:
        """From the API's MemberRow (its insured IDs are not kept)."""
        before, after = data.get("relation_before"), data.get("relation_after")
        birth = _date(str(data.get("birth_date") or ""))
        return cls(
            name=_shown(data.get("name")),
            kana=_shown(full_width_kana(str(data.get("name_kana") or ""))),
            birth_date=birth or dt.date(1900, 1, 1), sex=_sex(str(data.get("sex") or "")),
            relation_before=_relation(before), relation_after=_relation(after),
            in_before=before is not None, in_after=after is not None,
            marker=str(data.get("marker") or ""),
            marker_label=marker_text(str(data.get("marker") or ""), data.get("change_reason"),
                                     data.get("change_reason_label")),
        )


@dataclass(frozen=True, slots=True)
class CandidateView:
    """One continuation candidate as the list, the detail and the prints show it."""

    candidate_no: str
    move_date: dt.date
    before_municipality: str
    after_municipality: str
    before_household: str
    after_household: str
    category: int
    category_label: str
    suggestion: str  # continue / discontinue / review
    suggestion_label: str
    reason: str
    state: str  # undecided / decided / confirmed
    decision: str | None  # continue / discontinue
    before_head: HeadInfo
    after_head: HeadInfo
    before_count: int
    after_count: int
    decided_by: str = ""
    decided_at: dt.datetime | None = None
    decision_reason: str = ""
    remarks: str = ""
    confirmed_by: str = ""
    confirmed_at: dt.datetime | None = None
    has_remarks: bool = False
    decided_by_name: str = ""  # the staff member's name when this PC knows the ID
    confirmed_by_name: str = ""

    @property
    def decided_by_label(self) -> str:
        """Who decided: the staff name when known, else the staff ID."""
        return self.decided_by_name or self.decided_by

    @property
    def confirmed_by_label(self) -> str:
        """Who confirmed: the staff name when known, else the staff ID."""
        return self.confirmed_by_name or self.confirmed_by

    @property
    def before_municipality_name(self) -> str:
        """転出元 municipality name."""
        return municipality_name(self.before_municipality)

    @property
    def after_municipality_name(self) -> str:
        """転入先 municipality name."""
        return municipality_name(self.after_municipality)

    @property
    def state_label(self) -> str:
        """未判断 / 判断済 / 確定済."""
        return STATE_LABELS.get(self.state, self.state)

    @property
    def decision_label(self) -> str:
        """未判断 / 継続する / 継続しない."""
        if not self.decision:
            return UNDECIDED_LABEL
        return DECISION_LABELS.get(self.decision, self.decision)

    @property
    def category_text(self) -> str:
        """``1 住所異動のみ``."""
        return f"{self.category} {self.category_label}"

    @property
    def confirmed(self) -> bool:
        """True once confirmed (read-only on the PC)."""
        return self.state == "confirmed"

    def needs_reason(self, decision: str) -> bool:
        """True when ``decision`` overrules a 継続/非継続 suggestion (a reason is required)."""
        return reason_required(self.suggestion, decision)


def search_text(text: str) -> str:
    """What a search compares: NFKC (half-/full-width alike), no spaces, katakana, upper case.

    ``ｻﾄｳ ﾀﾛｳ``, ``サトウ　タロウ`` and ``さとうたろう`` all become ``サトウタロウ``.
    """
    folded = unicodedata.normalize("NFKC", text)
    out = []
    for ch in folded:
        if ch.isspace():
            continue
        code = ord(ch)
        out.append(chr(code + 0x60) if 0x3041 <= code <= 0x3096 else ch)
    return "".join(out).upper()


def candidate_matches(candidate: CandidateView, needle: str) -> bool:
    """True when ``needle`` (already :func:`search_text`) is in the candidate number, a
    household number or a head's kana or name."""
    if not needle:
        return True
    fields = (candidate.candidate_no, candidate.before_household, candidate.after_household,
              candidate.before_head.kana, candidate.after_head.kana,
              candidate.before_head.name, candidate.after_head.name)
    return any(needle in search_text(f) for f in fields if f)


def reason_required(suggestion: str, decision: str) -> bool:
    """Overruling a 継続/非継続 suggestion needs a reason; 要確認 needs none (as the server)."""
    if suggestion == Suggestion.REVIEW.value:
        return False
    return decision != suggestion


@dataclass(frozen=True, slots=True)
class CandidateDetailView:
    """A candidate with both households' members side by side."""

    candidate: CandidateView
    members: tuple[MemberView, ...]


def _common(data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a CandidateSummary (also part of every CandidateDetail)."""
    category = int(data["category"])
    return {
        "candidate_no": str(data["candidate_no"]),
        "move_date": _date(str(data["move_date"])) or dt.date(1900, 1, 1),
        "before_municipality": str(data["before_municipality"]),
        "after_municipality": str(data["after_municipality"]),
        "before_household": str(data.get("before_household") or ""),
        "after_household": str(data.get("after_household") or ""),
        "category": category,
        "category_label": str(data.get("category_label") or CATEGORY_LABELS.get(category, "")),
        "suggestion": str(data["suggestion"]),
        "suggestion_label": str(data.get("suggestion_label") or ""),
        "reason": _shown(data.get("reason")), "state": str(data["state"]),
        "decision": data.get("decision"),
        "before_head": HeadInfo(_shown(data.get("before_head_name")),
                                _shown(full_width_kana(str(data.get("before_head_name_kana")
                                                           or ""))),
                                False),
        "after_head": HeadInfo(_shown(data.get("after_head_name")),
                               _shown(full_width_kana(str(data.get("after_head_name_kana")
                                                          or ""))),
                               False),
        "before_count": int(data.get("before_member_count") or 0),
        "after_count": int(data.get("after_member_count") or 0),
        "decided_by": str(data.get("decided_by") or ""),
        "decided_at": _moment(data.get("decided_at")),
        "has_remarks": bool(data.get("has_remarks")),
    }


def candidate_from_summary(data: Mapping[str, Any]) -> CandidateView:
    """Map one line of the API's candidate list (CandidateSummary) to the typed view.

    The list carries no decision reason, remarks text or confirmation; those
    (and the members) come with :func:`candidate_from_api` when a candidate is opened.
    """
    return CandidateView(**_common(data))


def candidate_from_api(data: Mapping[str, Any]) -> CandidateDetailView:
    """Map the API's CandidateDetail to the typed view."""
    members = tuple(MemberView.from_api(m) for m in data.get("members") or ())
    decision = data.get("decision_detail") or {}
    fields = _common(data)
    fields.update(
        before_head=HeadInfo.from_api(data.get("before_head")),
        after_head=HeadInfo.from_api(data.get("after_head")),
        before_count=sum(1 for m in members if m.in_before),
        after_count=sum(1 for m in members if m.in_after),
        decided_by=str(decision.get("staff_id") or ""),
        decided_at=_moment(decision.get("decided_at")),
        decision_reason=_shown(decision.get("reason")),
        remarks=_shown(decision.get("remarks")),
        has_remarks=bool(decision.get("remarks")),
        confirmed_by=str(decision.get("confirmed_by") or ""),
        confirmed_at=_moment(decision.get("confirmed_at")),
    )
    view = CandidateView(**fields)
    return CandidateDetailView(view, members)


@dataclass(frozen=True, slots=True)
class ConfirmPlan:
    """The summary shown before a 確定指示: what will be confirmed and what is left out."""

    continue_nos: tuple[str, ...]
    discontinue_nos: tuple[str, ...]
    undecided_count: int
    already_confirmed_count: int

    @property
    def candidate_nos(self) -> tuple[str, ...]:
        """Every decided candidate to confirm, in list order."""
        return tuple(sorted(self.continue_nos + self.discontinue_nos, key=candidate_sort_key))

    @property
    def count(self) -> int:
        """How many candidates the instruction confirms."""
        return len(self.continue_nos) + len(self.discontinue_nos)


@dataclass(frozen=True, slots=True)
class ConfirmOutcome:
    """What the consolidation system confirmed."""

    confirmed: tuple[str, ...]
    already_confirmed: tuple[str, ...]
    continued: int
    discontinued: int
    carried_months: int
    deliveries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ResultView:
    """One line of the 継続世帯確定結果 with the candidate it belongs to."""

    candidate: CandidateView
    decision: str
    carried_months: tuple[str, ...]  # YYYYMM
    tasuu_count: int
    next_hit_tasuu: bool
    move_month_rule: bool
    decided_by: str
    decided_at: dt.datetime | None
    confirmed_by: str
    confirmed_at: dt.datetime | None

    @property
    def candidate_no(self) -> str:
        """The candidate number."""
        return self.candidate.candidate_no

    @property
    def decision_label(self) -> str:
        """継続する / 継続しない."""
        return DECISION_LABELS.get(self.decision, self.decision)

    @property
    def carried_count(self) -> int:
        """How many high-cost months were carried over."""
        return len(self.carried_months)


def result_from_api(data: Mapping[str, Any], candidate: CandidateView) -> ResultView:
    """Map the API's ResultRow (and its candidate) to the typed view."""
    months = tuple(str(m).replace("-", "")[:6] for m in data.get("carried_months") or ())
    if "remarks" in data:  # the confirmed list prints the decision's remarks
        remarks = str(data.get("remarks") or "")
        candidate = replace(candidate, remarks=remarks, has_remarks=bool(remarks))
    return ResultView(
        candidate=candidate, decision=str(data["decision"]), carried_months=months,
        tasuu_count=int(data.get("tasuu_count") or 0),
        next_hit_tasuu=bool(data.get("next_hit_tasuu")),
        move_month_rule=bool(data.get("move_month_rule")),
        decided_by=str(data.get("decided_by") or ""), decided_at=_moment(data.get("decided_at")),
        confirmed_by=str(data.get("confirmed_by") or ""),
        confirmed_at=_moment(data.get("confirmed_at")),
    )

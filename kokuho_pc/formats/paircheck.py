"""KSK01↔KSK02 cross-references: households, heads and 続柄 01.

The KSK01 file is checked first and indexed; the KSK02 file is then checked
against that index while it streams, and the head rules are judged at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kokuho_pc.formats.issues import IssueSink
from kokuho_pc.formats.layouts import get_layout

_HEAD_RELATION = b"01"
_INSURED_HEAD = b"1"


def _slice(if_id: str, key: str) -> tuple[int, int, int, str]:
    layout = get_layout(if_id)
    for i, f in enumerate(layout.data):
        if f.key == key:
            return i, f.offset, f.end, f.name
    raise KeyError(key)


class Household:
    """One KSK01 household as the head rules need it (updated while KSK02 streams)."""

    __slots__ = ("head_found", "head_id", "head_type", "recno", "relation_01")

    def __init__(self, recno: int, head_type: bytes, head_id: bytes) -> None:
        self.recno = recno
        self.head_type = head_type
        self.head_id = head_id
        self.head_found = False
        self.relation_01 = 0

    @property
    def insured_head(self) -> bool:
        """True for 世帯主区分 1 with a readable 世帯主市町村被保険者ID."""
        return self.head_type == _INSURED_HEAD and bool(self.head_id)


@dataclass(slots=True)
class HouseholdIndex:
    """KSK01 households by 世帯番号."""

    households: dict[bytes, Household] = field(default_factory=dict)

    def add(self, rec: bytes, recno: int, bad: set[int]) -> None:
        """Index one KSK01 data record (the head is left out when its fields are bad)."""
        _, hs, he, _ = _HH01
        ti, ts, te, _ = _HEAD_TYPE
        ii, is_, ie, _ = _HEAD_ID01
        hh = rec[hs:he].rstrip(b" ")
        if hh and hh not in self.households:
            head_id = b"" if ii in bad or ti in bad else rec[is_:ie].rstrip(b" ")
            self.households[hh] = Household(recno, rec[ts:te], head_id)


@dataclass(slots=True)
class MemberIndex:
    """KSK02 members, checked against the paired KSK01 index while streaming.

    Nothing per person is kept: each member updates its household's entry
    (head seen, number of 続柄 01), so memory grows with households only.
    """

    sink: IssueSink
    households: HouseholdIndex | None

    def add(self, rec: bytes, recno: int, bad: set[int]) -> None:
        """Check one KSK02 data record against its KSK01 household."""
        if self.households is None:
            return
        hi, hs, he, hname = _HH02
        _, ps, pe, _ = _PERSON_ID
        ri, rs, re_, rname = _RELATION
        hh = rec[hs:he].rstrip(b" ")
        if not hh:
            return
        entry = self.households.households.get(hh)
        if entry is None:
            self.sink.add(recno, hname, "household_unknown", hi)
            return
        if not entry.insured_head:
            return
        pid = rec[ps:pe].rstrip(b" ")
        if pid == entry.head_id:
            entry.head_found = True
        if ri not in bad and rec[rs:re_] == _HEAD_RELATION:
            entry.relation_01 += 1
            if entry.relation_01 > 1:
                self.sink.add(recno, rname, "head_relation_duplicate", ri)
            if pid != entry.head_id:
                self.sink.add(recno, rname, "head_relation_other", ri)


def check_heads(households: HouseholdIndex, sink01: IssueSink) -> None:
    """世帯主区分 1: the head is a member of the household, which has a 続柄 01.

    (Extra 続柄 01 members and a 続柄 01 other than the head were reported
    while KSK02 streamed.)
    """
    head_i, _, _, head_name = _HEAD_ID01
    hh_i, _, _, hh_name = _HH01
    for h in households.households.values():
        if not h.insured_head:
            continue
        if not h.head_found:
            sink01.add(h.recno, head_name, "head_not_member", head_i)
        if not h.relation_01:
            sink01.add(h.recno, hh_name, "head_relation_missing", hh_i)


_HH01 = _slice("KSK01", "household_no")
_HEAD_TYPE = _slice("KSK01", "head_type")
_HEAD_ID01 = _slice("KSK01", "head_insured_id")
_HH02 = _slice("KSK02", "household_no")
_PERSON_ID = _slice("KSK02", "municipal_insured_id")
_RELATION = _slice("KSK02", "relation")

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


@dataclass(slots=True)
class HouseholdIndex:
    """KSK01 households: 世帯番号 → (record, 世帯主区分, 世帯主市町村被保険者ID)."""

    households: dict[bytes, tuple[int, bytes, bytes]] = field(default_factory=dict)

    def add(self, rec: bytes, recno: int, bad: set[int]) -> None:
        """Index one KSK01 data record (skipped when its key fields are bad)."""
        _, hs, he, _ = _HH01
        ti, ts, te, _ = _HEAD_TYPE
        ii, is_, ie, _ = _HEAD_ID01
        hh = rec[hs:he].rstrip(b" ")
        if hh and hh not in self.households:
            head_id = b"" if ii in bad or ti in bad else rec[is_:ie].rstrip(b" ")
            self.households[hh] = (recno, rec[ts:te], head_id)


@dataclass(slots=True)
class MemberIndex:
    """KSK02 members, checked against the paired KSK01 index while streaming."""

    sink: IssueSink
    households: HouseholdIndex | None
    person_household: dict[bytes, bytes] = field(default_factory=dict)
    heads: dict[bytes, list[tuple[int, bytes]]] = field(default_factory=dict)

    def add(self, rec: bytes, recno: int, bad: set[int]) -> None:
        """Index one KSK02 data record and check that its household exists in KSK01."""
        hi, hs, he, hname = _HH02
        _, ps, pe, _ = _PERSON_ID
        ri, rs, re_, _ = _RELATION
        hh = rec[hs:he].rstrip(b" ")
        if hh and self.households is not None and hh not in self.households.households:
            self.sink.add(recno, hname, "household_unknown", hi)
        pid = rec[ps:pe].rstrip(b" ")
        if not pid:
            return
        self.person_household.setdefault(pid, hh)
        if ri not in bad and rec[rs:re_] == _HEAD_RELATION:
            self.heads.setdefault(hh, []).append((recno, pid))


def check_heads(households: HouseholdIndex, members: MemberIndex, sink01: IssueSink,
                sink02: IssueSink) -> None:
    """世帯主区分 1: the head is a member; the household has exactly one 続柄 01, the head."""
    _, _, _, head_name = _HEAD_ID01
    hh_i, _, _, hh_name = _HH01
    rel_i, _, _, rel_name = _RELATION
    head_i = _HEAD_ID01[0]
    for hh, (recno, head_type, head_id) in households.households.items():
        if head_type != _INSURED_HEAD or not head_id:
            continue
        if members.person_household.get(head_id) != hh:
            sink01.add(recno, head_name, "head_not_member", head_i)
        heads = members.heads.get(hh, [])
        if not heads:
            sink01.add(recno, hh_name, "head_relation_missing", hh_i)
        for k, (member_rec, pid) in enumerate(heads):
            if k > 0:
                sink02.add(member_rec, rel_name, "head_relation_duplicate", rel_i)
            if pid != head_id:
                sink02.add(member_rec, rel_name, "head_relation_other", rel_i)


_HH01 = _slice("KSK01", "household_no")
_HEAD_TYPE = _slice("KSK01", "head_type")
_HEAD_ID01 = _slice("KSK01", "head_insured_id")
_HH02 = _slice("KSK02", "household_no")
_PERSON_ID = _slice("KSK02", "municipal_insured_id")
_RELATION = _slice("KSK02", "relation")

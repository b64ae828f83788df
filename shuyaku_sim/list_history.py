"""The 継続候補世帯リスト as it stood at an earlier time (for a reprint).

Every decision ever recorded is kept in ``decision_history`` (the candidate row
holds only the current one). The list as of a time T holds the candidates that
existed at T, each with the latest decision recorded at or before T (none:
未判断) and 確定 only if confirmed by T. What the history does not keep is
shown as it is now: the heads' names and member counts (a confirmed
candidate's are frozen at its confirmation), the 判定候補 and its reason (a
later file set may refresh them), and a candidate dropped since T (with its
decisions) is missing.
"""

from __future__ import annotations

from dataclasses import replace

from shuyaku_sim import model
from shuyaku_sim.storage import Tx
from shuyaku_sim.views import summary

MOMENT_LIMIT = 500


def candidates_as_of(tx: Tx, municipality: str, as_of: str) -> list[model.CandidateSummary]:
    """The candidate list of ``municipality`` as it stood at ``as_of`` (ISO text)."""
    existed = tx.candidate_ids_created_by(municipality, as_of)
    decisions = tx.decisions_as_of(municipality, as_of)
    out: list[model.CandidateSummary] = []
    for c, figures in tx.list_candidate_summaries(municipality):
        if c.id not in existed:
            continue
        then = decisions.get(c.id)
        confirmed = c.confirmed_at is not None and c.confirmed_at <= as_of
        if then is None:
            c = replace(c, state="undecided", decision=None, decision_reason=None, remarks=None,
                        decided_staff=None, decided_terminal=None, decided_at=None)
        else:
            decision, reason, remarks, staff, at = then
            c = replace(c, state="confirmed" if confirmed else "decided", decision=decision,
                        decision_reason=reason, remarks=remarks, decided_staff=staff,
                        decided_at=at)
        out.append(summary(c, figures))
    return out


def list_moments(tx: Tx, municipality: str) -> list[model.ListMoment]:
    """When the list changed (decisions, 確定指示, file sets received), newest first."""
    return [{"at": at, "kind": kind, "count": n}  # type: ignore[typeddict-item]
            for at, kind, n in tx.list_moments(municipality, MOMENT_LIMIT)]

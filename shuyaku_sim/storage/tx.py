"""One open transaction and every query of the simulator (mixins by area)."""

from __future__ import annotations

import sqlite3
from typing import Protocol

from kokuho_pc.domain.mynumber import MyNumber
from shuyaku_sim.storage.candidate_list import CandidateListQueries
from shuyaku_sim.storage.people import PeopleQueries
from shuyaku_sim.storage.records import RecordQueries
from shuyaku_sim.storage.trust import TrustQueries
from shuyaku_sim.storage.work import WorkQueries


class Digests(Protocol):
    """What a transaction needs of its database (:class:`shuyaku_sim.storage.db.Database`):
    the keyed digest a 個人番号 is kept under. A protocol, so that tx does not import db
    (db opens the transactions)."""

    def digest(self, my_number: MyNumber) -> bytes: ...


class Tx(PeopleQueries, WorkQueries, RecordQueries, CandidateListQueries, TrustQueries):
    """The queries available inside one transaction (see the mixin modules)."""

    def __init__(self, conn: sqlite3.Connection, db: Digests) -> None:
        self.conn = conn
        self.db = db

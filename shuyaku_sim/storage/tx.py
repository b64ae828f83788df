"""One open transaction and every query of the simulator (mixins by area)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from shuyaku_sim.storage.candidate_list import CandidateListQueries
from shuyaku_sim.storage.people import PeopleQueries
from shuyaku_sim.storage.records import RecordQueries
from shuyaku_sim.storage.trust import TrustQueries
from shuyaku_sim.storage.work import WorkQueries

if TYPE_CHECKING:
    from shuyaku_sim.storage.db import Database


class Tx(PeopleQueries, WorkQueries, RecordQueries, CandidateListQueries, TrustQueries):
    """The queries available inside one transaction (see the mixin modules)."""

    def __init__(self, conn: sqlite3.Connection, db: Database) -> None:
        self.conn = conn
        self.db = db

"""The simulator's storage: the only package that touches the database."""

from shuyaku_sim.storage.db import Database
from shuyaku_sim.storage.tx import Tx

__all__ = ["Database", "Tx"]

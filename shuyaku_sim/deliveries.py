"""Making delivered CSV files (KSK11, KSK12, KKG11) and their names
(docs/interface-files.md §2, §7)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence

from kokuho_pc.formats.filenames import make_file_name
from kokuho_pc.formats.layouts import get_layout
from kokuho_pc.formats.writer import write_csv
from shuyaku_sim import model
from shuyaku_sim.storage import Tx
from shuyaku_sim.storage.records import DeliveryRow

Row = dict[str, object]


def deliver(
    tx: Tx, if_id: str, municipality: str, rows: Sequence[Row], now: dt.datetime
) -> str | None:
    """Store one delivery of ``rows`` for ``municipality``; return its file name.

    The name's timestamp is ``now`` (moved on by a second while the name is
    taken); the date column of every row is set to the name's date, as the
    file-name rule requires. Nothing is delivered for no rows.
    """
    if not rows:
        return None
    stamp = now.replace(microsecond=0)
    name = make_file_name(if_id, municipality, stamp)
    while tx.delivery_name_taken(name):
        stamp += dt.timedelta(seconds=1)
        name = make_file_name(if_id, municipality, stamp)
    date_column = get_layout(if_id).name_date_column or ""
    dated = [{**r, date_column: stamp.date()} for r in rows]
    content = write_csv(if_id, dated)
    tx.insert_delivery(name, municipality, if_id, stamp.isoformat(), len(rows),
                       hashlib.sha256(content).hexdigest(), content)
    return name


def deliver_grouped(
    tx: Tx, if_id: str, rows_by_municipality: Mapping[str, Sequence[Row]], now: dt.datetime
) -> list[str]:
    """One delivery per recipient municipality; return the names."""
    names = []
    for municipality in sorted(rows_by_municipality):
        name = deliver(tx, if_id, municipality, rows_by_municipality[municipality], now)
        if name:
            names.append(name)
    return names


def delivery_view(row: DeliveryRow) -> model.Delivery:
    """A stored delivery as the facade returns it."""
    did, name, municipality, if_id, created, count, size, sha, acked = row
    return {
        "delivery_id": did, "name": name, "if_id": if_id, "municipality_code": municipality,
        "created_at": created, "rows": count, "size": size, "sha256": sha,
        "acknowledged": acked is not None, "acknowledged_at": acked,
    }

"""The federation administrator's review of the forwarded operation logs (``shuyaku-sim review``).

Per terminal: its municipality, last contact, records held, chain state
(``ok``, ``broken``, ``rolled_back``) and alert codes. Alerts are those the
simulator stored when it refused something (``chain_broken``, ``rollback``,
``re_enrolled``, ``unknown_staff``) and those found now in the forwarded records:

- ``silent``: no contact for ``silent_days`` (default 7): the broken link PC nobody noticed;
- ``failed_logins``: a burst of :data:`FAILED_LOGIN_BURST` failed logins within
  :data:`FAILED_LOGIN_WINDOW` on one terminal;
- ``after_hours``: operations by staff before :data:`WORK_START` or from
  :data:`WORK_END` (local time of the record), or on a Saturday or Sunday;
- ``bulk_print``: one staff member printing :data:`BULK_PRINT_PAGES` pages or more in a day;
- ``bulk_export``: one staff member exporting :data:`BULK_EXPORT_COUNT` deliveries or more
  in a day.

Details are Japanese and hold numbers, codes and staff IDs only: never a 個人番号 or a name.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from shuyaku_sim import access_log
from shuyaku_sim.storage import Database
from shuyaku_sim.storage.trust import ChainRow

DEFAULT_SILENT_DAYS = 7
FAILED_LOGIN_BURST = 5
FAILED_LOGIN_WINDOW = dt.timedelta(minutes=10)
WORK_START = dt.time(7, 0)
WORK_END = dt.time(20, 0)
BULK_PRINT_PAGES = 100
BULK_EXPORT_COUNT = 20
SYSTEM_ACTOR = "-"
STORED_CODES = ("chain_broken", "rollback", "re_enrolled", "unknown_staff")
ALERT_LABELS = {
    "silent": "連絡途絶", "chain_broken": "連鎖不整合", "rollback": "巻き戻し",
    "re_enrolled": "再登録", "unknown_staff": "未登録職員", "failed_logins": "ログイン失敗多発",
    "after_hours": "時間外操作", "bulk_print": "大量印刷", "bulk_export": "大量移出",
}
CHAIN_LABELS = {"ok": "正常", "broken": "不整合", "rolled_back": "巻き戻し"}


@dataclass
class Alert:
    """One alert of the review."""

    municipality_code: str
    terminal_id: str
    code: str
    at: str
    detail: str

    def to_json(self) -> dict[str, str]:
        """The JSON form of docs/cli.md."""
        return {"municipality_code": self.municipality_code, "terminal_id": self.terminal_id,
                "code": self.code, "at": self.at, "detail": self.detail}


@dataclass
class TerminalReview:
    """One terminal's line of the review."""

    municipality_code: str
    terminal_id: str
    last_contact: str | None
    records: int
    chain: str
    alerts: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The JSON form of docs/cli.md."""
        return {"municipality_code": self.municipality_code, "terminal_id": self.terminal_id,
                "last_contact": self.last_contact, "records": self.records,
                "chain": self.chain, "alerts": list(self.alerts)}


@dataclass
class Review:
    """The whole review: terminals and alerts."""

    terminals: list[TerminalReview]
    alerts: list[Alert]
    generated_at: str

    def to_json(self) -> dict[str, Any]:
        """``{"terminals": [...], "alerts": [...]}``."""
        return {"terminals": [t.to_json() for t in self.terminals],
                "alerts": [a.to_json() for a in self.alerts]}


def _parse(text: object) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _naive(moment: dt.datetime) -> dt.datetime:
    """``moment`` as the server's naive local time (``now`` is naive local): a PC's stamp
    with an offset is converted first, not just stripped of it."""
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.replace(tzinfo=None)


def access_contacts(data_dir: Path) -> dict[str, tuple[str | None, str]]:
    """Terminal → (municipality, last request time) from the access log (any request
    counts as contact); empty when there is no access log."""
    path = data_dir / access_log.FILE_NAME
    if not path.exists():
        return {}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT terminal_id, MAX(municipality_code), MAX(at) FROM access_log "
            "WHERE terminal_id NOT LIKE 'unregistered:%' GROUP BY terminal_id").fetchall()
    except sqlite3.Error:
        return {}
    finally:
        conn.close()
    return {str(t): (None if m is None else str(m), str(at)) for t, m, at in rows}


def build_review(
    db: Database, now: dt.datetime, silent_days: int = DEFAULT_SILENT_DAYS,
    contacts: dict[str, tuple[str | None, str]] | None = None,
) -> Review:
    """Review every terminal the simulator has heard from (``now``: local, naive).

    ``contacts`` (:func:`access_contacts`) adds the terminals that made requests without
    forwarding a log, and counts any request as contact; the federation's own terminal
    (no municipality) is left out."""
    alerts: list[Alert] = []
    with db.reading() as tx:
        chains = tx.chains()
        stored = tx.alerts()
        records = {c.terminal_id: [json.loads(text) for _, text in
                                   _all_records(tx, c.terminal_id)] for c in chains}
    known = {c.terminal_id for c in chains}
    for terminal, (code, at) in sorted((contacts or {}).items()):
        if code is None:
            continue  # the federation administrator's terminal
        if terminal in known:
            chains = [c if c.terminal_id != terminal or (c.last_contact or "") >= at
                      else replace(c, last_contact=at) for c in chains]
        else:
            chains.append(ChainRow(terminal, code, 0, 0, None, "ok", 0, at, None))
            records[terminal] = []
    chains.sort(key=lambda c: (c.municipality_code, c.terminal_id))
    municipality = {c.terminal_id: c.municipality_code for c in chains}
    for row in stored:
        alerts.append(Alert(row.municipality_code or municipality.get(row.terminal_id, ""),
                            row.terminal_id, row.code, row.at, _with_count(row.detail,
                                                                           row.occurrences)))
    cutoff = now - dt.timedelta(days=silent_days)
    for chain in chains:
        contact = _parse(chain.last_contact)
        if contact is None or _naive(contact) < cutoff:
            alerts.append(Alert(chain.municipality_code, chain.terminal_id, "silent",
                                now.isoformat(timespec="seconds"),
                                f"{silent_days}日以上連絡がありません(最終連絡: "
                                f"{chain.last_contact or 'なし'})"))
        alerts.extend(_record_alerts(chain.municipality_code, chain.terminal_id,
                                     records[chain.terminal_id]))
    alerts.sort(key=lambda a: (a.municipality_code, a.terminal_id, a.at, a.code))
    terminals = []
    for chain in chains:
        codes = sorted({a.code for a in alerts if a.terminal_id == chain.terminal_id})
        terminals.append(TerminalReview(chain.municipality_code, chain.terminal_id,
                                        chain.last_contact, chain.records, chain.state, codes))
    return Review(terminals, alerts, now.isoformat(timespec="seconds"))


def _with_count(detail: str, occurrences: int) -> str:
    return detail if occurrences <= 1 else f"{detail}(計{occurrences}回)"


def _all_records(tx: Any, terminal_id: str) -> list[tuple[int, str]]:
    rows: list[tuple[int, str]] = tx.conn.execute(
        "SELECT seq, record_json FROM operation_log WHERE terminal_id = ? ORDER BY epoch, seq",
        (terminal_id,)).fetchall()
    return rows


def _record_alerts(municipality: str, terminal: str, records: list[dict[str, Any]]
                   ) -> list[Alert]:
    alerts: list[Alert] = []
    failures: list[dt.datetime] = []
    after_hours: dict[str, list[str]] = defaultdict(list)
    pages: dict[tuple[str, str], int] = defaultdict(int)
    exports: dict[tuple[str, str], int] = defaultdict(int)
    burst_reported_until: dt.datetime | None = None
    for record in records:
        moment = _parse(record.get("time"))
        if moment is None:
            continue
        action, staff = record.get("action"), str(record.get("staff_id", ""))
        day = moment.date().isoformat()
        if action == "login.failure":
            failures = [t for t in failures if moment - t <= FAILED_LOGIN_WINDOW] + [moment]
            if len(failures) >= FAILED_LOGIN_BURST and (
                    burst_reported_until is None or failures[0] > burst_reported_until):
                alerts.append(Alert(municipality, terminal, "failed_logins",
                                    failures[0].isoformat(timespec="seconds"),
                                    f"{int(FAILED_LOGIN_WINDOW.total_seconds() // 60)}分以内に"
                                    f"ログイン失敗が{len(failures)}回以上あります"))
                burst_reported_until = moment
        if staff != SYSTEM_ACTOR and (not WORK_START <= moment.time() < WORK_END
                                      or moment.weekday() >= 5):
            after_hours[day].append(staff)
        raw_targets = record.get("targets")
        targets: dict[str, Any] = raw_targets if isinstance(raw_targets, dict) else {}
        if action == "print" and record.get("result") == "success":
            count = targets.get("pages")
            pages[(day, staff)] += count if isinstance(count, int) else 1
        if action == "export" and record.get("result") == "success":
            exports[(day, staff)] += 1
    for day, staffs in sorted(after_hours.items()):
        alerts.append(Alert(municipality, terminal, "after_hours", day,
                            f"時間外・休日の操作が{len(staffs)}件あります(職員ID: "
                            f"{', '.join(sorted(set(staffs)))})"))
    for (day, staff), total in sorted(pages.items()):
        if total >= BULK_PRINT_PAGES:
            alerts.append(Alert(municipality, terminal, "bulk_print", day,
                                f"職員ID {staff} が1日に{total}ページ印刷しました"))
    for (day, staff), total in sorted(exports.items()):
        if total >= BULK_EXPORT_COUNT:
            alerts.append(Alert(municipality, terminal, "bulk_export", day,
                                f"職員ID {staff} が1日に{total}件移出しました"))
    return alerts


def review_lines(review: Review) -> list[str]:
    """The text form: one line per terminal, then one line per alert."""
    lines = []
    for t in review.terminals:
        lines.append(f"{t.municipality_code} {t.terminal_id} 最終連絡 {t.last_contact or 'なし'} "
                     f"記録 {t.records}件 連鎖 {t.chain} 警告 "
                     f"{','.join(t.alerts) if t.alerts else 'なし'}")
    for a in review.alerts:
        lines.append(f"警告 {a.code} {a.municipality_code} {a.terminal_id} {a.at} {a.detail}")
    return lines


def run_re_enrol(data_dir: Path, terminal_id: str) -> int:
    """``shuyaku-sim terminal re-enrol``: approve a terminal whose log starts again."""
    import sys

    from shuyaku_sim.engine import Engine
    from shuyaku_sim.errors import SimError
    from shuyaku_sim.storage.db import DB_FILE

    if not (data_dir / DB_FILE).exists():
        print("shuyaku-sim: データディレクトリに国保情報集約システムのデータがありません。",
              file=sys.stderr)
        return 2
    engine = Engine.open(data_dir)
    try:
        result = engine.re_enrol(terminal_id)
    except SimError as exc:
        print(f"shuyaku-sim: {exc.user_message}", file=sys.stderr)
        return 1
    finally:
        engine.close()
    print(f"端末 {terminal_id}({result['municipality_code']})の再登録を承認しました"
          f"(旧記録: 通番 {result['previous_tip_seq']} まで、新しい連鎖 {result['epoch']})。"
          "この承認は記録され、review に re_enrolled として表示されます。")
    return 0


def run_review(
    data_dir: Path, as_json: bool, silent_days: int,
    pdf_writer: Callable[[Review], None] | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> int:
    """``shuyaku-sim review``: print the review; exit 1 when there is any alert."""
    import sys

    from shuyaku_sim.errors import SimError

    if silent_days < 1:
        print("shuyaku-sim: --silent-days には1以上を指定してください。", file=sys.stderr)
        return 2
    from shuyaku_sim.storage.db import DB_FILE

    if not (data_dir / DB_FILE).exists():
        print("shuyaku-sim: データディレクトリに国保情報集約システムのデータがありません。",
              file=sys.stderr)
        return 2
    try:
        db = Database.open(data_dir)
    except SimError as exc:
        print(f"shuyaku-sim: {exc.user_message}", file=sys.stderr)
        return 2
    try:
        now = (clock or dt.datetime.now)().replace(microsecond=0)
        review = build_review(db, now, silent_days, access_contacts(data_dir))
    finally:
        db.close()
    if as_json:
        sys.stdout.write(json.dumps(review.to_json(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("".join(line + "\n" for line in review_lines(review)))
    if pdf_writer is not None:
        pdf_writer(review)
    return 1 if review.alerts else 0

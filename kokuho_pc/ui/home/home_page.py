"""The ホーム screen: what is waiting and what the consolidation system reports, at a glance.

Cards for the last successful send, the files waiting on the chosen medium,
the deliveries not yet exported, the undecided candidates, the problems the
consolidation system reported and the link itself. A link that is down or
untrusted is shown in red with what to do; it is never silent. The figures
come from :class:`~kokuho_pc.services.dashboard.DashboardService` in a
background job, on 「更新」, when the page is shown and every few minutes.
"""

from __future__ import annotations

from kokuho_pc.domain.wareki import wareki_datetime, wareki_long
from kokuho_pc.services.accounts import validity_notices
from kokuho_pc.services.dashboard import Dashboard, DashboardService
from kokuho_pc.services.send_history import SendHistoryService
from kokuho_pc.services.transfer_views import medium_kind_label
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.home.dashboard_card import DashboardCard
from kokuho_pc.ui.printing.print_flow import PrintFlow
from kokuho_pc.ui.widgets.error_dialog import user_message
from kokuho_pc.ui.widgets.media_choice import MediaChoice
from kokuho_pc.ui.widgets.qt import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QShowEvent,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from kokuho_pc.ui.widgets.status_banner import StatusBanner

AUTO_REFRESH_MS = 180_000
WORKFLOW = (
    "業務の流れ\n"
    "1. 移入・送信: 市町村システムで作成した資格情報・高額該当情報のファイルを、使用許可された"
    "媒体から検査して送信します。\n"
    "2. 継続候補世帯: 国保情報集約システムが抽出した継続候補世帯ごとに、継続するかどうかを"
    "判断し、確定指示をします。\n"
    "3. 確定結果: 継続世帯確定結果と高額該当の引継ぎを確認し、印刷します。\n"
    "4. 受信・移出: 配信されたファイルを使用許可された媒体に移出し、市町村システムに取り込みます。"
)
UNKNOWN = "接続できないため確認できません。"


def _when(moment: object) -> str:
    from datetime import datetime

    return wareki_datetime(moment) if isinstance(moment, datetime) else ""


class HomePage(QWidget):
    """The dashboard; see the module docstring."""

    def __init__(self, context: AppContext, choice: MediaChoice | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.choice = choice or MediaChoice(self)
        self.service = DashboardService(context.profile, context.session)
        self.loading = False
        self.dashboard: Dashboard | None = None
        self.refreshed_label = QLabel()
        self.refresh_button = QPushButton("更新(&R)")
        self.link_banner = StatusBanner(self)
        self.log_alarm_banner = StatusBanner(self)  # administrators: the operation log's alarm
        self.validity_banner = StatusBanner(self)  # fiscal-year rollover, own validity ending
        self.validity_banner.setObjectName("validity_banner")
        self.last_send = DashboardCard("最終送信(受付済)")
        self.waiting = DashboardCard("媒体の送信待ちファイル")
        self.deliveries = DashboardCard("未移出の配信ファイル")
        self.candidates = DashboardCard("未判断の継続候補世帯")
        self.problems = DashboardCard("集約システムが報告したエラー")
        self.link = DashboardCard("国保情報集約システムとの接続")
        self.problem_list_button = self.problems.add_link("処理結果・エラーリスト…")
        self.printing = PrintFlow(context, self)
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_REFRESH_MS)
        self._build()
        self._wire()
        self.refresh()

    def _build(self) -> None:
        title = QLabel("ホーム")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        title.setFont(font)
        bar = QHBoxLayout()
        bar.addWidget(title)
        bar.addStretch(1)
        bar.addWidget(self.refreshed_label)
        bar.addWidget(self.refresh_button)
        grid = QGridLayout()
        grid.setSpacing(12)
        cards = (self.link, self.last_send, self.waiting,
                 self.deliveries, self.candidates, self.problems)
        for i, card in enumerate(cards):
            grid.addWidget(card, i // 3, i % 3)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.log_alarm_banner)
        layout.addWidget(self.validity_banner)
        layout.addWidget(self.link_banner)
        layout.addLayout(grid)
        guide = QLabel(WORKFLOW)
        guide.setWordWrap(True)
        guide.setStyleSheet("QLabel { color: #33414f; background: #f6f8fa; border: 1px solid"
                            " #d5dbe1; border-radius: 6px; padding: 10px 14px; }")
        layout.addSpacing(8)
        layout.addWidget(guide)
        layout.addStretch(1)

    def _wire(self) -> None:
        self.refresh_button.clicked.connect(self.refresh)
        self.problem_list_button.clicked.connect(self.print_problem_list)
        self.timer.timeout.connect(self._auto_refresh)
        self.choice.changed.connect(self._auto_refresh)

    def refresh(self) -> None:
        """「更新」: gather the figures again (a job)."""
        if self.loading:
            return
        self.loading = True
        self._show_validity()  # from the store and the clock: shown even when offline
        self.refresh_button.setEnabled(False)
        self.refreshed_label.setText("更新しています…")
        medium, extra = self.choice.path, list(self.choice.extra_dirs)
        self.context.jobs.run(
            lambda progress, cancel: self.service.summary(medium, extra, progress=progress,
                                                          cancel=cancel),
            self._loaded, self._failed, parent=self, store=True)

    def _auto_refresh(self) -> None:
        if self.isVisible() and not self.context.session.is_locked:
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.refresh_button.setEnabled(True)
        message, hint = user_message(exc)
        self.refreshed_label.setText("更新できませんでした")
        self.link_banner.set_message(f"状況を確認できませんでした。{message}", "error", hint)

    def _loaded(self, dashboard: Dashboard) -> None:
        self.loading = False
        self.refresh_button.setEnabled(True)
        if self.context.session.is_locked:
            return
        self.dashboard = dashboard
        moment = dashboard.refreshed_at
        self.refreshed_label.setText(f"最終更新: {_when(moment)}")
        self.refreshed_label.setToolTip(moment.strftime("%Y-%m-%d %H:%M:%S"))
        self._show_log_alarm(dashboard)
        self._show_link(dashboard)
        self._show_last_send(dashboard)
        self._show_waiting(dashboard)
        self._show_server(dashboard)

    def _show_validity(self) -> None:
        """The fiscal-year rollover (administrators, from March) and the last days of the
        user's own validity (issue 17); dated by the profile's clock."""
        notices = validity_notices(self.context.profile, self.context.session)
        if not notices:
            self.validity_banner.clear_message()
            return
        text = "\n".join(message for message, _hint in notices)
        hint = "\n".join(hint for _message, hint in notices)
        self.validity_banner.set_message(text, "warn", hint)

    def _show_log_alarm(self, d: Dashboard) -> None:
        if d.log_alarm is None:
            self.log_alarm_banner.clear_message()
        else:
            message, hint = d.log_alarm
            self.log_alarm_banner.set_message(message, "error", hint)

    def _show_link(self, d: Dashboard) -> None:
        if d.link.ok:
            self.link.set_state("正常", d.link.message, "ok")
            self.link_banner.clear_message()
        else:
            self.link.set_state("接続エラー", f"{d.link.message}\n{d.link.hint}", "error")
            self.link_banner.set_message(
                f"国保情報集約システムとの接続に問題があります。{d.link.message}", "error",
                d.link.hint)

    def _show_last_send(self, d: Dashboard) -> None:
        last = d.last_send
        if last is None:
            self.last_send.set_state("記録なし", "この端末から受け付けられた送信はまだありません。")
            return
        when = wareki_long(last.at.date()) if last.at else "日時不明"
        parts = [f"{last.at.hour:02d}時{last.at.minute:02d}分"] if last.at else []
        if last.submission_id is not None:
            parts.append(f"受付番号 {last.submission_id}")
        if isinstance(last.persons, int):
            parts.append(f"{last.persons:,}人")
        files = "、".join(last.files)
        self.last_send.set_state(when, " ・ ".join(parts) + (f"\n{files}" if files else ""),
                                 tooltip=last.at.strftime("%Y-%m-%d %H:%M") if last.at else "")

    def _show_waiting(self, d: Dashboard) -> None:
        m = d.medium
        if m.medium is None:
            self.waiting.set_state(
                "-", "使用許可された媒体が接続されていません。媒体を接続し、「移入・送信」画面で"
                "選択してください。", "normal")
            return
        name = f"{m.medium.path.name}({medium_kind_label(m.medium)})"
        if m.waiting is None:
            self.waiting.set_state("-", f"{name}: {m.problem or '読み取れません。'}", "error")
            return
        detail = f"{name}の未送信ファイル(全{m.total}件)。"
        if m.waiting:
            detail += "「移入・送信」画面で検査して送信してください。"
        self.waiting.set_state(f"{m.waiting}件", detail, "warn" if m.waiting else "normal")

    def _show_server(self, d: Dashboard) -> None:
        s = d.server
        if s is None:
            for card in (self.deliveries, self.candidates, self.problems):
                card.set_state("-", UNKNOWN, "normal")
            return
        n = s.undelivered_files
        self.deliveries.set_state(
            f"{n}件", "「受信・移出」画面で使用許可された媒体に移出してください。" if n
            else "移出していない配信はありません。", "warn" if n else "normal")
        n = s.undecided_candidates
        self.candidates.set_state(
            f"{n}件", "「継続候補世帯」画面で継続するかどうかを判断してください。" if n
            else "未判断の継続候補世帯はありません。", "warn" if n else "normal")
        lines = [f"受付を拒否された送信: {s.rejected_submissions}件",
                 f"空白・重複期間あり: {s.gap_or_overlap_persons}人",
                 f"前住所地に該当者なし(保留中): {s.pending_persons}人"]
        serious = s.rejected_submissions + s.gap_or_overlap_persons
        if serious:
            lines.append("市町村システムで適用期間と異動事由を確認し、訂正したファイルを"
                         "送信してください。")
        elif s.pending_persons:
            lines.append("転出元の市町村のファイルが届くと自動的に再確認されます。")
        level = "error" if serious else ("warn" if s.pending_persons else "normal")
        self.problems.set_state(f"{s.reported_problems}件", "\n".join(lines), level)

    def print_problem_list(self) -> None:
        """「処理結果・エラーリスト…」: every person whose latest result is 空白・重複・該当なし
        (世帯番号 and 市町村被保険者ID, from the consolidation system) in the print preview."""
        history = SendHistoryService(self.context.profile, self.context.session)
        self.printing.start(lambda printing: printing.render_problem_list(history.problems()))

    # --- visibility and lock ----------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Refresh when the page comes back into view; keep refreshing while shown."""
        super().showEvent(event)
        self.timer.start()
        if self.dashboard is not None and not self.loading:
            self.refresh()

    def hideEvent(self, event: object) -> None:
        """Stop the periodic refresh while hidden."""
        self.timer.stop()
        super().hideEvent(event)  # type: ignore[arg-type]

    def clear_for_lock(self) -> None:
        """Empty every figure (the idle lock)."""
        self.dashboard = None
        for card in (self.last_send, self.waiting, self.deliveries, self.candidates,
                     self.problems, self.link):
            card.clear()
        self.link_banner.clear_message()
        self.log_alarm_banner.clear_message()
        self.printing.clear_for_lock()
        self.refreshed_label.setText("")

    def restore_after_unlock(self) -> None:
        """Gather the figures again after the same user unlocked."""
        self.refresh()

"""The 外部媒体 tab: approve a medium for chosen staff, revoke an approval, list them.

A medium is a mounted removable volume, or — when the policy allows emulated
media (training, demo) — a plain folder, shown as 疑似媒体. Approval writes a
signed token onto the medium (``MediaAdminService.register``); revoking
takes effect at once. Administrators only; every call runs as a store job.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kokuho_pc.services.accounts import AccountService, AccountState, AccountView
from kokuho_pc.services.media_admin import MediaAdminService, MediaRecord, MediumStatus
from kokuho_pc.ui.admin.admin_account_dialog import DateField
from kokuho_pc.ui.admin.admin_models import MemoryTableModel, media_model
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.widgets import msgbox
from kokuho_pc.ui.widgets.error_dialog import show_error
from kokuho_pc.ui.widgets.qt import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
)
from kokuho_pc.ui.widgets.views import NoCopyTableView


def fiscal_year_end(day: dt.date) -> dt.date:
    """31 March ending the fiscal year of ``day`` (the default expiry)."""
    return dt.date(day.year + 1 if day.month >= 4 else day.year, 3, 31)


class StaffChecklist(QScrollArea):
    """One check box per staff account (plain widgets: nothing for the lock to miss)."""

    COLUMNS = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.boxes: dict[str, QCheckBox] = {}
        self._inner = QWidget()
        self._layout = QGridLayout(self._inner)
        self._layout.setContentsMargins(6, 4, 6, 4)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._layout.setHorizontalSpacing(24)
        self.setWidget(self._inner)

    def set_accounts(self, accounts: list[AccountView]) -> None:
        """Show ``accounts``; keep the checks of those still listed."""
        keep = set(self.checked())
        self.clear()
        for index, account in enumerate(accounts):
            box = QCheckBox(f"{account.user_id}({account.name}・{account.role.label})")
            box.setChecked(account.user_id in keep)
            self.boxes[account.user_id] = box
            self._layout.addWidget(box, index // self.COLUMNS, index % self.COLUMNS)

    def checked(self) -> list[str]:
        """The checked user IDs."""
        return [user_id for user_id, box in self.boxes.items() if box.isChecked()]

    def set_checked(self, user_ids: list[str]) -> None:
        """Check exactly ``user_ids``."""
        for user_id, box in self.boxes.items():
            box.setChecked(user_id in user_ids)

    def count(self) -> int:
        """How many accounts are listed."""
        return len(self.boxes)

    def clear(self) -> None:
        """Remove every account (also at the idle lock)."""
        for box in self.boxes.values():
            box.setText("")  # nothing readable remains until Qt deletes it
            box.hide()
            self._layout.removeWidget(box)
            box.deleteLater()
        self.boxes = {}


class AdminMediaTab(QWidget):
    """See the module docstring."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = MediaAdminService(context.profile)
        self.accounts = AccountService(context.profile)
        self.loading = False
        self.file_dialog: QFileDialog | None = None
        self.model: MemoryTableModel = media_model(self._today, self)
        self.table = NoCopyTableView(self, tooltip_columns=(2,))
        self.table.setObjectName("media_table")
        self.table.setAccessibleName("使用許可した媒体の一覧")
        self.reload_button = QPushButton("再表示")
        self.revoke_button = QPushButton("使用許可の取消")
        self.status = QLabel("")
        self.count = QLabel("")
        self.mounted = QComboBox()
        self.mounted.setAccessibleName("接続中の媒体")
        self.path = QLineEdit()
        self.path.setPlaceholderText("媒体のドライブ、または疑似媒体とするフォルダ")
        self.browse_button = QPushButton("参照…")
        self.staff = StaffChecklist()
        self.staff.setObjectName("media_staff")
        self.default_expiry = QCheckBox("年度末まで")
        self.default_expiry.setChecked(True)
        self.expires = DateField(fiscal_year_end(self._today()))
        self.expires.setAccessibleName("使用許可の有効期限")
        self.path.setAccessibleName("媒体の場所")
        self.register_button = QPushButton("使用を許可する")
        self._build()
        self._wire()
        self.reload()

    def _today(self) -> dt.date:
        return self.context.profile.clock().date()

    def _build(self) -> None:
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)  # newest approval first
        self.staff.setMaximumHeight(120)
        self.expires.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(QLabel("使用を許可した媒体"))
        top.addWidget(self.reload_button)
        top.addWidget(self.count)
        top.addStretch(1)
        top.addWidget(self.status)
        top.addWidget(self.revoke_button)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse_button)
        expiry_row = QHBoxLayout()
        expiry_row.addWidget(self.default_expiry)
        expiry_row.addWidget(self.expires, 1)
        form = QFormLayout()
        form.addRow("接続中の媒体", self.mounted)
        form.addRow("媒体の場所", path_row)
        form.addRow("使用を許可する職員", self.staff)
        form.addRow("有効期限", expiry_row)
        group = QGroupBox("媒体の使用許可(登録)")
        box = QVBoxLayout(group)
        box.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.register_button)
        box.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(group)
        self._update_buttons()

    def _wire(self) -> None:
        """Every signal of the tab, in one place."""
        self.reload_button.clicked.connect(self.reload)
        self.revoke_button.clicked.connect(self.ask_revoke)
        self.browse_button.clicked.connect(self.browse)
        self.register_button.clicked.connect(self.register)
        self.mounted.activated.connect(self._mounted_chosen)
        self.default_expiry.toggled.connect(lambda on: self.expires.setEnabled(not on))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

    # --- loading ---------------------------------------------------------------------

    def reload(self) -> None:
        """Load approvals, staff and mounted media in one job."""
        self.loading = True
        session = self.context.session

        def work(_p: object, _c: object) -> tuple[list[MediaRecord], list[AccountView],
                                                  list[MediumStatus]]:
            return (self.service.registered(session), self.accounts.list_users(session),
                    self.service.list_media(session))

        self.context.jobs.run(work, self._loaded, self._failed, parent=self, store=True)

    def _loaded(self, loaded: tuple[list[MediaRecord], list[AccountView],
                                    list[MediumStatus]]) -> None:
        self.loading = False
        if self.context.session.is_locked:
            return
        records, accounts, mounted = loaded
        records = sorted(records, key=lambda r: r.registered_at, reverse=True)
        self.model.set_rows(records)
        active = sum(1 for r in records if not r.revoked_at and r.expires >= self._today())
        self.count.setText(f"{len(records)}件(有効 {active}件)")
        self.table.resizeColumnsToContents()
        self.staff.set_accounts([a for a in accounts if a.state is not AccountState.REVOKED])
        self.mounted.clear()
        self.mounted.addItem("(フォルダを指定する)", "")
        for medium in mounted:
            state = "使用許可済" if medium.media_id else "未登録"
            self.mounted.addItem(f"{medium.path}({state})", str(medium.path))

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.register_button.setEnabled(True)
        show_error(self, exc)

    # --- registration ----------------------------------------------------------------

    def allowed_staff(self) -> list[str]:
        """The user IDs checked in the staff list."""
        return self.staff.checked()

    def set_allowed_staff(self, user_ids: list[str]) -> None:
        """Check exactly ``user_ids`` in the staff list."""
        self.staff.set_checked(user_ids)

    def _mounted_chosen(self, index: int) -> None:
        path = self.mounted.itemData(index)
        if path:
            self.path.setText(str(path))

    def browse(self) -> None:
        """「参照…」: choose a folder (non-blocking dialog)."""
        dialog = QFileDialog(self, "媒体の場所を選択")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(self.path.setText)
        self.file_dialog = dialog
        dialog.open()

    def register(self) -> None:
        """「使用を許可する」."""
        text = self.path.text().strip()
        staff = self.allowed_staff()
        if not text:
            msgbox.warning(self, "媒体の使用許可", "媒体の場所を指定してください。")
            return
        if not staff:
            msgbox.warning(self, "媒体の使用許可", "使用を許可する職員を選んでください。")
            return
        expires = None if self.default_expiry.isChecked() else self.expires.date()
        session, path = self.context.session, Path(text)
        self.register_button.setEnabled(False)
        self.context.jobs.run(
            lambda _p, _c: self.service.register(session, path, staff, expires),
            self._registered, self._failed, parent=self, store=True,
        )

    def _registered(self, record: MediaRecord) -> None:
        self.register_button.setEnabled(True)
        kind = "疑似媒体" if record.volume_kind == "emulated" else "外部媒体"
        self.status.setText(f"{kind} {record.media_id} の使用を許可しました")
        self.path.clear()
        self.set_allowed_staff([])
        self.reload()

    # --- revocation ------------------------------------------------------------------

    def selected(self) -> MediaRecord | None:
        """The selected approval, if any."""
        rows = self.table.selected_rows()
        record = self.model.object_at(rows[0]) if rows else None
        return record if isinstance(record, MediaRecord) else None

    def _update_buttons(self) -> None:
        record = self.selected()
        self.revoke_button.setEnabled(record is not None and not record.revoked_at)

    def ask_revoke(self) -> None:
        """「使用許可の取消」 after an explicit confirmation."""
        record = self.selected()
        if record is None:
            return
        media_id, session = record.media_id, self.context.session

        def revoke() -> None:
            self.context.jobs.run(lambda _p, _c: self.service.revoke(session, media_id),
                                  lambda _r: self._revoked(media_id), self._failed,
                                  parent=self, store=True)

        msgbox.confirm(self, "使用許可の取消", f"媒体 {media_id} の使用許可を取り消しますか？",
                       revoke, informative="取り消した媒体は、すぐに移入・移出に使えなくなります。")

    def _revoked(self, media_id: str) -> None:
        self.status.setText(f"媒体 {media_id} の使用許可を取り消しました")
        self.reload()

    # --- idle lock -------------------------------------------------------------------

    def clear_for_lock(self) -> None:
        """Empty the lists (the idle lock)."""
        self.model.clear()
        self.staff.clear()
        self.mounted.clear()
        self.status.setText("")
        self.count.setText("")

    def restore_after_unlock(self) -> None:
        """Load again after the same user unlocked."""
        self.reload()

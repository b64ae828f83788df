"""The 生体認証(認証器) dialog of one account: list, enrol in the administrator's presence, revoke.

Opened from the 職員アカウント tab for the selected account (issue 21). The list
shows each credential's short name (8 hex digits), when and in whose presence it
was enrolled and its state. Enrolling: the staff member types their password, the
administrator signs in on the same dialog (user ID and password), then the staff
member performs user verification on the authenticator (Windows Hello, a security
key). Every call — including the wait for the authenticator — runs as a job, so the
window never waits on the authenticator. Revoking asks for confirmation and takes
effect at once.
"""

from __future__ import annotations

import datetime as dt

from kokuho_pc.domain.errors import KokuhoError
from kokuho_pc.services.fido import CredentialView, FidoService
from kokuho_pc.services.messages import describe_error
from kokuho_pc.ui.admin.admin_models import MemoryTableModel, short_day
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.widgets import msgbox
from kokuho_pc.ui.widgets.error_dialog import show_error
from kokuho_pc.ui.widgets.models import CENTER, Column
from kokuho_pc.ui.widgets.qt import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from kokuho_pc.ui.widgets.views import NoCopyTableView

WAITING = ("認証器で本人確認をしてください(Windows Hello の顔・指紋・PIN、"
           "またはセキュリティキーの指紋)…")
COLUMNS = (
    Column("label", "認証器の名前"),
    Column("created", "登録日時", align=CENTER, format=short_day),
    Column("created_by", "立会いの管理者"),
    Column("state", "状態", align=CENTER),
)


def credential_row(obj: object) -> dict[str, object]:
    """The table row of a :class:`CredentialView`."""
    assert isinstance(obj, CredentialView)
    return {"label": obj.label, "created": dt.datetime.fromisoformat(obj.created_at),
            "created_by": obj.created_by, "state": obj.state_label}


def _password_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(1024)
    field.setPlaceholderText(placeholder)
    field.setMinimumWidth(280)
    return field


class FidoDialog(QDialog):
    """See the module docstring."""

    enrolled = Signal()

    def __init__(self, context: AppContext, user_id: str, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fidoDialog")
        self.setWindowTitle("生体認証(認証器)の登録・失効")
        self.context = context
        self.user_id = user_id
        self.service = FidoService(context.profile)
        self.busy = False
        self.model = MemoryTableModel(COLUMNS, lambda c: getattr(c, "label", ""),
                                      credential_row, self)
        self.table = NoCopyTableView(self, tooltip_columns=())
        self.table.setObjectName("fidoCredentials")
        self.table.setAccessibleName("登録済みの認証器の一覧")
        self.table.setModel(self.model)
        self.revoke_button = QPushButton("選択した認証器を失効")
        self.staff_password = _password_field("職員本人のパスワード")
        self.admin_id = QLineEdit()
        self.admin_id.setMaxLength(64)
        self.admin_id.setPlaceholderText("立会う情報システム管理者のユーザID")
        if context.session.is_admin:
            self.admin_id.setText(context.session.user_id)
        self.admin_password = _password_field("情報システム管理者のパスワード")
        self.enrol_button = QPushButton("認証器を登録する")
        self.enrol_button.setObjectName("fidoEnrolButton")
        self.close_button = QPushButton("閉じる")
        self.message = QLabel("")
        self.message.setObjectName("fidoMessage")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 3)
        self._build(user_id, name)
        self._wire()
        self.reload()

    def _build(self, user_id: str, name: str) -> None:
        heading = QLabel(f"職員「{user_id}」({name})の認証器")
        listed = QVBoxLayout()
        listed.addWidget(self.table)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.revoke_button)
        listed.addLayout(row)
        enrol = QGroupBox("新しい認証器の登録(情報システム管理者の立会いが必要です)")
        form = QFormLayout(enrol)
        form.addRow("職員のユーザID", QLabel(user_id))
        form.addRow("職員のパスワード", self.staff_password)
        form.addRow("管理者のユーザID", self.admin_id)
        form.addRow("管理者のパスワード", self.admin_password)
        note = QLabel("「認証器を登録する」を押したあと、職員本人が認証器で本人確認"
                      "(指紋・顔・PIN)をしてください。登録は操作ログに記録されます。")
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow(self.enrol_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(listed)
        layout.addWidget(enrol)
        layout.addLayout(bottom)
        self.resize(760, 560)

    def _wire(self) -> None:
        self.enrol_button.clicked.connect(self.enrol)
        self.revoke_button.clicked.connect(self.ask_revoke)
        self.close_button.clicked.connect(self.close)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.staff_password, self.admin_id, self.admin_password,
                       self.enrol_button, self.close_button):
            widget.setEnabled(not busy)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.revoke_button.setEnabled(not self.busy and chosen is not None
                                      and chosen.revoked_at is None
                                      and self.context.session.is_admin)

    def selected(self) -> CredentialView | None:
        """The credential of the selected row."""
        rows = self.table.selected_rows()
        if not rows:
            return None
        chosen = self.model.object_at(rows[0])
        return chosen if isinstance(chosen, CredentialView) else None

    # --- list ----------------------------------------------------------------------

    def reload(self) -> None:
        """Load the account's credentials in a job."""
        session, user_id = self.context.session, self.user_id
        self.context.jobs.run(lambda _p, _c: self.service.credentials(session, user_id),
                              self._loaded, self._failed, parent=self, store=True)

    def _loaded(self, rows: list[CredentialView]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, KokuhoError):
            described = describe_error(exc)
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(f"{described.message}\n{described.hint}")
            return
        show_error(self, exc)

    # --- enrol and revoke ----------------------------------------------------------

    def enrol(self) -> None:
        """Check both sign-ins and enrol (all in a job, waiting for the authenticator)."""
        if self.busy:
            return
        staff_pw = self.staff_password.text()
        admin_id = self.admin_id.text().strip()
        admin_pw = self.admin_password.text()
        if not staff_pw or not admin_id or not admin_pw:
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText("職員のパスワード、管理者のユーザIDとパスワードを入力してください。")
            return
        self._set_busy(True)
        self.message.setStyleSheet("color: #444444;")
        self.message.setText(WAITING)
        session, user_id = self.context.session, self.user_id
        self.context.jobs.run(
            lambda _p, _c: self.service.enrol(session, user_id, staff_pw, admin_id, admin_pw),
            self._enrolled, self._failed, parent=self, store=True)

    def _enrolled(self, view: CredentialView) -> None:
        self._set_busy(False)
        self.staff_password.clear()
        self.admin_password.clear()
        self.message.setStyleSheet("color: #1b5e20;")
        self.message.setText(f"認証器「{view.label}」を登録しました。")
        self.enrolled.emit()
        self.reload()

    def ask_revoke(self) -> None:
        """「選択した認証器を失効」 after a confirmation (effective at once)."""
        chosen = self.selected()
        if chosen is None:
            return
        label, session, user_id = chosen.label, self.context.session, self.user_id

        def revoke() -> None:
            self._set_busy(True)
            self.context.jobs.run(
                lambda _p, _c: self.service.revoke(session, user_id, label),
                lambda _r: self._revoked(label), self._failed, parent=self, store=True)

        msgbox.confirm(self, "認証器の失効",
                       f"認証器「{label}」を失効させますか？", revoke,
                       informative="失効した認証器ではすぐにログイン・画面ロック解除ができなく"
                                   "なり、元に戻せません。")

    def _revoked(self, label: str) -> None:
        self._set_busy(False)
        self.message.setStyleSheet("color: #1b5e20;")
        self.message.setText(f"認証器「{label}」を失効させました。")
        self.reload()

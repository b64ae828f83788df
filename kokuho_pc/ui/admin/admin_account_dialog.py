"""The account form of the administration page: create, edit role/validity, reset password.

One dialog, three modes: ``create`` (ID, name, role, validity, initial password
twice), ``edit`` (role and validity of an existing account) and ``reset`` (a new
initial password twice). ``submit(form)`` — a service call bound by the tab —
runs through the job helper; refusals (weak password, duplicate ID, ...) are
shown in the dialog, which stays open. Opened with ``show()``; success is
reported through :attr:`saved`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from kokuho_pc.domain.wareki import wareki_long
from kokuho_pc.services.accounts import AccountView, Role
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.widgets.error_dialog import user_message
from kokuho_pc.ui.widgets.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)


@dataclass(frozen=True)
class AccountForm:
    """What the administrator entered (``password`` empty in ``edit`` mode)."""

    user_id: str
    name: str
    role: Role
    valid_from: dt.date
    valid_to: dt.date | None
    password: str


Submit = Callable[[AccountForm], None]
TITLES = {"create": "アカウントの作成", "edit": "権限・利用期間の変更",
          "reset": "初期パスワードの再設定"}
OK_TEXT = {"create": "作成する", "edit": "変更する", "reset": "再設定する"}


def _to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class DateField(QWidget):
    """A date entry with the chosen date shown in 和暦 beside it."""

    def setAccessibleName(self, name: str) -> None:
        """The name is the date entry's (the part Tab reaches)."""
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    def __init__(self, day: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QDateEdit(QDate(day.year, day.month, day.day))
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy/MM/dd")
        self.wareki = QLabel()
        self.setAccessibleName("日付")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.wareki, 1)
        self.edit.dateChanged.connect(self._changed)
        self._changed()

    def date(self) -> dt.date:
        """The chosen date."""
        return _to_date(self.edit.date())

    def set_date(self, day: dt.date) -> None:
        """Set the chosen date."""
        self.edit.setDate(QDate(day.year, day.month, day.day))

    def _changed(self) -> None:
        self.wareki.setText(wareki_long(self.date()))


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(1024)
    return field


class AccountDialog(QDialog):
    """See the module docstring."""

    saved = Signal()

    def __init__(
        self, jobs: JobRunner, submit: Submit, *, mode: str, today: dt.date,
        account: AccountView | None = None, parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.mode = mode
        self._jobs = jobs
        self._submit = submit
        self.setWindowTitle(TITLES[mode])
        self.setMinimumWidth(600)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.user_id = QLineEdit(account.user_id if account else "")
        self.user_id.setPlaceholderText("例: suzuki.ichiro(職員一人ひとりを識別できるID)")
        self.user_id.setReadOnly(account is not None)
        self.name = QLineEdit(account.name if account else "")
        self.name.setReadOnly(account is not None)
        self.role = QComboBox()
        self.role.setAccessibleName("権限")
        for role in (Role.STAFF, Role.ADMIN):
            self.role.addItem(role.label, role.value)
        if account is not None:
            self.role.setCurrentIndex(0 if account.role is Role.STAFF else 1)
        self.valid_from = DateField(account.valid_from if account else today)
        end = account.valid_to if account and account.valid_to else dt.date(
            today.year + (1 if today.month >= 4 else 0), 3, 31)
        self.valid_to = DateField(end)
        self.valid_from.setAccessibleName("利用開始日")
        self.valid_to.setAccessibleName("利用終了日")
        self.no_end = QCheckBox("終了日を定めない")
        self.no_end.setChecked(account is not None and account.valid_to is None)
        self.password = _password_field()
        self.confirm = _password_field()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(OK_TEXT[mode],
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("キャンセル",
                                                    QDialogButtonBox.ButtonRole.RejectRole)
        if account is not None:
            for fixed in (self.user_id, self.name):
                fixed.setFrame(False)
                fixed.setStyleSheet("background: transparent;")
        self._build(account)
        self._wire()

    def _build(self, account: AccountView | None) -> None:
        form = QFormLayout()
        form.addRow("ユーザID", self.user_id)
        form.addRow("氏名", self.name)
        if self.mode in ("create", "edit"):
            form.addRow("権限", self.role)
            form.addRow("利用開始日", self.valid_from)
            form.addRow("利用終了日", self.valid_to)
            form.addRow("", self.no_end)
        if self.mode in ("create", "reset"):
            form.addRow("初期パスワード", self.password)
            form.addRow("初期パスワード(確認)", self.confirm)
        layout = QVBoxLayout(self)
        if self.mode in ("create", "reset"):
            intro = QLabel("初期パスワードは本人に直接伝えてください。最初のログインで"
                           "本人が変更するまで、他の操作はできません。")
            intro.setWordWrap(True)
            layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.valid_to.setEnabled(not self.no_end.isChecked())

    def _wire(self) -> None:
        """Every signal of the dialog, in one place."""
        self.ok_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.no_end.toggled.connect(lambda checked: self.valid_to.setEnabled(not checked))

    def form(self) -> AccountForm:
        """The entered values."""
        return AccountForm(
            self.user_id.text().strip(), self.name.text().strip(),
            Role(self.role.currentData()), self.valid_from.date(),
            None if self.no_end.isChecked() else self.valid_to.date(), self.password.text(),
        )

    def submit(self) -> None:
        """Check the fields and run the service call in the background."""
        if not self.ok_button.isEnabled():
            return
        form = self.form()
        if self.mode == "create" and (not form.user_id or not form.name):
            self.message.setText("ユーザIDと氏名を入力してください。")
            return
        if self.mode in ("create", "reset"):
            if not form.password:
                self.message.setText("初期パスワードを入力してください。")
                return
            if form.password != self.confirm.text():
                self.message.setText("初期パスワードと確認用の入力が一致しません。")
                self.confirm.clear()
                return
        self.ok_button.setEnabled(False)
        self.message.setText("")
        submit = self._submit
        self._jobs.run(lambda _p, _c: submit(form), self._succeeded, self._failed,
                       cancellable=False, parent=self, store=True)

    def _succeeded(self, _result: object) -> None:
        self.password.clear()
        self.confirm.clear()
        self.saved.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        message, hint = user_message(exc)
        self.message.setText(f"{message}\n{hint}" if hint else message)

    def clear_for_lock(self) -> None:
        """Forget the passwords typed so far (the idle lock)."""
        self.password.clear()
        self.confirm.clear()

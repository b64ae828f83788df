"""「再移出」: an administrator approves writing acknowledged deliveries to a medium again."""

from __future__ import annotations

from kokuho_pc.ui.widgets.demo_banner import demo_title
from kokuho_pc.ui.widgets.qt import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

TITLE = "受領確認済みの配信ファイルの再移出"
EXPLANATION = ("受領確認済みの配信ファイルをもう一度媒体に書き出します(媒体を紛失したときなど)。"
               "情報システム管理者の承認が必要です。承認した管理者は操作ログに記録されます。")


class ReexportDialog(QDialog):
    """Names the files; the administrator logs in to approve.

    ``approve_requested(admin_id, password, otp)`` asks the page to check the
    approval and re-export (jobs); the page answers with :meth:`refused` or closes it.
    """

    approve_requested = Signal(str, str, str)

    def __init__(self, names: list[str], demo: bool, second_factor: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reexport_dialog")
        self.setWindowTitle(demo_title(TITLE, demo))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.names = names
        self.admin_id = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.otp = QLineEdit()
        self.otp.setMaxLength(6)
        self.otp.setVisible(second_factor)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.approve_button = QPushButton("承認して再移出")
        self.cancel_button = QPushButton("キャンセル")
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        files = QLabel("対象: " + "、".join(names))
        files.setWordWrap(True)
        form = QFormLayout()
        form.addRow("管理者のユーザID", self.admin_id)
        form.addRow("パスワード", self.password)
        if second_factor:
            form.addRow("ワンタイムパスワード", self.otp)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(files)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self.approve_button.clicked.connect(self._submit)
        self.cancel_button.clicked.connect(self.reject)

    def _submit(self) -> None:
        admin, password = self.admin_id.text().strip(), self.password.text()
        if not admin or not password:
            self.refused("管理者のユーザIDとパスワードを入力してください。")
            return
        self.approve_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText("承認を確認しています…")
        self.approve_requested.emit(admin, password, self.otp.text().strip())

    def refused(self, message: str) -> None:
        """The approval or the re-export failed: say why; the fields can be used again."""
        self.password.clear()
        self.otp.clear()
        self.approve_button.setEnabled(True)
        self.status.setStyleSheet("color: #b00020;")
        self.status.setText(message)

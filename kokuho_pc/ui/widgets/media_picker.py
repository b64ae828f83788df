"""Choose a medium: mounted media with their approval state; unapproved ones disabled.

Lists media through :class:`~kokuho_pc.services.transfer_views.TransferViewService`
in a background job (it reads mount tables, tokens and the store). Emulated
media (folders, allowed by the policy for training and the demo) are marked
「疑似媒体」; a folder can be added with 「フォルダを選択…」.
"""

from __future__ import annotations

from pathlib import Path

from kokuho_pc.services.media_admin import MediumStatus
from kokuho_pc.services.transfer_views import TransferViewService
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.widgets import qt
from kokuho_pc.ui.widgets.media_choice import MediaChoice
from kokuho_pc.ui.widgets.qt import (
    QHBoxLayout,
    QItemSelectionModel,
    QLabel,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from kokuho_pc.ui.widgets.transfer_models import MediaTableModel
from kokuho_pc.ui.widgets.views import NoCopyTableView

NONE_APPROVED = ("使用許可された媒体が見つかりません。媒体を接続して「再検出」を押してください。"
                 "媒体の使用許可は情報システム管理者に依頼してください。")


class MediaPicker(QWidget):
    """Lists media and emits :attr:`chosen` (a ``MediumStatus`` or None)."""

    chosen = Signal(object)

    def __init__(self, context: AppContext, choice: MediaChoice,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.choice = choice
        self.service = TransferViewService(context.profile, context.session)
        self.loading = False
        self.current: MediumStatus | None = None
        self.model = MediaTableModel(self)
        self.table = NoCopyTableView(self, tooltip_columns=(2, 4))
        self.table.setObjectName("media_table")
        self.table.setAccessibleName("媒体の選択")
        self.rescan_button = QPushButton("再検出(&M)")
        self.folder_button = QPushButton("フォルダを選択…")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.dialog: object | None = None
        self._build()
        self._wire()

    def _build(self) -> None:
        self.table.setModel(self.model)
        self.table.setSelectionMode(NoCopyTableView.SelectionMode.SingleSelection)
        self.table.setMinimumHeight(110)
        self.folder_button.setVisible(self.context.profile.policy().emulated_media_allowed)
        self.folder_button.setToolTip("研修・デモ用: フォルダを外部媒体として扱います"
                                      "(使用許可されたフォルダのみ使用できます)。")
        title = QLabel("媒体の選択")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        bar = QHBoxLayout()
        bar.addWidget(title)
        bar.addStretch(1)
        bar.addWidget(self.rescan_button)
        bar.addWidget(self.folder_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)

    def _wire(self) -> None:
        self.rescan_button.clicked.connect(self.reload)
        self.folder_button.clicked.connect(self.open_folder_dialog)
        # Selection (not the current index, which Qt moves on its own at focus) chooses.
        self.table.selectionModel().selectionChanged.connect(lambda _s, _d: self._select())

    def reload(self) -> None:
        """List the media again (a job)."""
        self.loading = True
        self.rescan_button.setEnabled(False)
        self.note.setText("媒体を確認しています…")
        extra = list(self.choice.extra_dirs)
        self.context.jobs.run(lambda _p, _c: self.service.media(extra), self._loaded,
                              self._failed, parent=self, store=True)

    def _loaded(self, media: list[MediumStatus]) -> None:
        self.loading = False
        self.rescan_button.setEnabled(True)
        if self.context.session.is_locked:
            return
        self.model.set_rows(media)
        self.table.resizeColumnsToContents()
        approved = [m for m in media if m.approved]
        if not media:
            self.note.setText("接続されている媒体がありません。" + NONE_APPROVED)
        elif not approved:
            self.note.setText(NONE_APPROVED)
        elif len(approved) < len(media):
            self.note.setText("使用許可されていない媒体は選択できません(理由を「使用許可」欄に"
                              "表示しています)。")
        else:
            self.note.setText("")
        wanted = next((m for m in approved if m.path == self.choice.path), None)
        wanted = wanted or (approved[0] if len(approved) == 1 else None)
        self.current = None  # a fresh list: the pages reload what they show of the medium
        self._set_current(wanted)

    def _failed(self, exc: BaseException) -> None:
        from kokuho_pc.ui.widgets.error_dialog import user_message

        self.loading = False
        self.rescan_button.setEnabled(True)
        message, hint = user_message(exc)
        self.note.setText(f"媒体を確認できませんでした。{message}{hint}")
        self._set_current(None)

    def _set_current(self, medium: MediumStatus | None) -> None:
        items = self.model.items()
        row = next((i for i, m in enumerate(items) if medium is not None and m.path == medium.path),
                   None)
        selection = self.table.selectionModel()
        if row is None:
            selection.clearSelection()
            self._emit(None)
            return
        selection.setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self._emit(medium)

    def _select(self) -> None:
        rows = self.table.selected_rows()
        medium = self.model.item(rows[0]) if rows else None
        self._emit(medium if medium is not None and medium.approved else None)

    def _emit(self, medium: MediumStatus | None) -> None:
        changed = (medium.path if medium else None) != (self.current.path if self.current
                                                         else None)
        self.current = medium
        if medium is not None:
            self.choice.choose(medium.path)
        if changed or medium is None:
            self.chosen.emit(medium)

    def choose_path(self, path: Path) -> bool:
        """Choose the listed approved medium at ``path``; False when not selectable."""
        medium = next((m for m in self.model.items() if m.path == path and m.approved), None)
        if medium is None:
            return False
        self._set_current(medium)
        return True

    def add_folder(self, path: Path) -> None:
        """Add a folder as an emulated medium and list the media again."""
        self.choice.add_folder(path)
        self.reload()

    def open_folder_dialog(self) -> None:
        """「フォルダを選択…」: a non-blocking folder dialog."""
        dialog = qt.QtWidgets.QFileDialog(self, "媒体として使うフォルダを選択")
        dialog.setFileMode(qt.QtWidgets.QFileDialog.FileMode.Directory)
        dialog.setOption(qt.QtWidgets.QFileDialog.Option.ShowDirsOnly, True)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.fileSelected.connect(lambda name: self.add_folder(Path(name)))
        self.dialog = dialog
        dialog.open()

    def clear_for_lock(self) -> None:
        """Empty the list (the idle lock)."""
        self.model.clear()
        self.note.setText("")
        self.current = None

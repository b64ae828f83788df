"""The ポリシー tab: every machine-policy setting as declared, with its Japanese description.

The editors are built from ``PolicyService.specs()`` (int → spin box, bool →
check box, text → line edit, list → comma-separated line edit). 「変更を保存」
lists the changed settings, asks for confirmation and saves them one by one
through ``PolicyService.change`` (administrators only; each change is logged).
A new idle timeout takes effect at once through ``context.policy_changed``.
"""

from __future__ import annotations

from kokuho_pc.domain.errors import KokuhoError
from kokuho_pc.services.policy import Policy, PolicyService, SettingSpec
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.widgets import msgbox
from kokuho_pc.ui.widgets.error_dialog import show_error
from kokuho_pc.ui.widgets.qt import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
)

Editor = QSpinBox | QCheckBox | QLineEdit
WIDE_BOX = ("QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel"
            " { min-width: 560px; }")

# Settings shown first: what an administrator changes most.
FIRST = ("idle_timeout_seconds", "second_factor_required", "emulated_media_allowed",
         "session_max_hours", "audit_retention_days")


def _ordered(specs: tuple[SettingSpec, ...]) -> list[SettingSpec]:
    first = [s for name in FIRST for s in specs if s.name == name]
    return first + [s for s in specs if s.name not in FIRST]


def _value_text(value: object) -> str:
    if isinstance(value, bool):
        return "有効" if value else "無効"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "(なし)"
    return str(value) if value != "" else "(空欄)"


class AdminPolicyTab(QWidget):
    """See the module docstring."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = PolicyService(context.profile)
        self.specs = _ordered(self.service.specs())
        self.editors: dict[str, Editor] = {}
        self.loaded: dict[str, object] = {}
        self.reload_button = QPushButton("元に戻す")
        self.save_button = QPushButton("変更を保存(&S)")
        self.status = QLabel("")
        self._build()
        self._wire()
        self.reload()

    def _editor(self, spec: SettingSpec) -> Editor:
        editor: Editor
        if spec.type is bool:
            editor = QCheckBox("有効にする")
        elif spec.type is int:
            editor = QSpinBox()
            limits = PolicyService.int_range(spec)  # the declared range: 10 cannot be typed
            editor.setRange(*(limits or (0, 100_000)))
            editor.setMinimumWidth(120)
            editor.setMaximumWidth(160)
        else:
            editor = QLineEdit()
            if spec.type is list:
                editor.setPlaceholderText("複数あるときは「,」で区切ります")
        editor.setObjectName(f"policy_{spec.name}")
        editor.setAccessibleName(spec.description)
        return editor

    def _build(self) -> None:
        grid = QGridLayout()
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setHorizontalSpacing(18)
        for row, spec in enumerate(self.specs):
            label = QLabel(spec.description)
            label.setWordWrap(True)
            label.setToolTip(f"設定名: {spec.name}")
            editor = self._editor(spec)
            self.editors[spec.name] = editor
            grid.addWidget(label, row, 0)
            grid.addWidget(editor, row, 1, Qt.AlignmentFlag.AlignLeft if isinstance(
                editor, QSpinBox | QCheckBox) else Qt.AlignmentFlag(0))
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addLayout(grid)
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        intro = QLabel("この端末のポリシーです。変更は管理者のみが行え、操作ログに記録されます。")
        intro.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.reload_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addLayout(bar)

    def _wire(self) -> None:
        """Every signal of the tab, in one place."""
        self.reload_button.clicked.connect(self.reload)
        self.save_button.clicked.connect(self.ask_save)

    def reload(self) -> None:
        """Read the policy in a job and show it."""
        self.context.jobs.run(lambda _p, _c: self.service.current(), self._loaded,
                              self._load_failed, parent=self, store=True)

    def _load_failed(self, exc: BaseException) -> None:
        show_error(self, exc)

    def _loaded(self, policy: Policy) -> None:
        if self.context.session.is_locked:
            return
        for spec in self.specs:
            value = getattr(policy, spec.name)
            self.loaded[spec.name] = list(value) if isinstance(value, tuple) else value
            editor = self.editors[spec.name]
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QSpinBox):
                editor.setValue(int(value))
            else:
                editor.setText(", ".join(value) if isinstance(value, tuple) else str(value))

    def value_of(self, name: str) -> object:
        """The value entered for setting ``name``."""
        editor = self.editors[name]
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QSpinBox):
            return editor.value()
        text = editor.text().strip()
        spec = next(s for s in self.specs if s.name == name)
        if spec.type is list:
            return [part.strip() for part in text.split(",") if part.strip()]
        return text

    def changes(self) -> dict[str, object]:
        """Setting name → new value, for every edited setting."""
        return {s.name: self.value_of(s.name) for s in self.specs
                if s.name in self.loaded and self.value_of(s.name) != self.loaded[s.name]}

    def ask_save(self) -> None:
        """「変更を保存」: confirm the list of changes, then save them."""
        changes = self.changes()
        if not changes:
            self.status.setText("変更された設定はありません")
            return
        refused = self.refusals(changes)
        if refused:  # said before the confirmation, nothing is changed
            self.status.setText("\n".join(refused))
            self.status.setStyleSheet("color: #b00020;")
            return
        self.status.setStyleSheet("")
        lines = [f"・{s.description}: {_value_text(self.loaded[s.name])} → "
                 f"{_value_text(changes[s.name])}" for s in self.specs if s.name in changes]
        box = msgbox.confirm(self, "ポリシーの変更", f"次の{len(changes)}件の設定を変更しますか？",
                             lambda: self.save(changes), informative="\n".join(lines))
        box.setStyleSheet(WIDE_BOX)

    def refusals(self, changes: dict[str, object]) -> list[str]:
        """Why the policy would refuse some of ``changes`` (empty: all acceptable)."""
        refused = []
        for name, value in changes.items():
            try:
                PolicyService.check(name, value)
            except KokuhoError as exc:
                refused.append(exc.user_message)
        return refused

    def save(self, changes: dict[str, object]) -> None:
        """Save ``changes`` in a job (each change is logged)."""
        session = self.context.session
        self.save_button.setEnabled(False)

        def work(_p: object, _c: object) -> int:
            for name, value in changes.items():
                self.service.change(session, name, value)
            return len(changes)

        self.context.jobs.run(work, self._saved, self._failed, parent=self, store=True)

    def _saved(self, count: int) -> None:
        self.save_button.setEnabled(True)
        self.status.setText(f"{count}件の設定を変更しました")
        apply = getattr(self.context, "policy_changed", None)
        if callable(apply):
            apply()
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.reload()
        show_error(self, exc)

    def clear_for_lock(self) -> None:
        """Nothing personal is shown; the editors are reloaded after unlocking."""
        self.status.setText("")

    def restore_after_unlock(self) -> None:
        """Read the policy again."""
        self.reload()

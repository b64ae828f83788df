"""Message boxes opened with ``show()`` and a callback, never ``exec()``.

As in qutebrowser's ``misc/msgbox.py``: the caller passes what to do when the
box closes, so the GUI never blocks in a nested event loop and tests can drive
every box. Texts are plain text (never rich text built from data).
"""

from __future__ import annotations

from collections.abc import Callable

from kokuho_pc.ui.widgets.qt import QDialog, QMessageBox, Qt, QWidget

# Parentless dialogs would be garbage-collected while open; they live here until closed.
_OPEN_DIALOGS: set[QDialog] = set()


def keep_alive(dialog: QDialog) -> None:
    """Hold a reference to a parentless, non-blocking dialog until it finishes."""
    if dialog.parent() is None:
        _OPEN_DIALOGS.add(dialog)
        dialog.finished.connect(lambda _code: _OPEN_DIALOGS.discard(dialog))


def msgbox(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Information,
    informative: str = "",
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
    on_finished: Callable[[int], None] | None = None,
) -> QMessageBox:
    """Show a window-modal message box; ``on_finished(button)`` runs when it closes."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if informative:
        box.setInformativeText(informative)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(
        Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal
    )
    for standard, label in _JAPANESE_BUTTONS.items():
        button = box.button(standard)
        if button is not None:
            button.setText(label)
    if on_finished is not None:
        callback = on_finished

        def finished(_code: int) -> None:
            clicked = box.clickedButton()
            callback(box.standardButton(clicked).value if clicked is not None else 0)

        box.finished.connect(finished)
    keep_alive(box)
    box.show()
    return box


_JAPANESE_BUTTONS = {
    QMessageBox.StandardButton.Ok: "OK",
    QMessageBox.StandardButton.Cancel: "キャンセル",
    QMessageBox.StandardButton.Yes: "はい",
    QMessageBox.StandardButton.No: "いいえ",
    QMessageBox.StandardButton.Close: "閉じる",
}


def information(
    parent: QWidget | None, title: str, text: str, on_closed: Callable[[], None] | None = None
) -> QMessageBox:
    """Show an information box with 「OK」."""
    return msgbox(parent, title, text, on_finished=_ignore_button(on_closed))


def warning(
    parent: QWidget | None, title: str, text: str, on_closed: Callable[[], None] | None = None
) -> QMessageBox:
    """Show a warning box with 「OK」."""
    return msgbox(
        parent, title, text, icon=QMessageBox.Icon.Warning, on_finished=_ignore_button(on_closed)
    )


def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    on_yes: Callable[[], None],
    on_no: Callable[[], None] | None = None,
    *,
    informative: str = "",
) -> QMessageBox:
    """Ask a yes/no question (「いいえ」 is the default); exactly one callback runs."""

    def finished(button: int) -> None:
        if button == QMessageBox.StandardButton.Yes.value:
            on_yes()
        elif on_no is not None:
            on_no()

    box = msgbox(
        parent,
        title,
        text,
        icon=QMessageBox.Icon.Question,
        informative=informative,
        buttons=QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        on_finished=finished,
    )
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box


def _ignore_button(callback: Callable[[], None] | None) -> Callable[[int], None] | None:
    if callback is None:
        return None
    target = callback
    return lambda _button: target()

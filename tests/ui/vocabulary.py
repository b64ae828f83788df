"""ASCII words that should have been Japanese on a screen, a print or a log view (issue 17).

Staff read Japanese; an English word on screen is a code that escaped translation
(``staff``, ``wrong_password``, ``results``). Allowed are IDs and names: anything with
a digit, a dot, a hyphen, a slash or an @ (user IDs ``suzuki.hanako``, file names,
paths, versions), codes in capitals (``KSK01``, ``PDF``, ``TOTP``, ``ID``) and a few
product names. :func:`english_words` lists the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kokuho_pc.ui.widgets.qt import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QModelIndex,
    Qt,
    QWidget,
)

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./@:+=\\-]*")  # a base64 key is one token
PRODUCT_WORDS = frozenset({"Windows", "Hello", "Excel", "Notepad", "Unicode", "IPAex",
                           "SubjectPublicKeyInfo"})
# Where a screen shows a code on purpose, to the administrator: the policy setting's name
# in the configuration file (「設定名: idle_timeout_seconds」) and the values typed into
# the roles setting (「役割(staff・admin)」).
SHOWN_AS_CODE = re.compile(r"設定名: [a-z_]+|役割\(staff・admin\)")


def english_words(text: str) -> list[str]:
    """The ASCII words of ``text`` that are neither an ID, a file name nor a code."""
    found = []
    for token in _TOKEN.findall(SHOWN_AS_CODE.sub("", text)):
        if (re.search(r"[0-9./@:+=\\-]", token) or token.isupper() or token in PRODUCT_WORDS
                or len(token) >= 24):  # a key or digest, not a word
            continue
        found.append(token)
    return found


def _texts(widget: QWidget) -> Iterator[str]:
    for getter in ("windowTitle", "text", "placeholderText", "toolTip", "title",
                   "accessibleName", "plainText", "toPlainText"):
        value = getattr(widget, getter, None)
        if callable(value):
            try:
                text = value()
            except TypeError:
                continue
            if isinstance(text, str):
                yield text
    if isinstance(widget, QComboBox):
        for i in range(widget.count()):
            yield widget.itemText(i)
    if (isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView)
            and widget.model() is not None):
        model = widget.model()
        try:
            columns = model.columnCount(QModelIndex())
        except TypeError:  # a list widget's private model: one column
            columns = 1
        for column in range(columns):
            header = model.headerData(column, Qt.Orientation.Horizontal)
            if isinstance(header, str):
                yield header
        for row in range(min(model.rowCount(QModelIndex()), 500)):
            for column in range(columns):
                value = model.data(model.index(row, column))
                if isinstance(value, str):
                    yield value


def english_on_screen(root: QWidget) -> list[str]:
    """``word in Class(objectName): text`` for every English word under ``root``."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.objectName().startswith("Scroll"):
            continue  # the tab bar's arrows: Qt's own words (translated by qtbase_ja)
        for text in _texts(widget):
            for word in english_words(text):
                found.append(f"{word!r} in {type(widget).__name__}"
                             f"({widget.objectName()}): {text[:80]!r}")
    return found


def strip_mnemonic(text: str) -> str:
    """「検査(&K)」 → 「検査」, 「送信履歴(&Y)…」 → 「送信履歴…」, a lone & dropped."""
    return re.sub(r"\(&[A-Za-z0-9]\)", "", text).replace("&", "")


def texts_of(root: QWidget) -> set[str]:
    """Every text the tree under ``root`` shows (mnemonics stripped), with its menus,
    actions and tab titles."""
    from kokuho_pc.ui.widgets.qt import QAction, QTabWidget

    found: set[str] = set()
    for widget in [root, *root.findChildren(QWidget)]:
        found.update(_texts(widget))
        if isinstance(widget, QTabWidget):
            found.update(widget.tabText(i) for i in range(widget.count()))
        found.update(action.text() for action in widget.actions())
    found.update(action.text() for action in root.findChildren(QAction))
    return {strip_mnemonic(t) for t in found if t}

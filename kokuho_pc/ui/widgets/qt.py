"""The one gateway to PySide6: every Qt name the UI uses comes in through here.

No other module of the product imports PySide6 directly (tests/test_layering.py
checks it). Keeping the names in one place shows at a glance which parts of Qt
we depend on, which the PyInstaller spec uses to exclude the rest.

Names are bound lazily (PEP 562 ``__getattr__``): a name is looked up in its Qt
module the first time a module imports it, so start-up pays only for the Qt types
the login window needs; QtPdf, QtPdfWidgets and QtPrintSupport load with the first
printing screen. Type checkers and PyInstaller read the imports under
``TYPE_CHECKING`` below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6 import QtCore, QtGui, QtPdf, QtPdfWidgets, QtPrintSupport, QtWidgets
    from PySide6.QtCore import (
        QAbstractItemModel,
        QAbstractTableModel,
        QByteArray,
        QCoreApplication,
        QDate,
        QEvent,
        QEventLoop,
        QItemSelectionModel,
        QLibraryInfo,
        QLocale,
        QMargins,
        QModelIndex,
        QObject,
        QPersistentModelIndex,
        QPoint,
        QRect,
        QRunnable,
        QSize,
        QSortFilterProxyModel,
        Qt,
        QThread,
        QThreadPool,
        QTimer,
        QTranslator,
        QUrl,
        Signal,
        Slot,
        qVersion,
    )
    from PySide6.QtGui import (
        QAction,
        QClipboard,
        QCloseEvent,
        QColor,
        QDesktopServices,
        QFont,
        QFontDatabase,
        QGuiApplication,
        QHelpEvent,
        QIcon,
        QKeyEvent,
        QKeySequence,
        QPainter,
        QPalette,
        QPixmap,
        QResizeEvent,
        QShowEvent,
    )
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo
    from PySide6.QtWidgets import (
        QAbstractItemView,
        QApplication,
        QCheckBox,
        QComboBox,
        QDateEdit,
        QDialog,
        QDialogButtonBox,
        QFileDialog,
        QFormLayout,
        QFrame,
        QGridLayout,
        QGroupBox,
        QHBoxLayout,
        QHeaderView,
        QLabel,
        QLayout,
        QLineEdit,
        QListWidget,
        QListWidgetItem,
        QMainWindow,
        QMenu,
        QMenuBar,
        QMessageBox,
        QPlainTextEdit,
        QProgressBar,
        QPushButton,
        QRadioButton,
        QScrollArea,
        QSizePolicy,
        QSpinBox,
        QSplitter,
        QStackedWidget,
        QStatusBar,
        QStyle,
        QTableView,
        QTabWidget,
        QTextEdit,
        QToolButton,
        QToolTip,
        QVBoxLayout,
        QWidget,
    )
    from shiboken6 import isValid as qt_object_alive

# Where each name lives (module of PySide6); the modules themselves: QtCore, QtGui, ...
_WHERE: dict[str, tuple[str, ...]] = {
    "QtCore": (
        "QAbstractItemModel", "QAbstractTableModel", "QByteArray", "QCoreApplication", "QDate",
        "QEvent", "QEventLoop", "QItemSelectionModel", "QLibraryInfo", "QLocale", "QMargins",
        "QModelIndex", "QObject", "QPersistentModelIndex", "QPoint", "QRect", "QRunnable",
        "QSize", "QSortFilterProxyModel", "QThread", "QThreadPool", "QTimer", "QTranslator",
        "QUrl", "Qt", "Signal", "Slot", "qVersion",
    ),
    "QtGui": (
        "QAction", "QClipboard", "QCloseEvent", "QColor", "QDesktopServices", "QFont",
        "QFontDatabase", "QGuiApplication", "QHelpEvent", "QIcon", "QKeyEvent", "QKeySequence",
        "QPainter", "QPalette", "QPixmap", "QResizeEvent", "QShowEvent",
    ),
    "QtPdf": (
        "QPdfDocument",
    ),
    "QtPdfWidgets": (
        "QPdfView",
    ),
    "QtPrintSupport": (
        "QAbstractPrintDialog", "QPrintDialog", "QPrinter", "QPrinterInfo",
    ),
    "QtWidgets": (
        "QAbstractItemView", "QApplication", "QCheckBox", "QComboBox", "QDateEdit", "QDialog",
        "QDialogButtonBox", "QFileDialog", "QFormLayout", "QFrame", "QGridLayout", "QGroupBox",
        "QHBoxLayout", "QHeaderView", "QLabel", "QLayout", "QLineEdit", "QListWidget",
        "QListWidgetItem",
        "QMainWindow", "QMenu", "QMenuBar", "QMessageBox", "QPlainTextEdit", "QProgressBar",
        "QPushButton", "QRadioButton", "QScrollArea", "QSizePolicy", "QSpinBox", "QSplitter",
        "QStackedWidget", "QStatusBar", "QStyle", "QTabWidget", "QTableView", "QTextEdit",
        "QToolButton", "QToolTip", "QVBoxLayout", "QWidget",
    ),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}
_MODULES = ('QtCore', 'QtGui', 'QtPdf', 'QtPdfWidgets', 'QtPrintSupport', 'QtWidgets')


def __getattr__(name: str) -> Any:
    """Import ``name`` from its Qt module on first use and keep it in this module."""
    value: Any
    if name in _MODULES:
        value = importlib.import_module(f"PySide6.{name}")
    elif name in _MODULE_OF:
        value = getattr(importlib.import_module(f"PySide6.{_MODULE_OF[name]}"), name)
    elif name == "qt_object_alive":
        from shiboken6 import isValid

        value = isValid
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = [
    "QAbstractItemModel",
    "QAbstractItemView",
    "QAbstractPrintDialog",
    "QAbstractTableModel",
    "QAction",
    "QApplication",
    "QByteArray",
    "QCheckBox",
    "QClipboard",
    "QCloseEvent",
    "QColor",
    "QComboBox",
    "QCoreApplication",
    "QDate",
    "QDateEdit",
    "QDesktopServices",
    "QDialog",
    "QDialogButtonBox",
    "QEvent",
    "QEventLoop",
    "QFileDialog",
    "QFont",
    "QFontDatabase",
    "QFormLayout",
    "QFrame",
    "QGridLayout",
    "QGroupBox",
    "QGuiApplication",
    "QHBoxLayout",
    "QHeaderView",
    "QHelpEvent",
    "QIcon",
    "QItemSelectionModel",
    "QKeyEvent",
    "QKeySequence",
    "QLabel",
    "QLayout",
    "QLibraryInfo",
    "QLineEdit",
    "QListWidget",
    "QListWidgetItem",
    "QLocale",
    "QMainWindow",
    "QMargins",
    "QMenu",
    "QMenuBar",
    "QMessageBox",
    "QModelIndex",
    "QObject",
    "QPainter",
    "QPalette",
    "QPdfDocument",
    "QPdfView",
    "QPersistentModelIndex",
    "QPixmap",
    "QPlainTextEdit",
    "QPoint",
    "QPrintDialog",
    "QPrinter",
    "QPrinterInfo",
    "QProgressBar",
    "QPushButton",
    "QRadioButton",
    "QRect",
    "QResizeEvent",
    "QRunnable",
    "QScrollArea",
    "QShowEvent",
    "QSize",
    "QSizePolicy",
    "QSortFilterProxyModel",
    "QSpinBox",
    "QSplitter",
    "QStackedWidget",
    "QStatusBar",
    "QStyle",
    "QTabWidget",
    "QTableView",
    "QTextEdit",
    "QThread",
    "QThreadPool",
    "QTimer",
    "QToolButton",
    "QToolTip",
    "QTranslator",
    "QUrl",
    "QVBoxLayout",
    "QWidget",
    "Qt",
    "QtCore",
    "QtGui",
    "QtPdf",
    "QtPdfWidgets",
    "QtPrintSupport",
    "QtWidgets",
    "Signal",
    "Slot",
    "qVersion",
    "qt_object_alive",
]

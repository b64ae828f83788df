"""Qt flag values as plain integers, for code that runs before the login window shows.

PySide6 builds the whole ``Qt`` namespace (94 Python enums, about 14 ms of CPU) on
the first use of any ``Qt.*`` member, and reading a flags-typed value such as
``QLabel.textInteractionFlags()`` builds it too. The bare PySide6 window that the
start-up benchmark compares against pays none of that, so everything on the path to
the first window sets such values through Qt properties with these integers (Qt's
meta-object system converts them), and the namespace is built after the window shows.
``tests/ui/widgets/test_qt_values.py`` checks each value against PySide6's enum.
"""

from __future__ import annotations

from kokuho_pc.ui.widgets.qt import QLabel

ALIGN_CENTER = 0x0084  # Qt.AlignmentFlag.AlignCenter (AlignHCenter | AlignVCenter)
NO_TEXT_INTERACTION = 0x0  # Qt.TextInteractionFlag.NoTextInteraction
TEXT_SELECTABLE_BY_MOUSE = 0x1  # Qt.TextInteractionFlag.TextSelectableByMouse
TEXT_SELECTABLE_BY_KEYBOARD = 0x2  # Qt.TextInteractionFlag.TextSelectableByKeyboard
LINKS_ACCESSIBLE_BY_MOUSE = 0x4  # Qt.TextInteractionFlag.LinksAccessibleByMouse
LINKS_ACCESSIBLE_BY_KEYBOARD = 0x8  # Qt.TextInteractionFlag.LinksAccessibleByKeyboard


def centre_text(label: QLabel) -> None:
    """Centre ``label``'s text horizontally and vertically."""
    label.setProperty("alignment", ALIGN_CENTER)


def make_unselectable(label: QLabel) -> None:
    """Leave ``label`` only mouse-clickable links: no selection by mouse or keyboard.

    Qt's ``setTextInteractionFlags`` returns early when the flags are unchanged, so
    this is cheap on a label already hardened (and keeps its focus policy then).
    """
    label.setProperty("textInteractionFlags", LINKS_ACCESSIBLE_BY_MOUSE)

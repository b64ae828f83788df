"""kokuho_pc.ui: the desktop application (PySide6, only through ``ui.widgets.qt``).

One subpackage per screen — ``login`` (login, password change, second factor, idle lock and
lock screen), ``home``, ``send``, ``receive``, ``candidates``, ``results``, ``admin`` — plus
``printing`` (preview and print flow) and ``widgets`` (the Qt gateway, dialogs, the lazy table
model and no-copy view, copy lock-down, capture guard, DEMO banner, the transfer screens'
shared parts). The application shell stays here: ``app`` (start-up), ``controller`` (profile,
login, main window, lock, logout), ``main_window`` / ``pages`` / ``context`` (how screens plug
in), ``jobs`` (the one background-job helper), ``crash`` and ``log``.

The ui package calls services only (never store, auth, transfer or the network directly) and
never imports sqlcipher3, requests, reportlab or keyring. The demo and its tour live above it,
in ``kokuho_pc.demo``.
"""

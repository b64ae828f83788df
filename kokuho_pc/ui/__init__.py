"""kokuho_pc.ui: the desktop application (PySide6, through ``ui.qt`` only).

Foundation modules every screen uses:

- ``qt``: the one gateway to PySide6 names.
- ``app`` / ``controller``: start-up (crash hook, font, translations, lock-down, capture
  guard), profile opening and staging sweep in the background, login, password change,
  second-factor enrolment, main window, idle lock, logout.
- ``jobs``: the one background-job helper (progress after 0.5 s, cancel, store thread).
- ``models`` / ``views``: the lazy table model and the no-copy table view.
- ``lockdown``, ``idle_lock`` / ``lock_screen``, ``capture_guard``: locked-down operation.
- ``main_window`` / ``pages`` / ``context``: the shell and how screens plug into it.
- ``msgbox``, ``error_dialog``, ``error_details``, ``progress_dialog``, ``crash``: dialogs
  opened with ``show()`` and callbacks; errors in Japanese with data-free support details.
- ``demo_banner``, ``tour``, ``log``.

The ui package calls services only (never store, auth, transfer or the network directly) and
never imports sqlcipher3, requests, reportlab or keyring.
"""

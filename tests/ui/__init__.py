"""Tests of kokuho_pc.ui, one folder per screen as in the package; the shell's tests and the
fixtures every UI test shares (conftest.py, security_fixtures, transfer_env, widget_scan)
sit here."""

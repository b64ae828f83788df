"""Tests of kokuho_pc.ui.login."""

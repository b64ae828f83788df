"""Tests of kokuho_pc.ui.admin."""

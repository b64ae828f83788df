"""Tests of kokuho_pc.ui.widgets."""

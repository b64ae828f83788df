"""Tests of kokuho_pc.ui.send."""

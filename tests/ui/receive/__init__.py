"""Tests of kokuho_pc.ui.receive."""

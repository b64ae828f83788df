"""Tests of kokuho_pc.ui.results."""

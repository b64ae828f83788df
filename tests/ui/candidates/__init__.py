"""Tests of kokuho_pc.ui.candidates."""

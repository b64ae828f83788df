"""Tests of kokuho_pc.ui.home."""

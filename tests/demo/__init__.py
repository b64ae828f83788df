"""Tests of kokuho_pc.demo: the demo environment and the screen tour."""

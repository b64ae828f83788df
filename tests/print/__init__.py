"""Tests of kokuho_pc.print: the list reports as PDF."""

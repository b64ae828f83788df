"""Tests of kokuho_pc.synth: the synthetic prefecture and its files."""

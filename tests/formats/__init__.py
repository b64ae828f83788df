"""Tests of kokuho_pc.formats: the interface-file codec, names and checker."""

"""Fuzzing (hypothesis, schemathesis) of the interface-file parsers and the simulator's API."""

"""Tests of shuyaku_sim: its engine, storage, PKI and HTTP API."""

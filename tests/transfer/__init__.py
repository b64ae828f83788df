"""Tests of kokuho_pc.transfer: media, staging, the HTTPS client and the send/export
pipelines, faults included."""

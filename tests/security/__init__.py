"""Tests of the security core: store, keys, accounts, passwords, TOTP, session, operation log
and the security-relevant command-line commands."""

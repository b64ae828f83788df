"""The command line of docs/cli.md (administration, scripted operation, checks)."""

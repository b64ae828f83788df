"""The command line of ../shared/spec/cli.md (administration, scripted operation, checks)."""

"""End-to-end tests: the real client and a real simulator process, a whole working session
and the faults around it."""

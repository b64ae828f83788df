"""Pure domain values and rules: no Qt, no I/O, no network."""

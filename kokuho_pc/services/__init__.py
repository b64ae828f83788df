"""kokuho_pc.services package."""

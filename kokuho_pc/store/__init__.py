"""kokuho_pc.store package."""

"""kokuho_pc.audit package."""

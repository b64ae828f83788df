"""kokuho_pc.auth package."""

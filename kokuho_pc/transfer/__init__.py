"""kokuho_pc.transfer package."""

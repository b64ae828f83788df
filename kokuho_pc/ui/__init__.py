"""kokuho_pc.ui package."""

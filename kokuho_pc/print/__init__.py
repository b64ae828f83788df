"""kokuho_pc.print package."""

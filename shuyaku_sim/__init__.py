"""shuyaku_sim: the simulated consolidation system (国保情報集約システム)."""

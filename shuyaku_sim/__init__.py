"""shuyaku_sim: the simulated consolidation system (国保情報集約システム), standing in for
the external system the PC talks to; it may import only kokuho_pc.domain and formats."""

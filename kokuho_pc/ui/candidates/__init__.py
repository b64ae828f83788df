"""The 継続候補世帯 screen: its table models, the side-by-side detail, the decision
panel and the 確定指示 dialog.
"""

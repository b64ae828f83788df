"""The 受信・移出 screen: the deliveries of the consolidation system and their export
to an approved medium.
"""

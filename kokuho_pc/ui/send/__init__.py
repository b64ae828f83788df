"""The 移入・送信 screen: choose a medium and its files, check them, send them; with
the readable check result.
"""

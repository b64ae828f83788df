"""The 確定結果 screen: confirmed candidates with their carried high-cost months.
"""

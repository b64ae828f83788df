"""The 管理 page (情報システム管理者 only) and its tabs: accounts, media, policy and the
operation log.
"""

"""The operation log (操作ログ): a tamper-evident hash chain of every staff action, with
its verification, acknowledgement and pruning, and the closed list of logged actions."""

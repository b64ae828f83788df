"""kokuho-pc: the consolidation PC (国保総合PC) client; see docs/architecture.md for its
layers (domain → formats → store/audit/auth/transfer/print → services → ui → demo, cli)."""

__version__ = "0.1.0"

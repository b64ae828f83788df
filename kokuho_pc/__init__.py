"""kokuho-pc: the consolidation PC (国保総合PC) client."""

__version__ = "0.1.0"

"""What every screen shares: the one Qt gateway (``qt``), dialogs and message
boxes, the lazy table model and no-copy view, copy lock-down and capture
guard, the help window, the DEMO banner, and the transfer screens' common
parts.
"""

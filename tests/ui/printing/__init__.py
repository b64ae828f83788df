"""Printing from the screens: print-to-file refused, printer policy, printer names logged."""

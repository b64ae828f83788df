"""Printing from a screen: render in a background job, preview the PDF, log every
print that went out.
"""

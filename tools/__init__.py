"""Development tools run from a checkout (not part of the product), e.g. building the
manuals (tour screenshots and HTML)."""

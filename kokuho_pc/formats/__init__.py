"""Data-driven codec and checker for the interface files (layouts in resources/layouts/)."""

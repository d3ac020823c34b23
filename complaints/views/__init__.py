"""Pages of the complaints app."""

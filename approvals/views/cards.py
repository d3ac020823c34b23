"""Pages: cards."""

"""Pages: work."""
